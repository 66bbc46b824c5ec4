"""Live IKE: the generated on-premises strongSwan config against the cloud side emulated from the same plan.

Every scenario and routing mode: both tunnels' CHILD_SAs INSTALLED, and traffic between a host in a cloud
subnet and one in an on-premises subnet (for BGP, between the tunnel inside addresses the BGP sessions use).
Deliberate mismatches fail with the notify a real peer would send.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.rendering.plans import CASES, GENERATED_AT, plan_dict, scenario_plan
from tests.strongswan_lab import Lab, Node, require_lab
from wizard.network import Plan, parse_plan, resolve_tunnels
from wizard.network.addresses import format_ipv4, parse_block
from wizard.rendering import render_cloud_side, render_config

pytestmark = pytest.mark.interop


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    require_lab()
    with Lab(tmp_path) as instance:
        yield instance


def first_host(cidr: str) -> str:
    block = parse_block(cidr)
    assert block is not None
    return format_ipv4(block.first + 1)


def last_host(cidr: str) -> str:
    block = parse_block(cidr)
    assert block is not None
    return format_ipv4(block.last - 1)


def _config(plan: Plan, device: str) -> str:
    (rendered,) = [
        item
        for item in render_config(plan, site=device, platform="strongswan", generated_at=GENERATED_AT)
        if item.artifact == "swanctl.conf"
    ]
    return rendered.text


def _wait_for(lab: Lab, node: Node, expected: dict[str, int], timeout: float = 8.0) -> dict[str, list[dict]]:
    """Wait until each IKE_SA named in `expected` has that many INSTALLED CHILD_SAs."""
    deadline = time.monotonic() + timeout
    while True:
        installed = lab.installed_children(node)
        counts = {name: len(installed.get(name, [])) for name in expected}
        if all(counts[name] >= number for name, number in expected.items()):
            return installed
        if time.monotonic() > deadline:
            pytest.fail(f"CHILD_SAs on {node.name}: {counts}, expected {expected}\n{lab.log(node)[-3000:]}")
        time.sleep(0.05)


def _wait_for_log(lab: Lab, node: Node, needle: str, timeout: float = 8.0) -> str:
    deadline = time.monotonic() + timeout
    while needle not in (log := lab.log(node)):
        if time.monotonic() > deadline:
            pytest.fail(f"{needle!r} not in the log of {node.name}:\n{log[-3000:]}")
        time.sleep(0.05)
    return log


def _ping(lab: Lab, node: Node, source: str, destination: str) -> None:
    result = lab.ping(node, source=source, destination=destination)
    assert result.ok, f"ping {source} -> {destination} from {node.name} failed:\n{result.output}"


def run_site_scenario(lab: Lab, plan: Plan, cloud_plan: Plan | None = None) -> tuple[Node, dict[str, Node]]:
    """Cloud node serving every site of the plan, one node per site; loads both sides' configurations."""
    cloud_plan = cloud_plan or plan
    gateway = plan.gateways[0]
    cloud = lab.add_node("cloud")
    sites = {}
    for index, site in enumerate(plan.sites, start=1):
        node = lab.add_node(f"site{index}")
        lab.link(node, cloud, list(dict.fromkeys(site.gateway_ips)), list(gateway.ip_addresses))
        for subnet in site.subnets:
            lab.add_host(node, first_host(subnet))
        sites[site.name] = node
    for subnet in gateway.local_subnets or gateway.vpc_cidrs:
        lab.add_host(cloud, first_host(subnet))
    if len(plan.sites) > 1:
        # charon's userspace-ESP route installer needs a local source inside every local traffic selector; the
        # hub forwards other branches' subnets, so it holds their last host address (never a ping target).
        for site in plan.sites:
            for subnet in site.subnets:
                lab.add_host(cloud, last_host(subnet))
    for tunnel in resolve_tunnels(plan):
        if tunnel.local_address:
            lab.add_host(cloud, tunnel.local_address.split("/")[0])
            lab.add_host(sites[tunnel.peer], tunnel.peer_address.split("/")[0])
    lab.enable_forwarding(cloud)
    for node in (cloud, *sites.values()):
        lab.start(node)
    lab.load(cloud, "".join(render_cloud_side(cloud_plan, site=site.name, generated_at=GENERATED_AT)
                            for site in plan.sites))  # fmt: skip
    for site in plan.sites:
        lab.load(sites[site.name], _config(plan, site.name))
    return cloud, sites


