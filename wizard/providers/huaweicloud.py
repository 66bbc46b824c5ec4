"""The Huawei Cloud / Open Telekom Cloud provider: Enterprise Edition VPN API v5 through `huaweicloudsdkvpn`.

Endpoint, project and AK/SK come from settings (HUAWEICLOUD_ENDPOINT, HUAWEICLOUD_PROJECT_ID, HUAWEICLOUD_AK,
HUAWEICLOUD_SK). Every create first looks for a resource of the same name, so a retry after a crash finds
what the first attempt created. Error codes (cloud-vpn-rules.md §8.3) are sorted into transient (retry
later) and permanent (the request fails with the cloud's message).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions as sdk_errors
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkvpn.v5 import (
    CreateCgwRequest,
    CreateCgwRequestBody,
    CreateCgwRequestBodyContent,
    CreateConnectionMonitorRequest,
    CreateConnectionMonitorRequestBody,
    CreateConnectionMonitorRequestBodyContent,
    CreateRequestEip,
    CreateVgwRequest,
    CreateVgwRequestBody,
    CreateVgwRequestBodyContent,
    CreateVpnConnectionRequest,
    CreateVpnConnectionRequestBody,
    CreateVpnConnectionRequestBodyContent,
    DeleteCgwRequest,
    DeleteConnectionMonitorRequest,
    DeleteVgwRequest,
    DeleteVpnConnectionRequest,
    Dpd,
    IkePolicy,
    IpsecPolicy,
    ListCgwsRequest,
    ListConnectionMonitorsRequest,
    ListVgwsRequest,
    ListVpnConnectionsRequest,
    PolicyRule,
    ShowVgwRequest,
    ShowVpnConnectionRequest,
    VpnClient,
)

from wizard import secrets
from wizard.providers.base import (
    NOT_FOUND,
    ConnectionSpec,
    ConnectionState,
    CustomerGatewaySpec,
    GatewaySpec,
    GatewayState,
    PermanentProviderError,
    ProviderError,
    TransientProviderError,
)

T = TypeVar("T")

# Worth retrying: gateway not ready, throttled, connection or gateway busy (§8.3).
TRANSIENT_CODES = frozenset({"VPN.0016", "VPN.0429", "VPN.0306", "VPN.0506", "VPN.0507", "VPN.0009"})
MONITOR_EXISTS = "VPN.0381"
# A delete answered "not found" finds the resource gone already (a retry after the first call went through).
GONE_CODES = frozenset({NOT_FOUND, "HTTP.404"})
# A delete answered "being deleted" (connection deleting, gateway deleting) was asked for before (§8.3).
BEING_DELETED_CODES = frozenset({"VPN.0009", "VPN.0508"})
# New EIP bandwidth per flavor, within each flavor's maximum (§2.1).
EIP_BANDWIDTH = {"Basic": 100, "Professional1": 300, "Professional2": 1000}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def check_gateway_spec(spec: GatewaySpec) -> None:
    """Refuse, before any call, a gateway the v5 API cannot create: it takes the VPC and the interconnection
    subnet by their IDs (`vpc_id`, `connect_subnet`, §2.1), both UUIDs the console shows."""
    where = f"gateway {spec.name}"
    # The API wants the VPC's ID; a VPC name would be refused only after the call (VPN.0001).
    if not _is_uuid(spec.vpc):
        raise PermanentProviderError(
            "WIZARD.VPC_ID",
            f"{where}: the plan's vpc {spec.vpc!r} is not a VPC ID; Huawei Cloud needs the VPC's ID "
            "(a UUID, shown on the VPC console), not its name",
        )
    # Every gateway needs the subnet it takes its own addresses from (console "Interconnection Subnet").
    if not spec.interconnection_subnet:
        raise PermanentProviderError(
            "WIZARD.INTERCONNECTION_SUBNET",
            f"{where}: the plan has no interconnection_subnet; Huawei Cloud needs the ID of the VPC subnet "
            "the gateway uses (console: Interconnection Subnet)",
        )
    if not _is_uuid(spec.interconnection_subnet):
        raise PermanentProviderError(
            "WIZARD.INTERCONNECTION_SUBNET",
            f"{where}: the plan's interconnection_subnet {spec.interconnection_subnet!r} is not a subnet ID "
            "(a UUID, shown on the VPC console's subnet page)",
        )


def classify(error: Exception) -> ProviderError:
    """The SDK's exception as a transient or permanent provider error."""
    if isinstance(error, sdk_errors.ServiceResponseException):
        code = error.error_code or ""
        # Without a VPN.xxxx code in the body the SDK puts the bare HTTP status there.
        if not code or code.isdigit():
            code = f"HTTP.{error.status_code}"
        # The SDK retries throttled calls itself and then reports a bare "429": the documented VPN.0429.
        if error.status_code == 429 and not code.startswith("VPN."):
            code = "VPN.0429"
        message = error.error_msg or f"HTTP status {error.status_code}"
        if code in TRANSIENT_CODES or error.status_code >= 500 or error.status_code == 429:
            return TransientProviderError(code, message)
        return PermanentProviderError(code, message)
    if isinstance(error, sdk_errors.SdkException):
        # Connection refused, timeouts, TLS: the cloud may answer later.
        return TransientProviderError("HTTP.UNREACHABLE", f"the cloud API did not answer ({error})")
    raise error


