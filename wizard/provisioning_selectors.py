"""Reads for the live provisioning status of a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from wizard.choices import RequestStatus, Scenario
from wizard.models import ConnectionRequest, Gateway, ProviderResource, ProvisioningJob, Tunnel
from wizard.services import decommissioning
from wizard.services.configs import hub_branch_requests
from wizard.services.provisioning import STEP_NAMES, STEPS

# While a request is in one of these, its status panel keeps polling.
IN_PROGRESS = (RequestStatus.APPROVED, RequestStatus.PROVISIONING, RequestStatus.DECOMMISSIONING)
REMOVAL = (RequestStatus.DECOMMISSIONING, RequestStatus.DECOMMISSIONED)


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
    can_decommission: bool
    removal_stopped: bool


def request_for_status(user: AbstractBaseUser | AnonymousUser, pk: int) -> ConnectionRequest:
    """A request of the user's teams (any request for staff); 404 otherwise, so ids reveal nothing."""
    queryset = ConnectionRequest.objects.select_related("team", "owner")
    if not user.is_staff:
        queryset = queryset.filter(team__members=user.pk)
    return get_object_or_404(queryset, pk=pk)


def _removal_steps(request: ConnectionRequest) -> list[StepView]:
    job = ProvisioningJob.objects.filter(request=request).first()
    names = decommissioning.STEP_NAMES
    if request.status == RequestStatus.DECOMMISSIONED:
        reached = len(names)
    else:
        reached = names.index(job.step) if job and job.step in names[:-1] else 0
    current = "failed" if request.failure_reason else "current"
    return [
        StepView(label, "done" if index < reached else current if index == reached else "todo")
        for index, (_, label) in enumerate(decommissioning.STEPS[:-1])
    ]


def _steps(request: ConnectionRequest) -> list[StepView]:
    if request.status in REMOVAL:
        return _removal_steps(request)
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
    # A decommissioning stopped on an error waits for a person: nothing changes until they retry.
    removal_stopped = request.status == RequestStatus.DECOMMISSIONING and bool(request.failure_reason)
    return StatusPanel(
        request=request,
        steps=_steps(request),
        tunnels=tunnels,
        polling=(request.status in IN_PROGRESS and not removal_stopped) or awaiting_refresh,
        since=since.isoformat() if awaiting_refresh and since else "",
        can_retry=request.status == RequestStatus.FAILED and (user.is_staff or request.owner_id == user.pk),
        can_refresh=request.status == RequestStatus.ACTIVE and bool(provisioned),
        # The panel is shown to the request's team and staff only: the ones who may take it down.
        can_decommission=request.status == RequestStatus.ACTIVE or removal_stopped,
        removal_stopped=removal_stopped,
    )


@dataclass(frozen=True)
class DecommissionPreview:
    """What decommissioning a request deletes and what it keeps, for the confirmation page."""

    request: ConnectionRequest
    allowed: bool
    tunnels: list[Tunnel]
    customer_gateways: int
    gateways_deleted: list[Gateway]
    gateways_kept: list[Gateway]
    other_branches: int


def decommission_preview(request: ConnectionRequest) -> DecommissionPreview:
    """The confirmation page's content; `allowed` when the request is active or its removal stopped."""
    stopped = request.status == RequestStatus.DECOMMISSIONING and bool(request.failure_reason)
    fates = decommissioning.request_gateways(request)
    tunnels = Tunnel.objects.filter(request=request).exclude(provider_id="").order_by("peer", "connection")
    others = 0
    if request.scenario == Scenario.BRANCH_HUB and request.gateway_id is not None:
        # Only how many: the other branches may belong to other teams.
        others = hub_branch_requests(request.gateway_id).exclude(pk=request.pk).count()
    return DecommissionPreview(
        request=request,
        allowed=request.status == RequestStatus.ACTIVE or stopped,
        tunnels=list(tunnels),
        customer_gateways=ProviderResource.objects.filter(request=request, kind="customer_gateway").count(),
        gateways_deleted=[row for row, keep in fates if not keep],
        gateways_kept=[row for row, keep in fates if keep],
        other_branches=others,
    )
