"""Decommissioning: an active request's cloud resources deleted in reverse order, then its hub told.

Like provisioning, the database is the source of truth and the work is leased: the request's ProvisioningJob
holds the step and which task works on it until when, and a task whose lease was taken over stops. A
resource's record (Tunnel, ProviderResource, Gateway.provider_id) is removed the moment the provider confirms
the resource is gone, so a task that died half-way is continued by the next one, which deletes only what is
still recorded; every delete is idempotent (a resource already gone counts as deleted).

Order, the reverse of provisioning: health monitors; VPN connections, waiting until each is gone (a customer
gateway cannot be deleted while a connection uses it); customer gateways; the request's own VPN gateway —
never a hub, which other branches may join, nor a gateway another request still uses. Then the request is
decommissioned (its address blocks are no longer reserved) and the other branches of its hub are
regenerated without it. A permanent provider error stops the work with a reason; the team or staff retry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from wizard.choices import GatewayStatus, RequestStatus, Scenario, TunnelStatus
from wizard.models import ConnectionRequest, Gateway, ProviderResource, ProvisioningJob, Tunnel
from wizard.providers import (
    PermanentProviderError,
    Provider,
    ProviderError,
    TransientProviderError,
    get_provider,
)
from wizard.providers.base import NOT_FOUND
from wizard.services.audit import audit_record
from wizard.services.configs import hub_refresh_request
from wizard.services.leases import (
    LeasedAttempt,
    LeaseLost,
    Outcome,
    lease_note_error,
    lease_release,
    lease_send,
    lease_take,
    requeue_after,
    wait_seconds,
)
from wizard.services.transitions import request_transition

logger = logging.getLogger(__name__)

DECOMMISSION_TASK = "wizard.decommission_request"

# The steps of decommissioning, in order, with what the request page says while each runs.
STEPS: tuple[tuple[str, str], ...] = (
    ("queued", "Waiting for a worker"),
    ("health_monitors", "Removing the health checks"),
    ("connections", "Deleting the VPN connections"),
    ("customer_gateways", "Deleting the customer gateways"),
    ("gateway", "Deleting the VPN gateway"),
    ("done", "Done"),
)
STEP_NAMES = tuple(name for name, _ in STEPS)

# Requests that may still build on a gateway, so it is kept: a failed one may be retried onto it.
USING_GATEWAY = (
    RequestStatus.PENDING_REVIEW,
    RequestStatus.APPROVED,
    RequestStatus.PROVISIONING,
    RequestStatus.ACTIVE,
    RequestStatus.FAILED,
)


class DecommissionRefused(Exception):
    """The request cannot be decommissioned now; the message says why."""


def may_decommission(user: AbstractBaseUser, request: ConnectionRequest) -> bool:
    """Members of the request's team and staff may take it down."""
    return bool(user.is_staff or request.team.members.filter(pk=user.pk).exists())


# -- starting and enqueueing -------------------------------------------------------------------------------


def _send(request_id: int) -> None:
    lease_send(task=DECOMMISSION_TASK, request_id=request_id, work="decommissioning")


def decommission_start(
    *, request_id: int, actor: AbstractBaseUser, http_request: HttpRequest | None = None
) -> ConnectionRequest:
    """Start taking an active request down (or resume one that stopped on an error); the work runs in a task.

    Raises PermissionDenied for users outside the team, TransitionRefused when the request is not active,
    DecommissionRefused when decommissioning is already under way.
    """
    request = ConnectionRequest.objects.select_related("team").get(pk=request_id)
    # Deleting the tunnels cuts the team's traffic: only the team itself and staff may decide it.
    if not may_decommission(actor, request):
        raise PermissionDenied("Only the request's team or staff can decommission it.")
    with transaction.atomic():
        if request.status == RequestStatus.DECOMMISSIONING:
            # Only a decommissioning that stopped on an error is resumed by hand; a running one goes on.
            resumed = (
                ConnectionRequest.objects.filter(pk=request_id, status=RequestStatus.DECOMMISSIONING)
                .exclude(failure_reason="")
                .update(failure_reason="", updated_at=timezone.now())
            )
            if not resumed:
                raise DecommissionRefused("Decommissioning is already under way.")
            audit_record(
                action="decommissioning.retried", request=request, actor=actor, http_request=http_request
            )
        else:
            request_transition(
                request_id=request_id,
                to=RequestStatus.DECOMMISSIONING,
                from_statuses=[RequestStatus.ACTIVE],
                actor=actor,
                http_request=http_request,
                failure_reason="",
            )
        ProvisioningJob.objects.get_or_create(request_id=request_id)
        ProvisioningJob.objects.filter(request_id=request_id).update(step="queued", last_error="")
        transaction.on_commit(lambda: _send(request_id))
    return ConnectionRequest.objects.get(pk=request_id)


