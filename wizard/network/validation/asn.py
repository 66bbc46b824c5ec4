"""BGP AS number rules (§3.3, checklist 2 and 15)."""

from __future__ import annotations

from wizard.network.findings import Finding, error, warning
from wizard.network.plan import Plan

ASN_RANGE = (1, 4294967295)
ENTERPRISE_ROUTER_RANGES = ((64512, 65534), (4200000000, 4294967294))
# The Direct Connect virtual gateway's own ASN per region (DC best practices).
DIRECT_CONNECT_ASN_BY_REGION = {"eu-de": 65146, "eu-nl": 64512}


def _in_range(value: int, path: str, what: str) -> list[Finding]:
    # Gateway and customer gateway ASNs are 1-4294967295 (API-GW, API-CGW).
    low, high = ASN_RANGE
    if low <= value <= high:
        return []
    return [error("asn.range", path, f"{what} ASN {value} is outside {low}-{high}.")]


def check_asns(plan: Plan) -> list[Finding]:
    findings: list[Finding] = []
    bgp = plan.routing.mode == "bgp"
    for g, gateway in enumerate(plan.gateways):
        findings += _in_range(gateway.bgp_asn, f"gateways[{g}].bgp_asn", f"Gateway '{gateway.name}'")
    cloud_asn = plan.gateways[0].bgp_asn if plan.gateways else None
    branch_asns: dict[int, str] = {}
    for s, site in enumerate(plan.sites):
        path = f"sites[{s}].bgp_asn"
        if site.bgp_asn is None:
            # BGP peers need the customer gateway's ASN.
            if bgp:
                findings.append(
                    error("asn.required", path, f"Site '{site.name}' needs a BGP ASN for BGP routing.")
                )
            continue
        findings += _in_range(site.bgp_asn, path, f"Site '{site.name}'")
        # The VPN gateway ASN must differ from the customer gateway ASN (UMN-GW, UMN-CGW).
        if site.bgp_asn == cloud_asn:
            findings.append(
                error(
                    "asn.same_as_gateway",
                    path,
                    f"Site '{site.name}' uses ASN {site.bgp_asn}, the cloud gateway's own ASN.",
                    "Give the site a different private ASN (64512-65534 or 4200000000-4294967294).",
                )
            )
        # Hub branches need distinct ASNs, or BGP drops the other branches' routes as loops (DERIVED).
        if bgp and plan.scenario == "branch_hub" and site.bgp_asn in branch_asns:
            findings.append(
                error(
                    "asn.duplicate",
                    path,
                    f"Site '{site.name}' uses ASN {site.bgp_asn}, already used by "
                    f"{branch_asns[site.bgp_asn]}; "
                    "BGP would drop the routes of one branch at the other.",
                    "Give every branch its own ASN.",
                )
            )
        branch_asns.setdefault(site.bgp_asn, f"branch '{site.name}'")
    # Across regions each gateway is the other's customer gateway: their ASNs must differ.
    cross_region = plan.scenario == "cross_region" and len(plan.gateways) == 2
    if cross_region and bgp and plan.gateways[0].bgp_asn == plan.gateways[1].bgp_asn:
        findings.append(
            error(
                "asn.same_as_gateway",
                "gateways[1].bgp_asn",
                f"Both gateways use ASN {plan.gateways[0].bgp_asn}; as each other's BGP peer "
                "they must differ.",
                "Change one gateway's ASN before it is created (it cannot be changed later).",
            )
        )
    if plan.direct_connect is not None and plan.gateways:
        findings += _check_direct_connect(plan)
    return findings


def _check_direct_connect(plan: Plan) -> list[Finding]:
    dc = plan.direct_connect
    assert dc is not None
    gateway = plan.gateways[0]
    findings: list[Finding] = []
    # The enterprise router ASN is 64512-65534 or 4200000000-4294967294 (ER docs).
    if not any(low <= dc.enterprise_router_asn <= high for low, high in ENTERPRISE_ROUTER_RANGES):
        findings.append(
            error(
                "asn.enterprise_router_range",
                "direct_connect.enterprise_router_asn",
                f"Enterprise router ASN {dc.enterprise_router_asn} is outside 64512-65534 and "
                "4200000000-4294967294.",
                "The enterprise router default is 64800.",
            )
        )
    findings += _in_range(
        dc.virtual_gateway_asn, "direct_connect.virtual_gateway_asn", "Direct Connect gateway"
    )
    # Checklist 15: the enterprise router ASN must differ from the Direct Connect virtual gateway ASN.
    if dc.enterprise_router_asn == dc.virtual_gateway_asn:
        findings.append(
            error(
                "asn.direct_connect_clash",
                "direct_connect.enterprise_router_asn",
                "The enterprise router and the Direct Connect virtual gateway both use ASN "
                f"{dc.virtual_gateway_asn}.",
                "Keep the enterprise router default 64800, or another private ASN.",
            )
        )
    # ER attachments need unique ASNs to learn each other's routes: VPN gateway vs Direct Connect gateway.
    if gateway.bgp_asn == dc.virtual_gateway_asn:
        findings.append(
            error(
                "asn.direct_connect_clash",
                "gateways[0].bgp_asn",
                f"The VPN gateway uses ASN {gateway.bgp_asn}, the Direct Connect virtual gateway's ASN; the "
                "enterprise router would not learn routes between the two attachments.",
                "Choose another ASN for the VPN gateway (64512 clashes with Direct Connect in eu-nl).",
            )
        )
    # An on-premises ASN equal to a cloud-side ASN makes BGP drop the cloud routes as loops.
    for s, site in enumerate(plan.sites):
        if site.bgp_asn is not None and site.bgp_asn in {dc.enterprise_router_asn, dc.virtual_gateway_asn}:
            findings.append(
                error(
                    "asn.site_clash",
                    f"sites[{s}].bgp_asn",
                    f"Site '{site.name}' uses ASN {site.bgp_asn}, which the cloud side already uses.",
                    "Give the data center its own ASN.",
                )
            )
    expected = DIRECT_CONNECT_ASN_BY_REGION.get(gateway.region)
    # The Direct Connect virtual gateway ASN is fixed per region (65146 eu-de, 64512 eu-nl).
    if expected is not None and dc.virtual_gateway_asn != expected:
        findings.append(
            warning(
                "asn.direct_connect_unexpected",
                "direct_connect.virtual_gateway_asn",
                f"Direct Connect gateways in {gateway.region} use ASN {expected}, not "
                f"{dc.virtual_gateway_asn}.",
                f"Did you mean {expected}?",
            )
        )
    return findings
