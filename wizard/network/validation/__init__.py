"""Every rule a plan must satisfy, split by concern; ``validate_plan`` runs them all."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.network.findings import ERROR, Finding
from wizard.network.gcpause import collector_paused
from wizard.network.plan import Plan
from wizard.network.psk import check_psk
from wizard.network.reservations import ReservedBlock, as_index
from wizard.network.validation.addresses import check_forbidden_ranges, check_gateway_addresses, check_limits
from wizard.network.validation.asn import check_asns
from wizard.network.validation.context import build_context
from wizard.network.validation.crypto import check_crypto
from wizard.network.validation.policy import check_policy_rules
from wizard.network.validation.reserved import check_reserved
from wizard.network.validation.scenarios import check_names_and_values, check_routing, check_scenario
from wizard.network.validation.topology import DEFAULT_OVERLAP_LIMIT, overlap_findings
from wizard.network.validation.tunnels import check_tunnels

__all__ = ["check_plan_against_reserved", "validate_plan"]


def validate_plan(
    plan: Plan,
    *,
    reserved: Sequence[ReservedBlock] = (),
    overlap_limit: int = DEFAULT_OVERLAP_LIMIT,
) -> list[Finding]:
    """All findings for a plan: errors first, then warnings, each group in rule order.

    ``reserved`` holds the blocks other requests already claim on the same gateway (pass a
    ``ReservedIndex`` to reuse one index for many checks). At most ``overlap_limit`` overlapping pairs are
    listed one by one; a summary finding counts the rest.
    """
    with collector_paused():
        return _validate(plan, reserved, overlap_limit)


def _validate(plan: Plan, reserved: Sequence[ReservedBlock], overlap_limit: int) -> list[Finding]:
    context = build_context(plan)
    findings = context.findings
    findings += check_names_and_values(plan)
    findings += check_scenario(context)
    findings += check_routing(plan)
    findings += check_limits(plan)
    findings += check_gateway_addresses(plan)
    findings += check_forbidden_ranges(context)
    findings += overlap_findings(context, limit=overlap_limit)
    findings += check_policy_rules(context)
    findings += check_tunnels(plan)
    findings += check_asns(plan)
    findings += check_crypto(plan)
    findings += check_psk(plan.psk)
    if reserved:
        index = as_index(reserved)
        context.extra_taken = index.taken
        findings += check_reserved(context, index, limit=overlap_limit)
    return sorted(findings, key=lambda finding: finding.severity != ERROR)


def check_plan_against_reserved(
    plan: Plan, reserved: Sequence[ReservedBlock], *, limit: int = DEFAULT_OVERLAP_LIMIT
) -> list[Finding]:
    """Only the reservation rule: the plan's customer subnets and manual tunnel /30s against the blocks other
    requests hold on the same gateway (a branch joining an existing hub). Cheap with a ``ReservedIndex``."""
    with collector_paused():
        context = build_context(plan)
        index = as_index(reserved)
        context.extra_taken = index.taken
        return check_reserved(context, index, limit=limit)
