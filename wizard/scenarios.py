"""The four scenarios as the start page and the dashboard present them: when to choose each one."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.choices import Scenario


@dataclass(frozen=True)
class ScenarioCard:
    value: str
    label: str
    summary: str  # one line for the dashboard
    when: str  # the start page's paragraph: when to choose it


SCENARIO_CARDS = (
    ScenarioCard(
        Scenario.HYBRID_CLOUD,
        Scenario.HYBRID_CLOUD.label,
        "Your data center to one VPC over two tunnels, with static routes, BGP or policy-based rules.",
        "Choose this when one data center or office connects to one VPC: two tunnels from the cloud "
        "gateway's two IPs to your VPN device, with static routes, BGP or policy-based rules.",
    ),
    ScenarioCard(
        Scenario.CROSS_REGION,
        Scenario.CROSS_REGION.label,
        "VPN gateways in two VPCs in different regions, each the other's customer gateway.",
        "Choose this when two VPCs in different regions must reach each other: a VPN gateway in each region, "
        "each the other's customer gateway, with mirrored connections. Regions must differ and the VPCs' "
        "address ranges must not overlap.",
    ),
    ScenarioCard(
        Scenario.BRANCH_HUB,
        Scenario.BRANCH_HUB.label,
        "One cloud gateway as the hub; branch offices connect to it and reach each other through it.",
        "Choose this when several branch offices connect to one cloud gateway (the hub) and reach the VPC "
        "and each other through it. Add branches over time to an existing hub; each new branch is checked "
        "against all branches already on it.",
    ),
    ScenarioCard(
        Scenario.DC_BACKUP,
        Scenario.DC_BACKUP.label,
        "A BGP VPN on an enterprise router that takes over when the Direct Connect line fails.",
        "Choose this when your data center already reaches the cloud over Direct Connect and you want a VPN "
        "that takes over when that line fails: the gateway attaches to an enterprise router and uses BGP, "
        "with Direct Connect preferred.",
    ),
)
