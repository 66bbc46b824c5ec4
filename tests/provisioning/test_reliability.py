"""No lost and no duplicated work: a real worker on a real Redis, killed, and a Redis that loses its data."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.db import connection

from tests.processes import celery_worker, embedded_redis
from tests.provisioning import workers
from tests.provisioning.conftest import create_request
from tests.provisioning.workers import broker, worker_env
from wizard.choices import RequestStatus
from wizard.models import (
    AuditEvent,
    ConnectionRequest,
    DeviceConfig,
    ProviderResource,
    SandboxResource,
    Tunnel,
)
from wizard.providers.sandbox import SandboxProvider
from wizard.services import provisioning
from wizard.services.transitions import TransitionRefused, request_transition

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 50


def sandbox_worker_env(redis_url: str) -> dict[str, str]:
    return worker_env(
        redis_url,
        SANDBOX_DELAY_SECONDS="0.2",
        SANDBOX_FAILURE_RATE="0",
        WIZARD_PROVIDER="sandbox",
    )


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in ConnectionRequest.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def wait_until(
    condition: Callable[[], bool], *, timeout: float, every: Callable[[], object] | None = None
) -> None:
    workers.wait_until(
        condition, timeout=timeout, every=every, describe=lambda: f"request statuses: {statuses()}"
    )


def active_count() -> int:
    return ConnectionRequest.objects.filter(status=RequestStatus.ACTIVE).count()


def assert_one_set_of_resources_each() -> None:
    assert statuses() == {RequestStatus.ACTIVE: REQUESTS}
    kinds: dict[str, int] = {}
    for kind in SandboxResource.objects.values_list("kind", flat=True):
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == {
        "vpn_gateway": REQUESTS,
        "customer_gateway": REQUESTS,
        "vpn_connection": 2 * REQUESTS,
        "connection_monitor": 2 * REQUESTS,
    }
    # Every resource at the provider is recorded on exactly one request: nothing orphaned, nothing twice.
    recorded = [
        *ConnectionRequest.objects.values_list("gateway__provider_id", flat=True),
        *Tunnel.objects.values_list("provider_id", flat=True),
        *ProviderResource.objects.values_list("provider_id", flat=True),
    ]
    assert sorted(recorded) == sorted(SandboxResource.objects.values_list("provider_id", flat=True))
    assert DeviceConfig.objects.values("request").distinct().count() == REQUESTS


@pytest.fixture
def approved(owner, team, settings) -> list[int]:
    # The reconciler in this process must judge leases as the workers take them.
    settings.PROVISIONING_LEASE_SECONDS = 3
    settings.PROVISIONING_REQUEUE_SECONDS = 3
    return [create_request(owner, team, index=index).pk for index in range(REQUESTS)]


def test_a_worker_killed_mid_flight_loses_and_duplicates_nothing(approved, tmp_path: Path) -> None:
    with embedded_redis(tmp_path) as redis_url, broker(redis_url):
        env = sandbox_worker_env(redis_url)
        with celery_worker(env, concurrency=4, log=tmp_path / "worker-1.log") as worker:
            for request_id in approved:
                provisioning._send(request_id)
            wait_until(lambda: active_count() >= 10, timeout=60)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        in_flight = statuses().get(RequestStatus.PROVISIONING, 0)
        assert in_flight >= 1, f"the kill should catch requests mid-flight: {statuses()}"
        with celery_worker(env, concurrency=4, log=tmp_path / "worker-2.log"):
            wait_until(
                lambda: active_count() == REQUESTS, timeout=120, every=provisioning.provisioning_reconcile
            )
    assert_one_set_of_resources_each()
    assert AuditEvent.objects.filter(action="provisioning.reconciled").exists()


def test_redis_stopped_and_emptied_mid_flight_the_reconciler_finishes_everything(
    approved, tmp_path: Path
) -> None:
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir()
    with ExitStack() as worker:
        with embedded_redis(redis_dir) as redis_url, broker(redis_url):
            worker.enter_context(
                celery_worker(sandbox_worker_env(redis_url), concurrency=4, log=tmp_path / "worker.log")
            )
            for request_id in approved:
                provisioning._send(request_id)
            wait_until(lambda: active_count() >= 10, timeout=60)
        # Redis is gone with every queued message (it keeps nothing on disk).
        assert active_count() < REQUESTS
        time.sleep(1)
        with embedded_redis(redis_dir) as redis_url, broker(redis_url):
            wait_until(
                lambda: active_count() == REQUESTS, timeout=120, every=provisioning.provisioning_reconcile
            )
            worker.close()
    assert_one_set_of_resources_each()


def test_a_worker_with_idle_slots_outlives_redis_going_away_while_tasks_run(
    owner, team, settings, tmp_path: Path
) -> None:
    # Two slow requests on four slots: the worker waits for more work (a pending BRPOP) while tasks run,
    # which is when kombu's cleanup of the lost connection used to kill the worker process.
    settings.PROVISIONING_LEASE_SECONDS = 3
    settings.PROVISIONING_REQUEUE_SECONDS = 3
    requests = [create_request(owner, team, index=index).pk for index in range(2)]
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir()
    log = tmp_path / "worker.log"
    with ExitStack() as running:
        with embedded_redis(redis_dir) as redis_url, broker(redis_url):
            env = worker_env(redis_url, SANDBOX_DELAY_SECONDS="1.5")
            worker = running.enter_context(celery_worker(env, concurrency=4, log=log))
            for request_id in requests:
                provisioning._send(request_id)
            wait_until(lambda: statuses() == {RequestStatus.PROVISIONING: 2}, timeout=60)
        time.sleep(1)
        with embedded_redis(redis_dir) as redis_url, broker(redis_url):
            wait_until(
                lambda: active_count() == 2 or worker.poll() is not None,
                timeout=60,
                every=provisioning.provisioning_reconcile,
            )
            assert worker.poll() is None, f"the worker exited:\n{log.read_text()[-3000:]}"
            assert "Unrecoverable error" not in log.read_text()
            request_id = create_request(owner, team, index=2).pk
            provisioning._send(request_id)
            # Still consuming after the reconnection: a new request is provisioned too.
            wait_until(lambda: active_count() == 3, timeout=60)


def test_two_approvals_at_the_same_instant_start_one_provisioning(owner, team, sent_tasks) -> None:
    request = create_request(owner, team, status=RequestStatus.PENDING_REVIEW)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def approve_and_provision(name: str) -> None:
        try:
            barrier.wait()
            try:
                request_transition(
                    request_id=request.pk,
                    to=RequestStatus.APPROVED,
                    from_statuses=[RequestStatus.PENDING_REVIEW],
                )
                provisioning.provisioning_enqueue(request_id=request.pk)
                results.append("approved")
            except TransitionRefused:
                results.append("refused")
            barrier.wait()
            # Both tasks start at once, as if both approvals had enqueued one.
            outcome = provisioning.provision(
                request_id=request.pk, owner=name, provider=SandboxProvider(delay_seconds=0, failure_rate=0)
            )
            results.append(outcome.result)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_and_provision, args=(f"task-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["active", "approved", "refused", "skipped"]
    assert sent_tasks == [(provisioning.PROVISION_TASK, request.pk)]
    assert AuditEvent.objects.filter(request_id=request.pk, action="status.provisioning").count() == 1
    assert SandboxResource.objects.filter(kind="vpn_gateway").count() == 1
    assert SandboxResource.objects.filter(kind="vpn_connection").count() == 2
