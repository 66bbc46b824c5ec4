"""Address rules of single blocks and gateway IPs: forbidden ranges, limits, outer addresses (§3.1, §2)."""

from __future__ import annotations

from wizard.network.addresses import Block, parse_block, parse_ipv4
from wizard.network.findings import Finding, error, warning
from wizard.network.plan import Plan
from wizard.network.validation.context import PlanContext, Role

MAX_LOCAL_SUBNETS = 50
MAX_CUSTOMER_SUBNETS = 50


def _blocks(*pairs: tuple[str, str]) -> tuple[tuple[Block, str], ...]:
    parsed = [(parse_block(cidr), why) for cidr, why in pairs]
    return tuple((block, why) for block, why in parsed if block is not None)


# C2, C3, C7: the cloud refuses customer subnets in these ranges.
FORBIDDEN_CUSTOMER_RANGES = _blocks(
    ("224.0.0.0/4", "multicast (class D)"),
    ("240.0.0.0/4", "reserved (class E)"),
    ("127.0.0.0/8", "loopback"),
    ("100.64.0.0/10", "reserved by the cloud for its own services (100.64.0.0/10, 100.64.0.0/12)"),
    ("214.0.0.0/8", "reserved by the cloud for its own services"),
)
LINK_LOCAL_RANGE = _blocks(("169.254.0.0/16", "link-local, used for tunnel interfaces"))
# Outer addresses that can never be an IPsec peer.
UNUSABLE_PEER_RANGES = _blocks(
    ("0.0.0.0/8", "'this network'"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved (class E)"),
)
PRIVATE_RANGES = _blocks(
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("100.64.0.0/10", "shared address space (RFC 6598)"),
)


def _range_of(address: int, ranges: tuple[tuple[Block, str], ...]) -> str:
    return next((why for block, why in ranges if block.first <= address <= block.last), "")


def check_forbidden_ranges(context: PlanContext) -> list[Finding]:
    findings = []
    peer_roles = {Role.CUSTOMER, Role.DIRECT_CONNECT}
    if context.plan.scenario == "cross_region":
        peer_roles.add(Role.LOCAL)  # each side's local subnets are the other side's customer subnets
    ranges = FORBIDDEN_CUSTOMER_RANGES + LINK_LOCAL_RANGE
    lowest, highest = min(b.first for b, _ in ranges), max(b.last for b, _ in ranges)
    for claim in context.claims:
        if claim.role not in peer_roles or claim.block.last < lowest or claim.block.first > highest:
            continue
        for block, why in FORBIDDEN_CUSTOMER_RANGES:
            # C2/C3: blocks touching these ranges are refused by the cloud (error VPN.0204).
            if block.overlaps(claim.block):
                findings.append(
                    error(
                        "subnet.forbidden_range",
                        claim.path,
                        f"{claim.described} overlaps {block.cidr}, which is {why}.",
                        "Use addresses outside 224.0.0.0/3, 127.0.0.0/8, 100.64.0.0/10 and 214.0.0.0/8.",
                    )
                )
        for block, why in LINK_LOCAL_RANGE:
            # C7: on-premises networks should avoid 169.254.0.0/16 (tunnel interfaces live there).
            if block.overlaps(claim.block):
                findings.append(
                    warning(
                        "subnet.link_local",
                        claim.path,
                        f"{claim.described} overlaps {block.cidr} ({why}).",
                        "Keep 169.254.0.0/16 for tunnel interface addresses.",
                    )
                )
    return findings


def check_limits(plan: Plan) -> list[Finding]:
    findings = []
    mode = plan.routing.mode
    for g, gateway in enumerate(plan.gateways):
        count = len(gateway.local_subnets)
        # C9: at most 50 local subnets per gateway (the "100" of the change history is not validated).
        if count > MAX_LOCAL_SUBNETS:
            findings.append(
                error(
                    "gateway.local_subnets_limit",
                    f"gateways[{g}].local_subnets",
                    f"Gateway '{gateway.name}' has {count} local subnets; the cloud allows "
                    f"{MAX_LOCAL_SUBNETS}.",
                    "Summarise adjacent subnets into larger blocks.",
                )
            )
        # Local subnets are mandatory for a VPC-attached gateway (API-GW).
        if count == 0 and gateway.attachment == "vpc":
            findings.append(
                error(
                    "gateway.local_subnets_required",
                    f"gateways[{g}].local_subnets",
                    f"Gateway '{gateway.name}' is attached to a VPC and needs at least one local subnet.",
                    f"Add the VPC's subnets, e.g. {gateway.vpc_cidrs[0]}." if gateway.vpc_cidrs else "",
                )
            )
    er_attached = bool(plan.gateways) and plan.gateways[0].attachment == "er"
    for s, site in enumerate(plan.sites):
        count = len(site.subnets)
        # C6: at most 50 customer subnets per connection.
        if count > MAX_CUSTOMER_SUBNETS:
            findings.append(
                error(
                    "site.subnets_limit",
                    f"sites[{s}].subnets",
                    f"Site '{site.name}' has {count} subnets; a connection carries at most "
                    f"{MAX_CUSTOMER_SUBNETS}.",
                    "Summarise adjacent subnets into larger blocks.",
                )
            )
        # C17: customer subnets may be omitted only for an ER-attached gateway with BGP or policy mode.
        if count == 0 and not (er_attached and mode in {"bgp", "policy"}):
            findings.append(
                error(
                    "site.subnets_required",
                    f"sites[{s}].subnets",
                    f"Site '{site.name}' lists no subnets; the connection needs at least one "
                    "customer subnet.",
                )
            )
    return findings


def _check_peer_ip(text: str, path: str, owner: str, public: bool) -> list[Finding]:
    address = parse_ipv4(text)
    # A customer gateway is identified by one static IPv4 address (API-CGW id_type ip).
    if address is None:
        return [error("address.invalid", path, f"{owner}: {text!r} is not an IPv4 address (a.b.c.d).")]
    unusable = _range_of(address, UNUSABLE_PEER_RANGES)
    if unusable:
        return [
            error("address.unusable", path, f"{owner}: {text} is {unusable} and cannot be an IPsec peer.")
        ]
    private = _range_of(address, PRIVATE_RANGES)
    # A public gateway reaches its peers over the Internet, where private addresses are not routed.
    if public and private:
        return [
            error(
                "address.private",
                path,
                f"{owner}: {text} is {private}; a public VPN gateway cannot reach it over the Internet.",
                "Enter the device's public (NAT) address, or use a private gateway (network_type private).",
            )
        ]
    return []


def check_gateway_addresses(plan: Plan) -> list[Finding]:
    findings: list[Finding] = []
    public = bool(plan.gateways) and plan.gateways[0].network_type == "public"
    cloud_ips = {ip for gateway in plan.gateways for ip in gateway.ip_addresses}
    for g, gateway in enumerate(plan.gateways):
        ips = gateway.ip_addresses
        # A VPN gateway always has exactly two IPs (UMN-GW); [] while not provisioned yet.
        if ips and len(ips) != 2:
            findings.append(
                error(
                    "gateway.ip_addresses",
                    f"gateways[{g}].ip_addresses",
                    f"Gateway '{gateway.name}' lists {len(ips)} IP addresses; a gateway has exactly two.",
                    "List both gateway IPs, or none until the gateway is provisioned.",
                )
            )
        for i, ip in enumerate(ips):
            findings += _check_peer_ip(
                ip, f"gateways[{g}].ip_addresses[{i}]", f"gateway '{gateway.name}'", False
            )
        # The same gateway IP cannot carry both connections (checklist 13).
        if len(ips) == 2 and ips[0] == ips[1]:
            findings.append(
                error(
                    "gateway.ip_addresses_same",
                    f"gateways[{g}].ip_addresses[1]",
                    f"Gateway '{gateway.name}' lists {ips[0]} twice; its two IPs are distinct.",
                )
            )
    first_use: dict[str, str] = {}
    for s, site in enumerate(plan.sites):
        owner = f"site '{site.name}'"
        # One customer gateway IP (active-active) or two (active-standby).
        if not 1 <= len(site.gateway_ips) <= 2:
            findings.append(
                error(
                    "site.gateway_ips_count",
                    f"sites[{s}].gateway_ips",
                    f"Site '{site.name}' lists {len(site.gateway_ips)} gateway IPs; give one or two.",
                )
            )
        for i, ip in enumerate(site.gateway_ips):
            path = f"sites[{s}].gateway_ips[{i}]"
            findings += _check_peer_ip(ip, path, owner, public)
            # A customer gateway address cannot also be a cloud gateway address.
            if ip in cloud_ips:
                findings.append(error("address.cloud_ip", path, f"{owner}: {ip} is a cloud VPN gateway IP."))
            # The same gateway IP cannot connect twice to one customer gateway (UMN-CONN).
            if ip in first_use:
                findings.append(
                    error(
                        "site.gateway_ip_shared",
                        path,
                        f"{owner}: {ip} is already the gateway IP of {first_use[ip]}; the cloud "
                        "cannot connect "
                        "the same gateway IP twice to one customer gateway.",
                        "Put both address sets in one site, or give each site its own gateway IP.",
                    )
                )
            else:
                first_use[ip] = owner
    return findings
