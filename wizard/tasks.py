"""Celery tasks: each takes ids, re-fetches, and calls one service.

Provisioning is idempotent (claimed with a conditional update, every resource recorded as soon as it exists),
so its task acknowledges late and is re-queued when its worker dies. Only transient provider errors are
retried, with exponential backoff and a cap; anything else ends the attempt with the request marked failed.
Config generation is idempotent as well (same inputs, same files; unchanged rows untouched) and has its own
"configs" queue. Decommissioning is leased and idempotent like provisioning (a resource already gone counts
as deleted) and shares its queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded

from wizard.providers import TransientProviderError
from wizard.services import configs, decommissioning, provisioning, tunnel_status

logger = logging.getLogger(__name__)


@shared_task(name="wizard.ping", ignore_result=False, acks_late=False)
def ping(value: str) -> str:
    """Round trip used by health checks: proves a worker consumes from the broker."""
    return f"pong:{value}"


class LeasedRequestTask(Task):
    """A leased task on one request that records a readable reason once the retries are spent (or on an
    unexpected error)."""

    activity: str  # "Provisioning", as the worker log names the work
    unfinished: str  # what the cloud did not do, as the reason says
    user_reason: Callable[[Exception], str]
    record_failure: Callable[..., bool]  # (*, request_id, owner, reason)

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        request_id = args[0] if args else kwargs["request_id"]
        if isinstance(exc, TransientProviderError | SoftTimeLimitExceeded):
            reason = (
                f"The cloud did not {self.unfinished} after {self.request.retries + 1} attempts "
                f"(last answer: {getattr(exc, 'message', 'time limit reached')}). Retry later."
            )
        else:
            logger.exception("%s of request %s failed", self.activity, request_id, exc_info=exc)
            reason = self.user_reason(exc if isinstance(exc, Exception) else RuntimeError())
        self.record_failure(request_id=request_id, owner=task_id, reason=reason)


class ProvisioningTask(LeasedRequestTask):
    """Marks the request failed."""

    activity = "Provisioning"
    unfinished = "finish in time"
    user_reason = staticmethod(provisioning.user_reason)
    record_failure = staticmethod(provisioning.provisioning_fail)


class DecommissioningTask(LeasedRequestTask):
    """Stops decommissioning with a reason."""

    activity = "Decommissioning"
    unfinished = "finish deleting"
    user_reason = staticmethod(decommissioning.user_reason)
    record_failure = staticmethod(decommissioning.decommission_halt)


# Both leased tasks are idempotent, so they are acknowledged late and re-queued on worker loss; only
# transient errors retry, with exponential backoff and a cap.
LEASED_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (TransientProviderError, SoftTimeLimitExceeded),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 10,
    "soft_time_limit": 150,
    "time_limit": 180,
}


@shared_task(name=provisioning.PROVISION_TASK, base=ProvisioningTask, **LEASED_TASK_OPTIONS)
def provision_request(self: Task, request_id: int) -> str:
    """Provision one approved request (or continue one whose previous task died)."""
    return provisioning.provision(request_id=request_id, owner=self.request.id).result


@shared_task(name=decommissioning.DECOMMISSION_TASK, base=DecommissioningTask, **LEASED_TASK_OPTIONS)
def decommission_request(self: Task, request_id: int) -> str:
    """Delete one decommissioning request's cloud resources (or continue where a dead task stopped)."""
    return decommissioning.decommission(request_id=request_id, owner=self.request.id).result


@shared_task(
    name="wizard.reconcile_provisioning",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def reconcile_provisioning() -> dict[str, list[int]]:
    """Re-enqueue what lost its task or message (crash, lost broker): provisioning and decommissioning
    requests, and hub refreshes; safe to run at any time."""
    return {
        "provisioning": provisioning.provisioning_reconcile(),
        "decommissioning": decommissioning.decommission_reconcile(),
        "hub_refreshes": configs.hub_refresh_reconcile(),
    }


@shared_task(
    name="wizard.refresh_tunnel_status",
    acks_late=True,
    autoretry_for=(TransientProviderError,),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
    soft_time_limit=50,
    time_limit=60,
)
def refresh_tunnel_status(request_id: int) -> int:
    """Read one request's tunnel statuses back from the provider."""
    return tunnel_status.tunnel_status_refresh(request_id=request_id)


@shared_task(name="wizard.refresh_all_tunnel_status", soft_time_limit=50, time_limit=60)
def refresh_all_tunnel_status() -> int:
    """Periodic: one status refresh per active request."""
    request_ids = tunnel_status.requests_to_refresh()
    for request_id in request_ids:
        refresh_tunnel_status.delay(request_id)
    return len(request_ids)


@shared_task(
    name=configs.GENERATE_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=110,
    time_limit=120,
)
def generate_configs(request_id: int) -> int:
    """Generate every device config of one request (idempotent: unchanged files keep their rows)."""
    return len(configs.generate_request_configs(request_id))


@shared_task(
    name=configs.HUB_REFRESH_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=configs.HUB_REFRESH_TIME_LIMIT - 60,
    time_limit=configs.HUB_REFRESH_TIME_LIMIT,
)
def refresh_hub_configs(gateway_id: int, changed_request_id: int) -> list[int]:
    """Regenerate the other branches of a hub a branch joined or left; tell the teams whose files changed."""
    return configs.hub_configs_refresh(gateway_id=gateway_id, changed_request_id=changed_request_id)
