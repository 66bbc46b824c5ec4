"""ASN rules, names, routing options and the rules of each scenario."""

from __future__ import annotations

from typing import Any

import pytest

from tests.network.conftest import coded, findings_for, hub_data, plan_data


def _bgp(**changes: Any) -> dict[str, Any]:
    return plan_data(routing={"mode": "bgp", "branch_interconnection": False, "nqa": False}, **changes)


def _dc(asn_vgw: int = 65146, asn_er: int = 64800, **gateway: Any) -> dict[str, Any]:
    data = _bgp(
        scenario="dc_backup",
        direct_connect={
            "virtual_gateway_asn": asn_vgw,
            "enterprise_router_asn": asn_er,
            "subnets": ["10.1.0.0/16"],
        },
    )
    data["gateways"][0].update({"attachment": "er", **gateway})
    return data


def test_dc_backup_base_is_clean() -> None:
    assert findings_for(_dc()) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            _bgp(sites=[{**plan_data()["sites"][0], "bgp_asn": None}]),
            ("error", "asn.required", "sites[0].bgp_asn"),
        ),
        (_bgp(sites=[{**plan_data()["sites"][0], "bgp_asn": 0}]), ("error", "asn.range", "sites[0].bgp_asn")),
        (
            _bgp(sites=[{**plan_data()["sites"][0], "bgp_asn": 2**32}]),
            ("error", "asn.range", "sites[0].bgp_asn"),
        ),
        (
            _bgp(sites=[{**plan_data()["sites"][0], "bgp_asn": 64512}]),
            ("error", "asn.same_as_gateway", "sites[0].bgp_asn"),
        ),
        (_dc(asn_er=65146), ("error", "asn.direct_connect_clash", "direct_connect.enterprise_router_asn")),
        (_dc(asn_er=64000), ("error", "asn.enterprise_router_range", "direct_connect.enterprise_router_asn")),
        (
            _dc(asn_er=4294967295),
            ("error", "asn.enterprise_router_range", "direct_connect.enterprise_router_asn"),
        ),
        (_dc(asn_vgw=64512, region="eu-nl"), ("error", "asn.direct_connect_clash", "gateways[0].bgp_asn")),
        (
            _dc(asn_vgw=64999),
            ("warning", "asn.direct_connect_unexpected", "direct_connect.virtual_gateway_asn"),
        ),
    ],
)
def test_asn_rules(data: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert expected in coded(findings_for(data))


def test_enterprise_router_range_edges_are_accepted() -> None:
    for asn in (64512 + 1, 65534, 4200000000, 4294967294):
        assert "asn.enterprise_router_range" not in {f.code for f in findings_for(_dc(asn_er=asn))}


def test_site_asn_equal_to_a_cloud_side_asn() -> None:
    data = _dc()
    data["sites"][0]["bgp_asn"] = 64800
    assert ("error", "asn.site_clash", "sites[0].bgp_asn") in coded(findings_for(data))


def test_static_routing_needs_no_asn() -> None:
    data = plan_data()
    data["sites"][0]["bgp_asn"] = None
    assert findings_for(data) == []


@pytest.mark.parametrize("order", [(65010, 65010), (65020, 65020)])
def test_hub_branches_need_distinct_asns(order: tuple[int, int]) -> None:
    data = hub_data(["10.1.0.0/16"], ["10.2.0.0/16"])
    for site, asn in zip(data["sites"], order, strict=True):
        site["bgp_asn"] = asn
    assert ("error", "asn.duplicate", "sites[1].bgp_asn") in coded(findings_for(data))


def _cross(**second: Any) -> dict[str, Any]:
    data = _bgp(scenario="cross_region", sites=[])
    gateway = data["gateways"][0]
    data["gateways"].append(
        {
            **gateway,
            "name": "vpngw-ams",
            "region": "eu-nl",
            "vpc_cidrs": ["172.16.0.0/16"],
            "local_subnets": ["172.16.0.0/16"],
            "bgp_asn": 64513,
            "ip_addresses": ["203.0.113.20", "203.0.113.21"],
            **second,
        }
    )
    return data


def test_cross_region_base_is_clean() -> None:
    assert findings_for(_cross()) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_cross(region="eu-de"), ("error", "scenario.same_region", "gateways[1].region")),
        (_cross(bgp_asn=64512), ("error", "asn.same_as_gateway", "gateways[1].bgp_asn")),
        (_cross(name="vpngw-fra"), ("error", "gateway.duplicate_name", "gateways[1].name")),
        (plan_data(scenario="cross_region"), ("error", "scenario.gateway_count", "gateways")),
        ({**_cross(), "sites": plan_data()["sites"]}, ("error", "scenario.site_count", "sites")),
        (plan_data(sites=[]), ("error", "scenario.site_count", "sites")),
        (plan_data(scenario="branch_hub", sites=[]), ("error", "scenario.site_count", "sites")),
        (plan_data(scenario="mesh"), ("error", "scenario.unknown", "scenario")),
        (_dc(attachment="vpc"), ("error", "scenario.dc_attachment", "gateways[0].attachment")),
        ({**_dc(), "routing": {"mode": "static"}}, ("error", "scenario.dc_routing", "routing.mode")),
        ({**_dc(), "direct_connect": None}, ("error", "scenario.direct_connect_missing", "direct_connect")),
        (
            plan_data(direct_connect={"virtual_gateway_asn": 65146, "enterprise_router_asn": 64800}),
            ("error", "scenario.direct_connect_unexpected", "direct_connect"),
        ),
    ],
)
def test_scenario_rules(data: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert expected in coded(findings_for(data))


def test_dc_backup_subnets_must_match_both_ways() -> None:
    data = _dc()
    data["sites"][0]["subnets"] = ["10.1.0.0/16", "10.9.0.0/16"]
    data["direct_connect"]["subnets"] = ["10.1.0.0/16", "10.8.0.0/16"]
    found = coded(findings_for(data))
    assert ("warning", "direct_connect.not_backed_up", "sites[0].subnets[1]") in found
    assert ("warning", "direct_connect.not_backed_up", "direct_connect.subnets[1]") in found


@pytest.mark.parametrize(
    ("flavor", "branches", "limited"),
    [("Basic", 10, False), ("Basic", 11, True), ("Professional1", 100, False), ("Professional1", 101, True)],
)
def test_branch_count_within_connection_groups(flavor: str, branches: int, limited: bool) -> None:
    data = hub_data(*[[f"10.{i}.0.0/16"] for i in range(branches)])
    data["gateways"][0]["flavor"] = flavor
    for i, site in enumerate(data["sites"]):
        site["gateway_ips"] = [f"198.51.100.{100 + i}" if i < 100 else "203.0.113.200"]
    assert (("error", "scenario.branch_limit", "sites") in coded(findings_for(data))) is limited


def test_bgp_hub_without_interconnection_warns_that_branches_are_isolated() -> None:
    data = hub_data(
        ["10.1.0.0/16"], ["10.2.0.0/16"], routing={"mode": "bgp", "branch_interconnection": False}
    )
    assert ("warning", "scenario.hub_isolated", "routing.branch_interconnection") in coded(findings_for(data))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"flavor": "Basic", "attachment": "er"}, ("error", "gateway.flavor_basic", "gateways[0].flavor")),
        (
            {"flavor": "Basic", "network_type": "private"},
            ("error", "gateway.flavor_basic", "gateways[0].flavor"),
        ),
        ({"flavor": "Huge"}, ("error", "gateway.flavor", "gateways[0].flavor")),
        ({"ha_mode": "active-passive"}, ("error", "gateway.ha_mode", "gateways[0].ha_mode")),
        ({"attachment": "tgw"}, ("error", "gateway.attachment", "gateways[0].attachment")),
        ({"network_type": "internet"}, ("error", "gateway.network_type", "gateways[0].network_type")),
        ({"region": " "}, ("error", "gateway.region", "gateways[0].region")),
        ({"region": "EU DE"}, ("error", "gateway.region", "gateways[0].region")),
        ({"region": "eu-de;reboot"}, ("error", "gateway.region", "gateways[0].region")),
        ({"vpc": ""}, ("error", "gateway.vpc", "gateways[0].vpc")),
        ({"vpc": "vpc prod/1"}, ("error", "gateway.vpc", "gateways[0].vpc")),
        ({"name": "vpn gw"}, ("error", "name.invalid", "gateways[0].name")),
        (
            {"ha_mode": "active-standby"},
            ("error", "site.active_standby_needs_two_ips", "sites[0].gateway_ips"),
        ),
    ],
)
def test_gateway_rules(changes: dict[str, Any], expected: tuple[str, str, str]) -> None:
    data = plan_data()
    data["gateways"][0].update(changes)
    assert expected in coded(findings_for(data))


