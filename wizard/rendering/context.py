"""The template context: a plain dict built from a Plan and its resolved tunnels (never ORM objects).

A context describes one device's view of its tunnels: `device` is the box being configured and `peer` the
other end. The on-premises view (device = a site, peer = the cloud gateway) feeds the device templates; the
cloud view (device = the cloud gateway, peer = a site) feeds the strongSwan template that emulates or drives
the cloud side; cross-region has one view per cloud gateway, each the other's customer gateway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.network.addresses import Block, GroupSummary, format_ipv4, parse_block, parse_ipv4
from wizard.network.plan import Gateway, Plan, Site
from wizard.network.tunnels import ResolvedTunnel
from wizard.rendering.errors import ConfigError
from wizard.rendering.platforms import map_policy, platform_spec

# The cloud recommends MSS < 1399 and tunnel MTU 1400 (cloud-vpn-rules.md §2.3); 1360 leaves room for
# IP + TCP headers with options on a 1400-byte tunnel.
TUNNEL_MTU = 1400
TCP_MSS = 1360
# DPD: on-demand with 3 retries is what the cloud recommends for customer gateways (§2.5).
DPD_RETRIES = 3
# dc_backup: the VPN path must lose against Direct Connect (learned over eBGP or static on the DC link).
BACKUP_LOCAL_PREFERENCE = 50
BACKUP_PREPEND = 3
BACKUP_DISTANCE = 230
PRIMARY_DISTANCE = 10
# BGP timers over a tunnel: keepalive 10 s, hold 30 s (fast failover between the two tunnels).
BGP_KEEPALIVE = 10
BGP_HOLD = 30

SCENARIO_LABELS = {
    "hybrid_cloud": "Hybrid cloud",
    "cross_region": "Cross-region VPC interconnection",
    "branch_hub": "Enterprise branch hub",
    "dc_backup": "VPN backup for Direct Connect",
}

# Outside interface used when the wizard was left blank: the header tells the user to check it.
DEFAULT_OUTSIDE_INTERFACE = {
    "strongswan": "",
    "cisco_iosxe": "GigabitEthernet1",
    "cisco_asa": "outside",
    "juniper_srx": "ge-0/0/0.0",
    "fortigate": "port1",
    "paloalto": "ethernet1/1",
    "huawei_vrp": "GigabitEthernet0/0/1",
    "mikrotik": "ether1",
    "generic": "",
}

# Per-field safe character sets: a config line can never be broken or extended by a value that passes.
_SAFE = {
    "name": re.compile(r"[A-Za-z0-9_.-]{1,64}"),
    "interface": re.compile(r"[A-Za-z0-9_./:-]{0,64}"),
    # The cloud's PSK alphabet (cloud-vpn-rules.md §3.4): no quotes, spaces, backslashes or `?`.
    "psk": re.compile(r"[A-Za-z0-9~!@#$%^()\-_+={},./:;]{8,128}"),
    "timestamp": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"),
}


def safe(value: str, kind: str, path: str) -> str:
    """`value` unchanged if every character is allowed for `kind`, else a ConfigError (defence in depth)."""
    if not isinstance(value, str) or _SAFE[kind].fullmatch(value) is None:
        raise ConfigError(
            f"{path} contains characters that cannot be written into a device configuration.",
            path=path,
            suggestion="Use letters, digits, '_', '.' and '-' only."
            if kind == "name"
            else "Remove quotes, spaces, backslashes and control characters.",
        )
    return value


def _address(value: str, path: str) -> str:
    """A plain IPv4 address, checked (defence in depth: addresses reach configs verbatim)."""
    if parse_ipv4(value) is None:
        raise ConfigError(f"{path} is not an IPv4 address ({value!r}).", path=path)
    return value


def netmask(prefixlen: int) -> str:
    return format_ipv4((0xFFFFFFFF << (32 - prefixlen)) & 0xFFFFFFFF)


def wildcard(prefixlen: int) -> str:
    return format_ipv4((1 << (32 - prefixlen)) - 1)


def subnet(cidr: str, path: str) -> dict[str, Any]:
    """A CIDR block in every spelling the templates need."""
    block = parse_block(cidr)
    if block is None:
        raise ConfigError(f"{path} is not a canonical IPv4 CIDR block ({cidr!r}).", path=path)
    return block_entry(block)


def block_entry(block: Block) -> dict[str, Any]:
    """A parsed block in every spelling the templates need."""
    return {
        "cidr": block.cidr,
        "network": format_ipv4(block.first),
        "prefixlen": block.prefixlen,
        "netmask": netmask(block.prefixlen),
        "wildcard": wildcard(block.prefixlen),
    }


def _subnets(cidrs: Iterable[str], path: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for index, cidr in enumerate(cidrs):
        entry = subnet(cidr, f"{path}[{index}]")
        seen.setdefault(entry["cidr"], entry)
    return list(seen.values())


def _overlaps(a: str, b: str) -> bool:
    first, second = parse_block(a), parse_block(b)
    return first is not None and second is not None and first.overlaps(second)


@dataclass(frozen=True)
class _End:
    """One end of the tunnels: its name, ASN, protected subnets (with their plan path) and plan path."""

    name: str
    path: str
    asn: int | None
    subnets: tuple[str, ...]
    subnets_path: str
    outside_interface: str = ""


def _gateway_subnets(gateway: Gateway) -> tuple[str, ...]:
    """What a cloud gateway protects: its local subnets, or (ER attachment without them) its VPC blocks."""
    return gateway.local_subnets or gateway.vpc_cidrs


def _gateway_end(plan: Plan, index: int) -> _End:
    gateway = plan.gateways[index]
    field = "local_subnets" if gateway.local_subnets else "vpc_cidrs"
    return _End(gateway.name, f"gateways[{index}]", gateway.bgp_asn, _gateway_subnets(gateway),
                f"gateways[{index}].{field}")  # fmt: skip


def _site_end(index: int, site: Site) -> _End:
    return _End(site.name, f"sites[{index}]", site.bgp_asn, site.subnets, f"sites[{index}].subnets",
                site.outside_interface)  # fmt: skip


def _range(entry: dict[str, Any]) -> tuple[int, int]:
    first = parse_ipv4(entry["network"]) or 0
    return first, first + (1 << (32 - entry["prefixlen"])) - 1


class PlanIndex:
    """Lookups shared by every device of one plan, built once: a hub renders 1,000 branches from one index.

    Holds each site's position and tunnels, and every subnet already converted to its template form.
    `other_branches` are the subnets of branches that reach the same hub through other requests.
    In a hub whose branches talk to each other, what a branch reaches through the hub (the VPC and every
    other branch) is summarised once for all branches: the fewest CIDR blocks covering exactly those
    addresses, so a 1,000-branch hub does not write 2,000 routes into every branch.
    """

    def __init__(
        self, plan: Plan, tunnels: Sequence[ResolvedTunnel], other_branches: Sequence[str] = ()
    ) -> None:
        self.positions = {site.name: position for position, site in enumerate(plan.sites)}
        self.tunnels: dict[str, list[ResolvedTunnel]] = {}
        for tunnel in sorted(tunnels, key=lambda tunnel: tunnel.connection):
            self.tunnels.setdefault(tunnel.peer, []).append(tunnel)
        gateway = plan.gateways[0] if plan.gateways else None
        self.gateway_subnets = (
            _subnets(_gateway_subnets(gateway), _gateway_end(plan, 0).subnets_path) if gateway else []
        )
        self.flat: list[dict[str, Any]] = []
        self.spans: list[tuple[int, int]] = []
        for position, site in enumerate(plan.sites):
            start = len(self.flat)
            self.flat += _subnets(site.subnets, f"sites[{position}].subnets")
            self.spans.append((start, len(self.flat)))
        self.branches_talk = plan.scenario == "branch_hub" and (
            plan.routing.mode == "static" or plan.routing.branch_interconnection
        )
        self.summary: GroupSummary | None = None
        self.entries: dict[Block, dict[str, Any]] = {}
        if self.branches_talk:
            shared = [_range(entry) for entry in self.gateway_subnets]
            shared += [_range(entry) for entry in _subnets(other_branches, "other_branches")]
            groups = [
                [_range(entry) for entry in self.site_subnets(position)]
                for position in range(len(plan.sites))
            ]
            self.summary = GroupSummary(shared, groups)

    def site(self, plan: Plan, name: str) -> tuple[int, Site]:
        if name not in self.positions:
            raise ConfigError(f"The plan has no site named {name!r}.", path="sites")
        position = self.positions[name]
        return position, plan.sites[position]

    def site_subnets(self, position: int) -> list[dict[str, Any]]:
        start, end = self.spans[position]
        return self.flat[start:end]

    def reachable(self, position: int) -> list[dict[str, Any]]:
        """Subnets the cloud side offers a site: the VPC, plus in a hub every other branch when they talk
        (then summarised, in address order)."""
        if self.summary is None:
            return list(self.gateway_subnets)
        entries = self.entries
        reachable = []
        for block in self.summary.without(position):
            entry = entries.get(block)
            if entry is None:
                entry = entries[block] = block_entry(block)
            reachable.append(entry)
        return reachable


def _policy_pairs(plan: Plan, site_subnets: Sequence[str]) -> list[tuple[str, str]]:
    """(cloud source, customer destination) pairs of the policy rules that concern this site."""
    pairs = []
    for rule in plan.policy_rules:
        for destination in rule.destinations:
            if any(_overlaps(destination, own) for own in site_subnets):
                pairs.append((rule.source, destination))
    return pairs


def _split_interface_address(value: str, path: str) -> tuple[str, int]:
    address, _, length = value.partition("/")
    if parse_ipv4(address) is None or not length.isdigit() or not 0 < int(length) <= 32:
        raise ConfigError(f"{path} is not an interface address like 169.254.70.2/30 ({value!r}).", path=path)
    return address, int(length)


def _tunnel(
    number: int,
    *,
    prefix: str = "",
    local_ip: str,
    remote_ip: str,
    inside_local: str,
    inside_remote: str,
    preferred: bool,
) -> dict[str, Any]:
    path = f"tunnels[{number - 1}]"
    entry: dict[str, Any] = {
        "number": number,
        "name": f"{prefix}tunnel{number}",
        "local_ip": _address(local_ip, f"{path}.local_ip"),
        "remote_ip": _address(remote_ip, f"{path}.remote_ip"),
        "local_id": local_ip,
        "remote_id": remote_ip,
        "preferred": preferred,
        "distance": PRIMARY_DISTANCE if preferred else PRIMARY_DISTANCE + 10,
        "inside": None,
    }
    if inside_local:
        local, length = _split_interface_address(inside_local, f"{path}.local_address")
        remote, remote_length = _split_interface_address(inside_remote, f"{path}.peer_address")
        if length != remote_length:
            raise ConfigError(f"{path}: both inside addresses must use the same prefix length.", path=path)
        block = (parse_ipv4(local) or 0) & ((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF)
        entry["inside"] = {
            "local": local,
            "remote": remote,
            "prefixlen": length,
            "netmask": netmask(length),
            "network": f"{format_ipv4(block)}/{length}",
            "local_cidr": f"{local}/{length}",
            "remote_cidr": f"{remote}/{length}",
        }
    return entry


def _require_ips(values: Sequence[str], who: str, path: str) -> None:
    if not all(values):
        raise ConfigError(
            f"The gateway IP addresses of {who} are not known yet, and configurations use real values only.",
            path=path,
            suggestion="Render the configurations after the cloud VPN gateway has been provisioned.",
        )


def _base(plan: Plan, platform: str, generated_at: str) -> dict[str, Any]:
    spec = platform_spec(platform)
    policy = map_policy(
        platform,
        ike={
            "version": plan.ike.version,
            "negotiation_mode": plan.ike.negotiation_mode,
            "authentication_algorithm": plan.ike.authentication_algorithm,
            "encryption_algorithm": plan.ike.encryption_algorithm,
            "dh_group": plan.ike.dh_group,
            "lifetime_seconds": plan.ike.lifetime_seconds,
        },
        ipsec={
            "authentication_algorithm": plan.ipsec.authentication_algorithm,
            "encryption_algorithm": plan.ipsec.encryption_algorithm,
            "pfs": plan.ipsec.pfs,
            "lifetime_seconds": plan.ipsec.lifetime_seconds,
        },
    )
    dpd = plan.ike.dpd
    policy["ike"]["dpd"] = {
        "interval": int(dpd.interval),
        "timeout": int(dpd.timeout),
        "retries": DPD_RETRIES,
        "dead_after": int(dpd.interval) + int(dpd.timeout) * DPD_RETRIES,
        "msg": safe(dpd.msg, "name", "ike.dpd.msg"),
    }
    policy["ike"]["cloud"] = {
        "version": plan.ike.version,
        "negotiation_mode": plan.ike.negotiation_mode,
        "authentication_algorithm": plan.ike.authentication_algorithm,
        "encryption_algorithm": plan.ike.encryption_algorithm,
        "dh_group": plan.ike.dh_group,
    }
    policy["ipsec"]["cloud"] = {
        "authentication_algorithm": plan.ipsec.authentication_algorithm,
        "encryption_algorithm": plan.ipsec.encryption_algorithm,
        "pfs": plan.ipsec.pfs,
        "transform_protocol": plan.ipsec.transform_protocol,
        "encapsulation_mode": plan.ipsec.encapsulation_mode,
    }
    return {
        "request": safe(plan.name, "name", "name"),
        "scenario": plan.scenario,
        "scenario_label": SCENARIO_LABELS.get(plan.scenario, plan.scenario),
        "mode": plan.routing.mode,
        "nqa": bool(plan.routing.nqa) and plan.routing.mode == "static",
        "generated_at": safe(generated_at, "timestamp", "generated_at"),
        "platform": spec.name,
        "platform_label": spec.label,
        "psk": safe(plan.psk, "psk", "psk"),
        "ike": policy["ike"],
        "ipsec": policy["ipsec"],
        "mtu": TUNNEL_MTU,
        "mss": TCP_MSS,
        "bgp_timers": {"keepalive": BGP_KEEPALIVE, "hold": BGP_HOLD},
    }


def _view(
    plan: Plan,
    *,
    platform: str,
    generated_at: str,
    side: str,
    device: _End,
    peer: _End,
    device_subnets: list[dict[str, Any]],
    remote_subnets: list[dict[str, Any]],
    tunnels: list[dict[str, Any]],
    selectors: list[tuple[str, str]],
    backup: bool,
    initiator: bool,
) -> dict[str, Any]:
    context = _base(plan, platform, generated_at)
    if context["mode"] != "policy":
        selectors = []
    elif not selectors:
        # No policy rule names this end's subnets: protect every local x remote pair.
        selectors = [(local["cidr"], remote["cidr"]) for local in device_subnets for remote in remote_subnets]
    default_interface = DEFAULT_OUTSIDE_INTERFACE[context["platform"]]
    interface = safe(device.outside_interface, "interface", f"{device.path}.outside_interface")
    context.update(
        side=side,
        initiator=initiator,
        device={
            "name": safe(device.name, "name", f"{device.path}.name"),
            "asn": device.asn,
            "outside_interface": interface or default_interface,
            "outside_interface_given": bool(interface),
        },
        peer={"name": safe(peer.name, "name", f"{peer.path}.name"), "asn": peer.asn},
        local_subnets=device_subnets,
        remote_subnets=remote_subnets,
        tunnels=tunnels,
        selectors=[
            {
                "number": number,
                "local": subnet(local, "policy_rules"),
                "remote": subnet(remote, "policy_rules"),
            }
            for number, (local, remote) in enumerate(selectors, start=1)
        ],
        backup={
            "enabled": backup,
            "local_preference": BACKUP_LOCAL_PREFERENCE,
            "prepend": BACKUP_PREPEND,
            "distance": BACKUP_DISTANCE,
        },
    )
    if backup:
        for tunnel in tunnels:
            tunnel["distance"] = BACKUP_DISTANCE + tunnel["number"] - 1
    if context["mode"] == "bgp":
        for end, what in ((device, "device"), (peer, "peer")):
            if end.asn is None:
                raise ConfigError(f"BGP routing needs the BGP ASN of {end.name}.", path=f"{end.path}.bgp_asn")
            context[what]["asn"] = int(end.asn)
    context["checks"] = _checks(context)
    return context


_PLATFORM_CHECKS = {
    "cisco_iosxe": ("interfaces Tunnel1 and Tunnel2 are not used yet",),
    "cisco_asa": ("interfaces Tunnel1 and Tunnel2 are not used yet (ASA 9.8 or later for VTI)",),
    "juniper_srx": ("st0.1 and st0.2 are unused; security policies allow zone cloud-vpn to your LAN zone",),
    "fortigate": ("firewall policies allow the protected subnets between your LAN and the tunnels",),
    "paloalto": ('virtual router "default", zone "cloud-vpn"; security policies allow the subnets',),
    "huawei_vrp": ("interfaces Tunnel0/0/1 and Tunnel0/0/2 and IKE proposal 10 are not used yet",),
    "mikrotik": ("RouterOS 7; firewall filter rules accept IKE and the protected subnets",),
}


def _checks(context: dict[str, Any]) -> list[str]:
    """Device-local facts the generator cannot know: the header asks the user to check them."""
    checks = []
    platform = context["platform"]
    interface = context["device"]["outside_interface"]
    if platform not in ("strongswan", "generic"):
        if context["device"]["outside_interface_given"]:
            checks.append(f"outside interface {interface} (as entered in the wizard)")
        else:
            checks.append(f"outside interface {interface} (platform default; replace it if yours differs)")
    checks.extend(_PLATFORM_CHECKS.get(platform, ()))
    checks.append(
        "UDP 500 and 4500 (and ESP) from the peer gateway IPs are permitted on the outside interface"
    )
    checks.append("no NAT is applied between the protected subnets (NAT exemption)")
    return checks


def _site_tunnels(plan: Plan, index: PlanIndex, site: str) -> tuple[int, Site, list[ResolvedTunnel]]:
    """The site's position, the site and its tunnels; a ConfigError when the gateway has no IPs for them."""
    position, match = index.site(plan, site)
    own = index.tunnels.get(site, [])
    _require_ips(
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
        _tunnel(
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
    return _view(
        plan,
        platform=platform,
        generated_at=generated_at,
        side="customer",
        device=_site_end(position, match),
        peer=_gateway_end(plan, 0),
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
        _tunnel(
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
    return _view(
        plan,
        platform="strongswan",
        generated_at=generated_at,
        side="cloud",
        device=_gateway_end(plan, 0),
        peer=_site_end(position, match),
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
    _require_ips(list(own.ip_addresses[:2]) or [""], own.name, f"gateways[{side}].ip_addresses")
    _require_ips(list(other.ip_addresses[:2]) or [""], other.name, f"gateways[{1 - side}].ip_addresses")
    views = []
    for tunnel in sorted(tunnels, key=lambda tunnel: tunnel.connection):
        a_ip, b_ip = tunnel.cloud_ip, tunnel.customer_ip
        views.append(
            _tunnel(
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
    device, peer = _gateway_end(plan, side), _gateway_end(plan, 1 - side)
    return _view(
        plan,
        platform=platform,
        generated_at=generated_at,
        side="cloud",
        device=device,
        peer=peer,
        device_subnets=_subnets(device.subnets, device.subnets_path),
        remote_subnets=_subnets(peer.subnets, peer.subnets_path),
        tunnels=views,
        selectors=rule_pairs if side == 0 else [(destination, source) for source, destination in rule_pairs],
        backup=False,
        # Side A brings the tunnels up; side B answers (two initiators would race for duplicate SAs).
        initiator=side == 0,
    )
