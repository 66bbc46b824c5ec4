"""Contract of the Huawei Cloud provider: the SDK's real HTTP requests, caught by a local server, against
the v5 API (cloud-vpn-rules.md §8): method, path and JSON body; error codes sorted into transient/permanent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.plans import IKE, IPSEC
from tests.provisioning.conftest import plan_for
from wizard.choices import RequestStatus
from wizard.providers import (
    ConnectionSpec,
    CustomerGatewaySpec,
    GatewaySpec,
    PermanentProviderError,
    TransientProviderError,
)
from wizard.providers.huaweicloud import HuaweiCloudProvider
from wizard.services import provisioning

PROJECT = "0123456789abcdef0123456789abcdef"
VGW = "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0001"
CGW = "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0002"
CONNECTION = "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0003"
EIP1, EIP2 = "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0011", "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0012"
VPC = "5d8b0a1c-0000-4000-8000-000000000001"
SUBNET = "5d8b0a1c-0000-4000-8000-000000000021"


class FakeCloud:
    """Answers by (method, path); records every request with its JSON body."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str, Any]] = []
        self.answers: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}

    def answer(self, method: str, path: str, status: int, body: dict[str, Any]) -> None:
        self.answers[(method, f"/v5/{PROJECT}{path}")] = (status, body)

    def bodies(self, method: str) -> list[Any]:
        return [body for seen_method, _, _, body in self.requests if seen_method == method]


@pytest.fixture
def cloud() -> Iterator[tuple[FakeCloud, HuaweiCloudProvider]]:
    fake = FakeCloud()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            fake.requests.append((self.command, url.path, url.query, json.loads(raw) if raw else None))
            status, body = fake.answers.get((self.command, url.path), (404, {"error_code": "VPN.0004"}))
            payload = b"" if status == 204 else json.dumps(body).encode()  # 204 carries no body
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-Request-Id", "test")
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_DELETE = _handle

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    provider = HuaweiCloudProvider.for_endpoint(
        f"http://127.0.0.1:{server.server_address[1]}",
        project_id=PROJECT,
        access_key="AK-TEST",
        secret_key="SK-TEST",
    )
    try:
        yield fake, provider
    finally:
        server.shutdown()
        server.server_close()


GATEWAY = GatewaySpec(
    name="vpngw-fra",
    region="eu-de",
    vpc=VPC,
    local_subnets=("192.168.1.0/24",),
    flavor="Professional1",
    ha_mode="active-active",
    attachment="vpc",
    network_type="public",
    bgp_asn=64512,
    interconnection_subnet=SUBNET,
)

CONNECTION_SPEC = ConnectionSpec(
    name="r1-a-Berlin-1",
    gateway_id=VGW,
    gateway_ip_ref=EIP1,
    gateway_ip="198.51.100.10",
    customer_gateway_id=CGW,
    customer_ip="203.0.113.10",
    style="static",
    local_subnets=("192.168.1.0/24",),
    peer_subnets=("10.1.0.0/16",),
    psk="Example-Key-2024:ok",
    tunnel_local_address="169.254.70.1/30",
    tunnel_peer_address="169.254.70.2/30",
    enable_nqa=True,
    ike=IKE,
    ipsec=IPSEC,
)


