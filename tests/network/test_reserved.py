"""A plan against the blocks other requests already hold on the same gateway."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.network.conftest import build, coded, findings_for, hub_data, plan_data
from wizard.network import ReservedBlock, check_plan_against_reserved, validate_plan
from wizard.network.addresses import parse_block
from wizard.network.reservations import ReservedIndex

MUNICH = "branch 'Munich' (request #12)"


def test_overlap_with_a_reserved_block_names_its_owner() -> None:
    reserved = [
        ReservedBlock("10.1.0.0/16", MUNICH),
        ReservedBlock("10.9.0.0/16", "branch 'Bonn' (request #3)"),
    ]
    data = hub_data(["10.1.2.0/24"])
    findings = [f for f in findings_for(data, reserved=reserved) if f.code == "subnet.reserved"]
    assert len(findings) == 1
    assert findings[0].path == "sites[0].subnets[0]"
    assert findings[0].message.startswith(
        f"10.1.2.0/24 of branch 'b0' overlaps 10.1.0.0/16 reserved by {MUNICH}"
    )
    assert "10.1.0.0/24" not in findings[0].suggestion and "10.1.2.0/24" not in findings[0].suggestion


def test_reserved_block_inside_the_new_subnet_counts_too() -> None:
    reserved = [ReservedBlock("10.1.2.0/24", MUNICH)]
    assert ("error", "subnet.reserved", "sites[0].subnets[0]") in coded(
        findings_for(hub_data(["10.1.0.0/16"]), reserved=reserved)
    )


def test_manual_tunnel_in_a_reserved_30() -> None:
    data = plan_data(
        tunnels=[
            {
                "peer": "Berlin",
                "connection": 1,
                "local_address": "169.254.9.1/30",
                "peer_address": "169.254.9.2/30",
            }
        ]
    )
    reserved = [ReservedBlock("169.254.9.0/30", MUNICH)]
    assert ("error", "subnet.reserved", "tunnels[0].local_address") in coded(
        findings_for(data, reserved=reserved)
    )


def test_disjoint_reservations_give_no_finding_and_an_index_can_be_reused() -> None:
    index = ReservedIndex([ReservedBlock(f"10.{i}.0.0/16", f"branch {i}") for i in range(2, 200)])
    assert len(index) == 198 and index[0].cidr == "10.2.0.0/16"
    assert findings_for(hub_data(["10.1.0.0/16"]), reserved=index) == []
    assert findings_for(hub_data(["10.0.0.0/16"]), reserved=index) == []


def test_many_reserved_overlaps_are_bounded() -> None:
    reserved = [ReservedBlock(f"10.{i >> 8}.{i & 255}.0/24", f"branch {i}") for i in range(300)]
    findings = validate_plan(build(hub_data(["10.0.0.0/8"])), reserved=reserved)
    listed = [f for f in findings if f.code == "subnet.reserved"]
    (summary,) = [f for f in findings if f.code == "subnet.reserved_more"]
    assert len(listed) == 50 and "250 more" in summary.message and "300 in all" in summary.message


blocks = st.builds(
    lambda length, offset: str(
        ipaddress.ip_network((0x0A000000 + (offset << (32 - length)) % (1 << 16), length))
    ),
    st.integers(12, 28),
    st.integers(0, 1 << 12),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(blocks, max_size=40), blocks)
def test_index_matches_brute_force(reserved: list[str], query: str) -> None:
    index = ReservedIndex([ReservedBlock(cidr, str(i)) for i, cidr in enumerate(reserved)])
    block = parse_block(query)
    assert block is not None
    found = sorted(int(index[position].owner) for position in index.overlapping(block))
    network = ipaddress.ip_network(query)
    expected = [i for i, cidr in enumerate(reserved) if ipaddress.ip_network(cidr).overlaps(network)]
    assert found == expected


def test_reservation_check_alone_reports_only_reservations() -> None:
    data = hub_data(["10.1.2.0/24"], ["10.1.2.0/24"])
    data["psk"] = "weak"
    index = ReservedIndex([ReservedBlock("10.1.0.0/16", MUNICH)])
    findings = check_plan_against_reserved(build(data), index)
    assert [(f.code, f.path) for f in findings] == [
        ("subnet.reserved", "sites[0].subnets[0]"),
        ("subnet.reserved", "sites[1].subnets[0]"),
    ]
