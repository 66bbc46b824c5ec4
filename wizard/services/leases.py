"""The lease both provisioning and decommissioning work under, held in the request's ProvisioningJob.

A task sends a request to a worker, takes the job's lease (owner, lease_until) when it is free, expired or
already its own, renews it at every step, and releases it when the work ends; a task whose lease was taken
over stops (LeaseLost) without touching anything.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from celery import current_app
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from wizard.models import ProvisioningJob
from wizard.providers import ProviderError, TransientProviderError

if TYPE_CHECKING:
    from wizard.models import ConnectionRequest
    from wizard.providers import Provider

logger = logging.getLogger(__name__)

LEASED_QUEUE = "provisioning"


def lease_duration() -> timedelta:
    """How long a task holds a request without renewing; after that the reconciler may hand it on."""
    return timedelta(seconds=settings.PROVISIONING_LEASE_SECONDS)


def wait_seconds() -> float:
    """How long a task waits in place for a status before it retries later (freeing the worker)."""
    return float(settings.PROVISIONING_WAIT_SECONDS)


def requeue_after() -> timedelta:
    """How long an approved request may wait for a worker before the reconciler sends it again."""
    return timedelta(seconds=settings.PROVISIONING_REQUEUE_SECONDS)


class LeaseLost(Exception):
    """Another task took this request over (our lease had expired): stop without touching anything."""


class NotReadyYet(TransientProviderError):
    """A resource is still being created or deleted after the in-place wait; the task retries later."""


@dataclass(frozen=True)
class Outcome:
    """What one attempt did: "active"/"decommissioned", "failed" or "skipped" (someone else holds it)."""

    result: str
    reason: str = ""


def lease_send(*, task: str, request_id: int, work: str) -> None:
    """Send the request's task to a worker now; a broker that does not answer leaves it to the reconciler."""
    ProvisioningJob.objects.get_or_create(request_id=request_id)
    ProvisioningJob.objects.filter(request_id=request_id).update(enqueued_at=timezone.now())
    try:
        current_app.send_task(
            task,
            args=[request_id],
            queue=LEASED_QUEUE,
            ignore_result=True,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        )
    except OperationalError:
        # The broker is unreachable: the request keeps its status and the reconciler sends it again later.
        logger.warning("Broker unreachable; %s of request %s left to the reconciler", work, request_id)


def lease_take(*, request_id: int, owner: str, now: datetime, unfinished_only: bool) -> bool:
    """Take the lease for `owner` when free, expired or its own; `unfinished_only` passes over done jobs."""
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(owner=owner)
    jobs = ProvisioningJob.objects.filter(free, request_id=request_id)
    if unfinished_only:
        jobs = jobs.exclude(step="done")
    return bool(jobs.update(owner=owner, lease_until=now + lease_duration(), attempts=F("attempts") + 1))


def lease_renew(*, request_id: int, owner: str, step: str | None = None) -> None:
    """Extend `owner`'s lease (and record the step it is on); LeaseLost when another task holds it."""
    fields: dict[str, object] = {"lease_until": timezone.now() + lease_duration()}
    if step is not None:
        fields["step"] = step
    if not ProvisioningJob.objects.filter(request_id=request_id, owner=owner).update(**fields):
        raise LeaseLost(request_id)


class LeasedAttempt:
    """One attempt at a request's cloud work under `owner`'s lease: each step renews it, and so does every
    pause while the attempt waits for the provider."""

    def __init__(self, *, request: ConnectionRequest, owner: str, provider: Provider) -> None:
        self.request = request
        self.owner = owner
        self.provider = provider

    def step(self, name: str) -> None:
        lease_renew(request_id=self.request.pk, owner=self.owner, step=name)

    def pause(self, deadline: float, pause: float, *, what: str, status: object) -> float:
        """Renew the lease and sleep before the next look at the provider; returns the next, doubled pause
        (at most 1 s). NotReadyYet once past `deadline`, so the task retries later instead."""
        if time.monotonic() > deadline:
            raise NotReadyYet("WIZARD.PENDING", f"the {what} is still in status {status}")
        lease_renew(request_id=self.request.pk, owner=self.owner)
        time.sleep(pause)
        return min(pause * 2, 1.0)


def lease_note_error(*, request_id: int, owner: str, error: ProviderError) -> None:
    """Record a transient error; the task keeps its lease and retries."""
    ProvisioningJob.objects.filter(request_id=request_id, owner=owner).update(
        last_error=str(error), lease_until=timezone.now() + lease_duration()
    )


def lease_release(*, request_id: int, owner: str, **fields: str) -> bool:
    """End `owner`'s lease, writing `fields` (step, last_error); False when `owner` no longer held it."""
    return bool(
        ProvisioningJob.objects.filter(request_id=request_id, owner=owner).update(
            owner="", lease_until=None, **fields
        )
    )
