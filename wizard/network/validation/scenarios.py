"""Names, enumerations, routing options and the rules of each scenario (§3.2, §6, checklist 1, 3, 12-17)."""

from __future__ import annotations

import re

from wizard.network.findings import Finding, error, warning
from wizard.network.plan import Plan
from wizard.network.validation.context import PlanContext, Role

NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# Region IDs such as eu-de, eu-nl, cn-north-4, ap-southeast-1.
REGION_PATTERN = re.compile(r"[a-z]{2,}(-[a-z0-9]+){1,4}")
INTERFACE_PATTERN = re.compile(r"[A-Za-z0-9_./:-]{0,64}")
SCENARIOS = ("hybrid_cloud", "cross_region", "branch_hub", "dc_backup")
ROUTING_MODES = ("static", "bgp", "policy")
FLAVORS = ("Basic", "Professional1", "Professional2")
HA_MODES = ("active-active", "active-standby")
ATTACHMENTS = ("vpc", "er")
NETWORK_TYPES = ("public", "private")
PLATFORMS = (
    "strongswan",
    "cisco_iosxe",
    "cisco_asa",
    "juniper_srx",
    "fortigate",
    "paloalto",
    "huawei_vrp",
    "mikrotik",
    "generic",
)
CONNECTION_GROUPS = {"Basic": 10, "Professional1": 100, "Professional2": 100}


def _name(value: str, path: str, what: str) -> list[Finding]:
    # Checklist 1: every cloud resource name is 1-64 letters, digits, "_", "-" or ".".
    if NAME_PATTERN.fullmatch(value):
        return []
    fixed = re.sub(r"[^A-Za-z0-9_.-]+", "-", value).strip("-")[:64]
    return [
        error(
            "name.invalid",
            path,
            f"{what} {value!r} is not a valid name: use 1 to 64 letters, digits, '_', '-' or '.'.",
            f"Did you mean {fixed!r}?" if fixed else "",
        )
    ]


def _choice(value: str, allowed: tuple[str, ...], path: str, code: str, what: str) -> list[Finding]:
    # The cloud API accepts only these values.
    if value in allowed:
        return []
    return [error(code, path, f"{what} {value!r} is not supported.", f"Use one of: {', '.join(allowed)}.")]


def check_names_and_values(plan: Plan) -> list[Finding]:
    findings = _name(plan.name, "name", "Request name")
    findings += _choice(plan.scenario, SCENARIOS, "scenario", "scenario.unknown", "Scenario")
    findings += _choice(plan.routing.mode, ROUTING_MODES, "routing.mode", "routing.mode", "Routing mode")
    for g, gateway in enumerate(plan.gateways):
        path = f"gateways[{g}]"
        findings += _name(gateway.name, f"{path}.name", "Gateway name")
        findings += _choice(gateway.flavor, FLAVORS, f"{path}.flavor", "gateway.flavor", "Flavor")
        findings += _choice(gateway.ha_mode, HA_MODES, f"{path}.ha_mode", "gateway.ha_mode", "HA mode")
        findings += _choice(
            gateway.attachment, ATTACHMENTS, f"{path}.attachment", "gateway.attachment", "Attachment"
        )
        findings += _choice(
            gateway.network_type,
            NETWORK_TYPES,
            f"{path}.network_type",
            "gateway.network_type",
            "Network type",
        )
        # Region and VPC identify where the gateway is created and are sent to the cloud API as they are.
        if not REGION_PATTERN.fullmatch(gateway.region):
            findings.append(
                error(
                    "gateway.region",
                    f"{path}.region",
                    f"Region {gateway.region!r} is not a cloud region ID."
                    if gateway.region.strip()
                    else "Gateway region is empty.",
                    "Use the region ID the console shows, for example eu-de, eu-nl or ap-southeast-1.",
                )
            )
        if not NAME_PATTERN.fullmatch(gateway.vpc):
            findings.append(
                error(
                    "gateway.vpc",
                    f"{path}.vpc",
                    f"VPC {gateway.vpc!r} is not a VPC name or ID."
                    if gateway.vpc.strip()
                    else "Gateway VPC is empty.",
                    "Use the VPC's name or ID as the console shows it: "
                    "1 to 64 letters, digits, '_', '-' or '.'.",
                )
            )
        subnet_id = gateway.interconnection_subnet
        # The cloud takes the interconnection subnet as a resource ID: at most 64 safe characters.
        if subnet_id and not NAME_PATTERN.fullmatch(subnet_id):
            findings.append(
                error(
                    "gateway.interconnection_subnet",
                    f"{path}.interconnection_subnet",
                    f"Interconnection subnet {subnet_id!r} is not a subnet ID: use 1 to 64 letters, digits, "
                    "'_', '-' or '.'.",
                    "Copy the subnet's ID from the VPC console (a UUID such as "
                    "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0021), or leave the field empty.",
                )
            )
        # Checklist 3: the Basic flavor has neither enterprise-router attachment nor private gateways.
        if gateway.flavor == "Basic" and (gateway.attachment == "er" or gateway.network_type == "private"):
            findings.append(
                error(
                    "gateway.flavor_basic",
                    f"{path}.flavor",
                    f"Gateway '{gateway.name}': the Basic flavor supports neither enterprise-router "
                    "attachment "
                    "nor private network type.",
                    "Choose Professional1 or Professional2.",
                )
            )
    seen: dict[str, int] = {}
    for s, site in enumerate(plan.sites):
        findings += _name(site.name, f"sites[{s}].name", "Site name")
        findings += _choice(
            site.platform, PLATFORMS, f"sites[{s}].platform", "site.platform", "Device platform"
        )
        # The outside interface is written into the device config verbatim: no spaces, quotes or separators.
        if not INTERFACE_PATTERN.fullmatch(site.outside_interface):
            findings.append(
                error(
                    "site.outside_interface",
                    f"sites[{s}].outside_interface",
                    f"Outside interface {site.outside_interface!r} cannot be written into a device "
                    "configuration: use at most 64 letters, digits, '_', '.', '/', ':' or '-'.",
                    "For example GigabitEthernet0/0/1 or ethernet1/1, or leave it empty for the platform "
                    "default.",
                )
            )
        # Tunnels and configs refer to sites by name, so names must be unique.
        if site.name in seen:
            findings.append(
                error(
                    "site.duplicate_name",
                    f"sites[{s}].name",
                    f"Site name '{site.name}' is already used by sites[{seen[site.name]}].",
                )
            )
        seen.setdefault(site.name, s)
    if len(plan.gateways) == 2 and plan.gateways[0].name == plan.gateways[1].name:
        # The second gateway is named as the tunnel peer of the first.
        findings.append(
            error("gateway.duplicate_name", "gateways[1].name", "Both gateways have the same name.")
        )
    return findings


