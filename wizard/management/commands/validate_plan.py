"""``python manage.py validate_plan FILE [--format json|text]``.

Exit status: 0 no errors (warnings allowed), 1 errors, 2 file unreadable or not a well-formed plan.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wizard.network import Finding, load_plan_text, validate_plan

EXIT_ERRORS = 1
EXIT_MALFORMED = 2


class Command(BaseCommand):
    help = "Validate a plan file (JSON) against every network rule and list the findings."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Plan file (JSON); '-' reads standard input.")
        parser.add_argument("--format", choices=("json", "text"), default="json", help="Output format.")

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["file"]
        text = self._read(name)
        plan, findings = load_plan_text(text)
        if plan is not None:
            findings = findings + validate_plan(plan)
        errors = sum(1 for finding in findings if finding.severity == "error")
        self._report(name, findings, well_formed=plan is not None, output_format=options["format"])
        if plan is None:
            raise SystemExit(EXIT_MALFORMED)
        if errors:
            raise SystemExit(EXIT_ERRORS)

    def _read(self, name: str) -> str:
        try:
            if name == "-":
                return sys.stdin.read()
            return Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise CommandError(f"Cannot read plan file {name}: {reason}.", returncode=EXIT_MALFORMED) from exc

    def _report(self, name: str, findings: list[Finding], *, well_formed: bool, output_format: str) -> None:
        errors = sum(1 for finding in findings if finding.severity == "error")
        warnings = len(findings) - errors
        if output_format == "json":
            report = {
                "file": name,
                "well_formed": well_formed,
                "valid": well_formed and errors == 0,
                "errors": errors,
                "warnings": warnings,
                "findings": [finding.to_dict() for finding in findings],
            }
            self.stdout.write(json.dumps(report, indent=2))
            return
        state = "not a well-formed plan" if not well_formed else "invalid" if errors else "valid"
        self.stdout.write(f"{name}: {state} ({errors} error(s), {warnings} warning(s))")
        for finding in findings:
            where = finding.path or "(plan)"
            self.stdout.write(f"{finding.severity:<7} {finding.code:<32} {where}")
            self.stdout.write(f"        {finding.message}")
            if finding.suggestion:
                self.stdout.write(f"        -> {finding.suggestion}")
