"""Every rule a plan must satisfy, split by concern; ``validate_plan`` runs them all."""

from __future__ import annotations

from collections.abc import Sequence

from wizard.network.findings import Finding
from wizard.network.plan import Plan
from wizard.network.psk import check_psk
from wizard.network.reservations import ReservedBlock


def validate_plan(plan: Plan, *, reserved: Sequence[ReservedBlock] = ()) -> list[Finding]:
    """All findings for a plan: errors first, then warnings, each group in plan order."""
    findings: list[Finding] = []
    findings += check_psk(plan.psk)
    return sorted(findings, key=lambda finding: finding.severity != "error")
