"""Lookups shared by every device of one plan, with the hub's routes summarised once for all branches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wizard.network.addresses import Block, GroupSummary, parse_ipv4
from wizard.network.plan import Plan, Site
from wizard.network.tunnels import ResolvedTunnel
from wizard.rendering.blocks import block_entry, subnet_entries
from wizard.rendering.ends import gateway_end, gateway_subnets
from wizard.rendering.errors import ConfigError


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
            subnet_entries(gateway_subnets(gateway), gateway_end(plan, 0).subnets_path) if gateway else []
        )
        self.flat: list[dict[str, Any]] = []
        self.spans: list[tuple[int, int]] = []
        for position, site in enumerate(plan.sites):
            start = len(self.flat)
            self.flat += subnet_entries(site.subnets, f"sites[{position}].subnets")
            self.spans.append((start, len(self.flat)))
        self.branches_talk = plan.scenario == "branch_hub" and (
            plan.routing.mode == "static" or plan.routing.branch_interconnection
        )
        self.summary: GroupSummary | None = None
        self.entries: dict[Block, dict[str, Any]] = {}
        if self.branches_talk:
            shared = [_range(entry) for entry in self.gateway_subnets]
            shared += [_range(entry) for entry in subnet_entries(other_branches, "other_branches")]
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
