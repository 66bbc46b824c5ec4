"""Plan parsing: JSON round trip, and wrong shapes become findings with paths."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.network.conftest import BASE_PLAN, plan_data
from wizard.network import Plan, load_plan_text, parse_plan


def test_round_trip_gives_the_same_json() -> None:
    plan, findings = parse_plan(BASE_PLAN)
    assert findings == []
    assert isinstance(plan, Plan)
    assert plan.to_dict() == BASE_PLAN


def test_lists_become_tuples_and_defaults_fill_optional_fields() -> None:
    data = plan_data()
    for key in ("routing", "sites", "tunnels", "policy_rules", "direct_connect", "ike", "ipsec"):
        del data[key]
    del data["gateways"][0]["flavor"]
    plan, findings = parse_plan(data)
    assert findings == []
    assert plan is not None
    assert plan.routing.mode == "static"
    assert plan.sites == ()
    assert plan.gateways[0].flavor == "Professional1"
    assert plan.gateways[0].local_subnets == ("192.168.1.0/24",)
    assert plan.ike.dh_group == "group15"
    assert plan.ipsec.lifetime_seconds == 3600
    assert plan.direct_connect is None


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = plan_data()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "code", "finding_path"),
    [
        (("name",), 7, "plan.wrong_type", "name"),
        (("version",), "1", "plan.wrong_type", "version"),
        (("version",), 2, "plan.version", "version"),
        (("gateways",), {"name": "x"}, "plan.wrong_type", "gateways"),
        (("gateways", 0, "bgp_asn"), True, "plan.wrong_type", "gateways[0].bgp_asn"),
        (("gateways", 0, "bgp_asn"), 64512.5, "plan.wrong_type", "gateways[0].bgp_asn"),
        (("gateways", 0, "local_subnets"), "192.168.1.0/24", "plan.wrong_type", "gateways[0].local_subnets"),
        (("gateways", 0, "local_subnets", 0), 3, "plan.wrong_type", "gateways[0].local_subnets[0]"),
        (("sites", 0), [], "plan.wrong_type", "sites[0]"),
        (("sites", 0, "subnets"), None, "plan.wrong_type", "sites[0].subnets"),
        (("sites", 0, "subnet"), ["10.0.0.0/8"], "plan.unknown_field", "sites[0].subnet"),
        (("routing", "nqa"), "yes", "plan.wrong_type", "routing.nqa"),
        (("ike", "dpd", "timeout"), "15", "plan.wrong_type", "ike.dpd.timeout"),
        (("ike", "dpd"), 15, "plan.wrong_type", "ike.dpd"),
        (("ipsec", "pfs"), 15, "plan.wrong_type", "ipsec.pfs"),
        (("direct_connect",), {"subnets": []}, "plan.missing_field", "direct_connect.virtual_gateway_asn"),
        (("tunnels",), [{"peer": "Berlin"}], "plan.missing_field", "tunnels[0].connection"),
        (
            ("policy_rules",),
            [{"source": "10.0.0.0/8", "destinations": "x"}],
            "plan.wrong_type",
            "policy_rules[0].destinations",
        ),
    ],
)
def test_wrong_shapes_are_findings_with_paths(
    path: tuple[str | int, ...], value: Any, code: str, finding_path: str
) -> None:
    plan, findings = parse_plan(_with(path, value))
    assert plan is None
    assert (code, finding_path) in [(f.code, f.path) for f in findings]
    assert all(f.severity == "error" and f.message for f in findings)


@pytest.mark.parametrize("missing", ["version", "name", "scenario", "gateways", "psk"])
def test_missing_required_plan_field(missing: str) -> None:
    data = plan_data()
    del data[missing]
    plan, findings = parse_plan(data)
    assert plan is None
    assert [(f.code, f.path) for f in findings] == [("plan.missing_field", missing)]


@pytest.mark.parametrize("value", [None, [], "plan", 3, 2.5, True])
def test_non_object_plan(value: object) -> None:
    plan, findings = parse_plan(value)
    assert plan is None
    assert [f.code for f in findings] == ["plan.wrong_type"]


def test_load_plan_text_reads_json_and_reports_syntax_errors_with_position() -> None:
    plan, findings = load_plan_text(json.dumps(BASE_PLAN))
    assert plan is not None and findings == []
    plan, findings = load_plan_text('{"version": 1,\n "name": }')
    assert plan is None
    assert findings[0].code == "plan.not_json"
    assert "line 2" in findings[0].message


def test_load_plan_text_survives_deep_nesting() -> None:
    plan, findings = load_plan_text("[" * 100000 + "]" * 100000)
    assert plan is None
    assert findings[0].code == "plan.not_json"


def test_network_rules_import_neither_django_nor_the_rest_of_the_project() -> None:
    package = Path(__file__).resolve().parents[2] / "wizard" / "network"
    for path in package.rglob("*.py"):
        imports = re.findall(r"^\s*(?:from|import) ([\w.]+)", path.read_text(), flags=re.MULTILINE)
        assert not [name for name in imports if name.startswith("django")], path
        project = [name for name in imports if name.startswith("wizard.")]
        assert all(name.startswith("wizard.network") for name in project), path