# -- claim, lease, finish --------------------------------------------------------------------------------


def decommission_claim(*, request_id: int, owner: str) -> ConnectionRequest | None:
    """Take the request for task `owner`, or None when it is not ours to work on (not decommissioning,
    stopped on an error, or leased by another live task)."""
    now = timezone.now()
    with transaction.atomic():
        ProvisioningJob.objects.get_or_create(request_id=request_id)
        if not ConnectionRequest.objects.filter(
            pk=request_id, status=RequestStatus.DECOMMISSIONING, failure_reason=""
        ).exists():
            return None
        taken = lease_take(request_id=request_id, owner=owner, now=now, unfinished_only=False)
        return ConnectionRequest.objects.get(pk=request_id) if taken else None


def decommission_halt(*, request_id: int, owner: str, reason: str) -> bool:
    """Stop decommissioning with a reason the user understands, if `owner` still holds the request.

    The request stays decommissioning (some of its resources may still exist) until someone resumes it.
    """
    with transaction.atomic():
        if not lease_release(request_id=request_id, owner=owner, last_error=reason):
            return False
        stopped = ConnectionRequest.objects.filter(
            pk=request_id, status=RequestStatus.DECOMMISSIONING
        ).update(failure_reason=reason, updated_at=timezone.now())
        if stopped:
            audit_record(
                action="decommissioning.stopped",
                request=ConnectionRequest.objects.get(pk=request_id),
                detail={"reason": reason},
            )
    return bool(stopped)


def user_reason(error: Exception) -> str:
    """The reason shown on the request page when decommissioning stops."""
    if isinstance(error, ProviderError):
        return (
            f"The cloud refused to delete a resource: {error.message} (code {error.code}). "
            "Once the cause is fixed, retry decommissioning."
        )
    return "Decommissioning stopped on an unexpected error; staff can see the details in the worker log."


def _complete(request_id: int, owner: str, detail: dict[str, Any]) -> None:
    with transaction.atomic():
        if not lease_release(request_id=request_id, owner=owner, step="done", last_error=""):
            raise LeaseLost(request_id)
        request = request_transition(
            request_id=request_id,
            to=RequestStatus.DECOMMISSIONED,
            from_statuses=[RequestStatus.DECOMMISSIONING],
            detail=detail,
        )
        # The other branches still route to this one: the same refresh as when a branch joins.
        if request.scenario == Scenario.BRANCH_HUB and request.gateway_id is not None:
            hub_refresh_request(gateway_id=request.gateway_id, request_id=request_id)


# -- the work --------------------------------------------------------------------------------------------


def decommission(*, request_id: int, owner: str, provider: Provider | None = None) -> Outcome:
    """One decommissioning attempt by task `owner`. Transient provider errors propagate (the task retries);
    outcome "decommissioned", "failed" (stopped with a reason) or "skipped" (not ours to work on)."""
    request = decommission_claim(request_id=request_id, owner=owner)
    if request is None:
        return Outcome("skipped")
    removal = _Removal(request=request, owner=owner, provider=provider or get_provider())
    try:
        detail = removal.execute()
        _complete(request_id, owner, detail)
    except LeaseLost:
        return Outcome("skipped")
    except TransientProviderError as error:
        lease_note_error(request_id=request_id, owner=owner, error=error)
        raise
    except PermanentProviderError as error:
        reason = user_reason(error)
        decommission_halt(request_id=request_id, owner=owner, reason=reason)
        return Outcome("failed", reason)
    return Outcome("decommissioned")


def request_gateways(request: ConnectionRequest) -> list[tuple[Gateway, bool]]:
    """The request's gateways that exist at the provider, each with whether decommissioning keeps it."""
    plan = request.plan if isinstance(request.plan, dict) else {}
    named = [gateway for gateway in plan.get("gateways") or [] if isinstance(gateway, dict)]
    rows: list[Gateway] = []
    for index, gateway in enumerate(named):
        if index == 0 and request.gateway_id:
            row = Gateway.objects.filter(pk=request.gateway_id).first()
        else:
            row = Gateway.objects.filter(
                team_id=request.team_id, region=gateway.get("region"), name=gateway.get("name")
            ).first()
        if row is not None and row.provider_id and row not in rows:
            rows.append(row)
    # A hub stays for the branches that join it later, even when this was its last branch.
    hub = request.scenario == Scenario.BRANCH_HUB
    return [(row, hub or _in_use(row, request)) for row in rows]


