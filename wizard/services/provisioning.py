"""Provisioning: after approval, create the cloud side of a request step by step, then its device configs.

The database is the source of truth. A worker task claims the request with a conditional update and then
holds a lease (ProvisioningJob.owner / lease_until) that it renews at every step; a task whose lease was
taken over stops. Every provider id is recorded the moment the provider returns it, and every create call
is idempotent by name, so a task that died half-way is continued by the next one without duplicates.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, ProvisioningJob
from wizard.providers import (
    PermanentProviderError,
    Provider,
    ProviderError,
    TransientProviderError,
    get_provider,
)
from wizard.rendering.errors import ConfigError
from wizard.services.audit import audit_record
from wizard.services.leases import (
    LeaseLost,
    Outcome,
    lease_duration,
    lease_note_error,
    lease_release,
    lease_send,
    lease_take,
    requeue_after,
)
from wizard.services.provisioning_run import ProvisioningRun
from wizard.services.transitions import TransitionRefused, request_transition

logger = logging.getLogger(__name__)

PROVISION_TASK = "wizard.provision_request"

# The steps of provisioning, in order, with what the request page says while each runs.
STEPS: tuple[tuple[str, str], ...] = (
    ("queued", "Waiting for a worker"),
    ("gateway", "Creating the VPN gateway"),
    ("customer_gateways", "Creating the customer gateways"),
    ("connections", "Creating the VPN connections"),
    ("connection_status", "Waiting for the connections to be ready"),
    ("health_monitors", "Adding health checks"),
    ("configs", "Generating the device configurations"),
    ("done", "Done"),
)
STEP_NAMES = tuple(name for name, _ in STEPS)


# -- enqueueing ------------------------------------------------------------------------------------------


def _send(request_id: int) -> None:
    lease_send(task=PROVISION_TASK, request_id=request_id, work="provisioning")


def provisioning_enqueue(*, request_id: int) -> None:
    """Send the request to a worker once the current transaction commits (a worker must see the approval)."""
    transaction.on_commit(lambda: _send(request_id))


# -- claim, lease, finish --------------------------------------------------------------------------------


def provisioning_claim(*, request_id: int, owner: str) -> ConnectionRequest | None:
    """Take the request for task `owner`, or None when it is not ours to work on.

    An approved request is claimed by the conditional status change APPROVED → PROVISIONING (one winner).
    A request already provisioning is taken over only when its lease expired or is `owner`'s own (a retry or
    a redelivery of the same task).
    """
    now = timezone.now()
    with transaction.atomic():
        ProvisioningJob.objects.get_or_create(request_id=request_id)
        try:
            request = request_transition(
                request_id=request_id,
                to=RequestStatus.PROVISIONING,
                from_statuses=[RequestStatus.APPROVED],
                provisioning_started_at=now,
                failure_reason="",
            )
        except TransitionRefused as refused:
            if refused.current != RequestStatus.PROVISIONING:
                return None
            taken = lease_take(request_id=request_id, owner=owner, now=now, unfinished_only=True)
            return ConnectionRequest.objects.get(pk=request_id) if taken else None
        ProvisioningJob.objects.filter(request_id=request_id).update(
            owner=owner, lease_until=now + lease_duration(), attempts=1, step="queued", last_error=""
        )
        return request


def provisioning_fail(*, request_id: int, owner: str, reason: str) -> bool:
    """Mark the request failed with a reason the user understands, if `owner` still holds it."""
    with transaction.atomic():
        if not lease_release(request_id=request_id, owner=owner, last_error=reason):
            return False
        try:
            request_transition(
                request_id=request_id,
                to=RequestStatus.FAILED,
                from_statuses=[RequestStatus.PROVISIONING],
                detail={"reason": reason},
                failure_reason=reason,
                completed_at=timezone.now(),
            )
        except TransitionRefused:
            return False
    return True


def _complete(request_id: int, owner: str) -> None:
    with transaction.atomic():
        if not lease_release(request_id=request_id, owner=owner, step="done", last_error=""):
            raise LeaseLost(request_id)
        request_transition(
            request_id=request_id,
            to=RequestStatus.ACTIVE,
            from_statuses=[RequestStatus.PROVISIONING],
            completed_at=timezone.now(),
        )


def provisioning_retry(
    *, request_id: int, actor: AbstractBaseUser, http_request: HttpRequest | None = None
) -> ConnectionRequest:
    """Send a failed request back to provisioning; only its owner or staff may."""
    request = ConnectionRequest.objects.get(pk=request_id)
    # Retrying spends cloud resources, so only the requester and staff may ask for it.
    if not (actor.is_staff or request.owner_id == actor.pk):
        raise PermissionDenied("Only the requester or staff can retry provisioning.")
    with transaction.atomic():
        request = request_transition(
            request_id=request_id,
            to=RequestStatus.APPROVED,
            from_statuses=[RequestStatus.FAILED],
            actor=actor,
            http_request=http_request,
            detail={"retry": True},
            failure_reason="",
        )
        ProvisioningJob.objects.filter(request_id=request_id).update(step="queued", last_error="")
        provisioning_enqueue(request_id=request_id)
    return request


def user_reason(error: Exception) -> str:
    """The failure reason shown on the request page."""
    if isinstance(error, ProviderError):
        # WIZARD.* codes are our own checks before any call: nothing reached the cloud.
        if error.code.startswith("WIZARD."):
            return f"The request cannot be sent to the cloud as it is: {error.message}."
        return f"The cloud refused the change: {error.message} (code {error.code})."
    if isinstance(error, ConfigError):
        return f"The device configurations could not be generated: {error}"
    return "Provisioning stopped on an unexpected error; staff can see the details in the worker log."


# -- the pipeline ----------------------------------------------------------------------------------------


def provision(*, request_id: int, owner: str, provider: Provider | None = None) -> Outcome:
    """One provisioning attempt by task `owner`. Transient provider errors propagate (the task retries)."""
    request = provisioning_claim(request_id=request_id, owner=owner)
    if request is None:
        return Outcome("skipped")
    run = ProvisioningRun(request=request, owner=owner, provider=provider or get_provider())
    try:
        run.execute()
        _complete(request_id, owner)
    except LeaseLost:
        return Outcome("skipped")
    except TransientProviderError as error:
        lease_note_error(request_id=request_id, owner=owner, error=error)
        raise
    except (PermanentProviderError, ConfigError) as error:
        reason = user_reason(error)
        provisioning_fail(request_id=request_id, owner=owner, reason=reason)
        return Outcome("failed", reason)
    return Outcome("active")


# -- reconciler ------------------------------------------------------------------------------------------


def provisioning_reconcile() -> list[int]:
    """Send again every request that lost its task: approved but not picked up for a while, or provisioning
    with an expired lease. Safe at any time: a duplicate task finds the request taken and does nothing.
    """
    now = timezone.now()
    stale = now - requeue_after()
    approved = ConnectionRequest.objects.filter(status=RequestStatus.APPROVED).filter(
        Q(provisioning_job__isnull=True, updated_at__lt=stale)
        | Q(provisioning_job__enqueued_at__isnull=True, updated_at__lt=stale)
        | Q(provisioning_job__enqueued_at__lt=stale)
    )
    orphaned = ConnectionRequest.objects.filter(status=RequestStatus.PROVISIONING).filter(
        Q(provisioning_job__isnull=True)
        | Q(provisioning_job__lease_until__isnull=True)
        | Q(provisioning_job__lease_until__lt=now)
    )
    # An orphan just handed on is not handed on again until its next lease would have run out.
    orphaned = orphaned.filter(
        Q(provisioning_job__enqueued_at__isnull=True)
        | Q(provisioning_job__enqueued_at__lt=now - lease_duration())
    )
    ids = sorted(set(approved.values_list("pk", flat=True)) | set(orphaned.values_list("pk", flat=True)))
    for request_id in ids:
        _send(request_id)
    if ids:
        audit_record(action="provisioning.reconciled", detail={"requests": ids})
    return ids
