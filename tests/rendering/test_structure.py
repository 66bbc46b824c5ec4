"""Structural round trip: parse each rendered config back with a PyPI parser; compare with the plan's intent.

ciscoconfparse2 for IOS-XE and ASA, hier_config for FortiOS, ttp for the set-style and line-style platforms
(Juniper, PAN-OS, Huawei VRP, MikroTik), json for the parameter sheet.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass

import pytest
from ciscoconfparse2 import CiscoConfParse
from hier_config import Host
from ttp import ttp

from tests.rendering.plans import CASES, GENERATED_AT, scenario_plan
from wizard.network import Plan, resolve_tunnels
from wizard.rendering import render_config
from wizard.rendering.context import netmask
from wizard.rendering.platforms import ALGORITHMS


@dataclass(frozen=True)
class Intent:
    """What the first device of a plan must be configured with, computed from the plan independently."""

    tunnels: list[tuple[str, str, str, str]]  # local ip, remote ip, inside local (cidr), inside remote (cidr)
    local_subnets: list[str]
    remote_subnets: list[str]
    selectors: list[tuple[str, str]]
    local_asn: int | None
    remote_asn: int | None


def intent(plan: Plan) -> Intent:
    tunnels = resolve_tunnels(plan)
    if plan.scenario == "cross_region":
        a, b = plan.gateways
        rows = [(t.cloud_ip, t.customer_ip, t.local_address, t.peer_address) for t in tunnels]
        selectors = [(rule.source, d) for rule in plan.policy_rules for d in rule.destinations]
        return Intent(rows, list(a.local_subnets), list(b.local_subnets), selectors, a.bgp_asn, b.bgp_asn)
    site = plan.sites[0]
    gateway = plan.gateways[0]
    rows = [
        (t.customer_ip, t.cloud_ip, t.peer_address, t.local_address) for t in tunnels if t.peer == site.name
    ]
    remote = list(gateway.local_subnets or gateway.vpc_cidrs)
    if plan.scenario == "branch_hub" and (
        plan.routing.mode == "static" or plan.routing.branch_interconnection
    ):
        remote += [subnet for other in plan.sites[1:] for subnet in other.subnets]
        # A branch routes the summary of the VPC and every other branch, in address order.
        remote = [str(network) for network in ipaddress.collapse_addresses(map(ipaddress.ip_network, remote))]
    selectors = [
        (d, rule.source) for rule in plan.policy_rules for d in rule.destinations if d in site.subnets
    ]
    return Intent(rows, list(site.subnets), remote, selectors, site.bgp_asn, gateway.bgp_asn)


def first_device(plan: Plan) -> str:
    return plan.gateways[0].name if plan.scenario == "cross_region" else plan.sites[0].name


def render(plan: Plan, platform: str, artifact: str | None = None) -> str:
    configs = render_config(plan, site=first_device(plan), platform=platform, generated_at=GENERATED_AT)
    return next(config.text for config in configs if artifact is None or config.artifact == artifact)


def address(cidr: str) -> str:
    return cidr.split("/")[0]


def mask_of(cidr: str) -> tuple[str, str]:
    network, length = cidr.split("/")
    return network, netmask(int(length))


def names(platform: str, plan: Plan) -> dict[str, str]:
    return {kind: row.get(value, "") for kind, row, value in _policy_values(platform, plan)}


def _policy_values(platform: str, plan: Plan) -> list[tuple[str, dict[str, str], str]]:
    table = ALGORITHMS[platform]
    return [
        ("ike_encryption", table["ike_encryption"], plan.ike.encryption_algorithm),
        ("ike_integrity", table["ike_integrity"], plan.ike.authentication_algorithm),
        ("dh_group", table["dh_group"], plan.ike.dh_group),
        ("esp_encryption", table["esp_encryption"], plan.ipsec.encryption_algorithm),
        ("esp_integrity", table["esp_integrity"], plan.ipsec.authentication_algorithm),
        ("pfs", table["pfs"], plan.ipsec.pfs),
    ]


def children(parse: CiscoConfParse, parent: str) -> list[str]:
    (line,) = parse.find_objects(parent)
    return [child.text.strip() for child in line.children]


@pytest.mark.parametrize(("scenario", "mode"), CASES)
def test_cisco_iosxe(scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    want, algorithm = intent(plan), names("cisco_iosxe", plan)
    parse = CiscoConfParse(render(plan, "cisco_iosxe").splitlines(), syntax="ios")
    assert children(parse, r"^crypto ikev2 proposal CLOUD-VPN-IKE$") == [
        f"encryption {algorithm['ike_encryption']}",
        f"integrity {algorithm['ike_integrity']}",
        f"group {algorithm['dh_group']}",
    ]
    (transform,) = parse.find_objects(r"^crypto ipsec transform-set")
    assert transform.text.endswith(f"{algorithm['esp_encryption']} {algorithm['esp_integrity']}")
    peers = [line.text.split()[-1] for line in parse.find_objects(r"^  address ")]
    assert peers == [remote for _, remote, _, _ in want.tunnels]
    for number, (local, remote, inside_local, _) in enumerate(want.tunnels, start=1):
        profile = children(parse, rf"^crypto ikev2 profile CLOUD-VPN-{number}$")
        assert f"identity local address {local}" in profile
        assert f"match identity remote address {remote} 255.255.255.255" in profile
        assert "dpd 30 15 on-demand" in profile
        if mode == "policy":
            assert f"set peer {remote}" in children(parse, rf"^crypto map CLOUD-VPN {number * 10} ")
            continue
        tunnel = children(parse, rf"^interface Tunnel{number}$")
        assert f"ip address {address(inside_local)} 255.255.255.252" in tunnel
        assert f"tunnel destination {remote}" in tunnel
        assert {"ip mtu 1400", "ip tcp adjust-mss 1360"} <= set(tunnel)
    if mode == "static":
        routes = {line.text for line in parse.find_objects(r"^ip route ")}
        assert len(routes) == 2 * len(want.remote_subnets)
        for subnet in want.remote_subnets:
            network, mask = mask_of(subnet)
            first, second = (230, 231) if scenario == "dc_backup" else (10, 20)
            assert {
                f"ip route {network} {mask} Tunnel1 {first}",
                f"ip route {network} {mask} Tunnel2 {second}",
            } <= routes
    elif mode == "bgp":
        bgp = [
            line.text.strip()
            for line in parse.find_objects(rf"^router bgp {want.local_asn}$")[0].all_children
        ]
        for _, _, _, inside_remote in want.tunnels:
            assert f"neighbor {address(inside_remote)} remote-as {want.remote_asn}" in bgp
        for subnet in want.local_subnets:
            assert "network {} mask {}".format(*mask_of(subnet)) in bgp
        backup = children(parse, r"^route-map CLOUD-VPN-BACKUP-IN") if scenario == "dc_backup" else []
        assert backup == (["set local-preference 50"] if scenario == "dc_backup" else [])
    else:
        acl = children(parse, r"^ip access-list extended CLOUD-VPN-SELECTORS$")
        assert len(acl) == len(want.selectors)


@pytest.mark.parametrize(("scenario", "mode"), CASES)
def test_cisco_asa(scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    want, algorithm = intent(plan), names("cisco_asa", plan)
    parse = CiscoConfParse(render(plan, "cisco_asa").splitlines(), syntax="asa")
    policy = children(parse, r"^crypto ikev2 policy 10$")
    assert f"encryption {algorithm['ike_encryption']}" in policy
    assert f"group {algorithm['dh_group']}" in policy
    proposal = children(parse, r"^crypto ipsec ikev2 ipsec-proposal CLOUD-VPN-ESP$")
    assert proposal == [f"protocol esp encryption {algorithm['esp_encryption']}",
                        f"protocol esp integrity {algorithm['esp_integrity']}"]  # fmt: skip
    for number, (_, remote, inside_local, inside_remote) in enumerate(want.tunnels, start=1):
        attributes = children(parse, rf"^tunnel-group {remote} ipsec-attributes$")
        assert "ikev2 remote-authentication pre-shared-key Example-Key-2024:ok" in attributes
        if mode == "policy":
            assert parse.find_objects(rf"^crypto map CLOUD-VPN {number * 10} set peer {remote}$")
            continue
        tunnel = children(parse, rf"^interface Tunnel{number}$")
        assert f"ip address {address(inside_local)} 255.255.255.252" in tunnel
        assert f"tunnel destination {remote}" in tunnel
        if mode == "static":
            for subnet in want.remote_subnets:
                network, mask = mask_of(subnet)
                assert parse.find_objects(
                    rf"^route cloud-vpn-{number} {network} {mask} {address(inside_remote)} "
                )
    if mode == "policy":
        assert len(parse.find_objects(r"^access-list CLOUD-VPN-SELECTORS")) == len(want.selectors)


def fortios_tree(text: str) -> dict[str, dict[str, list[str]]]:
    host = Host("device", "fortios")
    host.load_running_config(text)
    tree: dict[str, dict[str, list[str]]] = {}
    for section in host.running_config.children:
        if section.text.startswith("config "):
            tree[section.text] = {
                edit.text: [line.text for line in edit.children]
                for edit in section.children
                if edit.text.startswith("edit ")
            }
    return tree


@pytest.mark.parametrize(("scenario", "mode"), CASES)
def test_fortigate(scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    want, algorithm = intent(plan), names("fortigate", plan)
    text = render(plan, "fortigate")
    tree = fortios_tree(text)
    phase1 = tree["config vpn ipsec phase1-interface"]
    for number, (local, remote, inside_local, inside_remote) in enumerate(want.tunnels, start=1):
        settings = phase1[f'edit "cloud-vpn-{number}"']
        assert f"set remote-gw {remote}" in settings
        assert f"set local-gw {local}" in settings
        assert f"set proposal {algorithm['ike_encryption']}-{algorithm['ike_integrity']}" in settings
        assert f"set dhgrp {algorithm['dh_group']}" in settings
        assert "set nattraversal enable" in settings
        assert "set dpd on-idle" in settings
        interface = tree["config system interface"][f'edit "cloud-vpn-{number}"']
        assert {"set mtu 1400", "set tcp-mss 1360"} <= set(interface)
        if inside_local:
            assert f"set remote-ip {address(inside_remote)} 255.255.255.252" in interface
    phase2 = tree["config vpn ipsec phase2-interface"]
    expected_phase2 = len(want.tunnels) * (len(want.selectors) if mode == "policy" else 1)
    assert len(phase2) == expected_phase2
    for settings in phase2.values():
        assert f"set proposal {algorithm['esp_encryption']}-{algorithm['esp_integrity']}" in settings
        assert f"set dhgrp {algorithm['pfs']}" in settings
    if mode == "static":
        assert text.count("set dst ") == 2 * len(want.remote_subnets)
    if mode == "bgp":
        host = Host("device", "fortios")
        host.load_running_config(text)
        neighbors = host.running_config.get_child("equals", "config router bgp").get_child(
            "equals", "config neighbor"
        )
        edits = [edit.text for edit in neighbors.children if edit.text.startswith("edit ")]
        assert edits == [f'edit "{address(row[3])}"' for row in want.tunnels]
        for edit in edits:
            assert f"set remote-as {want.remote_asn}" in [
                line.text for line in neighbors.get_child("equals", edit).children
            ]


JUNOS_TEMPLATE = """
<group name="gateways*">
set security ike gateway {{ name }} address {{ address }}
</group>
<group name="identities*">
set security ike gateway {{ name }} local-identity inet {{ identity }}
</group>
<group name="ike*">
set security ike proposal cloud-vpn-ike {{ key }} {{ value }}
</group>
<group name="esp*">
set security ipsec proposal cloud-vpn-esp {{ key }} {{ value }}
</group>
<group name="pfs*">
set security ipsec policy cloud-vpn-esp perfect-forward-secrecy keys {{ group }}
</group>
<group name="addresses*">
set interfaces st0 unit {{ unit }} family inet address {{ address }}
</group>
<group name="routes*">
set routing-options static route {{ prefix }} qualified-next-hop {{ interface }} preference {{ preference }}
</group>
<group name="neighbors*">
set protocols bgp group cloud-vpn neighbor {{ neighbor }} local-address {{ local }}
</group>
<group name="selectors*">
set security ipsec vpn {{ vpn }} traffic-selector {{ name }} local-ip {{ local }}
</group>
"""


def ttp_parse(text: str, template: str) -> dict[str, list[dict[str, str]]]:
    parser = ttp(data=text, template=template)
    parser.parse()
    result = parser.result()[0][0]
    return {key: value if isinstance(value, list) else [value] for key, value in result.items()}


@pytest.mark.parametrize(("scenario", "mode"), CASES)
def test_juniper_srx(scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    want, algorithm = intent(plan), names("juniper_srx", plan)
    parsed = ttp_parse(render(plan, "juniper_srx"), JUNOS_TEMPLATE)
    assert [row["address"] for row in parsed["gateways"]] == [row[1] for row in want.tunnels]
    assert [row["identity"] for row in parsed["identities"]] == [row[0] for row in want.tunnels]
    ike = {row["key"]: row["value"] for row in parsed["ike"]}
    assert ike["encryption-algorithm"] == algorithm["ike_encryption"]
    assert ike["authentication-algorithm"] == algorithm["ike_integrity"]
    assert ike["dh-group"] == algorithm["dh_group"]
    esp = {row["key"]: row["value"] for row in parsed["esp"]}
    assert esp["encryption-algorithm"] == algorithm["esp_encryption"]
    assert esp["authentication-algorithm"] == algorithm["esp_integrity"]
    assert parsed["pfs"] == [{"group": algorithm["pfs"]}]
    if mode == "policy":
        assert len(parsed["selectors"]) == len(want.tunnels) * len(want.selectors)
        assert {row["local"] for row in parsed["selectors"]} == {local for local, _ in want.selectors}
        return
    assert [row["address"] for row in parsed["addresses"]] == [row[2] for row in want.tunnels]
    if mode == "static":
        assert {row["prefix"] for row in parsed["routes"]} == set(want.remote_subnets)
        assert len(parsed["routes"]) == 2 * len(want.remote_subnets)
    else:
        assert [row["neighbor"] for row in parsed["neighbors"]] == [address(row[3]) for row in want.tunnels]


PANOS_TEMPLATE = """
<group name="peers*">
set network ike gateway {{ name }} peer-address ip {{ address }}
</group>
<group name="tunnels*">
set network interface tunnel units {{ unit }} ip {{ address }}
</group>
<group name="ike*">
set network ike crypto-profiles ike-crypto-profiles cloud-vpn-ike {{ key }} {{ value }}
</group>
<group name="esp*">
set network ike crypto-profiles ipsec-crypto-profiles cloud-vpn-esp esp {{ key }} {{ value }}
</group>
<group name="proxy*">
set network tunnel ipsec {{ tunnel }} auto-key proxy-id {{ name }} local {{ local }}
</group>
<group name="routes*">
set network virtual-router default routing-table ip static-route {{ name }} destination {{ prefix }}
</group>
<group name="neighbors*">
set network virtual-router {{ vr }} protocol bgp peer-group {{ pg }} peer {{ name }} peer-address ip {{ ip }}
</group>
"""


@pytest.mark.parametrize(("scenario", "mode"), CASES)
def test_paloalto(scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    want, algorithm = intent(plan), names("paloalto", plan)
    parsed = ttp_parse(render(plan, "paloalto"), PANOS_TEMPLATE)
    assert [row["address"] for row in parsed["peers"]] == [row[1] for row in want.tunnels]
    ike = {row["key"]: row["value"] for row in parsed["ike"]}
    assert (ike["encryption"], ike["hash"], ike["dh-group"]) == (
        algorithm["ike_encryption"], algorithm["ike_integrity"], algorithm["dh_group"])  # fmt: skip
    esp = {row["key"]: row["value"] for row in parsed["esp"]}
    assert (esp["encryption"], esp["authentication"]) == (
        algorithm["esp_encryption"],
        algorithm["esp_integrity"],
    )
    if mode == "policy":
        assert len(parsed["proxy"]) == len(want.tunnels) * len(want.selectors)
        return
    assert [row["address"] for row in parsed["tunnels"]] == [row[2] for row in want.tunnels]
    if mode == "static":
        assert sorted(row["prefix"] for row in parsed["routes"]) == sorted(want.remote_subnets * 2)
    else:
        assert [row["ip"] for row in parsed["neighbors"]] == [address(row[3]) for row in want.tunnels]


HUAWEI_TEMPLATE = """
<group name="peers*">
ike peer {{ name }}
 remote-address {{ address }}
 local-address {{ local }}
 dpd msg {{ dpd_msg }}
