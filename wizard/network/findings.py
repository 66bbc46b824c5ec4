"""Findings: what the validator reports about a plan."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found in a plan.

    ``code`` is stable and dotted (``subnet.overlap``); ``path`` names the offending field the way the plan
    JSON spells it (``sites[2].subnets[0]``, ``""`` for the plan as a whole); ``suggestion`` is ``""`` when
    there is nothing better to propose.
    """

    severity: Severity
    code: str
    path: str
    message: str
    suggestion: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def error(code: str, path: str, message: str, suggestion: str = "") -> Finding:
    return Finding(ERROR, code, path, message, suggestion)


def warning(code: str, path: str, message: str, suggestion: str = "") -> Finding:
    return Finding(WARNING, code, path, message, suggestion)


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    return any(finding.severity == ERROR for finding in findings)
