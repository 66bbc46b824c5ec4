"""What every rule module shares: the plan's address blocks, parsed once, with their owners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from wizard.network.addresses import Block, explain_block, free_blocks, merge, parse_block
from wizard.network.findings import Finding, error
from wizard.network.plan import Plan


class Role(StrEnum):
    """What an address block is for; overlap rules depend on the roles of both blocks."""

    CUSTOMER = "customer"  # a site's subnets: the connection's customer subnets
    LOCAL = "local"  # a cloud gateway's local subnets
    VPC = "vpc"  # a VPC's own address blocks
    DIRECT_CONNECT = "direct_connect"  # on-premises subnets reached over Direct Connect


@dataclass(frozen=True, slots=True)
class Claim:
    """One valid address block of the plan, where it is written and who owns it."""

    block: Block
    cidr: str
    path: str
    role: Role
    owner: tuple[str, int]
    owner_label: str

    @property
    def described(self) -> str:
        return f"{self.cidr} of {self.owner_label}"


def site_label(plan: Plan, index: int) -> str:
    kind = "branch" if plan.scenario == "branch_hub" else "site"
    return f"{kind} '{plan.sites[index].name}'"


@dataclass
class PlanContext:
    """A plan with its address blocks parsed once; invalid blocks become findings here, not in each rule."""

    plan: Plan
    claims: list[Claim] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    blocks: dict[str, Block | None] = field(default_factory=dict)
    extra_taken: Callable[[], list[tuple[int, int]]] = list
    _free: dict[int, list[str]] = field(default_factory=dict)
    _taken: list[tuple[int, int]] | None = None

    def block(self, text: str, path: str, what: str) -> Block | None:
        """The parsed block, or ``None`` after recording why ``text`` is not a valid CIDR block."""
        if text in self.blocks:
            parsed = self.blocks[text]
        else:
            parsed = self.blocks[text] = parse_block(text)
        if parsed is None:
            problem = explain_block(text)
            # The cloud API takes canonical IPv4 CIDR blocks only (mask given, no host bits).
            self.findings.append(
                error(problem.code, path, f"{what} {text!r} {problem.reason}.", problem.suggestion)
            )
        return parsed

    def claim(self, text: str, path: str, what: str, role: Role, owner: tuple[str, int], label: str) -> None:
        parsed = self.block(text, path, what)
        if parsed is not None:
            self.claims.append(Claim(parsed, text, path, role, owner, label))

    def free_suggestion(self, prefixlen: int) -> str:
        """Free blocks of one size inside RFC 1918, avoiding the plan's blocks and the reserved ones."""
        if self._taken is None:
            self._taken = merge([(c.block.first, c.block.last) for c in self.claims] + self.extra_taken())
        if prefixlen not in self._free:
            self._free[prefixlen] = free_blocks(prefixlen, self._taken)
        free = self._free[prefixlen]
        return f"Free blocks of that size: {', '.join(free)}." if free else ""

    def claims_of(self, role: Role) -> list[Claim]:
        return [claim for claim in self.claims if claim.role is role]


def build_context(plan: Plan) -> PlanContext:
    context = PlanContext(plan)
    for g, gateway in enumerate(plan.gateways):
        owner = ("gateway", g)
        vpc_label = f"VPC '{gateway.vpc}'"
        for i, cidr in enumerate(gateway.vpc_cidrs):
            context.claim(cidr, f"gateways[{g}].vpc_cidrs[{i}]", "VPC block", Role.VPC, owner, vpc_label)
        local_label = f"the local subnets of gateway '{gateway.name}'"
        for i, cidr in enumerate(gateway.local_subnets):
            path = f"gateways[{g}].local_subnets[{i}]"
            context.claim(cidr, path, "Local subnet", Role.LOCAL, owner, local_label)
    for s, site in enumerate(plan.sites):
        owner, label = ("site", s), site_label(plan, s)
        for i, cidr in enumerate(site.subnets):
            context.claim(cidr, f"sites[{s}].subnets[{i}]", "Customer subnet", Role.CUSTOMER, owner, label)
    if plan.direct_connect is not None:
        owner, label = ("direct_connect", 0), "the Direct Connect subnets"
        for i, cidr in enumerate(plan.direct_connect.subnets):
            path = f"direct_connect.subnets[{i}]"
            context.claim(cidr, path, "Direct Connect subnet", Role.DIRECT_CONNECT, owner, label)
    return context
