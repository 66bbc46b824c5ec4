"""The gateway's interconnection subnet (API `connect_subnet`): optional, and a subnet ID when given."""

from __future__ import annotations

import pytest

from tests.network.conftest import plan_data
from wizard.network import parse_plan, validate_plan


def _findings(subnet_id: object) -> list[tuple[str, str, str]]:
    data = plan_data()
    data["gateways"][0]["interconnection_subnet"] = subnet_id
    plan, findings = parse_plan(data)
    if plan is not None:
        findings += validate_plan(plan)
    return [(finding.severity, finding.code, finding.path) for finding in findings]


def test_absent_means_unknown() -> None:
    data = plan_data()
    del data["gateways"][0]["interconnection_subnet"]
    plan, findings = parse_plan(data)
    assert findings == [] and plan is not None
    assert plan.gateways[0].interconnection_subnet == ""
    assert plan.to_dict()["gateways"][0]["interconnection_subnet"] == ""


@pytest.mark.parametrize(
    ("subnet_id", "valid"),
    [
        ("", True),
        ("7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0021", True),
        ("subnet_01.a", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("10.0.0.0/24", False),
        ("subnet 1", False),
        ("sübnet", False),
    ],
)
def test_a_given_id_is_1_to_64_safe_characters(subnet_id: str, valid: bool) -> None:
    expected = (
        [] if valid else [("error", "gateway.interconnection_subnet", "gateways[0].interconnection_subnet")]
    )
    assert _findings(subnet_id) == expected


def test_the_message_says_what_to_copy_from_the_console() -> None:
    data = plan_data()
    data["gateways"][0]["interconnection_subnet"] = "192.168.1.0/24"
    plan, _ = parse_plan(data)
    assert plan is not None
    (finding,) = validate_plan(plan)
    assert "'192.168.1.0/24' is not a subnet ID" in finding.message
    assert "VPC console" in finding.suggestion


def test_a_wrong_type_is_a_structure_finding() -> None:
    assert _findings(42) == [("error", "plan.wrong_type", "gateways[0].interconnection_subnet")]
