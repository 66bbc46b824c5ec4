"""The provider interface: what provisioning asks of a cloud (or of a self-hosted gateway).

Every create call is idempotent by the resource's name: calling it again after a crash returns the resource
the first call created, so that a retried provisioning never leaves a second set of resources behind.
Every delete call is idempotent too: a resource that no longer exists counts as deleted. A delete returns
True when the resource is gone at once, False when the provider is still deleting it; then its get call
reports PENDING_DELETE until it answers with a NOT_FOUND error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# Documented statuses (cloud-vpn-rules.md §8.3) that end the wait after a create.
GATEWAY_READY = frozenset({"ACTIVE"})
CONNECTION_READY = frozenset({"DOWN", "ACTIVE"})
# The cloud's "not found" error (§8.3): after a delete, the sign that the resource is gone.
NOT_FOUND = "VPN.0004"
# Statuses from which a resource will never become ready on its own.
GATEWAY_BROKEN = frozenset({"FAULT", "FREEZED", "PENDING_DELETE"})
CONNECTION_BROKEN = frozenset({"ERROR", "FREEZED", "PENDING_DELETE"})


class ProviderError(Exception):
    """A provider refused or failed a call. `code` is the cloud's own (VPN.xxxx) or a provider-local one."""

    transient = False

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


class TransientProviderError(ProviderError):
    """Worth retrying later: throttled, busy, not ready yet, the provider unreachable."""

    transient = True


class PermanentProviderError(ProviderError):
    """Retrying cannot help: the request is invalid for this provider, or a resource is gone or broken."""


@dataclass(frozen=True)
class GatewaySpec:
    """`interconnection_subnet` is the ID of the VPC subnet the gateway uses (API `connect_subnet`), or ""."""

    name: str
    region: str
    vpc: str
    local_subnets: tuple[str, ...]
    flavor: str
    ha_mode: str
    attachment: str
    network_type: str
    bgp_asn: int
    interconnection_subnet: str = ""


@dataclass(frozen=True)
class GatewayState:
    """`ip_addresses` are the two gateway IPs; `ip_refs` what a connection names them by (`vgw_ip`)."""

    provider_id: str
    status: str
    ip_addresses: tuple[str, ...] = ()
    ip_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerGatewaySpec:
    name: str
    ip_address: str
    bgp_asn: int | None


@dataclass(frozen=True)
class ConnectionSpec:
    """One VPN connection; `gateway_ip_ref` is GatewayState.ip_refs[connection - 1]."""

    name: str
    gateway_id: str
    gateway_ip_ref: str
    gateway_ip: str
    customer_gateway_id: str
    customer_ip: str
    style: str
    local_subnets: tuple[str, ...]
    peer_subnets: tuple[str, ...]
    psk: str
    tunnel_local_address: str = ""
    tunnel_peer_address: str = ""
    enable_nqa: bool = False
    enable_hub: bool = False
    ha_role: str = "master"
    policy_rules: tuple[tuple[str, tuple[str, ...]], ...] = ()
    ike: dict[str, Any] = field(default_factory=dict)
    ipsec: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectionState:
    provider_id: str
    status: str


class Provider(Protocol):
    """What every driver offers; `supports_health_monitors` is false where no such resource exists."""

    name: str
    supports_health_monitors: bool

    def create_gateway(self, spec: GatewaySpec) -> str: ...

    def get_gateway(self, provider_id: str) -> GatewayState: ...

    def create_customer_gateway(self, spec: CustomerGatewaySpec) -> str: ...

    def create_connection(self, spec: ConnectionSpec) -> str: ...

    def get_connection(self, provider_id: str) -> ConnectionState: ...

    def create_health_monitor(self, connection_id: str) -> str: ...

    def delete_health_monitor(self, provider_id: str) -> bool: ...

    def delete_connection(self, provider_id: str) -> bool: ...

    def delete_customer_gateway(self, provider_id: str) -> bool: ...

    def delete_gateway(self, provider_id: str) -> bool: ...