def check_routing(plan: Plan) -> list[Finding]:
    findings = []
    # Checklist 12: branch interconnection (enable_hub) exists only with BGP.
    if plan.routing.branch_interconnection and plan.routing.mode != "bgp":
        findings.append(
            error(
                "routing.branch_interconnection",
                "routing.branch_interconnection",
                f"Branch interconnection works only with BGP routing, not {plan.routing.mode}.",
                "Switch to BGP, or turn branch interconnection off.",
            )
        )
    # Checklist 12: link detection (NQA) exists only with static routing.
    if plan.routing.nqa and plan.routing.mode != "static":
        findings.append(
            error(
                "routing.nqa",
                "routing.nqa",
                f"Link detection (NQA) works only with static routing, not {plan.routing.mode}.",
                "Turn link detection off; BGP detects failures itself.",
            )
        )
    return findings


def _count(plan: Plan, path: str, actual: int, expected: str, code: str, what: str) -> list[Finding]:
    return [error(code, path, f"A {plan.scenario} plan has {expected} {what}, this one has {actual}.")]


def check_scenario(context: PlanContext) -> list[Finding]:
    plan = context.plan
    findings: list[Finding] = []
    gateways, sites = len(plan.gateways), len(plan.sites)
    # Cross-region pairs two cloud gateways; every other scenario has one.
    wanted_gateways = 2 if plan.scenario == "cross_region" else 1
    if gateways != wanted_gateways:
        findings += _count(
            plan, "gateways", gateways, f"exactly {wanted_gateways}", "scenario.gateway_count", "gateway(s)"
        )
    # One data center for hybrid cloud and Direct Connect backup, branches for a hub, none across regions.
    if plan.scenario in {"hybrid_cloud", "dc_backup"} and sites != 1:
        findings += _count(plan, "sites", sites, "exactly 1", "scenario.site_count", "site(s)")
    if plan.scenario == "branch_hub" and sites == 0:
        findings += _count(plan, "sites", sites, "at least 1", "scenario.site_count", "branches")
    if plan.scenario == "cross_region" and sites:
        findings += _count(
            plan, "sites", sites, "no", "scenario.site_count", "sites (the other gateway is the peer)"
        )
    if plan.direct_connect is not None and plan.scenario != "dc_backup":
        # Direct Connect settings only mean something for the VPN + Direct Connect backup scenario.
        findings.append(
            error(
                "scenario.direct_connect_unexpected",
                "direct_connect",
                "Direct Connect is only part of dc_backup.",
            )
        )
    findings += _check_ha(plan)
    if plan.scenario == "cross_region" and gateways == 2:
        findings += _check_cross_region(plan)
    if plan.scenario == "branch_hub" and gateways:
        findings += _check_hub(plan)
    if plan.scenario == "dc_backup" and gateways:
        findings += _check_dc_backup(context)
    return findings


