"""What a user types on each step of each scenario: valid data, plus one planted overlap per scenario."""

from __future__ import annotations

from wizard.models import Team

Steps = dict[str, dict[str, str]]


def _site(index: int, subnets: str, **extra: str) -> dict[str, str]:
    data = {
        "name": f"Branch-{index}",
        "gateway_ips": f"203.0.113.{10 + index}",
        "bgp_asn": "",
        "platform": "strongswan",
        "subnets": subnets,
        "outside_interface": "",
    } | extra
    return {f"site-{index}-{key}": value for key, value in data.items()}


def scenario_steps(scenario: str, team: Team) -> tuple[Steps, tuple[str, str, str]]:
    """Valid step data, and (step, field, overlapping value) to plant first and then fix."""
    cloud = {
        "team": str(team.pk),
        "request_name": f"req-{scenario.replace('_', '-')}",
        "name": "vpngw-a",
        "region": "eu-de",
        "vpc": "vpc-prod",
        "vpc_cidrs": "192.168.0.0/16",
        "local_subnets": "192.168.1.0/24",
        "flavor": "Professional1",
        "bgp_asn": "64512",
        "ha_mode": "active-active",
        "attachment": "vpc",
        "network_type": "public",
    }
    routing = {"mode": "static", "tunnel_addressing": "automatic"}
    security = {"preset": "recommended", "psk_mode": "keep"}
    if scenario == "hybrid_cloud":
        customer = _site(0, "10.1.0.0/16")
        planted = ("customer", "site-0-subnets", "192.168.1.0/24")
    elif scenario == "branch_hub":
        customer = {"site_count": "2"} | _site(0, "10.1.0.0/16") | _site(1, "10.2.0.0/16")
        routing = {"mode": "bgp", "branch_interconnection": "on", "tunnel_addressing": "automatic"}
        customer |= {"site-0-bgp_asn": "65010", "site-1-bgp_asn": "65020"}
        planted = ("customer", "site-1-subnets", "10.1.128.0/17")
    elif scenario == "cross_region":
        customer = {
            "peer-name": "vpngw-b",
            "peer-region": "eu-nl",
            "peer-vpc": "vpc-dr",
            "peer-vpc_cidrs": "172.16.0.0/16",
            "peer-local_subnets": "172.16.1.0/24",
            "peer-flavor": "Professional1",
            "peer-bgp_asn": "64513",
            "peer-ha_mode": "active-active",
        }
        planted = ("customer", "peer-vpc_cidrs", "192.168.128.0/17")
    else:
        cloud |= {"attachment": "er", "local_subnets": ""}
        customer = _site(0, "10.1.0.0/16", bgp_asn="65010") | {
            "dc-virtual_gateway_asn": "65146",
            "dc-enterprise_router_asn": "64800",
            "dc-subnets": "10.1.0.0/16",
        }
        routing = {"mode": "bgp", "tunnel_addressing": "automatic"}
        planted = ("customer", "site-0-subnets", "192.168.0.0/17")
    return {"cloud": cloud, "customer": customer, "routing": routing, "security": security}, planted