def test_create_gateway_posts_the_documented_body_with_two_new_eips(cloud) -> None:
    fake, provider = cloud
    fake.answer("GET", "/vpn-gateways", 200, {"vpn_gateways": []})
    fake.answer("POST", "/vpn-gateways", 201, {"vpn_gateway": {"id": VGW, "status": "PENDING_CREATE"}})
    assert provider.create_gateway(GATEWAY) == VGW
    assert [(method, path) for method, path, _, _ in fake.requests] == [
        ("GET", f"/v5/{PROJECT}/vpn-gateways"),
        ("POST", f"/v5/{PROJECT}/vpn-gateways"),
    ]
    (body,) = fake.bodies("POST")
    # §8.2, VPC-attached: vpc_id, local_subnets and connect_subnet; new EIPs as in the ER example.
    assert body == {
        "vpn_gateway": {
            "name": "vpngw-fra",
            "attachment_type": "vpc",
            "vpc_id": VPC,
            "connect_subnet": SUBNET,
            "local_subnets": ["192.168.1.0/24"],
            "bgp_asn": 64512,
            "flavor": "Professional1",
            "network_type": "public",
            "ha_mode": "active-active",
            "eip1": {
                "type": "5_bgp",
                "charge_mode": "bandwidth",
                "bandwidth_size": 300,
                "bandwidth_name": "vpngw-fra-bw1",
            },
            "eip2": {
                "type": "5_bgp",
                "charge_mode": "bandwidth",
                "bandwidth_size": 300,
                "bandwidth_name": "vpngw-fra-bw2",
            },
        }
    }


def test_private_gateway_body_has_no_eips(cloud) -> None:
    fake, provider = cloud
    fake.answer("GET", "/vpn-gateways", 200, {"vpn_gateways": []})
    fake.answer("POST", "/vpn-gateways", 201, {"vpn_gateway": {"id": VGW, "status": "PENDING_CREATE"}})
    provider.create_gateway(replace(GATEWAY, network_type="private", flavor="Professional2"))
    (body,) = fake.bodies("POST")
    gateway = body["vpn_gateway"]
    # §8.2, private gateway: vpc_id, local_subnets, connect_subnet, network_type private.
    assert {key: gateway[key] for key in ("vpc_id", "local_subnets", "connect_subnet", "network_type")} == {
        "vpc_id": VPC,
        "local_subnets": ["192.168.1.0/24"],
        "connect_subnet": SUBNET,
        "network_type": "private",
    }
    assert "eip1" not in gateway and "eip2" not in gateway


@pytest.mark.parametrize(
    ("changes", "code", "names"),
    [
        ({"interconnection_subnet": ""}, "WIZARD.INTERCONNECTION_SUBNET", "no interconnection_subnet"),
        (
            {"interconnection_subnet": "subnet-prod"},
            "WIZARD.INTERCONNECTION_SUBNET",
            "interconnection_subnet 'subnet-prod' is not a subnet ID",
        ),
        ({"vpc": "vpc-prod"}, "WIZARD.VPC_ID", "vpc 'vpc-prod' is not a VPC ID"),
    ],
)
def test_a_gateway_without_the_ids_the_api_needs_is_refused_before_any_call(
    cloud, changes: dict[str, str], code: str, names: str
) -> None:
    fake, provider = cloud
    with pytest.raises(PermanentProviderError) as refused:
        provider.create_gateway(replace(GATEWAY, **changes))
    assert refused.value.code == code
    assert names in refused.value.message and "gateway vpngw-fra" in refused.value.message
    assert fake.requests == []


def test_create_gateway_finds_the_one_an_earlier_attempt_created(cloud) -> None:
    fake, provider = cloud
    existing = {"id": VGW, "name": "vpngw-fra", "vpc_id": VPC, "status": "ACTIVE"}
    fake.answer("GET", "/vpn-gateways", 200, {"vpn_gateways": [existing]})
    assert provider.create_gateway(GATEWAY) == VGW
    assert fake.bodies("POST") == []


def test_get_gateway_reads_status_ips_and_eip_ids(cloud) -> None:
    fake, provider = cloud
    eips = {
        "eip1": {"id": EIP1, "ip_address": "198.51.100.10"},
        "eip2": {"id": EIP2, "ip_address": "198.51.100.11"},
    }
    gateway = {"id": VGW, "status": "ACTIVE", "network_type": "public", **eips}
    fake.answer("GET", f"/vpn-gateways/{VGW}", 200, {"vpn_gateway": gateway})
    state = provider.get_gateway(VGW)
    assert (state.status, state.ip_addresses, state.ip_refs) == (
        "ACTIVE",
        ("198.51.100.10", "198.51.100.11"),
        (EIP1, EIP2),
    )


