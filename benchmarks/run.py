"""`make bench`: run every benchmark script of the project and print one table.

Each script in this folder prints one JSON object per line for each figure it measures:
{"figure": str, "value": number, "unit": str, "goal": str, "pass": bool | null}.
Other output is passed through. Scripts print their figures with `emit`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def emit(figure: str, value: float, unit: str, goal: str, passed: bool | None, *, digits: int) -> None:
    """One figure as the JSON line benchmarks/run.py reads."""
    row = {"figure": figure, "value": round(value, digits), "unit": unit, "goal": goal, "pass": passed}
    print(json.dumps(row), flush=True)


def run_script(script: Path) -> tuple[list[dict[str, object]], int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "wizard.settings"}
    completed = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    rows: list[dict[str, object]] = []
    for line in completed.stdout.splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            print(f"  {script.name}: {line}")
            continue
        if isinstance(row, dict) and "figure" in row:
            rows.append(row)
    if completed.returncode != 0:
        print(
            f"{script.name} exited with {completed.returncode}:\n{completed.stderr[-2000:]}", file=sys.stderr
        )
    return rows, completed.returncode


def format_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def main() -> int:
    # A leading underscore marks a module the scripts share, not a benchmark.
    scripts = sorted(
        path
        for path in HERE.glob("*.py")
        if path.name != Path(__file__).name and not path.name.startswith("_")
    )
    table: list[tuple[str, str, str, str]] = []
    failed = False
    for script in scripts:
        print(f"running {script.name} ...", flush=True)
        rows, code = run_script(script)
        failed |= code != 0
        for row in rows:
            verdict = {True: "pass", False: "MISS", None: "-"}[row.get("pass")]
            failed |= row.get("pass") is False
            value = f"{format_value(row['value'])} {row.get('unit', '')}".strip()
            table.append((f"{script.stem}: {row['figure']}", value, str(row.get("goal", "")), verdict))
    widths = (
        [
            max(len(header), *(len(row[i]) for row in table))
            for i, header in enumerate(("figure", "value", "goal", "result"))
        ]
        if table
        else [6, 5, 4, 6]
    )
    header = ("figure", "value", "goal", "result")
    print()
    print("  ".join(text.ljust(width) for text, width in zip(header, widths, strict=True)))
    print("  ".join("-" * width for width in widths))
    for row in table:
        print("  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
