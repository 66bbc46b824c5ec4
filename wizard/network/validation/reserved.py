"""The plan against blocks other requests already hold on the same gateway (branches joining a hub)."""

from __future__ import annotations

from wizard.network.addresses import containing_block
from wizard.network.findings import ERROR, Finding, error
from wizard.network.reservations import ReservedIndex
from wizard.network.validation.context import PlanContext, Role

DEFAULT_RESERVED_LIMIT = 50


def check_reserved(
    context: PlanContext, index: ReservedIndex, *, limit: int = DEFAULT_RESERVED_LIMIT
) -> list[Finding]:
    """Each (plan block, reserved block) overlap once; the first ``limit`` listed, then a count."""
    # Two requests can never claim overlapping space on one gateway: customer subnets and tunnel /30s.
    plan = context.plan
    candidates = [(c.block, c.path, c.described) for c in context.claims if c.role is Role.CUSTOMER]
    for t, tunnel in enumerate(plan.tunnels):
        block = containing_block(tunnel.local_address)
        if block is not None and block.prefixlen == 30:
            candidates.append(
                (block, f"tunnels[{t}].local_address", f"tunnel {block.cidr} of {tunnel.peer!r}")
            )
    pairs = (
        (block, path, described, hit)
        for block, path, described in candidates
        for hit in index.overlapping(block)
    )
    findings: list[Finding] = []
    total = 0
    for block, path, described, hit in pairs:
        total += 1
        if len(findings) >= limit:
            continue
        reserved = index[hit]
        suggestion = context.free_suggestion(block.prefixlen) if block.prefixlen != 30 else ""
        findings.append(
            error(
                "subnet.reserved",
                path,
                f"{described} overlaps {index.block(hit).cidr} reserved by {reserved.owner} on this gateway.",
                suggestion or "Leave the tunnel out to get free /30s automatically.",
            )
        )
    if total > len(findings):
        findings.append(
            Finding(
                ERROR,
                "subnet.reserved_more",
                "",
                f"{total - len(findings)} more overlaps with blocks reserved by other requests are "
                "not listed "
                f"({total} in all).",
            )
        )
    return findings
