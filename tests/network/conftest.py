"""Shared plan builders for the network rule tests (RFC 5737 / RFC 1918 addresses only)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.plans import PSK, base_plan
from wizard.network import Finding, Plan, parse_plan, validate_plan

BASE_PLAN: dict[str, Any] = base_plan(
    gateway={"interconnection_subnet": "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0021"}, psk=PSK
)


def plan_data(**changes: Any) -> dict[str, Any]:
    """A deep copy of the base plan with top-level keys replaced."""
    data = copy.deepcopy(BASE_PLAN)
    data.update(copy.deepcopy(changes))
    return data


def build(data: dict[str, Any]) -> Plan:
    plan, findings = parse_plan(data)
    assert plan is not None, findings
    return plan


@pytest.fixture
def make_plan() -> Callable[..., Plan]:
    def make(**changes: Any) -> Plan:
        return build(plan_data(**changes))

    return make


def findings_for(data: dict[str, Any], **options: Any) -> list[Finding]:
    """Parse and validate a plan's JSON form."""
    plan = build(data)
    return validate_plan(plan, **options)


def coded(findings: list[Finding]) -> set[tuple[str, str, str]]:
    """(severity, code, path) of each finding."""
    return {(f.severity, f.code, f.path) for f in findings}


def hub_data(*subnets: list[str], **changes: Any) -> dict[str, Any]:
    """A BGP branch hub with one branch per list of subnets (branch i: name b<i>, ASN 65001+i)."""
    sites = [
        {
            "name": f"b{i}",
            "gateway_ips": [f"203.0.113.{i + 1}"],
            "bgp_asn": 65001 + i,
            "platform": "strongswan",
            "subnets": branch,
        }
        for i, branch in enumerate(subnets)
    ]
    data = plan_data(
        scenario="branch_hub",
        routing={"mode": "bgp", "branch_interconnection": True, "nqa": False},
        sites=sites,
    )
    data.update(changes)
    return data
