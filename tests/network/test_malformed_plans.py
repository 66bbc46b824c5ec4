"""Arbitrary JSON-like input never raises: wrong shapes are findings, odd values are findings."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.network.conftest import BASE_PLAN
from wizard.network import Finding, parse_plan, resolve_tunnels, validate_plan

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["10.0.0.0/8", "169.254.1.1/30", "203.0.113.1", "", "v2", "group15", "Berlin"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += _paths(child, (*prefix, index))
    return paths


ALL_PATHS = _paths(BASE_PLAN)[1:]


def _check(findings: list[Finding]) -> None:
    for finding in findings:
        assert finding.severity in {"error", "warning"}
        assert finding.code and finding.message
        assert BASE_PLAN["psk"] not in finding.message + finding.suggestion


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_parse_plan_accepts_any_json_value(value: object) -> None:
    plan, findings = parse_plan(value)
    if plan is None:
        assert any(f.severity == "error" for f in findings)
    _check(findings)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(ALL_PATHS), json_values), min_size=1, max_size=3))
def test_damaged_plans_give_findings_never_exceptions(damage: list[tuple[tuple[Any, ...], Any]]) -> None:
    data: Any = copy.deepcopy(BASE_PLAN)
    for path, value in damage:
        target = data
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    plan, findings = parse_plan(data)
    _check(findings)
    if plan is not None:
        _check(validate_plan(plan))
        resolve_tunnels(plan)