def test_create_customer_gateway_posts_ip_identifier_and_asn(cloud) -> None:
    fake, provider = cloud
    fake.answer("GET", "/customer-gateways", 200, {"customer_gateways": []})
    fake.answer("POST", "/customer-gateways", 201, {"customer_gateway": {"id": CGW}})
    assert provider.create_customer_gateway(CustomerGatewaySpec("r1-a-cgw-1", "203.0.113.10", 65010)) == CGW
    assert fake.bodies("POST") == [
        {
            "customer_gateway": {
                "name": "r1-a-cgw-1",
                "id_type": "ip",
                "id_value": "203.0.113.10",
                "bgp_asn": 65010,
            }
        }
    ]


def test_create_connection_posts_the_documented_body(cloud) -> None:
    fake, provider = cloud
    fake.answer("GET", "/vpn-connection", 200, {"vpn_connections": []})
    fake.answer(
        "POST", "/vpn-connection", 201, {"vpn_connection": {"id": CONNECTION, "status": "PENDING_CREATE"}}
    )
    assert provider.create_connection(CONNECTION_SPEC) == CONNECTION
    (listing,) = [query for method, _, query, _ in fake.requests if method == "GET"]
    assert listing == f"vgw_id={VGW}"
    (body,) = fake.bodies("POST")
    assert body == {
        "vpn_connection": {
            "name": "r1-a-Berlin-1",
            "vgw_id": VGW,
            "vgw_ip": EIP1,
            "style": "static",
            "cgw_id": CGW,
            "peer_subnets": ["10.1.0.0/16"],
            "tunnel_local_address": "169.254.70.1/30",
            "tunnel_peer_address": "169.254.70.2/30",
            "enable_nqa": True,
            "psk": "Example-Key-2024:ok",
            "ha_role": "master",
            "ikepolicy": {
                "ike_version": "v2",
                "authentication_algorithm": "sha2-256",
                "encryption_algorithm": "aes-256-gcm-16",
                "dh_group": "group20",
                "lifetime_seconds": 86400,
                "dpd": {"timeout": 15, "interval": 30, "msg": "seq-hash-notify"},
            },
            "ipsecpolicy": {
                "authentication_algorithm": "sha2-256",
                "encryption_algorithm": "aes-256-gcm-16",
                "pfs": "group20",
                "transform_protocol": "esp",
                "lifetime_seconds": 3600,
                "encapsulation_mode": "tunnel",
            },
        }
    }


def test_policy_connection_sends_rules_and_no_tunnel_addresses(cloud) -> None:
    fake, provider = cloud
    fake.answer("GET", "/vpn-connection", 200, {"vpn_connections": []})
    fake.answer("POST", "/vpn-connection", 201, {"vpn_connection": {"id": CONNECTION}})
    spec = replace(
        CONNECTION_SPEC,
        style="policy",
        enable_nqa=False,
        tunnel_local_address="",
        tunnel_peer_address="",
        policy_rules=(("192.168.1.0/24", ("10.1.0.0/16",)),),
    )
    provider.create_connection(spec)
    (body,) = fake.bodies("POST")
    connection = body["vpn_connection"]
    assert connection["policy_rules"] == [
        {"rule_index": 1, "source": "192.168.1.0/24", "destination": ["10.1.0.0/16"]}
    ]
    assert "tunnel_local_address" not in connection and "enable_nqa" not in connection


