"""Plans for every scenario x routing mode, shared by the golden, structural and live tests.

Public addresses come from the RFC 5737 documentation ranges: cloud gateways in 198.51.100.0/24, customer
gateways in 203.0.113.0/24.
"""

from __future__ import annotations

import copy
from typing import Any

from wizard.network import Plan, parse_plan

SCENARIOS = ("hybrid_cloud", "cross_region", "branch_hub", "dc_backup")
MODES = ("static", "bgp", "policy")
GENERATED_AT = "2026-01-15T09:30:00Z"
PSK = "Example-Key-2024:ok"

_IKE = {
    "version": "v2",
    "negotiation_mode": "main",
    "authentication_algorithm": "sha2-256",
    "encryption_algorithm": "aes-256",
    "dh_group": "group15",
    "lifetime_seconds": 86400,
    "dpd": {"timeout": 15, "interval": 30, "msg": "seq-hash-notify"},
}
_IPSEC = {
    "authentication_algorithm": "sha2-256",
    "encryption_algorithm": "aes-256",
    "pfs": "group15",
    "lifetime_seconds": 3600,
    "transform_protocol": "esp",
    "encapsulation_mode": "tunnel",
}


def _gateway(
    name: str, region: str, cidr: str, local: list[str], ips: list[str], asn: int, **extra: Any
) -> dict:
    return {
        "name": name,
        "region": region,
        "vpc": f"vpc-{region}",
        "vpc_cidrs": [cidr],
        "local_subnets": local,
        "flavor": "Professional1",
        "ha_mode": "active-active",
        "attachment": "vpc",
        "network_type": "public",
        "bgp_asn": asn,
        "ip_addresses": ips,
        **extra,
    }


def _site(name: str, ip: str, subnet: str, asn: int) -> dict:
    return {
        "name": name,
        "gateway_ips": [ip],
        "bgp_asn": asn,
        "platform": "strongswan",
        "subnets": [subnet],
        "outside_interface": "",
    }


def plan_dict(scenario: str, mode: str) -> dict[str, Any]:
    """A valid plan of `scenario` in routing `mode` with provisioned gateway IPs."""
    plan: dict[str, Any] = {
        "version": 1,
        "name": f"{scenario.replace('_', '-')}-{mode}",
        "scenario": scenario,
        "routing": {"mode": mode, "branch_interconnection": False, "nqa": False},
        "gateways": [
            _gateway(
                "vpngw-fra",
                "eu-de",
                "192.168.0.0/16",
                ["192.168.1.0/24", "192.168.2.0/24"],
                ["198.51.100.10", "198.51.100.11"],
                64512,
            ),
        ],  # fmt: skip
        "sites": [_site("Berlin", "203.0.113.10", "10.1.0.0/16", 65010)],
        "tunnels": [],
        "policy_rules": [],
        "direct_connect": None,
        "ike": copy.deepcopy(_IKE),
        "ipsec": copy.deepcopy(_IPSEC),
        "psk": PSK,
    }
    if scenario == "cross_region":
        plan["gateways"].append(
            _gateway(
                "vpngw-ams",
                "eu-nl",
                "172.16.0.0/16",
                ["172.16.1.0/24"],
                ["198.51.100.20", "198.51.100.21"],
                64513,
            )  # fmt: skip
        )
        plan["sites"] = []
    elif scenario == "branch_hub":
        plan["sites"].append(_site("Paris", "203.0.113.20", "10.2.0.0/16", 65020))
        plan["routing"]["branch_interconnection"] = mode == "bgp"
    elif scenario == "dc_backup":
        gateway = plan["gateways"][0]
        gateway.update(attachment="er", local_subnets=[])
        plan["direct_connect"] = {
            "virtual_gateway_asn": 65146,
            "enterprise_router_asn": 64800,
            "subnets": ["10.1.0.0/16"],
        }
    if mode == "policy":
        if scenario == "cross_region":
            plan["policy_rules"] = [{"source": "192.168.1.0/24", "destinations": ["172.16.1.0/24"]}]
        elif scenario == "dc_backup":
            plan["policy_rules"] = [{"source": "192.168.0.0/16", "destinations": ["10.1.0.0/16"]}]
        else:
            destinations = [site["subnets"][0] for site in plan["sites"]]
            plan["policy_rules"] = [
                {"source": "192.168.1.0/24", "destinations": destinations},
                {"source": "192.168.2.0/24", "destinations": destinations},
            ]
    return plan


def make_plan(data: dict[str, Any]) -> Plan:
    plan, findings = parse_plan(data)
    assert plan is not None, findings
    return plan


def scenario_plan(scenario: str, mode: str) -> Plan:
    return make_plan(plan_dict(scenario, mode))


CASES = [(scenario, mode) for scenario in SCENARIOS for mode in MODES]
