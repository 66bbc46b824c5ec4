"""The sandbox provider: cloud resources kept in the database, with the cloud's statuses, limits and errors.

Creates return at once with PENDING_CREATE; a resource leaves it SANDBOX_DELAY_SECONDS later (gateway →
ACTIVE, connection → DOWN, then ACTIVE after the same delay again, as when the customer device comes up).
Deletes of gateways, connections and monitors put them in PENDING_DELETE; the same delay later they are gone
(VPN.0004), together with what depends on them (a gateway's connections, a connection's monitor); customer
gateways have no status and go at once. SANDBOX_FAILURE_RATE makes that share of create and delete calls
fail as throttled (VPN.0429), for demos and tests.
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from wizard.models import SandboxResource
from wizard.network.addresses import (
    block_of,
    containing_block,
    format_ipv4,
    parse_block,
    parse_interface,
    parse_ipv4,
)
from wizard.providers.base import (
    NOT_FOUND,
    ConnectionSpec,
    ConnectionState,
    CustomerGatewaySpec,
    GatewaySpec,
    GatewayState,
    PermanentProviderError,
    TransientProviderError,
)

GATEWAY = "vpn_gateway"
CUSTOMER_GATEWAY = "customer_gateway"
CONNECTION = "vpn_connection"
MONITOR = "connection_monitor"

NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_SUBNETS = 50  # local subnets per gateway and customer subnets per connection (§3.6)
MAX_POLICY_RULES = 5  # per connection (§3.6)
CONNECTION_GROUPS = {"Basic": 10, "Professional1": 100, "Professional2": 100}  # per gateway (§2.2)
ASN_RANGE = range(1, 4294967296)  # 1-4294967295 (§3.3)
UNROUTABLE = (block_of(0xE0000000, 3), block_of(0x7F000000, 8))  # class D/E and loopback: VPN.0204
LINK_LOCAL = block_of(0xA9FE0000, 16)  # tunnel interface addresses live in 169.254.0.0/16
CLOUD_RESERVED = block_of(0xA9FEC300, 24)  # 169.254.195.0/24 is refused by the cloud
GATEWAY_IP_POOL = 0xC6336400  # 198.51.100.0/24 (RFC 5737) for the sandbox's gateway EIPs


def _invalid(message: str) -> PermanentProviderError:
    return PermanentProviderError("VPN.0001", message)


def _check_name(name: str) -> None:
    # The cloud accepts 1-64 letters, digits, '_', '-', '.' for every resource name.
    if not NAME.fullmatch(name):
        raise _invalid(f"Name {name!r} must be 1-64 letters, digits, '_', '-' or '.'.")


def _check_asn(asn: int | None, what: str) -> None:
    # BGP ASNs are 1-4294967295.
    if asn is not None and asn not in ASN_RANGE:
        raise _invalid(f"The {what} BGP ASN {asn} is outside 1-4294967295.")


def _check_subnets(subnets: tuple[str, ...], what: str) -> None:
    # At most 50, each a canonical IPv4 CIDR block outside class D/E and loopback.
    if len(subnets) > MAX_SUBNETS:
        raise _invalid(f"{len(subnets)} {what} given; at most {MAX_SUBNETS} are allowed.")
    for subnet in subnets:
        block = parse_block(subnet)
        if block is None:
            raise PermanentProviderError("VPN.0203", f"{subnet!r} is not an IPv4 CIDR block.")
        if any(reserved.overlaps(block) for reserved in UNROUTABLE):
            raise PermanentProviderError("VPN.0204", f"{subnet} is a class D/E or loopback block.")


def _check_tunnel_address(address: str, what: str) -> None:
    # Tunnel interface addresses: a host of a /30 inside 169.254.0.0/16, never in 169.254.195.0/24.
    interface = parse_interface(address)
    block = containing_block(address)
    if interface is None or block is None or interface[1] != 30 or not LINK_LOCAL.contains(block):
        raise _invalid(f"The {what} {address!r} must be a 169.254.x.y/30 interface address.")
    if CLOUD_RESERVED.contains(block):
        raise PermanentProviderError(
            "VPN.0110", f"The {what} {address} lies in the reserved 169.254.195.0/24."
        )
    if interface[0] in (block.first, block.last):
        raise _invalid(f"The {what} {address} is the network or broadcast address of its /30.")


class SandboxProvider:
    name = "sandbox"
    supports_health_monitors = True

    def __init__(self, *, delay_seconds: float | None = None, failure_rate: float | None = None) -> None:
        self.delay = timedelta(
            seconds=settings.SANDBOX_DELAY_SECONDS if delay_seconds is None else delay_seconds
        )
        self.failure_rate = settings.SANDBOX_FAILURE_RATE if failure_rate is None else failure_rate
        self._random = random.SystemRandom()

    # -- plumbing ------------------------------------------------------------------------------------------

    def _maybe_fail(self) -> None:
        if self.failure_rate and self._random.random() < self.failure_rate:
            raise TransientProviderError(
                "VPN.0429", "Too many requests; try again later (sandbox injection)."
            )

    def _create(self, *, kind: str, identity: str, name: str, attributes: dict[str, Any]) -> str:
        """Insert the resource, or return the one an earlier identical call created."""
        existing = (
            SandboxResource.objects.filter(identity=identity).values_list("provider_id", flat=True).first()
        )
        if existing:
            return existing
        try:
            with transaction.atomic():
                resource = SandboxResource.objects.create(
                    kind=kind,
                    provider_id=str(uuid.uuid4()),
                    identity=identity,
                    name=name,
                    status="PENDING_CREATE",
                    attributes=attributes,
                    ready_at=timezone.now() + self.delay,
                )
        except IntegrityError:
            # A concurrent identical call won the insert: its resource is ours too.
            return SandboxResource.objects.get(identity=identity).provider_id
        return resource.provider_id

    @staticmethod
    def _not_found(kind: str, provider_id: str) -> PermanentProviderError:
        what = kind.replace("_", " ")
        return PermanentProviderError(NOT_FOUND, f"The {what} {provider_id} does not exist.")

    def _get(self, kind: str, provider_id: str) -> SandboxResource:
        resource = SandboxResource.objects.filter(kind=kind, provider_id=provider_id).first()
        if resource is None:
            raise self._not_found(kind, provider_id)
        return resource

    @staticmethod
    def _dependents(resource: SandboxResource) -> list[int]:
        """Primary keys of what goes with the resource: a gateway's connections, a connection's monitor."""
        connections = [resource.provider_id] if resource.kind == CONNECTION else []
        if resource.kind == GATEWAY:
            connections = list(
                SandboxResource.objects.filter(
                    kind=CONNECTION, attributes__vgw_id=resource.provider_id
                ).values_list("provider_id", flat=True)
            )
        return list(
            SandboxResource.objects.filter(
                Q(kind=CONNECTION, provider_id__in=connections)
                | Q(kind=MONITOR, attributes__vpn_connection_id__in=connections)
            )
            .exclude(pk=resource.pk)
            .values_list("pk", flat=True)
        )

    def _advance(self, resource: SandboxResource) -> SandboxResource:
        """Move the resource along its life cycle according to the clock; VPN.0004 once its deletion ended."""
        now = timezone.now()
        status = resource.status
        if status == "PENDING_DELETE" and now >= resource.ready_at:
            SandboxResource.objects.filter(pk__in=[resource.pk, *self._dependents(resource)]).delete()
            raise self._not_found(resource.kind, resource.provider_id)
        if status == "PENDING_CREATE" and now >= resource.ready_at:
            status = {GATEWAY: "ACTIVE", CONNECTION: "DOWN", MONITOR: "ACTIVE"}.get(resource.kind, "ACTIVE")
        if resource.kind == CONNECTION and status == "DOWN" and now >= resource.ready_at + self.delay:
            status = "ACTIVE"
        if status != resource.status:
            SandboxResource.objects.filter(pk=resource.pk).update(status=status)
            resource.status = status
        return resource

    # -- the provider interface ----------------------------------------------------------------------------

    def create_gateway(self, spec: GatewaySpec) -> str:
        self._maybe_fail()
        _check_name(spec.name)
        _check_asn(spec.bgp_asn, "gateway")
        # Local subnets are mandatory for VPC attachment (§2.1).
        if spec.attachment == "vpc" and not spec.local_subnets:
            raise _invalid("A gateway attached to a VPC needs at least one local subnet.")
        _check_subnets(spec.local_subnets, "local subnets")
        # Basic cannot be private nor attached to an enterprise router (§2.1, §2.2).
        if spec.flavor == "Basic" and (spec.network_type == "private" or spec.attachment == "er"):
            raise _invalid(
                "The Basic specification supports neither private gateways nor enterprise routers."
            )
        if spec.flavor not in CONNECTION_GROUPS:
            raise _invalid(f"Unknown specification {spec.flavor!r}.")
        ordinal = SandboxResource.objects.filter(kind=GATEWAY).count()
        ips = [block_of(GATEWAY_IP_POOL, 24).first + 1 + (2 * ordinal + offset) % 254 for offset in (0, 1)]
        return self._create(
            kind=GATEWAY,
            identity=f"{GATEWAY}:{spec.region}:{spec.vpc}:{spec.name}",
            name=spec.name,
            attributes={
                "region": spec.region,
                "vpc": spec.vpc,
                "flavor": spec.flavor,
                "bgp_asn": spec.bgp_asn,
                "ha_mode": spec.ha_mode,
                "ip_addresses": [format_ipv4(ip) for ip in ips],
            },
        )

    def get_gateway(self, provider_id: str) -> GatewayState:
        resource = self._advance(self._get(GATEWAY, provider_id))
        # EIPs are only reported once the gateway is ACTIVE (§8.3).
        ips = tuple(resource.attributes["ip_addresses"]) if resource.status == "ACTIVE" else ()
        return GatewayState(provider_id, resource.status, ips, ips)

    def create_customer_gateway(self, spec: CustomerGatewaySpec) -> str:
        self._maybe_fail()
        _check_name(spec.name)
        _check_asn(spec.bgp_asn, "customer gateway")
        # The identifier is a static IPv4 address (id_type ip).
        address = parse_ipv4(spec.ip_address)
        if address is None:
            raise PermanentProviderError("VPN.0203", f"{spec.ip_address!r} is not an IPv4 address.")
        if any(reserved.first <= address <= reserved.last for reserved in UNROUTABLE):
            raise PermanentProviderError("VPN.0204", f"{spec.ip_address} is a class D/E or loopback address.")
        return self._create(
            kind=CUSTOMER_GATEWAY,
            identity=f"{CUSTOMER_GATEWAY}:{spec.name}",
            name=spec.name,
            attributes={"ip_address": spec.ip_address, "bgp_asn": spec.bgp_asn},
        )

    def create_connection(self, spec: ConnectionSpec) -> str:
        self._maybe_fail()
        _check_name(spec.name)
        existing = SandboxResource.objects.filter(identity=f"{CONNECTION}:{spec.name}").first()
        if existing is not None:
            return existing.provider_id
        gateway = self._advance(self._get(GATEWAY, spec.gateway_id))
        # Connections can only be added to a gateway that finished creating (VPN.0016).
        if gateway.status != "ACTIVE":
            raise TransientProviderError("VPN.0016", "The VPN gateway is not ready yet.")
        customer_gateway = self._get(CUSTOMER_GATEWAY, spec.customer_gateway_id)
        if spec.gateway_ip_ref not in gateway.attributes["ip_addresses"]:
            raise _invalid(f"{spec.gateway_ip_ref} is not an IP of the VPN gateway.")
        # The gateway ASN must differ from the customer gateway's (§3.3).
        if customer_gateway.attributes["bgp_asn"] == gateway.attributes["bgp_asn"]:
            raise _invalid("The customer gateway's BGP ASN must differ from the VPN gateway's.")
        if spec.style not in ("static", "bgp", "policy"):
            raise _invalid(f"Unknown VPN type {spec.style!r}.")
        _check_subnets(spec.peer_subnets, "customer subnets")
        # NQA is for static routing, branch interconnection for BGP, policy rules for policy mode (§2.4).
        if spec.enable_nqa and spec.style != "static":
            raise _invalid("Link detection (NQA) is only available with static routing.")
        if spec.enable_hub and spec.style != "bgp":
            raise _invalid("Branch interconnection is only available with BGP routing.")
        if spec.policy_rules and spec.style != "policy":
            raise _invalid("Policy rules are only available in policy-based mode.")
        if len(spec.policy_rules) > MAX_POLICY_RULES:
            raise _invalid(
                f"{len(spec.policy_rules)} policy rules given; at most {MAX_POLICY_RULES} are allowed."
            )
        if spec.tunnel_local_address or spec.tunnel_peer_address:
            _check_tunnel_address(spec.tunnel_local_address, "local tunnel interface address")
            _check_tunnel_address(spec.tunnel_peer_address, "customer tunnel interface address")
            if containing_block(spec.tunnel_local_address) != containing_block(spec.tunnel_peer_address):
                raise _invalid("Both tunnel interface addresses must lie in the same /30.")
        # The PSK is 8-128 characters (§3.4; the wizard checks the character classes).
        if not 8 <= len(spec.psk) <= 128:
            raise _invalid("The pre-shared key must be 8-128 characters long.")
        siblings = SandboxResource.objects.filter(kind=CONNECTION, attributes__vgw_id=spec.gateway_id)
        # The same gateway IP cannot be used twice towards the same customer gateway (§2.4).
        for sibling in siblings:
            same_ip = sibling.attributes["vgw_ip"] == spec.gateway_ip_ref
            if same_ip and sibling.attributes["cgw_id"] == spec.customer_gateway_id:
                raise _invalid(f"Gateway IP {spec.gateway_ip_ref} already connects to this customer gateway.")
        # Each gateway holds a limited number of connection groups (one customer gateway each, §2.2).
        groups = {sibling.attributes["cgw_id"] for sibling in siblings}
        if (
            spec.customer_gateway_id not in groups
            and len(groups) >= CONNECTION_GROUPS[gateway.attributes["flavor"]]
        ):
            raise _invalid(f"The gateway already has its maximum of {len(groups)} connection groups.")
        return self._create(
            kind=CONNECTION,
            identity=f"{CONNECTION}:{spec.name}",
            name=spec.name,
            attributes={
                "vgw_id": spec.gateway_id,
                "vgw_ip": spec.gateway_ip_ref,
                "cgw_id": spec.customer_gateway_id,
                "style": spec.style.upper(),
                "peer_subnets": list(spec.peer_subnets),
                "tunnel_local_address": spec.tunnel_local_address,
                "tunnel_peer_address": spec.tunnel_peer_address,
                "ha_role": spec.ha_role,
            },
        )

    def get_connection(self, provider_id: str) -> ConnectionState:
        resource = self._advance(self._get(CONNECTION, provider_id))
        return ConnectionState(provider_id, resource.status)

    def create_health_monitor(self, connection_id: str) -> str:
        self._maybe_fail()
        connection = self._get(CONNECTION, connection_id)
        # One monitor per connection (VPN.0381): a repeated call returns the existing one.
        return self._create(
            kind=MONITOR,
            identity=f"{MONITOR}:{connection_id}",
            name=f"monitor-{connection.name}"[:64],
            attributes={"vpn_connection_id": connection_id, "type": "gateway", "proto_type": "icmp"},
        )

    # -- deletion ------------------------------------------------------------------------------------------

    def _delete(self, kind: str, provider_id: str) -> bool:
        """Put the resource and its dependents in PENDING_DELETE; True if it is gone already."""
        self._maybe_fail()
        resource = SandboxResource.objects.filter(kind=kind, provider_id=provider_id).first()
        if resource is None:
            return True
        try:
            resource = self._advance(resource)
        except PermanentProviderError:
            return True
        if resource.status != "PENDING_DELETE":
            SandboxResource.objects.filter(pk__in=[resource.pk, *self._dependents(resource)]).exclude(
                status="PENDING_DELETE"
            ).update(status="PENDING_DELETE", ready_at=timezone.now() + self.delay)
        return False

    def delete_health_monitor(self, provider_id: str) -> bool:
        return self._delete(MONITOR, provider_id)

    def delete_connection(self, provider_id: str) -> bool:
        return self._delete(CONNECTION, provider_id)

    def delete_gateway(self, provider_id: str) -> bool:
        # Deleting a gateway deletes its connections as well (§2.1).
        return self._delete(GATEWAY, provider_id)

    def delete_customer_gateway(self, provider_id: str) -> bool:
        self._maybe_fail()
        resource = SandboxResource.objects.filter(kind=CUSTOMER_GATEWAY, provider_id=provider_id).first()
        if resource is None:
            return True
        users = []
        for connection in SandboxResource.objects.filter(kind=CONNECTION, attributes__cgw_id=provider_id):
            try:
                users.append(self._advance(connection))
            except PermanentProviderError:
                continue
        # A customer gateway cannot be deleted while a VPN connection uses it (§2.3).
        if users and all(connection.status == "PENDING_DELETE" for connection in users):
            raise TransientProviderError("VPN.0009", "A VPN connection using it is still being deleted.")
        if users:
            raise _invalid(f"VPN connection {users[0].name} still uses this customer gateway.")
        resource.delete()
        return True
