"""Reads for the live provisioning status of a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, ProvisioningJob, Tunnel
from wizard.services.provisioning import STEP_NAMES, STEPS

# While a request is in one of these, its status panel keeps polling.
IN_PROGRESS = (RequestStatus.APPROVED, RequestStatus.PROVISIONING)


# Which badge style shows each step state.
STEP_BADGES = {"done": "active", "current": "provisioning", "failed": "failed", "todo": "planned"}


@dataclass(frozen=True)
class StepView:
    label: str
    state: str  # "done", "current", "failed" or "todo"

    @property
    def badge(self) -> str:
        return STEP_BADGES[self.state]


@dataclass(frozen=True)
class StatusPanel:
    request: ConnectionRequest
    steps: list[StepView]
    tunnels: QuerySet[Tunnel]
    polling: bool
    since: str
    can_retry: bool
    can_refresh: bool


def request_for_status(user: AbstractBaseUser | AnonymousUser, pk: int) -> ConnectionRequest:
    """A request of the user's teams (any request for staff); 404 otherwise, so ids reveal nothing."""
    queryset = ConnectionRequest.objects.select_related("team", "owner")
    if not user.is_staff:
        queryset = queryset.filter(team__members=user.pk)
    return get_object_or_404(queryset, pk=pk)


def _steps(request: ConnectionRequest) -> list[StepView]:
    job = ProvisioningJob.objects.filter(request=request).first()
    if request.status == RequestStatus.ACTIVE:
        reached = len(STEPS)
    elif request.status in (*IN_PROGRESS, RequestStatus.FAILED):
        reached = STEP_NAMES.index(job.step) if job and job.step in STEP_NAMES else 0
    else:
        return []
    current = "failed" if request.status == RequestStatus.FAILED else "current"
    steps = []
    for index, (_, label) in enumerate(STEPS[:-1]):
        state = "done" if index < reached else current if index == reached else "todo"
        steps.append(StepView(label, state))
    return steps


def status_panel(
    user: AbstractBaseUser | AnonymousUser, request: ConnectionRequest, *, since: datetime | None = None
) -> StatusPanel:
    """Everything the status panel shows. `since`: a status refresh asked for then is still awaited."""
    tunnels = Tunnel.objects.filter(request=request).order_by("peer", "connection")
    provisioned = [tunnel for tunnel in tunnels if tunnel.provider_id]
    awaiting_refresh = since is not None and any(
        tunnel.status_checked_at is None or tunnel.status_checked_at < since for tunnel in provisioned
    )
    return StatusPanel(
        request=request,
        steps=_steps(request),
        tunnels=tunnels,
        polling=request.status in IN_PROGRESS or awaiting_refresh,
        since=since.isoformat() if awaiting_refresh and since else "",
        can_retry=request.status == RequestStatus.FAILED and (user.is_staff or request.owner_id == user.pk),
        can_refresh=request.status == RequestStatus.ACTIVE and bool(provisioned),
    )