@pytest.mark.parametrize(("scenario", "mode"), [case for case in CASES if case[0] != "cross_region"])
def test_site_configs_negotiate_with_the_cloud_side(lab: Lab, scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    cloud, sites = run_site_scenario(lab, plan)
    tunnels = resolve_tunnels(plan)
    gateway_subnets = plan.gateways[0].local_subnets or plan.gateways[0].vpc_cidrs
    for site in plan.sites:
        node = sites[site.name]
        per_tunnel = len(_config(plan, site.name).split("-sel")) - 1
        per_tunnel = per_tunnel // 2 if mode == "policy" else 1
        assert per_tunnel >= 1
        installed = _wait_for(lab, node, {"tunnel1": per_tunnel, "tunnel2": per_tunnel})
        assert {child["state"] for children in installed.values() for child in children} == {"INSTALLED"}
        source = first_host(site.subnets[0])
        if mode == "bgp":
            # The BGP sessions run between the inside addresses: each tunnel must carry them.
            for tunnel in (t for t in tunnels if t.peer == site.name):
                _ping(lab, node, tunnel.peer_address.split("/")[0], tunnel.local_address.split("/")[0])
        _ping(lab, node, source, first_host(gateway_subnets[0]))
    if scenario == "branch_hub" and mode != "policy":
        # Branches reach each other through the hub.
        berlin, paris = plan.sites
        _ping(lab, sites[berlin.name], first_host(berlin.subnets[0]), first_host(paris.subnets[0]))


@pytest.mark.parametrize("mode", ["static", "bgp", "policy"])
def test_cross_region_sides_negotiate(lab: Lab, mode: str) -> None:
    plan = scenario_plan("cross_region", mode)
    a_gateway, b_gateway = plan.gateways
    a, b = lab.add_node("a"), lab.add_node("b")
    lab.link(a, b, list(a_gateway.ip_addresses), list(b_gateway.ip_addresses))
    # charon's userspace-ESP route installer needs a local source inside every local traffic selector.
    for node, gateway in ((a, a_gateway), (b, b_gateway)):
        for subnet in gateway.local_subnets:
            lab.add_host(node, first_host(subnet))
    for tunnel in resolve_tunnels(plan):
        if tunnel.local_address:
            lab.add_host(a, tunnel.local_address.split("/")[0])
            lab.add_host(b, tunnel.peer_address.split("/")[0])
    lab.start(a)
    lab.start(b)
    lab.load(b, _config(plan, b_gateway.name))
    lab.load(a, _config(plan, a_gateway.name))
    _wait_for(lab, a, {"tunnel1": 1, "tunnel2": 1})
    _wait_for(lab, b, {"tunnel1": 1, "tunnel2": 1})
    _ping(lab, a, first_host(a_gateway.local_subnets[0]), first_host(b_gateway.local_subnets[0]))
    _ping(lab, b, first_host(b_gateway.local_subnets[0]), first_host(a_gateway.local_subnets[0]))


def _mismatched(mode: str, change: str) -> Plan:
    data = plan_dict("hybrid_cloud", mode)
    if change == "psk":
        data["psk"] = "Another-Key-2024:no"
    elif change == "ike_proposal":
        data["ike"]["dh_group"] = "group14"
    elif change == "esp_proposal":
        data["ipsec"]["encryption_algorithm"] = "aes-128"
    elif change == "selector":
        # The cloud's rules protect another on-premises subnet than the device's selectors.
        data["sites"][0]["subnets"] = ["10.9.0.0/16"]
        for rule in data["policy_rules"]:
            rule["destinations"] = ["10.9.0.0/16"]
    plan, findings = parse_plan(data)
    assert plan is not None, findings
    return plan


@pytest.mark.parametrize(
    ("change", "notify"),
    [
        ("psk", "received AUTHENTICATION_FAILED notify error"),
        ("ike_proposal", "received NO_PROPOSAL_CHOSEN notify error"),
        ("esp_proposal", "received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built"),
        ("selector", "received TS_UNACCEPTABLE notify"),
    ],
)
def test_mismatched_cloud_side_fails_with_the_expected_notify(lab: Lab, change: str, notify: str) -> None:
    # Selectors are compared as they are in policy mode (route modes narrow to the inside addresses).
    mode = "policy" if change == "selector" else "static"
    plan = scenario_plan("hybrid_cloud", mode)
    cloud_plan = _mismatched(mode, change)
    _, sites = run_site_scenario(lab, plan, cloud_plan=cloud_plan)
    site = sites[plan.sites[0].name]
    _wait_for_log(lab, site, notify)
    assert lab.installed_children(site) == {}
