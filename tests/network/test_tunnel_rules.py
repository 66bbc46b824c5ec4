"""Tunnel inside address rules (C13) on both ends, and /30 allocation against a brute-force oracle."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.network.conftest import build, coded, findings_for, plan_data
from wizard.network import resolve_tunnels
from wizard.network.addresses import free_blocks
from wizard.network.tunnels import allocate_tunnel_blocks


def _tunnel(local: str, peer: str, connection: int = 1, name: str = "Berlin") -> dict[str, object]:
    return {"peer": name, "connection": connection, "local_address": local, "peer_address": peer}


GOOD_LOCAL, GOOD_PEER = "169.254.70.1/30", "169.254.70.2/30"


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("169.254.70.1", "tunnel.invalid"),
        ("169.254.70.1/29", "tunnel.prefix"),
        ("10.0.0.1/30", "tunnel.not_link_local"),
        ("169.254.195.1/30", "tunnel.cloud_reserved"),
        ("169.254.70.0/30", "tunnel.not_host"),
        ("169.254.70.3/30", "tunnel.not_host"),
    ],
)
@pytest.mark.parametrize("side", ["local_address", "peer_address"])
def test_each_end_is_checked(bad: str, code: str, side: str) -> None:
    local, peer = (bad, GOOD_PEER) if side == "local_address" else (GOOD_LOCAL, bad)
    if code == "tunnel.not_host":
        local, peer = (bad, "169.254.70.1/30") if side == "local_address" else ("169.254.70.2/30", bad)
    findings = findings_for(plan_data(tunnels=[_tunnel(local, peer)]))
    assert ("error", code, f"tunnels[0].{side}") in coded(findings)


@pytest.mark.parametrize(
    ("local", "peer", "code", "suggestion"),
    [
        ("169.254.70.1/30", "169.254.70.1/30", "tunnel.same_address", "Did you mean 169.254.70.2/30?"),
        ("169.254.70.2/30", "169.254.70.2/30", "tunnel.same_address", "Did you mean 169.254.70.1/30?"),
        ("169.254.70.1/30", "169.254.70.6/30", "tunnel.different_subnet", "Did you mean 169.254.70.2/30?"),
        ("169.254.70.6/30", "169.254.70.1/30", "tunnel.different_subnet", "Did you mean 169.254.70.5/30?"),
    ],
)
def test_both_ends_share_one_30(local: str, peer: str, code: str, suggestion: str) -> None:
    finding = next(f for f in findings_for(plan_data(tunnels=[_tunnel(local, peer)])) if f.code == code)
    assert finding.path == "tunnels[0].peer_address"
    assert finding.suggestion == suggestion


def test_reversed_host_order_is_fine() -> None:
    assert findings_for(plan_data(tunnels=[_tunnel("169.254.70.2/30", "169.254.70.1/30")])) == []


def test_every_tunnel_needs_its_own_30() -> None:
    tunnels = [_tunnel(GOOD_LOCAL, GOOD_PEER, 1), _tunnel("169.254.70.2/30", "169.254.70.1/30", 2)]
    assert ("error", "tunnel.subnet_in_use", "tunnels[1].local_address") in coded(
        findings_for(plan_data(tunnels=tunnels))
    )


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (_tunnel(GOOD_LOCAL, GOOD_PEER, name="Paris"), ("error", "tunnel.unknown_peer", "tunnels[0].peer")),
        (
            _tunnel(GOOD_LOCAL, GOOD_PEER, connection=3),
            ("error", "tunnel.connection", "tunnels[0].connection"),
        ),
    ],
)
def test_tunnel_entry_rules(entry: dict[str, object], expected: tuple[str, str, str]) -> None:
    assert expected in coded(findings_for(plan_data(tunnels=[entry])))


def test_duplicate_connection_entries() -> None:
    tunnels = [_tunnel(GOOD_LOCAL, GOOD_PEER), _tunnel("169.254.71.1/30", "169.254.71.2/30")]
    assert ("error", "tunnel.duplicate", "tunnels[1]") in coded(findings_for(plan_data(tunnels=tunnels)))


def test_policy_mode_has_no_tunnel_addresses() -> None:
    data = plan_data(
        routing={"mode": "policy"},
        tunnels=[_tunnel(GOOD_LOCAL, GOOD_PEER)],
        policy_rules=[{"source": "192.168.1.0/24", "destinations": ["10.1.0.0/16"]}],
    )
    assert ("error", "tunnel.policy_mode", "tunnels[0]") in coded(findings_for(data))


def test_resolved_tunnels_of_a_plan_pass_the_rules() -> None:
    plan = build(plan_data(tunnels=[_tunnel("169.254.1.1/30", "169.254.1.2/30", 2)]))
    entries = [
        _tunnel(t.local_address, t.peer_address, t.connection)
        for t in resolve_tunnels(plan, used=["169.254.1.4/30"])
    ]
    assert [e["local_address"] for e in entries] == ["169.254.1.9/30", "169.254.1.1/30"]
    assert findings_for(plan_data(tunnels=entries)) == []


def test_cross_region_tunnels_use_both_gateways_ips() -> None:
    data = plan_data(scenario="cross_region", sites=[])
    data["gateways"].append(
        {
            **data["gateways"][0],
            "name": "vpngw-ams",
            "region": "eu-nl",
            "ip_addresses": ["203.0.113.20", "203.0.113.21"],
        }
    )
    tunnels = resolve_tunnels(build(data))
    assert [(t.peer, t.cloud_ip, t.customer_ip) for t in tunnels] == [
        ("vpngw-ams", "198.51.100.10", "203.0.113.20"),
        ("vpngw-ams", "198.51.100.11", "203.0.113.21"),
    ]


def _oracle(count: int, used: list[ipaddress.IPv4Network]) -> list[str]:
    avoid = [
        ipaddress.ip_network(n) for n in ("169.254.0.0/24", "169.254.255.0/24", "169.254.195.0/24")
    ] + used
    found = []
    for candidate in ipaddress.ip_network("169.254.0.0/16").subnets(new_prefix=30):
        if not any(candidate.overlaps(block) for block in avoid):
            found.append(str(candidate))
            if len(found) == count:
                break
    return found


used_blocks = st.builds(
    lambda length, offset: ipaddress.ip_network((0xA9FE0000 + (offset << (32 - length)) % (1 << 13), length)),
    st.integers(22, 32),
    st.integers(0, 1 << 11),
)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40), st.lists(used_blocks, max_size=25))
def test_allocation_matches_brute_force(count: int, used: list[ipaddress.IPv4Network]) -> None:
    allocated = allocate_tunnel_blocks(
        count, [(int(n.network_address), int(n.broadcast_address)) for n in used]
    )
    assert [block.cidr for block in allocated] == _oracle(count, used)


@settings(max_examples=60, deadline=None)
@given(st.lists(used_blocks, max_size=15), st.integers(1, 6))
def test_resolve_tunnels_avoids_used_and_manual_addresses(
    used: list[ipaddress.IPv4Network], sites: int
) -> None:
    data = plan_data(
        scenario="branch_hub",
        sites=[
            {"name": f"b{i}", "gateway_ips": [f"203.0.113.{i + 1}"], "subnets": [f"10.{i}.0.0/16"]}
            for i in range(sites)
        ],
        tunnels=[_tunnel("169.254.1.6/30", "169.254.1.5/30", 2, "b0")],
    )
    tunnels = resolve_tunnels(build(data), used=[str(n) for n in used])
    assert len(tunnels) == 2 * sites
    networks = [ipaddress.ip_interface(t.local_address).network for t in tunnels]
    assert len(set(networks)) == len(networks)
    for tunnel, network in zip(tunnels, networks, strict=True):
        assert ipaddress.ip_interface(tunnel.peer_address).network == network
        if (tunnel.peer, tunnel.connection) != ("b0", 2):
            assert not any(network.overlaps(n) for n in used)
            assert not network.overlaps(ipaddress.ip_network("169.254.195.0/24"))


@settings(max_examples=150, deadline=None)
@given(st.lists(used_blocks, max_size=20), st.integers(20, 30), st.integers(1, 5))
def test_free_blocks_match_brute_force(used: list[ipaddress.IPv4Network], prefixlen: int, count: int) -> None:
    supernet = "169.254.0.0/19"
    found = free_blocks(
        prefixlen,
        [(int(n.network_address), int(n.broadcast_address)) for n in used],
        supernets=[supernet],
        count=count,
    )
    expected = [
        str(candidate)
        for candidate in ipaddress.ip_network(supernet).subnets(new_prefix=prefixlen)
        if not any(candidate.overlaps(n) for n in used)
    ][:count]
    assert found == expected