def _check_ha(plan: Plan) -> list[Finding]:
    findings = []
    ha_mode = plan.gateways[0].ha_mode if plan.gateways else "active-active"
    for s, site in enumerate(plan.sites):
        # Active-standby connects the two gateway IPs to two customer gateway IPs (§6.1).
        if ha_mode == "active-standby" and len(site.gateway_ips) == 1:
            findings.append(
                error(
                    "site.active_standby_needs_two_ips",
                    f"sites[{s}].gateway_ips",
                    f"Site '{site.name}' has one gateway IP, but an active-standby gateway needs "
                    "two customer "
                    "gateway IPs (one per connection).",
                    "Add the second device's IP, or use an active-active gateway.",
                )
            )
        # The cloud recommends active-active for one customer IP and active-standby for two.
        if ha_mode == "active-active" and len(site.gateway_ips) == 2:
            findings.append(
                warning(
                    "site.two_ips_active_active",
                    f"sites[{s}].gateway_ips",
                    f"Site '{site.name}' has two gateway IPs; with two customer gateways the cloud "
                    "recommends "
                    "an active-standby gateway.",
                    "Set gateways[0].ha_mode to active-standby.",
                )
            )
    return findings


def _check_cross_region(plan: Plan) -> list[Finding]:
    first, second = plan.gateways
    # Checklist 16: VPN interconnects VPCs of different regions only; the same region uses VPC peering.
    if first.region == second.region:
        return [
            error(
                "scenario.same_region",
                "gateways[1].region",
                f"Both gateways are in region {first.region}; VPN interconnects VPCs of different regions.",
                "Use VPC peering inside one region, or pick the other VPC's region.",
            )
        ]
    return []


def _check_hub(plan: Plan) -> list[Finding]:
    findings = []
    flavor = plan.gateways[0].flavor
    groups = CONNECTION_GROUPS.get(flavor, CONNECTION_GROUPS["Professional1"])
    # Each branch takes one connection group: Basic has 10, Professional 100 (§2.2).
    if len(plan.sites) > groups:
        findings.append(
            error(
                "scenario.branch_limit",
                "sites",
                f"The hub has {len(plan.sites)} branches; a {flavor} gateway has {groups} connection groups.",
                "Use a Professional flavor (100 groups)."
                if flavor == "Basic"
                else "Split the branches over two hubs.",
            )
        )
    # Without branch interconnection a BGP hub advertises only the local subnets: branches are isolated.
    if plan.routing.mode == "bgp" and not plan.routing.branch_interconnection and len(plan.sites) > 1:
        findings.append(
            warning(
                "scenario.hub_isolated",
                "routing.branch_interconnection",
                "Branch interconnection is off: branches reach the VPC but not each other.",
                "Turn branch interconnection on if branches must talk to each other.",
            )
        )
    return findings


def _check_dc_backup(context: PlanContext) -> list[Finding]:
    plan = context.plan
    gateway = plan.gateways[0]
    findings = []
    # Checklist 15: the VPN backs up Direct Connect through an enterprise router.
    if gateway.attachment != "er":
        findings.append(
            error(
                "scenario.dc_attachment",
                "gateways[0].attachment",
                "Backup with Direct Connect needs the gateway attached to an enterprise router "
                "(attachment er).",
                "Set attachment to er and use a Professional flavor.",
            )
        )
    # BGP lets the enterprise router prefer Direct Connect and fail over to the VPN.
    if plan.routing.mode != "bgp":
        findings.append(
            error(
                "scenario.dc_routing",
                "routing.mode",
                f"Backup with Direct Connect needs BGP routing, not {plan.routing.mode}.",
                "Set routing.mode to bgp.",
            )
        )
    if plan.direct_connect is None:
        findings.append(
            error(
                "scenario.direct_connect_missing",
                "direct_connect",
                "A dc_backup plan needs the Direct Connect settings (ASNs and subnets).",
            )
        )
        return findings
    dc_claims = context.claims_of(Role.DIRECT_CONNECT)
    # A prefix reached only over one path has no backup.
    for claim in context.claims_of(Role.CUSTOMER):
        if not any(dc.block.contains(claim.block) for dc in dc_claims):
            findings.append(
                warning(
                    "direct_connect.not_backed_up",
                    claim.path,
                    f"{claim.described} is not among the Direct Connect subnets: the VPN carries it alone, "
                    "without Direct Connect as primary path.",
                    f"Add {claim.cidr} to direct_connect.subnets.",
                )
            )
    customer = context.claims_of(Role.CUSTOMER)
    for dc in dc_claims:
        if not any(c.block.contains(dc.block) for c in customer):
            findings.append(
                warning(
                    "direct_connect.not_backed_up",
                    dc.path,
                    f"Direct Connect subnet {dc.cidr} is not among the site's subnets: the VPN does "
                    "not back it up.",
                    f"Add {dc.cidr} to sites[0].subnets.",
                )
            )
    return findings
