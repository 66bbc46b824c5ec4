"""Network rules of the VPN wizard: the plan, its validation, tunnel addressing and keys.

Django-free; the only package of the project that uses netaddr.
"""

from wizard.network.findings import Finding
from wizard.network.plan import (
    DeadPeerDetection,
    DirectConnect,
    Gateway,
    IkePolicy,
    IpsecPolicy,
    Plan,
    PolicyRule,
    Routing,
    Site,
    TunnelAddressing,
    load_plan_text,
    parse_plan,
)
from wizard.network.psk import generate_psk
from wizard.network.reservations import ReservedBlock, ReservedIndex
from wizard.network.tunnels import ResolvedTunnel, resolve_tunnels
from wizard.network.validation import check_plan_against_reserved, validate_plan

__all__ = [
    "DeadPeerDetection",
    "DirectConnect",
    "Finding",
    "Gateway",
    "IkePolicy",
    "IpsecPolicy",
    "Plan",
    "PolicyRule",
    "ReservedBlock",
    "ReservedIndex",
    "ResolvedTunnel",
    "Routing",
    "Site",
    "TunnelAddressing",
    "check_plan_against_reserved",
    "generate_psk",
    "load_plan_text",
    "parse_plan",
    "resolve_tunnels",
    "validate_plan",
]
