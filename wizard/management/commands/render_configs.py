"""``python manage.py render_configs FILE [--platform NAME] [--out DIR] [--generated-at TIME]``.

Renders the device configurations of a plan file: one platform, or every platform when none is named.
A plan with errors is not rendered; its findings are printed as `validate_plan` prints them (JSON).
Exit status: 0 rendered, 1 plan errors or a configuration that cannot be generated, 2 file unreadable or
not a well-formed plan.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wizard.management.plan_files import EXIT_ERRORS, EXIT_MALFORMED, read_plan_file
from wizard.rendering import PLATFORM_NAMES, ConfigError, RenderedConfig, render_all


class Command(BaseCommand):
    help = "Render the device configurations of a plan file (JSON) for one platform or all of them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Plan file (JSON); '-' reads standard input.")
        parser.add_argument("--platform", choices=PLATFORM_NAMES, help="Device platform (default: all).")
        parser.add_argument("--out", help="Directory to write the files to (default: print them).")
        parser.add_argument(
            "--generated-at",
            help="Timestamp for the config headers, YYYY-MM-DDTHH:MM:SSZ (default: now, UTC).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["file"]
        plan_file = read_plan_file(name)
        plan = plan_file.plan
        if plan is None or plan_file.errors:
            self.stdout.write(json.dumps(plan_file.report(), indent=2))
            raise SystemExit(EXIT_MALFORMED if plan is None else EXIT_ERRORS)
        platforms = [options["platform"]] if options["platform"] else list(PLATFORM_NAMES)
        try:
            rendered = [
                config
                for platform in platforms
                for config in render_all(plan, platform=platform, generated_at=options["generated_at"])
            ]
        except ConfigError as error:
            report = {"file": name, "rendered": False, "path": error.path, "message": error.message,
                      "suggestion": error.suggestion}  # fmt: skip
            self.stdout.write(json.dumps(report, indent=2))
            raise SystemExit(EXIT_ERRORS) from error
        if options["out"]:
            self._write(Path(options["out"]), rendered)
        else:
            for config in rendered:
                self.stdout.write(f"==> {config.filename} <==\n{config.text}", ending="")

    def _write(self, directory: Path, rendered: list[RenderedConfig]) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for config in rendered:
                # LF line endings on every platform: newline="\n" stops Windows from translating them.
                with (directory / config.filename).open("w", encoding="utf-8", newline="\n") as handle:
                    handle.write(config.text)
        except OSError as exc:
            raise CommandError(
                f"Cannot write to {directory}: {exc.strerror}.", returncode=EXIT_ERRORS
            ) from exc
        for config in rendered:
            self.stdout.write(str(directory / config.filename))
