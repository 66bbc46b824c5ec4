"""Decommissioning: reverse order, resumed after a crash, errors, who may, the reconciler, sandbox deletes."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.provisioning.conftest import cross_region_gateways
from wizard.celery import app
from wizard.choices import RequestStatus
from wizard.models import (
    AuditEvent,
    ConnectionRequest,
    Gateway,
    ProviderResource,
    ProvisioningJob,
    SandboxResource,
    Tunnel,
)
from wizard.providers import (
    ConnectionSpec,
    CustomerGatewaySpec,
    GatewaySpec,
    PermanentProviderError,
    TransientProviderError,
)
from wizard.providers.sandbox import SandboxProvider
from wizard.selectors import reserved_blocks
from wizard.services import decommissioning, provisioning
from wizard.services.decommissioning import DecommissionRefused
from wizard.services.transitions import TransitionRefused

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


class Crash(BaseException):
    """Stands for the worker process dying at a chosen point."""


class RecordingSandbox(SandboxProvider):
    """The sandbox, remembering every delete call in order; optionally dying after the n-th one."""

    def __init__(self, *, crash_after_deletes: int = 0, **options: Any) -> None:
        super().__init__(**{"delay_seconds": 0, "failure_rate": 0, **options})
        self.calls: list[str] = []
        self.crash_after = crash_after_deletes

    def _record(self, name: str) -> None:
        self.calls.append(name)
        if self.crash_after and len(self.calls) == self.crash_after:
            raise Crash

    def delete_health_monitor(self, provider_id: str) -> bool:
        gone = super().delete_health_monitor(provider_id)
        self._record("monitor")
        return gone

    def delete_connection(self, provider_id: str) -> bool:
        gone = super().delete_connection(provider_id)
        self._record("connection")
        return gone

    def delete_customer_gateway(self, provider_id: str) -> bool:
        gone = super().delete_customer_gateway(provider_id)
        self._record("customer_gateway")
        return gone

    def delete_gateway(self, provider_id: str) -> bool:
        gone = super().delete_gateway(provider_id)
        self._record("gateway")
        return gone


def sandbox() -> SandboxProvider:
    return SandboxProvider(delay_seconds=0, failure_rate=0)


def active(make_request, index: int = 0, **changes: Any) -> ConnectionRequest:
    request = make_request(index, **changes)
    outcome = provisioning.provision(request_id=request.pk, owner=f"p-{request.pk}", provider=sandbox())
    assert outcome.result == "active", outcome.reason
    request.refresh_from_db()
    return request


def start(request: ConnectionRequest) -> ConnectionRequest:
    return decommissioning.decommission_start(request_id=request.pk, actor=request.owner)


def kinds() -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in SandboxResource.objects.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_decommissioning_deletes_everything_in_reverse_order_then_marks_the_request(
    make_request, owner, sent_tasks
) -> None:
    request = active(make_request)
    gateway = Gateway.objects.get(pk=request.gateway_id)
    started = start(request)
    assert started.status == RequestStatus.DECOMMISSIONING
    assert sent_tasks == [(decommissioning.DECOMMISSION_TASK, request.pk)]
    event = AuditEvent.objects.get(request=request, action="status.decommissioning")
    assert event.actor == owner and event.detail == {"from": RequestStatus.ACTIVE}

    provider = RecordingSandbox()
    outcome = decommissioning.decommission(request_id=request.pk, owner="task-1", provider=provider)
    assert outcome.result == "decommissioned"
    # The reverse of provisioning: monitors, connections, customer gateways, the gateway.
    assert provider.calls == ["monitor", "monitor", "connection", "connection", "customer_gateway", "gateway"]
    request.refresh_from_db()
    assert request.status == RequestStatus.DECOMMISSIONED and request.failure_reason == ""
    assert kinds() == {}
    assert not Tunnel.objects.filter(request=request).exists()
    assert not ProviderResource.objects.filter(request=request).exists()
    gateway.refresh_from_db()
    assert (gateway.provider_id, gateway.status, gateway.ip_addresses) == ("", "PLANNED", [])
    done = AuditEvent.objects.get(request=request, action="status.decommissioned")
    assert done.detail == {
        "from": RequestStatus.DECOMMISSIONING,
        "gateways_deleted": [gateway.name],
        "gateways_kept": [],
    }
    assert ProvisioningJob.objects.get(request=request).step == "done"
    # Running again (a redelivered task) finds nothing to do.
    assert decommissioning.decommission(request_id=request.pk, owner="task-2", provider=provider).result == (
        "skipped"
    )


def test_a_crash_mid_deletion_is_continued_by_the_next_task_without_deleting_twice(
    make_request, sent_tasks
) -> None:
    request = active(make_request)
    start(request)
    # Dies after the provider deleted the first connection, before its record was forgotten.
    crashing = RecordingSandbox(crash_after_deletes=3)
    with pytest.raises(Crash):
        decommissioning.decommission(request_id=request.pk, owner="task-1", provider=crashing)
    assert crashing.calls == ["monitor", "monitor", "connection"]
    assert not ProviderResource.objects.filter(request=request, kind="connection_monitor").exists()
    assert Tunnel.objects.filter(request=request).count() == 2
    job = ProvisioningJob.objects.get(request=request)
    assert job.step == "connections" and job.owner == "task-1"

    # While the dead task's lease runs, nobody else works on the request.
    second = RecordingSandbox()
    assert decommissioning.decommission(request_id=request.pk, owner="task-2", provider=second).result == (
        "skipped"
    )
    ProvisioningJob.objects.filter(request=request).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert decommissioning.decommission(request_id=request.pk, owner="task-2", provider=second).result == (
        "decommissioned"
    )
    # Monitors were forgotten before the crash; the connection already gone counts as deleted.
    assert second.calls == ["connection", "connection", "customer_gateway", "gateway"]
    assert kinds() == {}
    assert ConnectionRequest.objects.get(pk=request.pk).status == RequestStatus.DECOMMISSIONED


def test_transient_errors_propagate_for_a_retry_and_permanent_ones_stop_with_a_reason(
    make_request, sent_tasks
) -> None:
    request = active(make_request)
    start(request)
    throttled = SandboxProvider(delay_seconds=0, failure_rate=1)
    with pytest.raises(TransientProviderError):
        decommissioning.decommission(request_id=request.pk, owner="task-1", provider=throttled)
    job = ProvisioningJob.objects.get(request=request)
    assert "VPN.0429" in job.last_error and job.owner == "task-1"
    assert ConnectionRequest.objects.get(pk=request.pk).status == RequestStatus.DECOMMISSIONING

    class Refusing(SandboxProvider):
        def delete_customer_gateway(self, provider_id: str) -> bool:
            raise PermanentProviderError("VPN.0001", "The customer gateway is locked.")

    outcome = decommissioning.decommission(
        request_id=request.pk, owner="task-1", provider=Refusing(delay_seconds=0, failure_rate=0)
    )
    assert outcome.result == "failed" and "The customer gateway is locked. (code VPN.0001)" in outcome.reason
    request.refresh_from_db()
    assert request.status == RequestStatus.DECOMMISSIONING and request.failure_reason == outcome.reason
    assert AuditEvent.objects.filter(request=request, action="decommissioning.stopped").exists()
    # Stopped: no task takes it, the reconciler leaves it to a person.
    assert decommissioning.decommission(request_id=request.pk, owner="task-2", provider=sandbox()).result == (
        "skipped"
    )
    ProvisioningJob.objects.filter(request=request).update(enqueued_at=timezone.now() - timedelta(hours=1))
    assert decommissioning.decommission_reconcile() == []

    # The team retries once the cause is fixed: it continues with what is left.
    sent_tasks.clear()
    start(request)
    assert sent_tasks == [(decommissioning.DECOMMISSION_TASK, request.pk)]
    assert AuditEvent.objects.filter(request=request, action="decommissioning.retried").exists()
    assert decommissioning.decommission(request_id=request.pk, owner="task-3", provider=sandbox()).result == (
        "decommissioned"
    )
    assert kinds() == {}


def test_who_may_decommission_and_when(make_request, owner, team, sent_tasks) -> None:
    request = active(make_request)
    users = get_user_model().objects
    outsider = users.create_user("olga", password="x-long-password-1")
    with pytest.raises(PermissionDenied):
        decommissioning.decommission_start(request_id=request.pk, actor=outsider)
    colleague = users.create_user("cole", password="x-long-password-1")
    team.members.add(colleague)
    decommissioning.decommission_start(request_id=request.pk, actor=colleague)
    # Once under way, starting again is refused instead of sending a second task.
    with pytest.raises(DecommissionRefused):
        decommissioning.decommission_start(request_id=request.pk, actor=owner)
    assert len(sent_tasks) == 1

    staff = users.create_user("stan", password="x-long-password-1", is_staff=True)
    other = active(make_request, 1)
    decommissioning.decommission_start(request_id=other.pk, actor=staff)
    assert AuditEvent.objects.get(request=other, action="status.decommissioning").actor == staff

    draft = make_request(2, status=RequestStatus.DRAFT)
    with pytest.raises(TransitionRefused):
        decommissioning.decommission_start(request_id=draft.pk, actor=owner)


def test_a_gateway_another_request_uses_is_kept(make_request, sent_tasks) -> None:
    first = active(make_request, 0)
    data = {"name": "fra-second", "sites": [{**first.plan["sites"][0], "gateway_ips": ["203.0.113.20"]}]}
    second = active(make_request, 0, **data)  # names the same gateway: vpngw-0
    assert second.gateway_id == first.gateway_id
    start(first)
    assert decommissioning.decommission(request_id=first.pk, owner="t", provider=sandbox()).result == (
        "decommissioned"
    )
    assert AuditEvent.objects.get(request=first, action="status.decommissioned").detail["gateways_kept"] == [
        "vpngw-0"
    ]
    assert kinds() == {"vpn_gateway": 1, "customer_gateway": 1, "vpn_connection": 2, "connection_monitor": 2}
    assert Gateway.objects.get(pk=first.gateway_id).provider_id
    assert {t.status for t in Tunnel.objects.filter(request=second)} <= {"DOWN", "ACTIVE"}


def test_a_cross_region_request_deletes_its_mirrored_side_and_both_gateways(make_request, sent_tasks) -> None:
    request = active(make_request, 1, scenario="cross_region", gateways=cross_region_gateways(1), sites=[])
    assert kinds() == {"vpn_gateway": 2, "customer_gateway": 4, "vpn_connection": 4, "connection_monitor": 4}
    start(request)
    assert decommissioning.decommission(request_id=request.pk, owner="t", provider=sandbox()).result == (
        "decommissioned"
    )
    assert kinds() == {}
    assert set(Gateway.objects.values_list("provider_id", flat=True)) == {""}


def test_decommissioning_and_decommissioned_requests_reserve_no_address_blocks(
    make_request, sent_tasks
) -> None:
    request = active(make_request, scenario="branch_hub")
    owned = [block.cidr for block in reserved_blocks(request.gateway_id, exclude_request_id=None)]
    assert "10.1.0.0/16" in owned and len(owned) == 3  # the subnet and both tunnel /30s
    start(request)
    assert reserved_blocks(request.gateway_id, exclude_request_id=None) == []
    decommissioning.decommission(request_id=request.pk, owner="t", provider=sandbox())
    assert reserved_blocks(request.gateway_id, exclude_request_id=None) == []


def test_the_reconciler_sends_again_only_decommissioning_that_lost_its_task(make_request, sent_tasks) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    lost_message, orphan, alive, fresh = (active(make_request, index) for index in range(4))
    for request in (lost_message, orphan, alive, fresh):
        start(request)
    sent_tasks.clear()
    jobs = ProvisioningJob.objects
    jobs.filter(request=lost_message).update(enqueued_at=long_ago, lease_until=None, owner="")
    jobs.filter(request=orphan).update(enqueued_at=long_ago, lease_until=long_ago, owner="dead")
    jobs.filter(request=alive).update(enqueued_at=long_ago, lease_until=timezone.now() + timedelta(minutes=1))
    assert decommissioning.decommission_reconcile() == [lost_message.pk, orphan.pk]
    assert sent_tasks == [
        (decommissioning.DECOMMISSION_TASK, lost_message.pk),
        (decommissioning.DECOMMISSION_TASK, orphan.pk),
    ]
    # Running it again at once sends nothing twice; the orphan is taken over by the new task.
    assert decommissioning.decommission_reconcile() == []
    assert AuditEvent.objects.filter(action="decommissioning.reconciled").count() == 1
    assert decommissioning.decommission(request_id=orphan.pk, owner="new", provider=sandbox()).result == (
        "decommissioned"
    )


def test_the_task_acknowledges_late_and_retries_only_transient_errors() -> None:
    app.loader.import_default_modules()
    task = app.tasks[decommissioning.DECOMMISSION_TASK]
    assert task.acks_late and task.reject_on_worker_lost
    assert task.autoretry_for == (TransientProviderError, *task.autoretry_for[1:])
    assert not any(issubclass(PermanentProviderError, kind) for kind in task.autoretry_for)
    assert task.max_retries and task.time_limit


SPEC_IKE = {
    "version": "v2",
    "negotiation_mode": "main",
    "authentication_algorithm": "sha2-256",
    "encryption_algorithm": "aes-128",
    "dh_group": "group15",
    "lifetime_seconds": 86400,
    "dpd": {"timeout": 15, "interval": 30, "msg": "seq-hash-notify"},
}


def test_sandbox_deletions_pass_through_pending_delete_with_the_cloud_rules(db) -> None:
    delay = 0.3
    cloud = SandboxProvider(delay_seconds=delay, failure_rate=0)
    gateway_id = cloud.create_gateway(
        GatewaySpec(
            "vpngw-x", "eu-de", "vpc-x", ("192.168.1.0/24",), "Basic", "active-active", "vpc", "public", 64512
        )
    )
    customer_gateway_id = cloud.create_customer_gateway(CustomerGatewaySpec("cgw-x", "203.0.113.10", 65010))
    time.sleep(delay)
    ips = cloud.get_gateway(gateway_id).ip_refs
    spec = ConnectionSpec(
        name="conn-x",
        gateway_id=gateway_id,
        gateway_ip_ref=ips[0],
        gateway_ip=ips[0],
        customer_gateway_id=customer_gateway_id,
        customer_ip="203.0.113.10",
        style="static",
        local_subnets=("192.168.1.0/24",),
        peer_subnets=("10.1.0.0/16",),
        psk="Example-Key-2024:ok",
        ike=SPEC_IKE,
    )
    connection_id = cloud.create_connection(spec)
    monitor_id = cloud.create_health_monitor(connection_id)
    # A customer gateway in use by a connection cannot be deleted (§2.3).
    with pytest.raises(PermanentProviderError):
        cloud.delete_customer_gateway(customer_gateway_id)

    assert cloud.delete_connection(connection_id) is False
    assert cloud.get_connection(connection_id).status == "PENDING_DELETE"
    assert SandboxResource.objects.get(provider_id=monitor_id).status == "PENDING_DELETE"
    with pytest.raises(TransientProviderError) as busy:
        cloud.delete_customer_gateway(customer_gateway_id)
    assert busy.value.code == "VPN.0009"
    time.sleep(delay)
    with pytest.raises(PermanentProviderError) as gone:
        cloud.get_connection(connection_id)
    assert gone.value.code == "VPN.0004"
    assert not SandboxResource.objects.filter(provider_id=monitor_id).exists()
    assert cloud.delete_connection(connection_id) is True  # already gone: idempotent

    assert cloud.delete_customer_gateway(customer_gateway_id) is True
    assert cloud.delete_customer_gateway(customer_gateway_id) is True
    assert cloud.delete_gateway(gateway_id) is False
    assert cloud.get_gateway(gateway_id).status == "PENDING_DELETE"
    time.sleep(delay)
    with pytest.raises(PermanentProviderError):
        cloud.get_gateway(gateway_id)
    assert SandboxResource.objects.count() == 0


def test_sandbox_gateway_deletion_takes_its_connections_along(make_request) -> None:
    request = active(make_request)
    gateway = Gateway.objects.get(pk=request.gateway_id)
    cloud = sandbox()
    assert cloud.delete_gateway(gateway.provider_id) is False
    assert set(SandboxResource.objects.exclude(kind="customer_gateway").values_list("status", flat=True)) == {
        "PENDING_DELETE"
    }
    with pytest.raises(PermanentProviderError):
        cloud.get_gateway(gateway.provider_id)
    assert kinds() == {"customer_gateway": 1}