def test_health_monitor_posts_the_connection_and_reuses_an_existing_one(cloud) -> None:
    fake, provider = cloud
    fake.answer("POST", "/connection-monitors", 201, {"connection_monitor": {"id": "monitor-1"}})
    assert provider.create_health_monitor(CONNECTION) == "monitor-1"
    assert fake.bodies("POST") == [{"connection_monitor": {"vpn_connection_id": CONNECTION}}]
    fake.answer(
        "POST", "/connection-monitors", 409, {"error_code": "VPN.0381", "error_msg": "monitor exists"}
    )
    fake.answer("GET", "/connection-monitors", 200, {"connection_monitors": [{"id": "monitor-1"}]})
    assert provider.create_health_monitor(CONNECTION) == "monitor-1"
    assert fake.requests[-1][2] == f"vpn_connection_id={CONNECTION}"


def test_connection_status_is_read_back(cloud) -> None:
    fake, provider = cloud
    fake.answer(
        "GET", f"/vpn-connection/{CONNECTION}", 200, {"vpn_connection": {"id": CONNECTION, "status": "DOWN"}}
    )
    assert provider.get_connection(CONNECTION).status == "DOWN"


@pytest.mark.parametrize(
    ("status", "code", "transient"),
    [
        (409, "VPN.0016", True),
        (429, "VPN.0429", True),
        (409, "VPN.0306", True),
        (409, "VPN.0506", True),
        (409, "VPN.0507", True),
        (500, "VPN.0500", True),
        (503, "", True),
        (400, "VPN.0001", False),
        (404, "VPN.0004", False),
        (400, "VPN.0204", False),
    ],
)
def test_error_codes_are_sorted_into_transient_and_permanent(
    cloud, status: int, code: str, transient: bool
) -> None:
    fake, provider = cloud
    fake.answer(
        "GET",
        f"/vpn-connection/{CONNECTION}",
        status,
        {"error_code": code, "error_msg": "refused"} if code else {},
    )
    expected = TransientProviderError if transient else PermanentProviderError
    with pytest.raises(expected) as raised:
        provider.get_connection(CONNECTION)
    assert raised.value.code == (code or f"HTTP.{status}")


def test_an_unreachable_endpoint_is_transient() -> None:
    provider = HuaweiCloudProvider.for_endpoint(
        "http://127.0.0.1:9", project_id=PROJECT, access_key="AK-TEST", secret_key="SK-TEST"
    )
    with pytest.raises(TransientProviderError):
        provider.get_connection(CONNECTION)


@pytest.mark.django_db(transaction=True)
def test_provisioning_sends_the_plans_interconnection_subnet_and_fails_readably_without_it(
    cloud, make_request
) -> None:
    fake, provider = cloud
    fake.answer("GET", "/vpn-gateways", 200, {"vpn_gateways": []})
    fake.answer("POST", "/vpn-gateways", 201, {"vpn_gateway": {"id": VGW, "status": "PENDING_CREATE"}})
    fake.answer("GET", f"/vpn-gateways/{VGW}", 200, {"vpn_gateway": {"id": VGW, "status": "FAULT"}})
    gateway = {**plan_for(0)["gateways"][0], "vpc": VPC, "interconnection_subnet": SUBNET}
    request = make_request(0, gateways=[gateway])
    provisioning.provision(request_id=request.pk, owner="task-1", provider=provider)
    (body,) = fake.bodies("POST")
    assert (body["vpn_gateway"]["vpc_id"], body["vpn_gateway"]["connect_subnet"]) == (VPC, SUBNET)

    fake.requests.clear()
    request = make_request(1)  # the base plan: a VPC name and no interconnection subnet
    outcome = provisioning.provision(request_id=request.pk, owner="task-2", provider=provider)
    request.refresh_from_db()
    assert (outcome.result, request.status) == ("failed", RequestStatus.FAILED)
    assert "vpc 'vpc-prod' is not a VPC ID" in request.failure_reason
    assert request.failure_reason.startswith("The request cannot be sent to the cloud as it is:")
    assert fake.requests == []
    request = make_request(2, gateways=[{**plan_for(2)["gateways"][0], "vpc": VPC}])
    provisioning.provision(request_id=request.pk, owner="task-3", provider=provider)
    request.refresh_from_db()
    assert "the plan has no interconnection_subnet" in request.failure_reason
