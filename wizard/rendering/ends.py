"""The two ends of a plan's tunnels as the templates see them: a cloud gateway or an on-premises site."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.network.plan import Gateway, Plan, Site


@dataclass(frozen=True)
class End:
    """One end of the tunnels: its name, ASN, protected subnets (with their plan path) and plan path."""

    name: str
    path: str
    asn: int | None
    subnets: tuple[str, ...]
    subnets_path: str
    outside_interface: str = ""


def gateway_subnets(gateway: Gateway) -> tuple[str, ...]:
    """What a cloud gateway protects: its local subnets, or (ER attachment without them) its VPC blocks."""
    return gateway.local_subnets or gateway.vpc_cidrs


def gateway_end(plan: Plan, index: int) -> End:
    gateway = plan.gateways[index]
    field = "local_subnets" if gateway.local_subnets else "vpc_cidrs"
    return End(gateway.name, f"gateways[{index}]", gateway.bgp_asn, gateway_subnets(gateway),
               f"gateways[{index}].{field}")  # fmt: skip


def site_end(index: int, site: Site) -> End:
    return End(site.name, f"sites[{index}]", site.bgp_asn, site.subnets, f"sites[{index}].subnets",
               site.outside_interface)  # fmt: skip
