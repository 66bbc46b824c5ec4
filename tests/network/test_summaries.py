"""CIDR summaries against the standard library's ipaddress as oracle."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.network.addresses import Block, GroupSummary, block_of, range_blocks, summarise

# Blocks inside a /16 so that random ones touch, nest and overlap often.
blocks = st.builds(
    lambda offset, prefixlen: block_of(
        (0x0A000000 + offset) & ~((1 << (32 - prefixlen)) - 1) & 0xFFFFFFFF, prefixlen
    ),
    st.integers(min_value=0, max_value=0xFFFF),
    st.integers(min_value=16, max_value=32),
)
groups = st.lists(st.lists(blocks, max_size=4), min_size=1, max_size=6)


def oracle(items: list[Block]) -> list[str]:
    networks = [ipaddress.ip_network(item.cidr) for item in items]
    return [str(network) for network in ipaddress.collapse_addresses(networks)]


def cidrs(items: list[Block]) -> list[str]:
    return [item.cidr for item in items]


@given(st.integers(min_value=0, max_value=0xFFFFFFFF), st.integers(min_value=0, max_value=0xFFFFFFFF))
def test_a_range_becomes_the_fewest_blocks_covering_exactly_it(a: int, b: int) -> None:
    first, last = min(a, b), max(a, b)
    expected = ipaddress.summarize_address_range(ipaddress.IPv4Address(first), ipaddress.IPv4Address(last))
    assert cidrs(range_blocks(first, last)) == [str(network) for network in expected]


def test_the_whole_address_space_is_one_block() -> None:
    assert cidrs(range_blocks(0, 0xFFFFFFFF)) == ["0.0.0.0/0"]


@given(st.lists(blocks, max_size=12))
def test_summarise_merges_adjacent_and_overlapping_blocks_like_collapse_addresses(items: list[Block]) -> None:
    assert cidrs(summarise((item.first, item.last) for item in items)) == oracle(items)


def test_summarise_merges_adjacent_halves_but_not_unaligned_neighbours() -> None:
    def parse(*texts: str) -> list[tuple[int, int]]:
        return [(int(n.network_address), int(n.broadcast_address)) for n in map(ipaddress.ip_network, texts)]

    assert cidrs(summarise(parse("10.0.0.0/24", "10.0.1.0/24"))) == ["10.0.0.0/23"]
    assert cidrs(summarise(parse("10.0.1.0/24", "10.0.2.0/24"))) == ["10.0.1.0/24", "10.0.2.0/24"]


@settings(max_examples=300)
@given(st.lists(blocks, max_size=3), groups)
def test_group_summary_covers_shared_and_other_groups_exactly(
    shared: list[Block], members: list[list[Block]]
) -> None:
    summary = GroupSummary(
        [(item.first, item.last) for item in shared],
        [[(item.first, item.last) for item in group] for group in members],
    )
    for index in range(len(members)):
        others = [item for position, group in enumerate(members) if position != index for item in group]
        assert cidrs(summary.without(index)) == oracle(shared + others), index


def test_a_hub_of_adjacent_branches_summarises_to_a_few_blocks() -> None:
    branches = [[(0x0A000000 + (k << 8), 0x0A000000 + (k << 8) + 255)] for k in range(1000)]
    summary = GroupSummary([], branches)
    routes = cidrs(summary.without(500))
    assert len(routes) <= 2 * 32
    assert "10.1.244.0/24" not in routes and summary.without(500) != summary.without(501)
    assert cidrs(summary.without(999)) == [
        "10.0.0.0/15",
        "10.2.0.0/16",
        "10.3.0.0/17",
        "10.3.128.0/18",
        "10.3.192.0/19",
        "10.3.224.0/22",
        "10.3.228.0/23",
        "10.3.230.0/24",
    ]