@pytest.mark.parametrize("region", ["eu-de", "eu-nl", "cn-north-4", "ap-southeast-1", "eu-west-101"])
def test_region_ids_of_both_clouds_are_accepted(region: str) -> None:
    data = plan_data()
    data["gateways"][0].update(region=region, vpc="5d8b0a1c-0000-4000-8000-000000000001")
    codes = {code for _, code, _ in coded(findings_for(data))}
    assert not codes & {"gateway.region", "gateway.vpc"}


def test_two_customer_ips_with_active_active_is_a_warning() -> None:
    data = plan_data()
    data["sites"][0]["gateway_ips"] = ["203.0.113.10", "203.0.113.11"]
    assert coded(findings_for(data)) == {("warning", "site.two_ips_active_active", "sites[0].gateway_ips")}
    data["gateways"][0]["ha_mode"] = "active-standby"
    assert findings_for(data) == []


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("a", True),
        ("A-z_0.9", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("Köln", False),
        ("a b", False),
    ],
)
def test_names(name: str, valid: bool) -> None:
    data = plan_data(name=name)
    finding = [f for f in findings_for(data) if f.code == "name.invalid"]
    assert (not finding) is valid


def test_invalid_name_suggests_a_valid_one() -> None:
    data = plan_data()
    data["sites"][0]["name"] = "Berlin Mitte"
    finding = next(f for f in findings_for(data) if f.code == "name.invalid")
    assert finding.path == "sites[0].name" and finding.suggestion == "Did you mean 'Berlin-Mitte'?"


