"""The one-gateway, one-site plan the network, provisioning and review tests start from.

Public addresses come from the RFC 5737 documentation ranges, private ones from RFC 1918.
"""

from __future__ import annotations

import copy
from typing import Any

PSK = "Example-Key-2024:ok"

IKE: dict[str, Any] = {
    "version": "v2",
    "negotiation_mode": "main",
    "authentication_algorithm": "sha2-256",
    "encryption_algorithm": "aes-256-gcm-16",
    "dh_group": "group20",
    "lifetime_seconds": 86400,
    "dpd": {"timeout": 15, "interval": 30, "msg": "seq-hash-notify"},
}

IPSEC: dict[str, Any] = {
    "authentication_algorithm": "sha2-256",
    "encryption_algorithm": "aes-256-gcm-16",
    "pfs": "group20",
    "lifetime_seconds": 3600,
    "transform_protocol": "esp",
    "encapsulation_mode": "tunnel",
}

_GATEWAY: dict[str, Any] = {
    "name": "vpngw-fra",
    "region": "eu-de",
    "vpc": "vpc-prod",
    "vpc_cidrs": ["192.168.0.0/16"],
    "local_subnets": ["192.168.1.0/24"],
    "flavor": "Professional1",
    "ha_mode": "active-active",
    "attachment": "vpc",
    "network_type": "public",
    "bgp_asn": 64512,
    "ip_addresses": ["198.51.100.10", "198.51.100.11"],
}

_SITE: dict[str, Any] = {
    "name": "Berlin",
    "gateway_ips": ["203.0.113.10"],
    "bgp_asn": 65010,
    "platform": "strongswan",
    "subnets": ["10.1.0.0/16"],
    "outside_interface": "",
}


def base_plan(
    *, gateway: dict[str, Any] | None = None, site: dict[str, Any] | None = None, **changes: Any
) -> dict[str, Any]:
    """A static hybrid-cloud plan (no pre-shared key) with gateway/site keys and top-level keys replaced."""
    data: dict[str, Any] = {
        "version": 1,
        "name": "fra-datacenter",
        "scenario": "hybrid_cloud",
        "routing": {"mode": "static", "branch_interconnection": False, "nqa": False},
        "gateways": [{**_GATEWAY, **(gateway or {})}],
        "sites": [{**_SITE, **(site or {})}],
        "tunnels": [],
        "policy_rules": [],
        "direct_connect": None,
        "ike": IKE,
        "ipsec": IPSEC,
    }
    data.update(changes)
    return copy.deepcopy(data)
