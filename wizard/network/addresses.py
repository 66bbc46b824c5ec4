"""IPv4 address and CIDR handling.

Every address block of a plan is parsed once into integer ``(first, last)`` pairs by a strict fast parser;
netaddr explains the blocks the fast parser rejects (mask missing, host bits set, not IPv4) and suggests
the block that was probably meant.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from socket import inet_aton, inet_ntoa
from typing import NamedTuple

import netaddr

_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
_CIDR = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}/(3[0-2]|[12]?[0-9])")

ADDRESS_SPACE_LAST = 0xFFFFFFFF
RFC1918: tuple[str, ...] = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


class Block(NamedTuple):
    """A CIDR block as integers: first and last address, prefix length."""

    first: int
    last: int
    prefixlen: int

    @property
    def cidr(self) -> str:
        return f"{format_ipv4(self.first)}/{self.prefixlen}"

    def contains(self, other: Block) -> bool:
        return self.first <= other.first and other.last <= self.last

    def overlaps(self, other: Block) -> bool:
        return self.first <= other.last and other.first <= self.last


def format_ipv4(value: int) -> str:
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


def parse_ipv4(text: str) -> int | None:
    """A dotted-quad IPv4 address (no leading zeros) as an integer, or ``None``."""
    match = _IPV4.fullmatch(text)
    if match is None:
        return None
    a, b, c, d = (int(octet) for octet in match.groups())
    return (a << 24) | (b << 16) | (c << 8) | d


def parse_block(text: str) -> Block | None:
    """A canonical IPv4 CIDR block (mask given, no host bits), or ``None`` — see ``explain_block``.

    ``inet_aton`` is lenient ("10.1" is an address to it), so the address must also read back unchanged.
    """
    address, slash, length_text = text.partition("/")
    try:
        packed = inet_aton(address)
    except (OSError, ValueError):
        return None
    if not slash or inet_ntoa(packed) != address or not length_text.isdigit():
        return None
    length = int(length_text)
    if length > 32 or str(length) != length_text:
        return None
    first = int.from_bytes(packed, "big")
    size = 1 << (32 - length)
    if first & (size - 1):
        return None
    return Block(first, first + size - 1, length)


def block_of(first: int, prefixlen: int) -> Block:
    return Block(first, first + (1 << (32 - prefixlen)) - 1, prefixlen)


def _guess_prefixlen(address: int) -> int:
    """The mask a bare network address most likely meant: its trailing zero octets."""
    for length, mask in ((8, 0xFFFFFF), (16, 0xFFFF), (24, 0xFF)):
        if address & mask == 0:
            return length
    return 32


class BlockProblem(NamedTuple):
    code: str
    reason: str
    suggestion: str


def explain_block(text: str) -> BlockProblem:
    """Why ``parse_block`` rejected ``text``, and the block that was probably meant."""
    if "/" not in text:
        address = parse_ipv4(text.strip())
        if address is not None:
            guess = block_of(
                address & ~((1 << (32 - _guess_prefixlen(address))) - 1), _guess_prefixlen(address)
            )
            return BlockProblem("cidr.mask_required", "has no prefix length", f"Did you mean {guess.cidr}?")
    try:
        network = netaddr.IPNetwork(text.strip())
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return BlockProblem("cidr.invalid", "is not an IPv4 CIDR block (a.b.c.d/len)", "")
    if network.version != 4:
        return BlockProblem("cidr.ipv6", "is IPv6; the cloud VPN accepts IPv4 blocks only", "")
    canonical = str(network.cidr)
    if canonical != text:
        if network.ip != network.network:
            return BlockProblem("cidr.host_bits", "has host bits set", f"Did you mean {canonical}?")
        return BlockProblem("cidr.not_canonical", "is not written canonically", f"Did you mean {canonical}?")
    return BlockProblem("cidr.invalid", "is not an IPv4 CIDR block (a.b.c.d/len)", "")


def merge(blocks: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged ``(first, last)`` ranges covering the same addresses."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(blocks):
        if merged and first <= merged[-1][1] + 1:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def free_starts(
    size: int, ranges: Iterable[tuple[int, int]], taken: Sequence[tuple[int, int]], count: int
) -> list[int]:
    """First addresses of the first ``count`` aligned blocks of ``size`` addresses that lie inside one of
    ``ranges`` and touch none of ``taken`` (sorted, merged ranges, as ``merge`` returns them)."""
    starts = [first for first, _ in taken]
    found: list[int] = []
    for range_first, range_last in ranges:
        candidate = -(-range_first // size) * size
        index = max(bisect_left(starts, candidate) - 1, 0)
        while candidate + size - 1 <= range_last and len(found) < count:
            while index < len(taken) and taken[index][1] < candidate:
                index += 1
            if index < len(taken) and taken[index][0] <= candidate + size - 1:
                # Jump to the first aligned block after the range in the way.
                candidate = -(-(taken[index][1] + 1) // size) * size
                continue
            found.append(candidate)
            candidate += size
        if len(found) >= count:
            break
    return found


def free_blocks(
    prefixlen: int,
    used: Iterable[tuple[int, int]],
    *,
    supernets: Sequence[str] = RFC1918,
    count: int = 3,
) -> list[str]:
    """The first ``count`` blocks of size ``/prefixlen`` inside ``supernets`` that touch no used range."""
    ranges = []
    for supernet_text in supernets:
        supernet = parse_block(supernet_text)
        if supernet is not None:
            ranges.append((supernet.first, supernet.last))
    starts = free_starts(1 << (32 - prefixlen), ranges, merge(used), count)
    return [block_of(start, prefixlen).cidr for start in starts]


def parse_interface(text: str) -> tuple[int, int] | None:
    """An interface address with its prefix length (``169.254.70.1/30``) as ``(address, prefixlen)``."""
    match = _CIDR.fullmatch(text)
    if match is None:
        return None
    a, b, c, d, length = (int(part) for part in match.groups())
    return (a << 24) | (b << 16) | (c << 8) | d, length


def containing_block(text: str) -> Block | None:
    """The block an address, interface address or CIDR block lies in (a bare address is its own /32)."""
    interface = parse_interface(text)
    if interface is not None:
        address, length = interface
        return block_of(address & ~((1 << (32 - length)) - 1) & ADDRESS_SPACE_LAST, length)
    address = parse_ipv4(text)
    return None if address is None else Block(address, address, 32)


def nested_pairs(blocks: Sequence[Block]) -> Iterator[tuple[int, int]]:
    """Every pair of overlapping blocks as (outer index, inner index), by one sort and a stack.

    CIDR blocks are either disjoint or nested, so the blocks still open on the stack when a block starts are
    exactly the ones containing it (identical blocks included).
    """
    order = sorted(range(len(blocks)), key=lambda i: (blocks[i].first, -blocks[i].last))
    stack: list[int] = []
    for index in order:
        while stack and blocks[stack[-1]].last < blocks[index].first:
            stack.pop()
        for outer in stack:
            yield outer, index
        stack.append(index)


def range_blocks(first: int, last: int) -> list[Block]:
    """The fewest CIDR blocks covering exactly the addresses ``first`` to ``last`` (inclusive), in order.

    Greedy: at each start take the largest aligned block that does not run past ``last``.
    """
    blocks: list[Block] = []
    while first <= last:
        # Largest block aligned at `first` (its lowest set bit), shrunk until it fits the range.
        size = (first & -first) or 1 << 32
        while size > last - first + 1:
            size >>= 1
        prefixlen = 33 - size.bit_length()
        blocks.append(Block(first, first + size - 1, prefixlen))
        first += size
    return blocks


def summarise(ranges: Iterable[tuple[int, int]]) -> list[Block]:
    """The fewest CIDR blocks covering exactly the union of ``ranges`` (adjacent and overlapping merged)."""
    return [block for first, last in merge(ranges) for block in range_blocks(first, last)]


class GroupSummary:
    """CIDR summaries of "everything but one group's blocks", for many groups, from one pass over all blocks.

    ``shared`` ranges belong to no group and are always included (a hub's VPC); ``groups[i]`` are the ranges
    of group ``i`` (one branch). ``without(i)`` is the summary of exactly the addresses covered by ``shared``
    or by a group other than ``i`` — never an address only ``i`` covers, even when groups overlap.

    All boundaries are sorted once with a coverage count per elementary segment, and the merged union is
    summarised once; ``without(i)`` only recomputes the merged ranges that group ``i`` touches, so n groups
    of k blocks cost O(n k log n) plus the size of the answers.
    """

    def __init__(
        self, shared: Iterable[tuple[int, int]], groups: Sequence[Iterable[tuple[int, int]]]
    ) -> None:
        self._groups = [list(group) for group in groups]
        every = [*shared, *(item for group in self._groups for item in group)]
        self._cuts = sorted({first for first, _ in every} | {last + 1 for _, last in every})
        position = {cut: index for index, cut in enumerate(self._cuts)}
        delta = [0] * (len(self._cuts) + 1)
        for first, last in every:
            delta[position[first]] += 1
            delta[position[last + 1]] -= 1
        # coverage[j]: how many ranges cover the segment cuts[j] .. cuts[j + 1] - 1.
        self._coverage: list[int] = []
        running = 0
        for change in delta[:-1]:
            running += change
            self._coverage.append(running)
        self._union = merge(every)
        self._union_starts = [first for first, _ in self._union]
        self._offsets = [0]
        self._blocks: list[Block] = []
        for first, last in self._union:
            self._blocks += range_blocks(first, last)
            self._offsets.append(len(self._blocks))

    def without(self, group: int) -> list[Block]:
        """The summary of the shared ranges and every group's ranges except ``group``'s, sorted."""
        own = self._groups[group]
        if not own:
            return list(self._blocks)
        # How many of the group's own ranges cover each segment they touch.
        own_count: dict[int, int] = {}
        for first, last in own:
            for segment in range(bisect_left(self._cuts, first), bisect_left(self._cuts, last + 1)):
                own_count[segment] = own_count.get(segment, 0) + 1
        # Segments covered by nobody else leave the summary.
        removed = merge(
            (self._cuts[segment], self._cuts[segment + 1] - 1)
            for segment, count in own_count.items()
            if self._coverage[segment] == count
        )
        if not removed:
            return list(self._blocks)
        result: list[Block] = []
        done = 0  # union ranges before this index are already in `result`
        cursor = 0
        while cursor < len(removed):
            # The union range holding removed[cursor] (every removed segment lies inside the union).
            index = bisect_left(self._union_starts, removed[cursor][0] + 1) - 1
            result += self._blocks[self._offsets[done] : self._offsets[index]]
            first, last = self._union[index]
            start = first
            while cursor < len(removed) and removed[cursor][0] <= last:
                gap_first, gap_last = removed[cursor]
                if gap_first > start:
                    result += range_blocks(start, gap_first - 1)
                start = gap_last + 1
                cursor += 1
            if start <= last:
                result += range_blocks(start, last)
            done = index + 1
        result += self._blocks[self._offsets[done] :]
        return result
