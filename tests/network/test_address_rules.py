"""Rules of single address blocks and outer addresses: syntax, forbidden ranges, limits, gateway IPs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.network.conftest import coded, findings_for, plan_data

Mutation = Callable[[dict[str, Any]], None]


def _set(path: tuple[str | int, ...], value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def test_base_plan_is_clean() -> None:
    assert findings_for(plan_data()) == []


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        # Syntax of every kind of block, with the suggested fix.
        (_set(("sites", 0, "subnets"), ["10.1.2.3/24"]), ("error", "cidr.host_bits", "sites[0].subnets[0]")),
        (_set(("sites", 0, "subnets"), ["10.1.0.0"]), ("error", "cidr.mask_required", "sites[0].subnets[0]")),
        (_set(("sites", 0, "subnets"), ["10.1.0.0/33"]), ("error", "cidr.invalid", "sites[0].subnets[0]")),
        (_set(("sites", 0, "subnets"), ["2001:db8::/32"]), ("error", "cidr.ipv6", "sites[0].subnets[0]")),
        (
            _set(("gateways", 0, "local_subnets"), ["192.168.1.1/24"]),
            ("error", "cidr.host_bits", "gateways[0].local_subnets[0]"),
        ),
        (_set(("gateways", 0, "vpc_cidrs"), ["vpc"]), ("error", "cidr.invalid", "gateways[0].vpc_cidrs[0]")),
        # C2 / C3 / C7: forbidden customer ranges, inside or covering them.
        (
            _set(("sites", 0, "subnets"), ["224.1.0.0/16"]),
            ("error", "subnet.forbidden_range", "sites[0].subnets[0]"),
        ),
        (
            _set(("sites", 0, "subnets"), ["240.0.0.0/8"]),
            ("error", "subnet.forbidden_range", "sites[0].subnets[0]"),
        ),
        (
            _set(("sites", 0, "subnets"), ["127.0.0.0/16"]),
            ("error", "subnet.forbidden_range", "sites[0].subnets[0]"),
        ),
        (
            _set(("sites", 0, "subnets"), ["100.64.0.0/12"]),
            ("error", "subnet.forbidden_range", "sites[0].subnets[0]"),
        ),
        (
            _set(("sites", 0, "subnets"), ["100.96.0.0/11"]),
            ("error", "subnet.forbidden_range", "sites[0].subnets[0]"),
        ),
        (
            _set(("sites", 0, "subnets"), ["214.3.0.0/16"]),
            ("error", "subnet.forbidden_range", "sites[0].subnets[0]"),
        ),
        (
            _set(("sites", 0, "subnets"), ["96.0.0.0/3"]),
            ("error", "subnet.forbidden_range", "sites[0].subnets[0]"),
        ),
        (
            _set(("sites", 0, "subnets"), ["169.254.10.0/24"]),
            ("warning", "subnet.link_local", "sites[0].subnets[0]"),
        ),
        # C9 / C6 limits and required lists.
        (
            _set(("gateways", 0, "local_subnets"), [f"192.168.{i}.0/24" for i in range(51)]),
            ("error", "gateway.local_subnets_limit", "gateways[0].local_subnets"),
        ),
        (
            _set(("gateways", 0, "local_subnets"), []),
            ("error", "gateway.local_subnets_required", "gateways[0].local_subnets"),
        ),
        (
            _set(("sites", 0, "subnets"), [f"10.{i}.0.0/16" for i in range(51)]),
            ("error", "site.subnets_limit", "sites[0].subnets"),
        ),
        (_set(("sites", 0, "subnets"), []), ("error", "site.subnets_required", "sites[0].subnets")),
        # Outer addresses.
        (
            _set(("sites", 0, "gateway_ips"), ["203.0.113"]),
            ("error", "address.invalid", "sites[0].gateway_ips[0]"),
        ),
        (
            _set(("sites", 0, "gateway_ips"), ["127.0.0.1"]),
            ("error", "address.unusable", "sites[0].gateway_ips[0]"),
        ),
        (
            _set(("sites", 0, "gateway_ips"), ["10.0.0.1"]),
            ("error", "address.private", "sites[0].gateway_ips[0]"),
        ),
        (
            _set(("sites", 0, "gateway_ips"), ["198.51.100.10"]),
            ("error", "address.cloud_ip", "sites[0].gateway_ips[0]"),
        ),
        (_set(("sites", 0, "gateway_ips"), []), ("error", "site.gateway_ips_count", "sites[0].gateway_ips")),
        (
            _set(("gateways", 0, "ip_addresses"), ["198.51.100.10"]),
            ("error", "gateway.ip_addresses", "gateways[0].ip_addresses"),
        ),
        (
            _set(("gateways", 0, "ip_addresses"), ["198.51.100.10", "198.51.100.10"]),
            ("error", "gateway.ip_addresses_same", "gateways[0].ip_addresses[1]"),
        ),
        (
            _set(("gateways", 0, "ip_addresses"), ["198.51.100.10", "224.0.0.1"]),
            ("error", "address.unusable", "gateways[0].ip_addresses[1]"),
        ),
    ],
)
def test_address_rule(mutate: Mutation, expected: tuple[str, str, str]) -> None:
    data = plan_data()
    mutate(data)
    assert expected in coded(findings_for(data))


def test_host_bits_suggest_the_network() -> None:
    data = plan_data()
    data["sites"][0]["subnets"] = ["10.1.2.3/24"]
    finding = next(f for f in findings_for(data) if f.code == "cidr.host_bits")
    assert finding.suggestion == "Did you mean 10.1.2.0/24?"
    assert "10.1.2.3/24" in finding.message


def test_private_customer_ip_is_fine_for_a_private_gateway() -> None:
    data = plan_data()
    data["gateways"][0]["network_type"] = "private"
    data["sites"][0]["gateway_ips"] = ["10.200.0.1"]
    assert "address.private" not in {f.code for f in findings_for(data)}


def test_customer_subnets_may_be_omitted_for_er_with_bgp() -> None:
    data = plan_data(routing={"mode": "bgp"})
    data["gateways"][0].update(attachment="er")
    data["sites"][0]["subnets"] = []
    assert "site.subnets_required" not in {f.code for f in findings_for(data)}


def test_one_gateway_ip_shared_by_two_sites() -> None:
    data = plan_data(scenario="branch_hub")
    data["sites"].append({**data["sites"][0], "name": "Munich", "bgp_asn": 65020, "subnets": ["10.2.0.0/16"]})
    assert ("error", "site.gateway_ip_shared", "sites[1].gateway_ips[0]") in coded(findings_for(data))


def test_limits_at_the_boundary_are_accepted() -> None:
    data = plan_data()
    data["gateways"][0]["local_subnets"] = [f"192.168.{i}.0/24" for i in range(50)]
    data["sites"][0]["subnets"] = [f"10.{i}.0.0/16" for i in range(50)]
    codes = {f.code for f in findings_for(data)}
    assert not codes & {"gateway.local_subnets_limit", "site.subnets_limit"}
