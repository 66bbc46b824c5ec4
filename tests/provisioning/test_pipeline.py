"""The provisioning service: order of resources, resume after a crash, transient and permanent errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.provisioning.conftest import cross_region_gateways, plan_for
from wizard.choices import RequestStatus
from wizard.models import (
    ConnectionRequest,
    DeviceConfig,
    Gateway,
    ProviderResource,
    ProvisioningJob,
    SandboxResource,
    Tunnel,
)
from wizard.providers import TransientProviderError
from wizard.providers.sandbox import SandboxProvider
from wizard.services import provisioning, tunnel_status
from wizard.services.configs import checksum
from wizard.services.leases import NotReadyYet

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


class Crash(BaseException):
    """Stands for the worker process dying at a chosen point."""


class CrashingSandbox(SandboxProvider):
    """Dies right after the provider created the n-th connection, before provisioning could record it."""

    def __init__(self, *, crash_after_connections: int) -> None:
        super().__init__(delay_seconds=0, failure_rate=0)
        self.left = crash_after_connections

    def create_connection(self, spec: Any) -> str:
        provider_id = super().create_connection(spec)
        self.left -= 1
        if self.left == 0:
            raise Crash
        return provider_id


def sandbox() -> SandboxProvider:
    return SandboxProvider(delay_seconds=0, failure_rate=0)


def kinds() -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in SandboxResource.objects.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


ONE_SET = {"vpn_gateway": 1, "customer_gateway": 1, "vpn_connection": 2, "connection_monitor": 2}


def test_an_approved_request_becomes_active_with_resources_recorded_and_configs(make_request) -> None:
    request = make_request()
    outcome = provisioning.provision(request_id=request.pk, owner="task-1", provider=sandbox())
    assert outcome.result == "active"
    request.refresh_from_db()
    assert request.status == RequestStatus.ACTIVE and request.completed_at is not None
    gateway = Gateway.objects.get(pk=request.gateway_id)
    assert gateway.status == "ACTIVE" and len(gateway.ip_addresses) == 2 and gateway.provider_id
    assert request.plan["gateways"][0]["ip_addresses"] == gateway.ip_addresses
    assert "psk" not in request.plan
    tunnels = list(Tunnel.objects.filter(request=request).order_by("connection"))
    assert [(t.connection, t.cloud_ip) for t in tunnels] == [
        (1, gateway.ip_addresses[0]),
        (2, gateway.ip_addresses[1]),
    ]
    assert all(t.provider_id and t.status in ("DOWN", "ACTIVE") for t in tunnels)
    assert kinds() == ONE_SET
    assert ProviderResource.objects.filter(request=request).count() == 3  # customer gateway + two monitors
    config = DeviceConfig.objects.get(request=request, filename="fra-0-Berlin-swanctl.conf")
    assert config.checksum == checksum(config.content) and gateway.ip_addresses[0] in config.content
    assert ProvisioningJob.objects.get(request=request).step == "done"


def test_a_request_not_approved_is_left_alone(make_request) -> None:
    request = make_request(status=RequestStatus.PENDING_REVIEW)
    assert (
        provisioning.provision(request_id=request.pk, owner="task-1", provider=sandbox()).result == "skipped"
    )
    assert not SandboxResource.objects.exists()


def test_a_second_task_for_a_request_being_provisioned_does_nothing(make_request) -> None:
    request = make_request()
    assert provisioning.provisioning_claim(request_id=request.pk, owner="task-1") is not None
    assert (
        provisioning.provision(request_id=request.pk, owner="task-2", provider=sandbox()).result == "skipped"
    )
    assert not SandboxResource.objects.exists()


@pytest.mark.parametrize("crash_after", [1, 2])
def test_after_a_crash_the_next_task_continues_without_duplicates(make_request, crash_after: int) -> None:
    request = make_request()
    with pytest.raises(Crash):
        provisioning.provision(
            request_id=request.pk,
            owner="task-1",
            provider=CrashingSandbox(crash_after_connections=crash_after),
        )
    assert ConnectionRequest.objects.get(pk=request.pk).status == RequestStatus.PROVISIONING
    # While the dead task's lease runs, nobody else takes the request ...
    assert (
        provisioning.provision(request_id=request.pk, owner="task-2", provider=sandbox()).result == "skipped"
    )
    # ... once it ran out, the next task finishes it with the resources already there.
    ProvisioningJob.objects.filter(request=request).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert (
        provisioning.provision(request_id=request.pk, owner="task-2", provider=sandbox()).result == "active"
    )
    assert kinds() == ONE_SET
    assert ProvisioningJob.objects.get(request=request).attempts == 2


def test_a_transient_error_keeps_the_request_for_the_same_task_to_retry(make_request) -> None:
    request = make_request()
    with pytest.raises(TransientProviderError):
        provisioning.provision(
            request_id=request.pk, owner="task-1", provider=SandboxProvider(delay_seconds=0, failure_rate=1.0)
        )
    job = ProvisioningJob.objects.get(request=request)
    assert "VPN.0429" in job.last_error and job.owner == "task-1"
    assert (
        provisioning.provision(request_id=request.pk, owner="task-9", provider=sandbox()).result == "skipped"
    )
    assert (
        provisioning.provision(request_id=request.pk, owner="task-1", provider=sandbox()).result == "active"
    )


def test_a_gateway_still_creating_after_the_wait_is_a_transient_error(make_request, settings) -> None:
    settings.PROVISIONING_WAIT_SECONDS = 0.05
    request = make_request()
    with pytest.raises(NotReadyYet, match="still in status PENDING_CREATE"):
        provisioning.provision(
            request_id=request.pk, owner="task-1", provider=SandboxProvider(delay_seconds=30, failure_rate=0)
        )
    assert Gateway.objects.get().provider_id  # recorded before waiting


def test_a_permanent_error_fails_the_request_with_a_readable_reason_and_owner_can_retry(
    make_request, owner, django_user_model, sent_tasks
) -> None:
    data = plan_for(0)
    data["sites"][0]["bgp_asn"] = 64512  # the same ASN as the gateway: the cloud refuses the connection
    request = make_request(sites=data["sites"])
    outcome = provisioning.provision(request_id=request.pk, owner="task-1", provider=sandbox())
    assert outcome.result == "failed"
    request.refresh_from_db()
    assert request.status == RequestStatus.FAILED
    assert request.failure_reason == (
        "The cloud refused the change: The customer gateway's BGP ASN must differ from the VPN gateway's. "
        "(code VPN.0001)."
    )
    stranger = django_user_model.objects.create_user("eve", password="x-long-password-1")
    with pytest.raises(PermissionDenied):
        provisioning.provisioning_retry(request_id=request.pk, actor=stranger)
    retried = provisioning.provisioning_retry(request_id=request.pk, actor=owner)
    assert retried.status == RequestStatus.APPROVED and retried.failure_reason == ""
    assert sent_tasks == [(provisioning.PROVISION_TASK, request.pk)]


def test_branches_on_one_hub_share_its_gateway_and_get_distinct_tunnel_addresses(make_request) -> None:
    first = make_request(0, scenario="branch_hub")
    data = plan_for(0, scenario="branch_hub")
    data["name"] = "branch-2"
    data["sites"][0].update(name="Hamburg", gateway_ips=["203.0.113.20"], subnets=["10.2.0.0/16"])
    second = make_request(1, scenario="branch_hub", gateways=data["gateways"], sites=data["sites"])
    for request in (first, second):
        assert (
            provisioning.provision(request_id=request.pk, owner=f"t{request.pk}", provider=sandbox()).result
            == "active"
        )
    assert Gateway.objects.count() == 1 and kinds()["vpn_gateway"] == 1
    addresses = list(Tunnel.objects.values_list("local_address", flat=True))
    assert len(addresses) == 4 == len(set(addresses))


def test_cross_region_creates_both_gateways_and_mirrored_connections(make_request) -> None:
    request = make_request(scenario="cross_region", gateways=cross_region_gateways(0), sites=[])
    outcome = provisioning.provision(request_id=request.pk, owner="task-1", provider=sandbox())
    assert outcome.result == "active", outcome.reason
    assert kinds() == {"vpn_gateway": 2, "customer_gateway": 4, "vpn_connection": 4, "connection_monitor": 4}
    assert DeviceConfig.objects.filter(request=request).exists()


def test_reconciler_sends_again_only_what_lost_its_task(make_request, sent_tasks) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    never_sent = make_request(0)
    just_approved = make_request(1)
    orphan = make_request(2, status=RequestStatus.PROVISIONING)
    alive = make_request(3, status=RequestStatus.PROVISIONING)
    finished = make_request(4, status=RequestStatus.ACTIVE)
    ConnectionRequest.objects.filter(pk__in=[never_sent.pk, orphan.pk, alive.pk, finished.pk]).update(
        updated_at=long_ago
    )
    ProvisioningJob.objects.create(request=orphan, owner="dead", lease_until=long_ago, enqueued_at=long_ago)
    ProvisioningJob.objects.create(
        request=alive, owner="live", lease_until=timezone.now() + timedelta(minutes=1)
    )
    assert provisioning.provisioning_reconcile() == [never_sent.pk, orphan.pk]
    assert [request_id for _, request_id in sent_tasks] == [never_sent.pk, orphan.pk]
    # Running it again at once sends nothing twice.
    assert provisioning.provisioning_reconcile() == []
    assert just_approved.pk not in [request_id for _, request_id in sent_tasks]


def test_tunnel_status_refresh_reads_the_provider(make_request) -> None:
    request = make_request()
    provisioning.provision(request_id=request.pk, owner="task-1", provider=sandbox())
    Tunnel.objects.filter(request=request).update(status="UNKNOWN", status_checked_at=None)
    assert tunnel_status.tunnel_status_refresh(request_id=request.pk, provider=sandbox()) == 2
    assert set(Tunnel.objects.values_list("status", flat=True)) == {"ACTIVE"}
