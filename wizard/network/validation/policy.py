"""Policy-based mode rules (C12, checklist 6)."""

from __future__ import annotations

from wizard.network.addresses import Block, nested_pairs
from wizard.network.findings import Finding, error
from wizard.network.validation.context import Claim, PlanContext, Role

MAX_POLICY_RULES = 5
MAX_DESTINATIONS = 50
MAX_LISTED_OVERLAPS = 20


def check_policy_rules(context: PlanContext) -> list[Finding]:
    plan = context.plan
    rules = plan.policy_rules
    findings: list[Finding] = []
    if plan.routing.mode != "policy":
        # Policy rules exist only for policy-based connections.
        if rules:
            findings.append(
                error(
                    "policy.not_policy_mode",
                    "policy_rules",
                    f"Policy rules apply only to policy-based routing, not {plan.routing.mode}.",
                    "Remove the policy rules, or set routing.mode to policy.",
                )
            )
        return findings
    # C12: a policy-based connection has 1 to 5 rules.
    if not 1 <= len(rules) <= MAX_POLICY_RULES:
        findings.append(
            error(
                "policy.count",
                "policy_rules",
                f"Policy-based routing needs 1 to {MAX_POLICY_RULES} policy rules; this plan has "
                f"{len(rules)}.",
                "Summarise sources into fewer rules."
                if rules
                else "Add a rule from a local subnet to the customer subnets.",
            )
        )
    blocks: list[Block] = []
    owners: list[tuple[int, str]] = []
    sources: dict[str, int] = {}
    locals_ = context.claims_of(Role.LOCAL)
    customers = _customer_claims(context)
    for r, rule in enumerate(rules):
        path = f"policy_rules[{r}]"
        # C12: each rule's source is unique.
        if rule.source in sources:
            findings.append(
                error(
                    "policy.duplicate_source",
                    f"{path}.source",
                    f"Source {rule.source} is already the source of policy_rules[{sources[rule.source]}].",
                    "Merge the destinations into that rule.",
                )
            )
        sources.setdefault(rule.source, r)
        source = context.block(rule.source, f"{path}.source", "Policy source")
        if source is not None:
            blocks.append(source)
            owners.append((r, f"{path}.source"))
            # C12: the source must contain some of the local subnets (0.0.0.0/0 = any).
            if source.prefixlen and not any(
                source.overlaps(c.block) for c in locals_ if c.owner == ("gateway", 0)
            ):
                findings.append(
                    error(
                        "policy.source_not_local",
                        f"{path}.source",
                        f"Source {rule.source} covers none of the local subnets of gateway "
                        f"'{plan.gateways[0].name}'.",
                        "Use a local subnet (or 0.0.0.0/0) as source.",
                    )
                )
        # C12: at most 50 destinations per rule, and at least one.
        if not 1 <= len(rule.destinations) <= MAX_DESTINATIONS:
            findings.append(
                error(
                    "policy.destinations_count",
                    f"{path}.destinations",
                    f"Policy rule {r + 1} has {len(rule.destinations)} destinations; give 1 to "
                    f"{MAX_DESTINATIONS}.",
                )
            )
        destinations = []
        for d, text in enumerate(rule.destinations):
            block = context.block(text, f"{path}.destinations[{d}]", "Policy destination")
            if block is not None:
                destinations.append(block)
                blocks.append(block)
                owners.append((r, f"{path}.destinations[{d}]"))
        # C12: the destinations must contain all customer subnets.
        missing = [c for c in customers if not any(d.contains(c.block) for d in destinations)]
        if missing:
            shown = ", ".join(c.cidr for c in missing[:10]) + (" ..." if len(missing) > 10 else "")
            findings.append(
                error(
                    "policy.destination_missing",
                    f"{path}.destinations",
                    f"Policy rule {r + 1} does not cover {len(missing)} customer subnet(s): {shown}.",
                    f"Add {missing[0].cidr} to the destinations.",
                )
            )
    findings += _rule_overlaps(context, blocks, owners)
    return findings


def _customer_claims(context: PlanContext) -> list[Claim]:
    if context.plan.scenario == "cross_region":
        return [c for c in context.claims_of(Role.LOCAL) if c.owner == ("gateway", 1)]
    return context.claims_of(Role.CUSTOMER)


def _rule_overlaps(context: PlanContext, blocks: list[Block], owners: list[tuple[int, str]]) -> list[Finding]:
    """C12: rules of one connection must not overlap, or their IPsec SAs flap.

    Every rule's destinations must cover all customer subnets, so destinations of different rules always
    overlap; two rules therefore collide when their sources overlap (and some of their destinations do).
    """
    findings = []
    pairs = nested_pairs(blocks)
    sources_overlap: set[tuple[int, int]] = set()
    destinations_overlap: set[tuple[int, int]] = set()
    for outer, inner in pairs:
        first, second = sorted((owners[outer][0], owners[inner][0]))
        if first == second:
            continue
        is_source = owners[outer][1].endswith("source"), owners[inner][1].endswith("source")
        if all(is_source):
            sources_overlap.add((first, second))
        elif not any(is_source):
            destinations_overlap.add((first, second))
    for earlier, later in sorted(sources_overlap & destinations_overlap)[:MAX_LISTED_OVERLAPS]:
        rules = context.plan.policy_rules
        findings.append(
            error(
                "policy.overlap",
                f"policy_rules[{later}].source",
                f"Policy rule {later + 1} ({rules[later].source}) overlaps policy rule {earlier + 1} "
                f"({rules[earlier].source}) for the same destinations; overlapping rules make the "
                "IPsec SAs flap.",
                "Give each rule a source that no other rule covers.",
            )
        )
    return findings