def _in_use(row: Gateway, request: ConnectionRequest) -> bool:
    """Whether another request connects to (or may still build on) the gateway."""
    others = (
        ConnectionRequest.objects.filter(Q(gateway_id=row.pk) | Q(team_id=row.team_id))
        .filter(status__in=USING_GATEWAY)
        .exclude(pk=request.pk)
        .only("gateway_id", "plan")
    )
    for other in others:
        if other.gateway_id == row.pk:
            return True
        plan = other.plan if isinstance(other.plan, dict) else {}
        for gateway in plan.get("gateways") or []:
            if isinstance(gateway, dict) and (gateway.get("region"), gateway.get("name")) == (
                row.region,
                row.name,
            ):
                return True
    return False


class _Removal(LeasedAttempt):
    """The steps of one attempt; each deletes only what is still recorded."""

    def wait_gone(self, read: Callable[[], object], *, what: str) -> None:
        """Poll `read` until the provider answers NOT_FOUND; NotReadyYet after the in-place wait."""
        deadline = time.monotonic() + wait_seconds()
        pause = 0.02
        while True:
            try:
                state = read()
            except PermanentProviderError as error:
                if error.code == NOT_FOUND:
                    return
                raise
            pause = self.pause(deadline, pause, what=what, status=getattr(state, "status", "?"))

    def records(self, kind: str) -> list[ProviderResource]:
        return list(ProviderResource.objects.filter(request=self.request, kind=kind).order_by("-pk"))

    def execute(self) -> dict[str, Any]:
        """Delete everything; what the audit trail says about the gateway."""
        self.step("health_monitors")
        for record in self.records("connection_monitor"):
            # A monitor has no status to wait for; the deletion of its connection, next, waits for both.
            self.provider.delete_health_monitor(record.provider_id)
            record.delete()

        self.step("connections")
        self.delete_connections()

        self.step("customer_gateways")
        for record in self.records("customer_gateway"):
            self.provider.delete_customer_gateway(record.provider_id)
            record.delete()

        self.step("gateway")
        deleted, kept = [], []
        for row, keep in request_gateways(self.request):
            if keep:
                kept.append(row.name)
                continue
            self.delete_gateway(row)
            deleted.append(row.name)
        return {"gateways_deleted": deleted, "gateways_kept": kept}

    def delete_connections(self) -> None:
        """Ask for every connection's deletion at once, then wait for each and forget it once gone."""
        connections: list[tuple[str, Callable[[], object]]] = [
            (tunnel.provider_id, Tunnel.objects.filter(pk=tunnel.pk).delete)
            for tunnel in Tunnel.objects.filter(request=self.request).exclude(provider_id="").order_by("-pk")
        ]
        connections += [(record.provider_id, record.delete) for record in self.records("vpn_connection")]
        pending = []
        for provider_id, forget in connections:
            if self.provider.delete_connection(provider_id):
                forget()
            else:
                pending.append((provider_id, forget))
        Tunnel.objects.filter(request=self.request, provider_id__in=[pid for pid, _ in pending]).update(
            status=TunnelStatus.PENDING_DELETE
        )
        for provider_id, forget in pending:
            self.wait_gone(
                lambda provider_id=provider_id: self.provider.get_connection(provider_id),
                what=f"VPN connection {provider_id}",
            )
            forget()
        # Tunnels never created at the provider are only records.
        Tunnel.objects.filter(request=self.request).delete()

    def delete_gateway(self, row: Gateway) -> None:
        provider_id = row.provider_id
        if not self.provider.delete_gateway(provider_id):
            Gateway.objects.filter(pk=row.pk).update(status=GatewayStatus.PENDING_DELETE)
            self.wait_gone(lambda: self.provider.get_gateway(provider_id), what=f"VPN gateway {row.name}")
        # The row stays (the request names it); a new request of that name creates a new gateway.
        Gateway.objects.filter(pk=row.pk, provider_id=provider_id).update(
            provider_id="", status=GatewayStatus.PLANNED, ip_addresses=[]
        )


# -- reconciler ------------------------------------------------------------------------------------------


def decommission_reconcile() -> list[int]:
    """Send again every decommissioning request that lost its task: no live lease, and last sent (or
    started) longer ago than the requeue delay. Safe at any time: a duplicate task finds it taken."""
    now = timezone.now()
    stale = now - requeue_after()
    unleased = Q(provisioning_job__lease_until__isnull=True) | Q(provisioning_job__lease_until__lt=now)
    sent_long_ago = Q(provisioning_job__enqueued_at__lt=stale) | Q(
        provisioning_job__enqueued_at__isnull=True, updated_at__lt=stale
    )
    lost = (
        ConnectionRequest.objects.filter(status=RequestStatus.DECOMMISSIONING, failure_reason="")
        .filter(unleased & sent_long_ago)
        .order_by("pk")
    )
    ids = list(lost.values_list("pk", flat=True))
    for request_id in ids:
        _send(request_id)
    if ids:
        audit_record(action="decommissioning.reconciled", detail={"requests": ids})
    return ids