</group>
<group name="ike">
ike proposal 10
 encryption-algorithm {{ encryption }}
 dh {{ dh }}
 authentication-algorithm {{ integrity }}
</group>
<group name="esp">
ipsec proposal cloud-vpn
 esp authentication-algorithm {{ integrity }}
 esp encryption-algorithm {{ encryption }}
</group>
<group name="tunnels*">
interface {{ name | startswith_re("Tunnel") }}
 mtu {{ mtu }}
 tcp adjust-mss {{ mss }}
 ip address {{ address }} {{ mask }}
 destination {{ destination }}
</group>
<group name="routes*">
ip route-static {{ network }} {{ mask }} {{ interface }} preference {{ preference }}
</group>
<group name="rules*">
 rule {{ index }} permit ip source {{ source }} {{ source_mask }} destination {{ target }} {{ target_mask }}
</group>
"""


@pytest.mark.parametrize(("scenario", "mode"), [case for case in CASES if case[0] != "cross_region"])
def test_huawei_vrp(scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    want, algorithm = intent(plan), names("huawei_vrp", plan)
    parsed = ttp_parse(render(plan, "huawei_vrp"), HUAWEI_TEMPLATE)
    assert [(row["address"], row["local"]) for row in parsed["peers"]] == [(r[1], r[0]) for r in want.tunnels]
    assert {row["dpd_msg"] for row in parsed["peers"]} == {plan.ike.dpd.msg}
    assert parsed["ike"] == [{"encryption": algorithm["ike_encryption"], "dh": algorithm["dh_group"],
                              "integrity": algorithm["ike_integrity"]}]  # fmt: skip
    assert parsed["esp"] == [
        {"encryption": algorithm["esp_encryption"], "integrity": algorithm["esp_integrity"]}
    ]
    if mode == "policy":
        assert len(parsed["rules"]) == len(want.tunnels) * len(want.selectors)
        return
    assert [(row["address"], row["destination"], row["mtu"], row["mss"]) for row in parsed["tunnels"]] == [
        (address(row[2]), row[1], "1400", "1360") for row in want.tunnels
    ]
    if mode == "static":
        assert len(parsed["routes"]) == 2 * len(want.remote_subnets)


MIKROTIK_TEMPLATE = """
<group name="peers*">
add name={{ name }} address={{ address }} local-address={{ local }} profile=cloud-vpn {{ rest | ROW }}
</group>
<group name="policies*">
add peer={{ peer }} tunnel=yes src-address={{ source }} dst-address={{ destination }} {{ rest | ROW }}
</group>
<group name="profile">
add name=cloud-vpn hash-algorithm={{ hash }} enc-algorithm={{ encryption }} dh-group={{ dh }} {{ rest | ROW }}
</group>
<group name="proposal">
add name=cloud-vpn auth-algorithms={{ integrity }} enc-algorithms={{ encryption }} pfs-group={{ pfs }} {{ _ }}
</group>
"""


@pytest.mark.parametrize(("scenario", "mode"), [case for case in CASES if case[0] != "cross_region"])
def test_mikrotik(scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    want, algorithm = intent(plan), names("mikrotik", plan)
    parsed = ttp_parse(render(plan, "mikrotik"), MIKROTIK_TEMPLATE)
    assert [row["address"] for row in parsed["peers"]] == [f"{row[1]}/32" for row in want.tunnels]
    (profile,) = parsed["profile"]
    assert (profile["hash"], profile["encryption"], profile["dh"]) == (
        algorithm["ike_integrity"], algorithm["ike_encryption"], algorithm["dh_group"])  # fmt: skip
    (proposal,) = parsed["proposal"]
    assert (proposal["integrity"], proposal["encryption"], proposal["pfs"]) == (
        algorithm["esp_integrity"], algorithm["esp_encryption"], algorithm["pfs"])  # fmt: skip
    pairs = {(row["source"], row["destination"]) for row in parsed["policies"]}
    if mode == "policy":
        assert pairs == set(want.selectors)
    else:
        expected = {(local, remote) for local in want.local_subnets for remote in want.remote_subnets}
        expected |= {(f"{address(row[2])}/32", f"{address(row[3])}/32") for row in want.tunnels}
        assert pairs == expected


@pytest.mark.parametrize(("scenario", "mode"), CASES)
def test_parameter_sheet_json(scenario: str, mode: str) -> None:
    plan = scenario_plan(scenario, mode)
    want = intent(plan)
    sheet = json.loads(render(plan, "generic", "parameters.json"))
    assert sheet["ike"]["cloud_values"]["encryption_algorithm"] == plan.ike.encryption_algorithm
    assert sheet["ipsec"]["cloud_values"]["pfs"] == plan.ipsec.pfs
    assert sheet["pre_shared_key"] == plan.psk
    assert sheet["dead_peer_detection"]["idle_seconds"] == plan.ike.dpd.interval
    assert [(t["local_gateway_ip"], t["remote_gateway_ip"]) for t in sheet["tunnels"]] == [
        (row[0], row[1]) for row in want.tunnels
    ]
    if mode != "policy":
        assert [t["inside_local_address"] for t in sheet["tunnels"]] == [row[2] for row in want.tunnels]
    assert sheet["remote_subnets"] == want.remote_subnets
    if mode == "bgp":
        assert (sheet["bgp"]["local_asn"], sheet["bgp"]["remote_asn"]) == (want.local_asn, want.remote_asn)
    if mode == "policy":
        assert {(s["local"], s["remote"]) for s in sheet["traffic_selectors"]} == set(want.selectors)
    assert (sheet["backup_preference"] is not None) == (scenario == "dc_backup")
