"""The template context: a plain dict built from a Plan and its resolved tunnels (never ORM objects).

A context describes one device's view of its tunnels: `device` is the box being configured and `peer` the
other end. The on-premises view (device = a site, peer = the cloud gateway) feeds the device templates; the
cloud view (device = the cloud gateway, peer = a site) feeds the strongSwan template that emulates or drives
the cloud side; cross-region has one view per cloud gateway, each the other's customer gateway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wizard.network.plan import Plan, Site
from wizard.network.tunnels import ResolvedTunnel
from wizard.rendering.blocks import netmask, overlaps, subnet_entries
from wizard.rendering.device_view import DEFAULT_OUTSIDE_INTERFACE, device_view, require_ips, tunnel_entry
from wizard.rendering.ends import gateway_end, site_end
from wizard.rendering.errors import ConfigError
from wizard.rendering.plan_index import PlanIndex

# Importers of the template context find the plan index, spellings and platform defaults here too.
__all__ = [
    "DEFAULT_OUTSIDE_INTERFACE",
    "PlanIndex",
    "cloud_context",
    "cross_region_context",
    "netmask",
    "site_context",
]


def _policy_pairs(plan: Plan, site_subnets: Sequence[str]) -> list[tuple[str, str]]:
    """(cloud source, customer destination) pairs of the policy rules that concern this site."""
    pairs = []
    for rule in plan.policy_rules:
        for destination in rule.destinations:
            if any(overlaps(destination, own) for own in site_subnets):
                pairs.append((rule.source, destination))
    return pairs


def _site_tunnels(plan: Plan, index: PlanIndex, site: str) -> tuple[int, Site, list[ResolvedTunnel]]:
    """The site's position, the site and its tunnels; a ConfigError when the gateway has no IPs for them."""
    position, match = index.site(plan, site)
    own = index.tunnels.get(site, [])
    require_ips(
        [tunnel.cloud_ip for tunnel in own] or [""], plan.gateways[0].name, "gateways[0].ip_addresses"
    )
    return position, match, own


def site_context(
    plan: Plan,
    tunnels: Sequence[ResolvedTunnel],
    *,
    site: str,
    platform: str,
    generated_at: str,
    index: PlanIndex | None = None,
) -> dict[str, Any]:
    """The on-premises device of `site` talking to the cloud gateway."""
    index = index or PlanIndex(plan, tunnels)
    position, match, own = _site_tunnels(plan, index, site)
    views = [
        tunnel_entry(
            tunnel.connection,
            local_ip=tunnel.customer_ip,
            remote_ip=tunnel.cloud_ip,
            inside_local=tunnel.peer_address,
            inside_remote=tunnel.local_address,
            # The cloud sends over connection 1 first in both HA modes (cloud-vpn-rules.md §2.1).
            preferred=tunnel.connection == 1,
        )
        for tunnel in own
    ]
    return device_view(
        plan,
        platform=platform,
        generated_at=generated_at,
        side="customer",
        device=site_end(position, match),
        peer=gateway_end(plan, 0),
        device_subnets=index.site_subnets(position),
        remote_subnets=index.reachable(position),
        tunnels=views,
        selectors=[(destination, source) for source, destination in _policy_pairs(plan, match.subnets)],
        backup=plan.scenario == "dc_backup",
        initiator=True,
    )


def cloud_context(
    plan: Plan,
    tunnels: Sequence[ResolvedTunnel],
    *,
    site: str,
    generated_at: str,
    index: PlanIndex | None = None,
) -> dict[str, Any]:
    """The cloud gateway's side of its connections to `site` (strongSwan only): local = the gateway IPs."""
    index = index or PlanIndex(plan, tunnels)
    position, match, own = _site_tunnels(plan, index, site)
    views = [
        tunnel_entry(
            tunnel.connection,
            # One gateway serves many sites: its connection names carry the site's position in the plan.
            prefix=f"site{position + 1}-",
            local_ip=tunnel.cloud_ip,
            remote_ip=tunnel.customer_ip,
            inside_local=tunnel.local_address,
            inside_remote=tunnel.peer_address,
            preferred=tunnel.connection == 1,
        )
        for tunnel in own
    ]
    return device_view(
        plan,
        platform="strongswan",
        generated_at=generated_at,
        side="cloud",
        device=gateway_end(plan, 0),
        peer=site_end(position, match),
        device_subnets=index.reachable(position),
        remote_subnets=index.site_subnets(position),
        tunnels=views,
        selectors=_policy_pairs(plan, match.subnets),
        backup=False,
        initiator=False,
    )


def cross_region_context(
    plan: Plan, tunnels: Sequence[ResolvedTunnel], *, side: int, platform: str, generated_at: str
) -> dict[str, Any]:
    """Cloud gateway `side` (0 = A, 1 = B) of a cross-region pair; the other gateway is its customer gateway.

    Tunnel entries hold A's address as `local_address`; side B mirrors them.
    """
    if len(plan.gateways) != 2:
        raise ConfigError("A cross-region plan needs exactly two gateways.", path="gateways")
    own, other = plan.gateways[side], plan.gateways[1 - side]
    require_ips(list(own.ip_addresses[:2]) or [""], own.name, f"gateways[{side}].ip_addresses")
    require_ips(list(other.ip_addresses[:2]) or [""], other.name, f"gateways[{1 - side}].ip_addresses")
    views = []
    for tunnel in sorted(tunnels, key=lambda tunnel: tunnel.connection):
        a_ip, b_ip = tunnel.cloud_ip, tunnel.customer_ip
        views.append(
            tunnel_entry(
                tunnel.connection,
                local_ip=a_ip if side == 0 else b_ip,
                remote_ip=b_ip if side == 0 else a_ip,
                inside_local=tunnel.local_address if side == 0 else tunnel.peer_address,
                inside_remote=tunnel.peer_address if side == 0 else tunnel.local_address,
                preferred=tunnel.connection == 1,
            )
        )
    rule_pairs = [
        (rule.source, destination) for rule in plan.policy_rules for destination in rule.destinations
    ]
    device, peer = gateway_end(plan, side), gateway_end(plan, 1 - side)
    return device_view(
        plan,
        platform=platform,
        generated_at=generated_at,
        side="cloud",
        device=device,
        peer=peer,
        device_subnets=subnet_entries(device.subnets, device.subnets_path),
        remote_subnets=subnet_entries(peer.subnets, peer.subnets_path),
        tunnels=views,
        selectors=rule_pairs if side == 0 else [(destination, source) for source, destination in rule_pairs],
        backup=False,
        # Side A brings the tunnels up; side B answers (two initiators would race for duplicate SAs).
        initiator=side == 0,
    )
