"""The sandbox provider behaves like the cloud API: statuses over time, limits, documented error codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wizard.models import SandboxResource
from wizard.providers import (
    ConnectionSpec,
    CustomerGatewaySpec,
    GatewaySpec,
    PermanentProviderError,
    TransientProviderError,
)
from wizard.providers.sandbox import SandboxProvider

pytestmark = pytest.mark.django_db


def gateway_spec(**changes: object) -> GatewaySpec:
    values = {
        "name": "vpngw-fra",
        "region": "eu-de",
        "vpc": "vpc-prod",
        "local_subnets": ("192.168.1.0/24",),
        "flavor": "Professional1",
        "ha_mode": "active-active",
        "attachment": "vpc",
        "network_type": "public",
        "bgp_asn": 64512,
    }
    return GatewaySpec(**{**values, **changes})


def connection_spec(gateway_id: str, ip_ref: str, cgw_id: str, **changes: object) -> ConnectionSpec:
    values = {
        "name": "conn-1",
        "gateway_id": gateway_id,
        "gateway_ip_ref": ip_ref,
        "gateway_ip": ip_ref,
        "customer_gateway_id": cgw_id,
        "customer_ip": "203.0.113.10",
        "style": "static",
        "local_subnets": ("192.168.1.0/24",),
        "peer_subnets": ("10.1.0.0/16",),
        "psk": "Example-Key-2024:ok",
        "tunnel_local_address": "169.254.70.1/30",
        "tunnel_peer_address": "169.254.70.2/30",
    }
    return ConnectionSpec(**{**values, **changes})


@pytest.fixture
def sandbox() -> SandboxProvider:
    return SandboxProvider(delay_seconds=0, failure_rate=0)


@pytest.fixture
def ready_gateway(sandbox: SandboxProvider) -> tuple[str, tuple[str, ...], str]:
    gateway_id = sandbox.create_gateway(gateway_spec())
    state = sandbox.get_gateway(gateway_id)
    cgw_id = sandbox.create_customer_gateway(CustomerGatewaySpec("cgw-1", "203.0.113.10", 65010))
    return gateway_id, state.ip_refs, cgw_id


def test_gateway_is_pending_until_its_delay_passed_then_active_with_two_ips() -> None:
    slow = SandboxProvider(delay_seconds=30, failure_rate=0)
    gateway_id = slow.create_gateway(gateway_spec())
    pending = slow.get_gateway(gateway_id)
    assert (pending.status, pending.ip_addresses) == ("PENDING_CREATE", ())
    SandboxResource.objects.filter(provider_id=gateway_id).update(
        ready_at=timezone.now() - timedelta(seconds=1)
    )
    active = slow.get_gateway(gateway_id)
    assert active.status == "ACTIVE"
    assert len(active.ip_addresses) == 2 and all(ip.startswith("198.51.100.") for ip in active.ip_addresses)


def test_connection_goes_pending_then_down_then_active() -> None:
    slow = SandboxProvider(delay_seconds=30, failure_rate=0)
    gateway_id = slow.create_gateway(gateway_spec())
    SandboxResource.objects.filter(provider_id=gateway_id).update(ready_at=timezone.now())
    ips = slow.get_gateway(gateway_id).ip_refs
    cgw_id = slow.create_customer_gateway(CustomerGatewaySpec("cgw-1", "203.0.113.10", 65010))
    connection_id = slow.create_connection(connection_spec(gateway_id, ips[0], cgw_id))
    assert slow.get_connection(connection_id).status == "PENDING_CREATE"
    SandboxResource.objects.filter(provider_id=connection_id).update(
        ready_at=timezone.now() - timedelta(seconds=1)
    )
    assert slow.get_connection(connection_id).status == "DOWN"
    SandboxResource.objects.filter(provider_id=connection_id).update(
        ready_at=timezone.now() - timedelta(seconds=31)
    )
    assert slow.get_connection(connection_id).status == "ACTIVE"


def test_connection_on_a_gateway_still_creating_is_refused_as_transient_vpn_0016() -> None:
    slow = SandboxProvider(delay_seconds=30, failure_rate=0)
    gateway_id = slow.create_gateway(gateway_spec())
    cgw_id = slow.create_customer_gateway(CustomerGatewaySpec("cgw-1", "203.0.113.10", 65010))
    with pytest.raises(TransientProviderError) as raised:
        slow.create_connection(connection_spec(gateway_id, "198.51.100.1", cgw_id))
    assert raised.value.code == "VPN.0016"


def test_create_calls_are_idempotent_by_name(sandbox: SandboxProvider, ready_gateway) -> None:
    gateway_id, ips, cgw_id = ready_gateway
    assert sandbox.create_gateway(gateway_spec()) == gateway_id
    first = sandbox.create_connection(connection_spec(gateway_id, ips[0], cgw_id))
    assert sandbox.create_connection(connection_spec(gateway_id, ips[0], cgw_id)) == first
    assert sandbox.create_health_monitor(first) == sandbox.create_health_monitor(first)
    assert SandboxResource.objects.count() == 4


@pytest.mark.parametrize(
    ("spec", "code", "message"),
    [
        (gateway_spec(name="bad name!"), "VPN.0001", "1-64 letters"),
        (gateway_spec(local_subnets=()), "VPN.0001", "at least one local subnet"),
        (gateway_spec(local_subnets=("224.0.0.0/4",)), "VPN.0204", "class D/E"),
        (gateway_spec(local_subnets=("192.168.1.1/24",)), "VPN.0203", "not an IPv4 CIDR block"),
        (gateway_spec(flavor="Basic", network_type="private"), "VPN.0001", "Basic specification"),
        (gateway_spec(bgp_asn=0), "VPN.0001", "outside 1-4294967295"),
        (gateway_spec(local_subnets=tuple(f"10.{i}.0.0/16" for i in range(51))), "VPN.0001", "at most 50"),
    ],
)
def test_gateway_rules(sandbox: SandboxProvider, spec: GatewaySpec, code: str, message: str) -> None:
    with pytest.raises(PermanentProviderError, match=message) as raised:
        sandbox.create_gateway(spec)
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("ip", "code"), [("203.0.113.300", "VPN.0203"), ("127.0.0.1", "VPN.0204"), ("240.0.0.1", "VPN.0204")]
)
def test_customer_gateway_needs_a_routable_ipv4_address(sandbox: SandboxProvider, ip: str, code: str) -> None:
    with pytest.raises(PermanentProviderError) as raised:
        sandbox.create_customer_gateway(CustomerGatewaySpec("cgw-1", ip, 65010))
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"style": "bgp", "enable_nqa": True}, "VPN.0001", "only available with static routing"),
        ({"enable_hub": True}, "VPN.0001", "only available with BGP"),
        ({"policy_rules": (("192.168.1.0/24", ("10.1.0.0/16",)),)}, "VPN.0001", "policy-based mode"),
        (
            {"tunnel_local_address": "169.254.195.1/30", "tunnel_peer_address": "169.254.195.2/30"},
            "VPN.0110",
            "reserved",
        ),
        (
            {"tunnel_local_address": "169.254.70.1/30", "tunnel_peer_address": "169.254.71.2/30"},
            "VPN.0001",
            "same /30",
        ),
        (
            {"tunnel_local_address": "10.0.0.1/30", "tunnel_peer_address": "10.0.0.2/30"},
            "VPN.0001",
            "169.254",
        ),
        ({"peer_subnets": ("127.0.0.0/8",)}, "VPN.0204", "loopback"),
        ({"psk": "short"}, "VPN.0001", "8-128"),
        ({"gateway_ip_ref": "192.0.2.99"}, "VPN.0001", "not an IP of the VPN gateway"),
    ],
)
def test_connection_rules(
    sandbox: SandboxProvider, ready_gateway, changes: dict, code: str, message: str
) -> None:
    gateway_id, ips, cgw_id = ready_gateway
    with pytest.raises(PermanentProviderError, match=message) as raised:
        sandbox.create_connection(connection_spec(gateway_id, ips[0], cgw_id, **changes))
    assert raised.value.code == code


def test_one_gateway_ip_connects_to_a_customer_gateway_once(sandbox: SandboxProvider, ready_gateway) -> None:
    gateway_id, ips, cgw_id = ready_gateway
    sandbox.create_connection(connection_spec(gateway_id, ips[0], cgw_id))
    with pytest.raises(PermanentProviderError, match="already connects"):
        sandbox.create_connection(connection_spec(gateway_id, ips[0], cgw_id, name="conn-2"))
    sandbox.create_connection(connection_spec(gateway_id, ips[1], cgw_id, name="conn-2"))


def test_customer_gateway_asn_must_differ_from_the_gateway(sandbox: SandboxProvider, ready_gateway) -> None:
    gateway_id, ips, _ = ready_gateway
    same = sandbox.create_customer_gateway(CustomerGatewaySpec("cgw-same", "203.0.113.20", 64512))
    with pytest.raises(PermanentProviderError, match="must differ"):
        sandbox.create_connection(connection_spec(gateway_id, ips[0], same))


def test_basic_gateway_holds_ten_connection_groups(sandbox: SandboxProvider) -> None:
    gateway_id = sandbox.create_gateway(gateway_spec(flavor="Basic"))
    ip = sandbox.get_gateway(gateway_id).ip_refs[0]
    for index in range(10):
        cgw = sandbox.create_customer_gateway(
            CustomerGatewaySpec(f"cgw-{index}", f"203.0.113.{index + 1}", 65010)
        )
        sandbox.create_connection(connection_spec(gateway_id, ip, cgw, name=f"conn-{index}"))
    eleventh = sandbox.create_customer_gateway(CustomerGatewaySpec("cgw-10", "203.0.113.50", 65010))
    with pytest.raises(PermanentProviderError, match="maximum of 10 connection groups"):
        sandbox.create_connection(connection_spec(gateway_id, ip, eleventh, name="conn-10"))


def test_failure_injection_throttles_create_calls() -> None:
    flaky = SandboxProvider(delay_seconds=0, failure_rate=1.0)
    with pytest.raises(TransientProviderError) as raised:
        flaky.create_gateway(gateway_spec())
    assert raised.value.code == "VPN.0429"
    assert not SandboxResource.objects.exists()


def test_unknown_resources_are_vpn_0004(sandbox: SandboxProvider) -> None:
    with pytest.raises(PermanentProviderError) as raised:
        sandbox.get_connection("9f1c0000-0000-0000-0000-000000000000")
    assert raised.value.code == "VPN.0004"