def test_site_names_are_unique_and_platform_known() -> None:
    data = hub_data(["10.1.0.0/16"], ["10.2.0.0/16"])
    data["sites"][1]["name"] = "b0"
    data["sites"][1]["platform"] = "vyos"
    found = coded(findings_for(data))
    assert ("error", "site.duplicate_name", "sites[1].name") in found
    assert ("error", "site.platform", "sites[1].platform") in found


@pytest.mark.parametrize(
    ("routing", "expected"),
    [
        (
            {"mode": "static", "branch_interconnection": True},
            ("error", "routing.branch_interconnection", "routing.branch_interconnection"),
        ),
        (
            {"mode": "policy", "branch_interconnection": True},
            ("error", "routing.branch_interconnection", "routing.branch_interconnection"),
        ),
        ({"mode": "bgp", "nqa": True}, ("error", "routing.nqa", "routing.nqa")),
        ({"mode": "policy", "nqa": True}, ("error", "routing.nqa", "routing.nqa")),
        ({"mode": "ospf"}, ("error", "routing.mode", "routing.mode")),
    ],
)
def test_routing_options(routing: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert expected in coded(findings_for(plan_data(routing=routing)))


def test_allowed_routing_options() -> None:
    assert findings_for(plan_data(routing={"mode": "static", "nqa": True})) == []
    assert findings_for(plan_data(routing={"mode": "bgp", "branch_interconnection": True})) == []
