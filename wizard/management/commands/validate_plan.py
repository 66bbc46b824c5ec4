"""``python manage.py validate_plan FILE [--format json|text]``.

Exit status: 0 no errors (warnings allowed), 1 errors, 2 file unreadable or not a well-formed plan.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from wizard.management.plan_files import EXIT_ERRORS, EXIT_MALFORMED, PlanFile, read_plan_file


class Command(BaseCommand):
    help = "Validate a plan file (JSON) against every network rule and list the findings."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Plan file (JSON); '-' reads standard input.")
        parser.add_argument("--format", choices=("json", "text"), default="json", help="Output format.")

    def handle(self, *args: Any, **options: Any) -> None:
        plan_file = read_plan_file(options["file"])
        self._report(plan_file, output_format=options["format"])
        if plan_file.plan is None:
            raise SystemExit(EXIT_MALFORMED)
        if plan_file.errors:
            raise SystemExit(EXIT_ERRORS)

    def _report(self, plan_file: PlanFile, *, output_format: str) -> None:
        if output_format == "json":
            self.stdout.write(json.dumps(plan_file.report(), indent=2))
            return
        errors = plan_file.errors
        warnings = len(plan_file.findings) - errors
        well_formed = plan_file.plan is not None
        state = "not a well-formed plan" if not well_formed else "invalid" if errors else "valid"
        self.stdout.write(f"{plan_file.name}: {state} ({errors} error(s), {warnings} warning(s))")
        for finding in plan_file.findings:
            where = finding.path or "(plan)"
            self.stdout.write(f"{finding.severity:<7} {finding.code:<32} {where}")
            self.stdout.write(f"        {finding.message}")
            if finding.suggestion:
                self.stdout.write(f"        -> {finding.suggestion}")
