"""Tunnel inside address rules (C13, checklist 7)."""

from __future__ import annotations

from wizard.network.addresses import block_of, format_ipv4, parse_interface
from wizard.network.findings import Finding, error
from wizard.network.plan import Plan, TunnelAddressing
from wizard.network.tunnels import CLOUD_RESERVED, CONNECTIONS, LINK_LOCAL, TUNNEL_PREFIXLEN, tunnel_peers


def check_tunnel_address(text: str, path: str) -> tuple[list[Finding], int | None]:
    """Findings for one inside address, and the address as an integer when it is usable."""
    parsed = parse_interface(text)
    # The API takes the address with its prefix, e.g. 169.254.70.1/30.
    if parsed is None:
        return [
            error(
                "tunnel.invalid",
                path,
                f"{text!r} is not an interface address with prefix (169.254.x.y/30).",
                "Did you mean 169.254.x.y/30?" if "/" not in text else "",
            )
        ], None
    address, length = parsed
    shown = format_ipv4(address)
    # Tunnel interfaces use /30 networks only.
    if length != TUNNEL_PREFIXLEN:
        return [
            error(
                "tunnel.prefix",
                path,
                f"{text} has prefix /{length}; tunnel interfaces use /30.",
                f"Did you mean {shown}/30?",
            )
        ], None
    # Tunnel interfaces live in 169.254.0.0/16.
    if not LINK_LOCAL.first <= address <= LINK_LOCAL.last:
        return [error("tunnel.not_link_local", path, f"{text} is outside 169.254.0.0/16.")], None
    # The cloud refuses 169.254.195.0/24.
    if CLOUD_RESERVED.first <= address <= CLOUD_RESERVED.last:
        return [
            error(
                "tunnel.cloud_reserved",
                path,
                f"{text} is in 169.254.195.0/24, which the cloud reserves.",
                "Pick another /30, or leave the tunnel out for automatic addresses.",
            )
        ], None
    # Network and broadcast addresses of the /30 cannot be assigned to an interface.
    if address & 3 in (0, 3):
        base = address & ~3
        return [
            error(
                "tunnel.not_host",
                path,
                f"{text} is the {'network' if address & 3 == 0 else 'broadcast'} address of its /30.",
                f"Did you mean {format_ipv4(base + 1)}/30 or {format_ipv4(base + 2)}/30?",
            )
        ], None
    return [], address


def check_tunnel_pair(entry: TunnelAddressing, path: str) -> tuple[list[Finding], int | None]:
    """Both ends of one tunnel: each address on its own, then the two together. Returns the /30's base."""
    local_findings, local = check_tunnel_address(entry.local_address, f"{path}.local_address")
    peer_findings, peer = check_tunnel_address(entry.peer_address, f"{path}.peer_address")
    findings = local_findings + peer_findings
    if local is None or peer is None:
        return findings, None
    # Both ends must be different hosts of one /30.
    if local == peer:
        partner = (local & ~3) + (3 - (local & 3))
        findings.append(
            error(
                "tunnel.same_address",
                f"{path}.peer_address",
                f"Both ends of the tunnel use {format_ipv4(local)}.",
                f"Did you mean {format_ipv4(partner)}/30?",
            )
        )
        return findings, None
    if local & ~3 != peer & ~3:
        partner = (local & ~3) + (3 - (local & 3))
        findings.append(
            error(
                "tunnel.different_subnet",
                f"{path}.peer_address",
                f"{entry.peer_address} is not in the /30 of {entry.local_address} "
                f"({block_of(local & ~3, TUNNEL_PREFIXLEN).cidr}).",
                f"Did you mean {format_ipv4(partner)}/30?",
            )
        )
        return findings, None
    return findings, local & ~3


def check_tunnels(plan: Plan) -> list[Finding]:
    findings: list[Finding] = []
    peers = tunnel_peers(plan)
    seen_slots: dict[tuple[str, int], str] = {}
    seen_blocks: dict[int, str] = {}
    for t, entry in enumerate(plan.tunnels):
        path = f"tunnels[{t}]"
        # Policy-based connections have no tunnel interfaces (UMN-CONN).
        if plan.routing.mode == "policy":
            findings.append(
                error(
                    "tunnel.policy_mode",
                    path,
                    "Policy-based connections have no tunnel interface addresses.",
                    "Remove the tunnel entries, or use static or BGP routing.",
                )
            )
            continue
        # A tunnel belongs to a site (or, across regions, to the second gateway).
        if entry.peer not in peers:
            findings.append(
                error(
                    "tunnel.unknown_peer",
                    f"{path}.peer",
                    f"Tunnel peer {entry.peer!r} is not a peer of this plan.",
                    f"Peers: {', '.join(peers)}." if peers else "",
                )
            )
        # Connection 1 uses gateway IP 1, connection 2 gateway IP 2.
        if entry.connection not in CONNECTIONS:
            findings.append(
                error(
                    "tunnel.connection", f"{path}.connection", f"Connection {entry.connection} is not 1 or 2."
                )
            )
        slot = (entry.peer, entry.connection)
        # One set of addresses per connection.
        if slot in seen_slots:
            findings.append(
                error(
                    "tunnel.duplicate",
                    path,
                    f"Connection {entry.connection} to {entry.peer!r} already has addresses in "
                    f"{seen_slots[slot]}.",
                )
            )
        seen_slots.setdefault(slot, path)
        pair_findings, base = check_tunnel_pair(entry, path)
        findings += pair_findings
        if base is None:
            continue
        # Every tunnel of one gateway needs its own /30 (DERIVED: the interfaces share one routing table).
        if base in seen_blocks:
            findings.append(
                error(
                    "tunnel.subnet_in_use",
                    f"{path}.local_address",
                    f"{block_of(base, TUNNEL_PREFIXLEN).cidr} is already used by {seen_blocks[base]}.",
                    "Give every tunnel its own /30, or leave it out for automatic addresses.",
                )
            )
        seen_blocks.setdefault(base, path)
    return findings
