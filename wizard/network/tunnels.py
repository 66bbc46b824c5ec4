"""Tunnel inside addresses: which tunnels a plan has, and automatic /30 allocation (rules C13)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wizard.network.addresses import (
    Block,
    block_of,
    containing_block,
    format_ipv4,
    free_starts,
    merge,
    parse_block,
)
from wizard.network.plan import Plan, TunnelAddressing

LINK_LOCAL = block_of(
    0xA9FE0000, 16
)  # 169.254.0.0/16: the only space the cloud accepts for tunnel interfaces
CLOUD_RESERVED = block_of(0xA9FEC300, 24)  # 169.254.195.0/24: refused by the cloud
# RFC 3927 keeps the first and last /24 of 169.254.0.0/16 back; automatic allocation leaves them alone.
AUTO_RANGE = (0xA9FE0100, 0xA9FEFEFF)
CONNECTIONS = (1, 2)
TUNNEL_PREFIXLEN = 30


@dataclass(frozen=True)
class ResolvedTunnel:
    """One tunnel (one connection to one peer) with its final inside addresses.

    ``local_address`` is the cloud side (API ``tunnel_local_address``), ``peer_address`` the customer side,
    both ``"169.254.x.y/30"``; both are ``""`` in policy mode, which has no tunnel interfaces.
    ``cloud_ip`` / ``customer_ip`` are the outer addresses, ``""`` while unknown.
    """

    peer: str
    connection: int
    cloud_ip: str
    customer_ip: str
    local_address: str
    peer_address: str


def tunnel_peers(plan: Plan) -> list[str]:
    """Peer names in plan order: the sites, or for cross-region the second gateway."""
    if plan.scenario == "cross_region":
        return [plan.gateways[1].name] if len(plan.gateways) >= 2 else []
    return [site.name for site in plan.sites]


def _pick(addresses: tuple[str, ...], connection: int) -> str:
    """Connection 1 uses the first address, connection 2 the second (or the only one)."""
    if not addresses:
        return ""
    return addresses[min(connection - 1, len(addresses) - 1)]


def outer_addresses(plan: Plan, peer: str, connection: int) -> tuple[str, str]:
    """The (cloud gateway IP, customer gateway IP) of one connection, ``""`` where not known yet."""
    cloud = _pick(plan.gateways[0].ip_addresses, connection) if plan.gateways else ""
    if plan.scenario == "cross_region":
        remote = plan.gateways[1].ip_addresses if len(plan.gateways) >= 2 else ()
        return cloud, _pick(remote, connection)
    site = next((site for site in plan.sites if site.name == peer), None)
    return cloud, _pick(site.gateway_ips, connection) if site else ""


def allocate_tunnel_blocks(count: int, used: Iterable[tuple[int, int]]) -> list[Block]:
    """The lowest ``count`` free /30s of the automatic range, avoiding 169.254.195.0/24 and ``used``."""
    taken = merge([*used, (CLOUD_RESERVED.first, CLOUD_RESERVED.last)])
    starts = free_starts(1 << (32 - TUNNEL_PREFIXLEN), [AUTO_RANGE], taken, count)
    if len(starts) < count:
        raise ValueError("No free /30 left in 169.254.0.0/16 for the tunnel inside addresses.")
    return [block_of(start, TUNNEL_PREFIXLEN) for start in starts]


def _used_ranges(plan: Plan, used: Iterable[str]) -> list[tuple[int, int]]:
    ranges = []
    texts = [*used, *(t.local_address for t in plan.tunnels), *(t.peer_address for t in plan.tunnels)]
    for text in texts:
        block = parse_block(text) or containing_block(text)
        if block is not None:
            ranges.append((block.first, block.last))
    return ranges


def manual_entry(plan: Plan, peer: str, connection: int) -> TunnelAddressing | None:
    return next((t for t in plan.tunnels if t.peer == peer and t.connection == connection), None)


def resolve_tunnels(plan: Plan, *, used: Iterable[str] = ()) -> tuple[ResolvedTunnel, ...]:
    """Every tunnel of the plan, one per (peer, connection), in plan order.

    Manual inside addresses are kept as written; the others get the lowest free /30s (cloud side the first
    host, customer side the second), skipping 169.254.195.0/24, every manual /30 and ``used`` (addresses or
    blocks already taken on the gateway). The same plan and ``used`` always give the same result.
    """
    slots = [(peer, connection) for peer in tunnel_peers(plan) for connection in CONNECTIONS]
    if plan.routing.mode == "policy":
        return tuple(ResolvedTunnel(p, c, *outer_addresses(plan, p, c), "", "") for p, c in slots)
    missing = [slot for slot in slots if manual_entry(plan, *slot) is None]
    allocated = iter(allocate_tunnel_blocks(len(missing), _used_ranges(plan, used)))
    resolved = []
    for peer, connection in slots:
        entry = manual_entry(plan, peer, connection)
        if entry is not None:
            local, remote = entry.local_address, entry.peer_address
        else:
            block = next(allocated)
            local = f"{format_ipv4(block.first + 1)}/{TUNNEL_PREFIXLEN}"
            remote = f"{format_ipv4(block.first + 2)}/{TUNNEL_PREFIXLEN}"
        resolved.append(
            ResolvedTunnel(peer, connection, *outer_addresses(plan, peer, connection), local, remote)
        )
    return tuple(resolved)
