"""Whole-topology overlap detection by one sort and a sweep (never all pairs).

CIDR blocks never partially overlap: two blocks are either disjoint or one contains the other. Sorting
the distinct blocks by (first address, size descending) and keeping a stack of the blocks that contain
the current one therefore finds every overlapping pair with at most 33 stack entries per block.
Identical blocks are grouped, and pairs are counted per role and owner arithmetically, so even thousands
of copies of one block cost no more than their number; only the listed findings are built one by one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import islice

from wizard.network.addresses import Block
from wizard.network.findings import ERROR, WARNING, Finding, Severity
from wizard.network.validation.context import Claim, PlanContext, Role

DEFAULT_OVERLAP_LIMIT = 50

Category = tuple[Severity, str]
Owner = tuple[str, int]

_EXPLANATIONS = {
    "subnet.overlap": "Two peers cannot claim the same addresses: the gateway could route them to "
    "only one tunnel.",
    "subnet.overlaps_vpc": "Customer subnets must not lie inside or cover the VPC's own address space.",
    "subnet.same_as_local": "The cloud refuses a customer subnet identical to a local subnet.",
    "subnet.overlaps_local": "The cloud allows it, but the shared addresses are sent into the tunnel.",
    "subnet.duplicate": "The same block is listed twice for one site.",
    "subnet.redundant": "The smaller block is already covered by the larger one.",
    "local_subnet.overlap": "Overlapping local subnets become overlapping traffic selectors.",
    "vpc.overlap": "Interconnected VPCs must use disjoint address space.",
    "vpc.cidr_overlap": "A VPC's address blocks should not overlap each other.",
    "direct_connect.overlaps_cloud": "Direct Connect remote subnets must not overlap the cloud side.",
}
_SUGGEST_FREE = {"subnet.overlap", "subnet.overlaps_vpc", "subnet.same_as_local"}
_BLAME_ORDER = {Role.CUSTOMER: 0, Role.LOCAL: 1, Role.DIRECT_CONNECT: 2, Role.VPC: 3}


def classify(
    first: Role, second: Role, *, same_owner: bool, identical: bool, outer: Block
) -> Category | None:
    """The finding for two overlapping blocks with these roles, or ``None`` when the overlap is fine."""
    roles = {first, second}
    if roles == {Role.CUSTOMER}:
        # Branches must be pairwise disjoint (§6.3); within one site an overlap is only redundant.
        if same_owner:
            return WARNING, "subnet.duplicate" if identical else "subnet.redundant"
        return ERROR, "subnet.overlap"
    if roles == {Role.CUSTOMER, Role.VPC}:
        # C5/C8: a customer subnet must not fall inside (or cover) a VPC block.
        return ERROR, "subnet.overlaps_vpc"
    if roles == {Role.CUSTOMER, Role.LOCAL}:
        # C4: identical is refused; a mere overlap is allowed but swallows traffic (except a 0.0.0.0/0 local).
        if identical:
            return ERROR, "subnet.same_as_local"
        return None if outer.prefixlen == 0 else (WARNING, "subnet.overlaps_local")
    if roles == {Role.LOCAL}:
        # C11: overlapping local subnets of one gateway (legacy rule); across regions they are peers' subnets.
        return (WARNING, "local_subnet.overlap") if same_owner else (ERROR, "subnet.overlap")
    if roles == {Role.LOCAL, Role.VPC}:
        # A gateway's local subnets normally are its VPC's; the other region's VPC must stay disjoint.
        return None if same_owner else (ERROR, "subnet.overlaps_vpc")
    if roles == {Role.VPC}:
        # §6.2: interconnected VPCs must not overlap.
        return (WARNING, "vpc.cidr_overlap") if same_owner else (ERROR, "vpc.overlap")
    if Role.DIRECT_CONNECT in roles and roles & {Role.LOCAL, Role.VPC}:
        # §6.4: Direct Connect remote subnets cannot overlap the local subnets.
        return ERROR, "direct_connect.overlaps_cloud"
    return None


class _Node:
    """All claims of one distinct block; grouped by role and owner only when the block overlaps another."""

    __slots__ = ("block", "indices", "_members")

    def __init__(self, block: Block, index: int) -> None:
        self.block = block
        self.indices = [index]
        self._members: dict[Role, dict[Owner, list[int]]] | None = None

    def group(self, claims: list[Claim]) -> None:
        if self._members is not None:
            return
        members: dict[Role, dict[Owner, list[int]]] = {}
        for index in self.indices:
            claim = claims[index]
            members.setdefault(claim.role, {}).setdefault(claim.owner, []).append(index)
        self._members = members

    @property
    def members(self) -> dict[Role, dict[Owner, list[int]]]:
        assert self._members is not None
        return self._members

    def count(self, role: Role) -> int:
        return sum(len(group) for group in self.members[role].values())


def _node_order(node: _Node) -> tuple[int, int]:
    return node.block.first, -node.block.last


def _pair_counts(inner: _Node, outer: _Node, r1: Role, r2: Role) -> tuple[int, int]:
    """(same-owner pairs, different-owner pairs) between role r1 of ``inner`` and role r2 of ``outer``."""
    groups1, groups2 = inner.members[r1], outer.members[r2]
    if inner is outer and r1 == r2:
        total = inner.count(r1) * (inner.count(r1) - 1) // 2
        same = sum(len(g) * (len(g) - 1) // 2 for g in groups1.values())
    else:
        total = inner.count(r1) * outer.count(r2)
        small, large = (groups1, groups2) if len(groups1) <= len(groups2) else (groups2, groups1)
        same = sum(len(group) * len(large[owner]) for owner, group in small.items() if owner in large)
    return same, total - same


def _member_pairs(
    inner: _Node, outer: _Node, r1: Role, r2: Role, same_owner: bool
) -> Iterator[tuple[int, int]]:
    groups1, groups2 = inner.members[r1], outer.members[r2]
    one_list = inner is outer and r1 == r2
    for owner1, group1 in groups1.items():
        for owner2, group2 in groups2.items():
            if (owner1 == owner2) != same_owner or (one_list and not same_owner and owner1 >= owner2):
                continue
            for position, i in enumerate(group1):
                for j in group2[position + 1 :] if one_list and same_owner else group2:
                    yield i, j


def _finding(context: PlanContext, category: Category, i: int, j: int, identical: bool) -> Finding:
    """Blame the block the user should change: a customer subnet before cloud blocks, the later one first."""
    severity, code = category
    ranked = sorted((i, j), key=lambda k: (_BLAME_ORDER[context.claims[k].role], -k))
    blamed, other = context.claims[ranked[0]], context.claims[ranked[1]]
    verb = "is the same block as" if identical else "overlaps"
    message = f"{blamed.described} {verb} {other.described}. {_EXPLANATIONS[code]}"
    if code in _SUGGEST_FREE:
        suggestion = context.free_suggestion(blamed.block.prefixlen)
    elif code in {"subnet.duplicate", "subnet.redundant", "local_subnet.overlap", "vpc.cidr_overlap"}:
        inner = blamed if blamed.block.prefixlen >= other.block.prefixlen else other
        suggestion = f"Remove {inner.cidr} ({inner.path})."
    else:
        suggestion = ""
    return Finding(severity, code, blamed.path, message, suggestion)


def overlap_findings(context: PlanContext, *, limit: int = DEFAULT_OVERLAP_LIMIT) -> list[Finding]:
    """Each overlapping pair of the plan's blocks once, the first ``limit`` in address order, then one
    summary finding with the count of those not listed."""
    claims = context.claims
    nodes: dict[tuple[int, int], _Node] = {}
    for index, claim in enumerate(claims):
        block = claim.block
        node = nodes.get((block.first, block.last))
        if node is None:
            nodes[block.first, block.last] = _Node(block, index)
        else:
            node.indices.append(index)
    listed: list[Finding] = []
    totals: Counter[Category] = Counter()
    stack: list[_Node] = []
    for node in sorted(nodes.values(), key=_node_order):
        while stack and stack[-1].block.last < node.block.first:
            stack.pop()
        stack.append(node)
        if len(stack) == 1 and len(node.indices) == 1:
            continue  # the common case: a block that overlaps nothing seen so far
        stack.pop()
        for member in (node, *stack):
            member.group(claims)
        for outer in [node, *reversed(stack)]:
            identical = outer is node
            for r1 in node.members:
                for r2 in outer.members:
                    if identical and r2 < r1:
                        continue
                    counts = _pair_counts(node, outer, r1, r2)
                    for same_owner, count in zip((True, False), counts, strict=True):
                        category = classify(
                            r1, r2, same_owner=same_owner, identical=identical, outer=outer.block
                        )
                        if category is None or count == 0:
                            continue
                        totals[category] += count
                        room = limit - len(listed)
                        for i, j in islice(_member_pairs(node, outer, r1, r2, same_owner), max(room, 0)):
                            listed.append(_finding(context, category, i, j, identical))
        stack.append(node)
    unlisted = sum(totals.values()) - len(listed)
    if unlisted > 0:
        listed.append(_summary(totals, listed, unlisted))
    return listed


def _summary(totals: Counter[Category], listed: list[Finding], unlisted: int) -> Finding:
    listed_errors = sum(1 for f in listed if f.severity == ERROR)
    all_errors = sum(count for (severity, _), count in totals.items() if severity == ERROR)
    by_code = ", ".join(
        f"{code}: {count}" for (_, code), count in sorted(totals.items(), key=lambda kv: kv[0][1])
    )
    return Finding(
        ERROR if all_errors > listed_errors else WARNING,
        "overlap.more",
        "",
        f"{unlisted} more overlapping pairs are not listed ({sum(totals.values())} in all; {by_code}).",
        "Fix the listed overlaps first; most often one wrong block overlaps many others.",
    )
