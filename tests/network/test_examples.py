"""Every example plan under examples/ parses and validates without a finding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard.network import load_plan_text, validate_plan

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


def test_there_is_an_example_per_scenario_and_mode() -> None:
    names = {path.stem for path in EXAMPLES}
    assert {
        "hybrid_cloud-static",
        "hybrid_cloud-bgp",
        "hybrid_cloud-policy",
        "cross_region-static",
        "cross_region-bgp",
        "cross_region-policy",
        "branch_hub-static",
        "branch_hub-bgp",
        "branch_hub-policy",
        "dc_backup-bgp",
    } <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_example_validates_clean(path: Path) -> None:
    plan, findings = load_plan_text(path.read_text())
    assert findings == []
    assert plan is not None
    assert plan.scenario == path.stem.split("-")[0]
    assert plan.routing.mode == path.stem.split("-")[1]
    assert validate_plan(plan) == []


def test_every_rule_code_is_documented() -> None:
    root = Path(__file__).resolve().parents[2]
    source = "\n".join(path.read_text() for path in (root / "wizard" / "network").rglob("*.py"))
    codes = set(re.findall(r'"([a-z_]+\.[a-z_0-9]+)"', source))
    field_paths = {code for code in codes if code.split(".")[0] in {"ike", "ipsec"}} | {
        "direct_connect.enterprise_router_asn",
        "direct_connect.virtual_gateway_asn",
    }
    documented = set(re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", (root / "docs" / "plan-format.md").read_text()))
    assert codes - field_paths - documented == set()
