"""Golden files: every platform x scenario x routing mode, plus the emulated cloud side.

The test compares; `UPDATE_GOLDENS=1 pytest tests/rendering/test_golden.py` rewrites them (review the diff).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.rendering.plans import CASES, GENERATED_AT, scenario_plan
from wizard.rendering import PLATFORM_NAMES, render_all, render_cloud_side

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def rendered_files(scenario: str, mode: str) -> dict[str, str]:
    plan = scenario_plan(scenario, mode)
    files: dict[str, str] = {}
    for platform in PLATFORM_NAMES:
        for config in render_all(plan, platform=platform, generated_at=GENERATED_AT):
            files[f"{platform}/{config.filename}"] = config.text
    if scenario != "cross_region":
        for site in plan.sites:
            files[f"cloud/{plan.name}-{site.name}-cloud-swanctl.conf"] = render_cloud_side(
                plan, site=site.name, generated_at=GENERATED_AT
            )
    return files


@pytest.mark.parametrize(("scenario", "mode"), CASES)
def test_rendered_configs_match_golden_files(scenario: str, mode: str) -> None:
    directory = GOLDEN_DIR / scenario / mode
    files = rendered_files(scenario, mode)
    if UPDATE:
        for existing in directory.rglob("*"):
            if existing.is_file() and existing.relative_to(directory).as_posix() not in files:
                existing.unlink()
        for name, text in files.items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    on_disk = {path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file()}
    assert on_disk == set(files), "golden files differ in name; run with UPDATE_GOLDENS=1 and review"
    for name, text in files.items():
        assert (directory / name).read_text() == text, f"{scenario}/{mode}/{name} differs from its golden"


def test_every_platform_has_golden_files_for_every_case() -> None:
    for scenario, mode in CASES:
        platforms = {path.name for path in (GOLDEN_DIR / scenario / mode).iterdir() if path.is_dir()}
        assert set(PLATFORM_NAMES) <= platforms, (scenario, mode)
