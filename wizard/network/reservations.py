"""Address blocks already claimed on a gateway by other requests, indexed for fast overlap queries.

Used when a branch joins an existing hub: every block of the new plan is looked up in a sorted index of
all blocks the gateway's other requests hold (pending, approved or active). Build a ``ReservedIndex`` once
per gateway and pass it as ``reserved`` to ``validate_plan``; a plain sequence of ``ReservedBlock`` works
too and is indexed on the fly.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from wizard.network.addresses import Block, block_of, containing_block, merge, parse_block
from wizard.network.gcpause import collector_paused


@dataclass(frozen=True)
class ReservedBlock:
    """A block claimed by another request on the same gateway.

    ``owner`` is how a message names the claimant, e.g. ``"branch 'Munich' (request #12)"``.
    """

    cidr: str
    owner: str


class ReservedIndex(Sequence[ReservedBlock]):
    """Reserved blocks sorted by first address, plus a map of exact blocks for containment look-ups.

    CIDR blocks are either nested or disjoint, so the blocks overlapping a query block are those starting
    inside it (one bisect) and those containing it (one look-up per shorter prefix length: at most 33).
    """

    def __init__(self, blocks: Iterable[ReservedBlock]) -> None:
        with collector_paused():
            self._build(blocks)

    def _build(self, blocks: Iterable[ReservedBlock]) -> None:
        entries: list[tuple[int, int, int, ReservedBlock]] = []
        for reserved in blocks:
            block = parse_block(reserved.cidr) or containing_block(reserved.cidr)
            if block is not None:
                entries.append((block.first, -block.prefixlen, len(entries), reserved))
        entries.sort()
        self._blocks = [block_of(first, -negative_length) for first, negative_length, _, _ in entries]
        self._reserved = [entry[3] for entry in entries]
        self._firsts = [block.first for block in self._blocks]
        self._taken: list[tuple[int, int]] | None = None
        self._exact: dict[tuple[int, int], list[int]] = {}
        for position, block in enumerate(self._blocks):
            self._exact.setdefault((block.first, block.prefixlen), []).append(position)

    def __len__(self) -> int:
        return len(self._reserved)

    @overload
    def __getitem__(self, index: int) -> ReservedBlock: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ReservedBlock]: ...

    def __getitem__(self, index: int | slice) -> ReservedBlock | Sequence[ReservedBlock]:
        return self._reserved[index]

    def block(self, position: int) -> Block:
        return self._blocks[position]

    def overlapping(self, block: Block) -> Iterator[int]:
        """Positions of the reserved blocks overlapping ``block``: containing ones first, then contained."""
        for length in range(block.prefixlen + 1):
            first = block.first & ~((1 << (32 - length)) - 1) & 0xFFFFFFFF
            yield from self._exact.get((first, length), ())
        start = bisect_left(self._firsts, block.first)
        for position in range(start, bisect_right(self._firsts, block.last)):
            if self._blocks[position].prefixlen > block.prefixlen:
                yield position

    def taken(self) -> list[tuple[int, int]]:
        """The reserved address space as sorted, merged ranges (computed once per index)."""
        if self._taken is None:
            self._taken = merge((block.first, block.last) for block in self._blocks)
        return self._taken


def as_index(reserved: Sequence[ReservedBlock]) -> ReservedIndex:
    return reserved if isinstance(reserved, ReservedIndex) else ReservedIndex(reserved)
