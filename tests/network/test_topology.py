"""Whole-topology overlap rules, bounded output, and the sweep against a brute-force oracle."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.network.conftest import build, coded, findings_for, hub_data, plan_data
from wizard.network import validate_plan
from wizard.network.addresses import nested_pairs, parse_block


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (["10.1.0.0/16"], ["10.1.2.0/24"], "10.1.2.0/24 of branch 'b1' overlaps 10.1.0.0/16 of branch 'b0'"),
        (["10.1.2.0/24"], ["10.1.0.0/16"], "10.1.0.0/16 of branch 'b1' overlaps 10.1.2.0/24 of branch 'b0'"),
        (
            ["10.1.2.0/24"],
            ["10.1.2.0/24"],
            "10.1.2.0/24 of branch 'b1' is the same block as 10.1.2.0/24 of branch 'b0'",
        ),
    ],
)
def test_branches_must_be_disjoint_in_either_order(first: list[str], second: list[str], message: str) -> None:
    findings = [f for f in findings_for(hub_data(first, second)) if f.code == "subnet.overlap"]
    assert len(findings) == 1
    assert findings[0].severity == "error"
    assert findings[0].path == "sites[1].subnets[0]"
    assert findings[0].message.startswith(message)
    assert findings[0].suggestion.startswith("Free blocks of that size: ")


def test_free_block_suggestion_avoids_every_block_of_the_plan() -> None:
    finding = next(
        f for f in findings_for(hub_data(["10.0.0.0/24"], ["10.0.0.0/24"])) if f.code == "subnet.overlap"
    )
    suggested = re.findall(r"\d+\.\d+\.\d+\.\d+/\d+", finding.suggestion)
    assert suggested == ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Within one site an overlap is redundancy, not a conflict.
        ({"subnets": ["10.1.0.0/16", "10.1.2.0/24"]}, ("warning", "subnet.redundant", "sites[0].subnets[1]")),
        ({"subnets": ["10.1.2.0/24", "10.1.0.0/16"]}, ("warning", "subnet.redundant", "sites[0].subnets[1]")),
        ({"subnets": ["10.1.0.0/16", "10.1.0.0/16"]}, ("warning", "subnet.duplicate", "sites[0].subnets[1]")),
        # C5 / C8: inside the VPC, or covering it.
        ({"subnets": ["192.168.200.0/24"]}, ("error", "subnet.overlaps_vpc", "sites[0].subnets[0]")),
        ({"subnets": ["192.0.0.0/2"]}, ("error", "subnet.overlaps_vpc", "sites[0].subnets[0]")),
    ],
)
def test_site_rules(changes: dict[str, Any], expected: tuple[str, str, str]) -> None:
    data = plan_data()
    data["sites"][0].update(changes)
    assert expected in coded(findings_for(data))


@pytest.mark.parametrize(
    ("local", "customer", "expected"),
    [
        # C4: identical to a local subnet is refused; an overlap outside the VPC is only a warning.
        (["172.16.1.0/24"], ["172.16.1.0/24"], ("error", "subnet.same_as_local", "sites[0].subnets[0]")),
        (["172.16.0.0/16"], ["172.16.1.0/24"], ("warning", "subnet.overlaps_local", "sites[0].subnets[0]")),
        (["172.16.1.0/24"], ["172.16.0.0/16"], ("warning", "subnet.overlaps_local", "sites[0].subnets[0]")),
        # C11: overlapping local subnets (legacy best practice).
        (
            ["172.16.0.0/16", "172.16.1.0/24"],
            ["10.1.0.0/16"],
            ("warning", "local_subnet.overlap", "gateways[0].local_subnets[1]"),
        ),
    ],
)
def test_local_subnet_rules(local: list[str], customer: list[str], expected: tuple[str, str, str]) -> None:
    data = plan_data()
    data["gateways"][0]["local_subnets"] = local
    data["sites"][0]["subnets"] = customer
    assert expected in coded(findings_for(data))


def test_default_route_as_local_subnet_is_not_an_overlap() -> None:
    data = plan_data()
    data["gateways"][0]["local_subnets"] = ["0.0.0.0/0"]
    assert findings_for(data) == []


def _cross_region(
    a_local: list[str], b_local: list[str], a_vpc: list[str], b_vpc: list[str]
) -> dict[str, Any]:
    data = plan_data(scenario="cross_region", sites=[])
    gateway = data["gateways"][0]
    data["gateways"] = [
        {**gateway, "local_subnets": a_local, "vpc_cidrs": a_vpc},
        {
            **gateway,
            "name": "vpngw-ams",
            "region": "eu-nl",
            "local_subnets": b_local,
            "vpc_cidrs": b_vpc,
            "ip_addresses": ["203.0.113.20", "203.0.113.21"],
        },
    ]
    return data


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("192.168.0.0/16", "192.168.0.0/16", ("error", "vpc.overlap", "gateways[1].vpc_cidrs[0]")),
        ("192.168.0.0/16", "192.168.5.0/24", ("error", "vpc.overlap", "gateways[1].vpc_cidrs[0]")),
        ("192.168.5.0/24", "192.168.0.0/16", ("error", "vpc.overlap", "gateways[1].vpc_cidrs[0]")),
        ("192.168.0.0/16", "192.168.5.0/24", ("error", "subnet.overlap", "gateways[1].local_subnets[0]")),
    ],
)
def test_cross_region_vpcs_must_be_disjoint(a: str, b: str, expected: tuple[str, str, str]) -> None:
    assert expected in coded(findings_for(_cross_region([a], [b], [a], [b])))


def test_cross_region_local_subnet_inside_the_other_vpc() -> None:
    data = _cross_region(
        ["192.168.0.0/16", "172.16.9.0/24"], ["172.16.0.0/16"], ["192.168.0.0/16"], ["172.16.0.0/16"]
    )
    assert ("error", "subnet.overlaps_vpc", "gateways[0].local_subnets[1]") in coded(findings_for(data))


def test_direct_connect_subnets_must_not_overlap_the_cloud() -> None:
    data = plan_data(
        scenario="dc_backup",
        routing={"mode": "bgp"},
        direct_connect={
            "virtual_gateway_asn": 65146,
            "enterprise_router_asn": 64800,
            "subnets": ["192.168.1.0/24"],
        },
    )
    data["gateways"][0]["attachment"] = "er"
    assert ("error", "direct_connect.overlaps_cloud", "direct_connect.subnets[0]") in coded(
        findings_for(data)
    )


def test_thousands_of_overlaps_are_bounded_with_a_count() -> None:
    data = hub_data(*[["10.0.0.0/24"] for _ in range(60)])
    data["gateways"][0]["flavor"] = "Professional2"
    findings = [f for f in findings_for(data) if f.code in {"subnet.overlap", "overlap.more"}]
    assert len(findings) == 51
    summary = findings[-1] if findings[-1].code == "overlap.more" else findings[0]
    assert summary.code == "overlap.more" and summary.severity == "error"
    assert "1720 more" in summary.message and "1770 in all" in summary.message


# --- property tests against a brute-force oracle written with ipaddress --------------------------------

blocks = st.builds(
    lambda length, offset: str(
        ipaddress.ip_network((0x0A000000 + (offset << (32 - length)) % (1 << 16), length))
    ),
    st.integers(16, 26),
    st.integers(0, 1 << 10),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(blocks, min_size=1, max_size=6), min_size=1, max_size=6), st.integers(0, 8))
def test_overlaps_match_brute_force(sites: list[list[str]], limit: int) -> None:
    data = hub_data(*sites)
    plan = build(data)
    claims = [
        (s, i, ipaddress.ip_network(cidr)) for s, site in enumerate(sites) for i, cidr in enumerate(site)
    ]
    expected: Counter[tuple[str, str]] = Counter()
    for x in range(len(claims)):
        for y in range(x + 1, len(claims)):
            (s1, _, n1), (s2, i2, n2) = claims[x], claims[y]
            if n1.overlaps(n2):
                code = (
                    "subnet.overlap" if s1 != s2 else ("subnet.duplicate" if n1 == n2 else "subnet.redundant")
                )
                expected[(code, f"sites[{s2}].subnets[{i2}]")] += 1
    unbounded = validate_plan(plan, overlap_limit=10**6)
    codes = {"subnet.overlap", "subnet.duplicate", "subnet.redundant"}
    assert Counter((f.code, f.path) for f in unbounded if f.code in codes) == expected
    bounded = validate_plan(plan, overlap_limit=limit)
    listed = [f for f in bounded if f.code in codes]
    assert len(listed) == min(limit, sum(expected.values()))
    summaries = [f for f in bounded if f.code == "overlap.more"]
    if sum(expected.values()) > limit:
        (summary,) = summaries
        assert f"{sum(expected.values())} in all" in summary.message
        errors_left = sum(n for (c, _), n in expected.items() if c == "subnet.overlap") - sum(
            1 for f in listed if f.code == "subnet.overlap"
        )
        assert summary.severity == ("error" if errors_left else "warning")
    else:
        assert summaries == []


@settings(max_examples=200, deadline=None)
@given(st.lists(blocks, max_size=30))
def test_nested_pairs_match_brute_force(cidrs: list[str]) -> None:
    parsed = [block for block in map(parse_block, cidrs) if block is not None]
    assert len(parsed) == len(cidrs)
    found = {frozenset((i, j)) for i, j in nested_pairs(parsed)}
    networks = [ipaddress.ip_network(cidr) for cidr in cidrs]
    expected = {
        frozenset((i, j))
        for i in range(len(cidrs))
        for j in range(i + 1, len(cidrs))
        if networks[i].overlaps(networks[j])
    }
    assert found == expected
    assert len(list(nested_pairs(parsed))) == len(expected)
