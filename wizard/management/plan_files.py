"""Plan files as the command-line tools read and report them (`validate_plan`, `render_configs`)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from wizard.network import Finding, Plan, load_plan_text, validate_plan

EXIT_ERRORS = 1
EXIT_MALFORMED = 2


@dataclass(frozen=True)
class PlanFile:
    """A plan file read and checked: the plan (None when not well-formed) and every finding."""

    name: str
    plan: Plan | None
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "error")

    def report(self) -> dict[str, Any]:
        """The JSON report of the findings."""
        well_formed = self.plan is not None
        return {
            "file": self.name,
            "well_formed": well_formed,
            "valid": well_formed and self.errors == 0,
            "errors": self.errors,
            "warnings": len(self.findings) - self.errors,
            "findings": [finding.to_dict() for finding in self.findings],
        }


def read_plan_file(name: str) -> PlanFile:
    """Read, parse and validate a plan file ('-' is standard input); exit status 2 when it cannot be read."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CommandError(f"Cannot read plan file {name}: {reason}.", returncode=EXIT_MALFORMED) from exc
    plan, findings = load_plan_text(text)
    if plan is not None:
        findings = findings + validate_plan(plan)
    return PlanFile(name=name, plan=plan, findings=findings)