class HuaweiCloudProvider:
    name = "huaweicloud"
    supports_health_monitors = True

    def __init__(self, client: VpnClient) -> None:
        self.client = client

    @classmethod
    def from_settings(cls) -> HuaweiCloudProvider:
        # Settings refuse to start without endpoint, project and keys when this provider is chosen.
        secret_key = settings.HUAWEICLOUD_SK or secrets.decrypt(settings.HUAWEICLOUD_SK_ENCRYPTED)
        return cls.for_endpoint(
            settings.HUAWEICLOUD_ENDPOINT,
            project_id=settings.HUAWEICLOUD_PROJECT_ID,
            access_key=settings.HUAWEICLOUD_AK,
            secret_key=secret_key,
        )

    @classmethod
    def for_endpoint(
        cls, endpoint: str, *, project_id: str, access_key: str, secret_key: str
    ) -> HuaweiCloudProvider:
        config = HttpConfig.get_default_config()
        config.timeout = (10, 30)
        client = (
            VpnClient.new_builder()
            .with_credentials(BasicCredentials(access_key, secret_key, project_id))
            .with_endpoints([endpoint])
            .with_http_config(config)
            .build()
        )
        return cls(client)

    def call(self, operation: Callable[[], T]) -> T:
        try:
            return operation()
        except sdk_errors.SdkException as error:
            raise classify(error) from error

    # -- gateways

    def create_gateway(self, spec: GatewaySpec) -> str:
        check_gateway_spec(spec)
        existing = self.call(lambda: self.client.list_vgws(ListVgwsRequest())).vpn_gateways or []
        for gateway in existing:
            if gateway.name == spec.name and gateway.vpc_id == spec.vpc:
                return gateway.id
        content = CreateVgwRequestBodyContent(
            name=spec.name,
            attachment_type=spec.attachment,
            vpc_id=spec.vpc,
            connect_subnet=spec.interconnection_subnet,
            local_subnets=list(spec.local_subnets) if spec.attachment == "vpc" else None,
            bgp_asn=spec.bgp_asn,
            flavor=spec.flavor,
            network_type=spec.network_type,
            ha_mode=spec.ha_mode,
        )
        if spec.network_type == "public":
            bandwidth = EIP_BANDWIDTH.get(spec.flavor, 100)
            content.eip1, content.eip2 = (
                CreateRequestEip(
                    type="5_bgp",
                    charge_mode="bandwidth",
                    bandwidth_size=bandwidth,
                    bandwidth_name=f"{spec.name[:50]}-bw{number}",
                )
                for number in (1, 2)
            )
        request = CreateVgwRequest(body=CreateVgwRequestBody(vpn_gateway=content))
        return self.call(lambda: self.client.create_vgw(request)).vpn_gateway.id

    def get_gateway(self, provider_id: str) -> GatewayState:
        gateway = self.call(lambda: self.client.show_vgw(ShowVgwRequest(vgw_id=provider_id))).vpn_gateway
        if gateway.network_type == "private":
            ips = tuple(ip for ip in (gateway.access_private_ip_1, gateway.access_private_ip_2) if ip)
            return GatewayState(provider_id, gateway.status, ips, ips)
        # Connections name a public gateway IP by its EIP id (vgw_ip, §2.4).
        eips = [eip for eip in (gateway.eip1, gateway.eip2) if eip is not None and eip.ip_address]
        return GatewayState(
            provider_id,
            gateway.status,
            tuple(eip.ip_address for eip in eips),
            tuple(eip.id for eip in eips),
        )

    # -- customer gateways

    def create_customer_gateway(self, spec: CustomerGatewaySpec) -> str:
        existing = self.call(lambda: self.client.list_cgws(ListCgwsRequest())).customer_gateways or []
        for customer_gateway in existing:
            if customer_gateway.name == spec.name:
                return customer_gateway.id
        content = CreateCgwRequestBodyContent(
            name=spec.name, id_type="ip", id_value=spec.ip_address, bgp_asn=spec.bgp_asn
        )
        request = CreateCgwRequest(body=CreateCgwRequestBody(customer_gateway=content))
        return self.call(lambda: self.client.create_cgw(request)).customer_gateway.id

    # -- connections

    def create_connection(self, spec: ConnectionSpec) -> str:
        listing = ListVpnConnectionsRequest(vgw_id=spec.gateway_id)
        existing = self.call(lambda: self.client.list_vpn_connections(listing)).vpn_connections or []
        for connection in existing:
            if connection.name == spec.name:
                return connection.id
        request = CreateVpnConnectionRequest(
            body=CreateVpnConnectionRequestBody(vpn_connection=self._content(spec))
        )
        return self.call(lambda: self.client.create_vpn_connection(request)).vpn_connection.id

    @staticmethod
    def _content(spec: ConnectionSpec) -> CreateVpnConnectionRequestBodyContent:
        ike, ipsec = spec.ike, spec.ipsec
        content: dict[str, Any] = {
            "name": spec.name,
            "vgw_id": spec.gateway_id,
            "vgw_ip": spec.gateway_ip_ref,
            "style": spec.style,
            "cgw_id": spec.customer_gateway_id,
            "peer_subnets": list(spec.peer_subnets),
            "psk": spec.psk,
            "ha_role": spec.ha_role,
            "ikepolicy": IkePolicy(
                ike_version=ike["version"],
                phase1_negotiation_mode=ike["negotiation_mode"] if ike["version"] == "v1" else None,
                authentication_algorithm=ike["authentication_algorithm"],
                encryption_algorithm=ike["encryption_algorithm"],
                dh_group=ike["dh_group"],
                lifetime_seconds=ike["lifetime_seconds"],
                dpd=Dpd(
                    timeout=ike["dpd"]["timeout"], interval=ike["dpd"]["interval"], msg=ike["dpd"]["msg"]
                ),
            ),
            "ipsecpolicy": IpsecPolicy(
                authentication_algorithm=ipsec["authentication_algorithm"],
                encryption_algorithm=ipsec["encryption_algorithm"],
                pfs=ipsec["pfs"],
                transform_protocol=ipsec["transform_protocol"],
                lifetime_seconds=ipsec["lifetime_seconds"],
                encapsulation_mode=ipsec["encapsulation_mode"],
            ),
        }
        # Tunnel addresses: route-based only; NQA: static only; branch interconnection: BGP only (§2.4).
        if spec.style != "policy" and spec.tunnel_local_address:
            content["tunnel_local_address"] = spec.tunnel_local_address
            content["tunnel_peer_address"] = spec.tunnel_peer_address
        if spec.style == "static":
            content["enable_nqa"] = spec.enable_nqa
        if spec.style == "bgp":
            content["enable_hub"] = spec.enable_hub
        if spec.style == "policy":
            content["policy_rules"] = [
                PolicyRule(rule_index=index, source=source, destination=list(destinations))
                for index, (source, destinations) in enumerate(spec.policy_rules, start=1)
            ]
        return CreateVpnConnectionRequestBodyContent(**content)

    def get_connection(self, provider_id: str) -> ConnectionState:
        request = ShowVpnConnectionRequest(vpn_connection_id=provider_id)
        return ConnectionState(
            provider_id, self.call(lambda: self.client.show_vpn_connection(request)).vpn_connection.status
        )

    def create_health_monitor(self, connection_id: str) -> str:
        content = CreateConnectionMonitorRequestBodyContent(vpn_connection_id=connection_id)
        request = CreateConnectionMonitorRequest(
            body=CreateConnectionMonitorRequestBody(connection_monitor=content)
        )
        try:
            return self.call(lambda: self.client.create_connection_monitor(request)).connection_monitor.id
        except PermanentProviderError as error:
            # One monitor per connection: the one an earlier attempt created is ours.
            if error.code != MONITOR_EXISTS:
                raise
        listing = ListConnectionMonitorsRequest(vpn_connection_id=connection_id)
        (monitor, *_) = self.call(lambda: self.client.list_connection_monitors(listing)).connection_monitors
        return monitor.id

    # -- deletion: DELETE …/{resource}/{id} (§8.1)

    def _delete(self, operation: Callable[[], object], *, has_status: bool) -> bool:
        """Send one DELETE; True when the resource is gone (or never had a deletion status to wait for)."""
        try:
            self.call(operation)
        except ProviderError as error:
            if error.code in GONE_CODES:
                return True
            if error.code in BEING_DELETED_CODES:
                return False
            raise
        return not has_status

    def delete_health_monitor(self, provider_id: str) -> bool:
        request = DeleteConnectionMonitorRequest(connection_monitor_id=provider_id)
        return self._delete(lambda: self.client.delete_connection_monitor(request), has_status=True)

    def delete_connection(self, provider_id: str) -> bool:
        request = DeleteVpnConnectionRequest(vpn_connection_id=provider_id)
        return self._delete(lambda: self.client.delete_vpn_connection(request), has_status=True)

    def delete_customer_gateway(self, provider_id: str) -> bool:
        # Customer gateways have no status (§8.3): once the call succeeds, they are gone.
        request = DeleteCgwRequest(customer_gateway_id=provider_id)
        return self._delete(lambda: self.client.delete_cgw(request), has_status=False)

    def delete_gateway(self, provider_id: str) -> bool:
        request = DeleteVgwRequest(vgw_id=provider_id)
        return self._delete(lambda: self.client.delete_vgw(request), has_status=True)
