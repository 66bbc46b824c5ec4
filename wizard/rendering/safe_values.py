"""Defence in depth for values written verbatim into configurations: allowed characters, IPv4 addresses."""

from __future__ import annotations

import re

from wizard.network.addresses import parse_ipv4
from wizard.rendering.errors import ConfigError

# Per-field safe character sets: a config line can never be broken or extended by a value that passes.
_SAFE = {
    "name": re.compile(r"[A-Za-z0-9_.-]{1,64}"),
    "interface": re.compile(r"[A-Za-z0-9_./:-]{0,64}"),
    # The cloud's PSK alphabet (cloud-vpn-rules.md §3.4): no quotes, spaces, backslashes or `?`.
    "psk": re.compile(r"[A-Za-z0-9~!@#$%^()\-_+={},./:;]{8,128}"),
    "timestamp": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"),
}


def safe(value: str, kind: str, path: str) -> str:
    """`value` unchanged if every character is allowed for `kind`, else a ConfigError (defence in depth)."""
    if not isinstance(value, str) or _SAFE[kind].fullmatch(value) is None:
        raise ConfigError(
            f"{path} contains characters that cannot be written into a device configuration.",
            path=path,
            suggestion="Use letters, digits, '_', '.' and '-' only."
            if kind == "name"
            else "Remove quotes, spaces, backslashes and control characters.",
        )
    return value


def ipv4_address(value: str, path: str) -> str:
    """A plain IPv4 address, checked (defence in depth: addresses reach configs verbatim)."""
    if parse_ipv4(value) is None:
        raise ConfigError(f"{path} is not an IPv4 address ({value!r}).", path=path)
    return value
