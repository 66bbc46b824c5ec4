"""A hub branch routes the summary of the VPC and every other branch, including other requests' branches."""

from __future__ import annotations

import copy
import re

from tests.rendering.plans import GENERATED_AT, plan_dict
from wizard.network import Plan, parse_plan
from wizard.rendering import render_config


def hub(mode: str, subnets: list[str]) -> Plan:
    data = plan_dict("branch_hub", mode)
    data["gateways"][0]["local_subnets"] = ["192.168.1.0/24"]
    template = data["sites"][0]
    data["sites"] = []
    for index, subnet in enumerate(subnets):
        site = copy.deepcopy(template)
        site.update(name=f"branch-{index}", gateway_ips=[f"203.0.113.{10 + index}"], subnets=[subnet])
        site["bgp_asn"] = 65010 + index
        data["sites"].append(site)
    plan, findings = parse_plan(data)
    assert plan is not None, findings
    return plan


def routes(plan: Plan, site: str, other_branches: tuple[str, ...] = ()) -> list[str]:
    text = render_config(
        plan, site=site, platform="cisco_iosxe", generated_at=GENERATED_AT, other_branches=other_branches
    )[0].text
    return re.findall(r"^ip route (\S+ \S+) Tunnel1 ", text, flags=re.MULTILINE)


ADJACENT = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]


def test_adjacent_branches_are_merged_and_the_own_subnet_is_left_out() -> None:
    plan = hub("static", ADJACENT)
    assert routes(plan, "branch-0") == [
        "10.0.1.0 255.255.255.0",
        "10.0.2.0 255.255.254.0",
        "192.168.1.0 255.255.255.0",
    ]
    assert routes(plan, "branch-3") == [
        "10.0.0.0 255.255.254.0",
        "10.0.2.0 255.255.255.0",
        "192.168.1.0 255.255.255.0",
    ]


def test_branches_of_other_requests_on_the_hub_are_routed_too() -> None:
    plan = hub("static", ADJACENT)
    assert routes(plan, "branch-0", ("10.0.4.0/23", "10.0.6.0/23")) == [
        "10.0.1.0 255.255.255.0",
        "10.0.2.0 255.255.254.0",
        "10.0.4.0 255.255.252.0",
        "192.168.1.0 255.255.255.0",
    ]


def test_policy_selectors_are_never_summarised() -> None:
    plan = hub("policy", ADJACENT)
    text = render_config(plan, site="branch-0", platform="strongswan", generated_at=GENERATED_AT)[0].text
    assert "remote_ts = 192.168.1.0/24" in text and "10.0.1.0" not in text
