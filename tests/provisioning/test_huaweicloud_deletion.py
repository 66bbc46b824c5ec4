"""Contract of the Huawei Cloud provider's deletes: the SDK's real HTTP requests, caught by the local server
of the create contract tests, against the v5 API (cloud-vpn-rules.md §8.1): DELETE on each resource's path;
"not found" (VPN.0004) means already gone, "being deleted" means asked for before, other errors are sorted
into transient and permanent.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.provisioning.test_huaweicloud_contract import CGW, CONNECTION, PROJECT, VGW, cloud  # noqa: F401
from wizard.providers import PermanentProviderError, TransientProviderError
from wizard.providers.huaweicloud import HuaweiCloudProvider

MONITOR = "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0004"

# (provider method, documented path, whether the resource has a deletion status to wait for)
DELETES: list[tuple[str, str, bool]] = [
    ("delete_gateway", f"/vpn-gateways/{VGW}", True),
    ("delete_customer_gateway", f"/customer-gateways/{CGW}", False),
    ("delete_connection", f"/vpn-connection/{CONNECTION}", True),
    ("delete_health_monitor", f"/connection-monitors/{MONITOR}", True),
]
IDS = {"delete_gateway": VGW, "delete_customer_gateway": CGW, "delete_connection": CONNECTION}


def call(provider: HuaweiCloudProvider, method: str) -> Callable[[], bool]:
    return lambda: getattr(provider, method)(IDS.get(method, MONITOR))


@pytest.mark.parametrize(("method", "path", "has_status"), DELETES, ids=[entry[0] for entry in DELETES])
def test_delete_sends_delete_on_the_documented_path(cloud, method: str, path: str, has_status: bool) -> None:  # noqa: F811
    fake, provider = cloud
    fake.answer("DELETE", path, 204, {})
    # Gateways, connections and monitors pass through PENDING_DELETE; customer gateways have no status.
    assert call(provider, method)() is (not has_status)
    assert [(seen, route, body) for seen, route, _, body in fake.requests] == [
        ("DELETE", f"/v5/{PROJECT}{path}", None)
    ]


@pytest.mark.parametrize(("method", "path", "has_status"), DELETES, ids=[entry[0] for entry in DELETES])
def test_not_found_on_delete_counts_as_already_gone(cloud, method: str, path: str, has_status: bool) -> None:  # noqa: F811
    fake, provider = cloud
    fake.answer("DELETE", path, 404, {"error_code": "VPN.0004", "error_msg": "resource not found"})
    assert call(provider, method)() is True
    assert [(seen, route) for seen, route, _, _ in fake.requests] == [("DELETE", f"/v5/{PROJECT}{path}")]


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("delete_connection", f"/vpn-connection/{CONNECTION}", "VPN.0009"),
        ("delete_gateway", f"/vpn-gateways/{VGW}", "VPN.0508"),
    ],
)
def test_a_resource_already_being_deleted_is_waited_for(cloud, method: str, path: str, code: str) -> None:  # noqa: F811
    fake, provider = cloud
    fake.answer("DELETE", path, 409, {"error_code": code, "error_msg": "being deleted"})
    assert call(provider, method)() is False


def test_delete_errors_are_sorted_into_transient_and_permanent(cloud) -> None:  # noqa: F811
    fake, provider = cloud
    fake.answer(
        "DELETE", f"/vpn-connection/{CONNECTION}", 429, {"error_code": "VPN.0429", "error_msg": "slow"}
    )
    with pytest.raises(TransientProviderError) as throttled:
        provider.delete_connection(CONNECTION)
    assert throttled.value.code == "VPN.0429"
    fake.answer("DELETE", f"/customer-gateways/{CGW}", 400, {"error_code": "VPN.0001", "error_msg": "in use"})
    with pytest.raises(PermanentProviderError) as refused:
        provider.delete_customer_gateway(CGW)
    assert (refused.value.code, refused.value.message) == ("VPN.0001", "in use")


def test_a_gateway_being_deleted_reads_pending_delete_then_not_found(cloud) -> None:  # noqa: F811
    fake, provider = cloud
    gateway = {"id": VGW, "status": "PENDING_DELETE", "network_type": "public"}
    fake.answer("GET", f"/vpn-gateways/{VGW}", 200, {"vpn_gateway": gateway})
    assert provider.get_gateway(VGW).status == "PENDING_DELETE"
    fake.answer("GET", f"/vpn-gateways/{VGW}", 404, {"error_code": "VPN.0004", "error_msg": "not found"})
    with pytest.raises(PermanentProviderError) as gone:
        provider.get_gateway(VGW)
    assert gone.value.code == "VPN.0004"
