"""CIDR blocks in every spelling the templates need (network, prefix length, netmask, wildcard)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wizard.network.addresses import Block, format_ipv4, parse_block
from wizard.rendering.errors import ConfigError


def netmask(prefixlen: int) -> str:
    return format_ipv4((0xFFFFFFFF << (32 - prefixlen)) & 0xFFFFFFFF)


def wildcard(prefixlen: int) -> str:
    return format_ipv4((1 << (32 - prefixlen)) - 1)


def subnet(cidr: str, path: str) -> dict[str, Any]:
    """A CIDR block in every spelling the templates need."""
    block = parse_block(cidr)
    if block is None:
        raise ConfigError(f"{path} is not a canonical IPv4 CIDR block ({cidr!r}).", path=path)
    return block_entry(block)


def block_entry(block: Block) -> dict[str, Any]:
    """A parsed block in every spelling the templates need."""
    return {
        "cidr": block.cidr,
        "network": format_ipv4(block.first),
        "prefixlen": block.prefixlen,
        "netmask": netmask(block.prefixlen),
        "wildcard": wildcard(block.prefixlen),
    }


def subnet_entries(cidrs: Iterable[str], path: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for index, cidr in enumerate(cidrs):
        entry = subnet(cidr, f"{path}[{index}]")
        seen.setdefault(entry["cidr"], entry)
    return list(seen.values())


def overlaps(a: str, b: str) -> bool:
    first, second = parse_block(a), parse_block(b)
    return first is not None and second is not None and first.overlaps(second)
