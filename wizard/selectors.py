"""Reads for the wizard: a user's requests and hubs, one request with its details, a plan's findings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest, DeviceConfig, Gateway, Team, Tunnel
from wizard.network import Finding, Plan, ReservedBlock, parse_plan, validate_plan

User = AbstractBaseUser | AnonymousUser

# Statuses whose address blocks are claimed on their gateway (DESIGN: pending, approved and active).
CLAIMING_STATUSES = (
    RequestStatus.PENDING_REVIEW,
    RequestStatus.APPROVED,
    RequestStatus.PROVISIONING,
    RequestStatus.ACTIVE,
)


def user_teams(user: User) -> QuerySet[Team]:
    return Team.objects.filter(members=user.pk).order_by("name")


def team_hubs(user: User) -> QuerySet[Gateway]:
    """Gateways of the user's teams that a new branch may join."""
    return Gateway.objects.filter(team__members=user.pk).select_related("team").order_by("region", "name")


def visible_requests(user: User) -> QuerySet[ConnectionRequest]:
    """Requests of the user's teams, newest first."""
    return (
        ConnectionRequest.objects.filter(team__members=user.pk)
        .select_related("team", "owner")
        .order_by("-updated_at", "-pk")
    )


def request_for_user(user: User, pk: int) -> ConnectionRequest:
    """One request of the user's teams; 404 for every other request, so ids reveal nothing.

    With its team and hub in the same query; the owner is not joined (the wizard needs only ``owner_id``).
    """
    queryset = ConnectionRequest.objects.filter(team__members=user.pk).select_related("team", "gateway")
    return get_object_or_404(queryset, pk=pk)


def request_detail(user: User, pk: int) -> ConnectionRequest:
    """A request with its tunnels, configs and audit trail in a fixed number of queries."""
    queryset = (
        visible_requests(user)
        .select_related("gateway", "reviewed_by")
        .prefetch_related(
            Prefetch("tunnels", queryset=Tunnel.objects.order_by("peer", "connection")),
            Prefetch("configs", queryset=DeviceConfig.objects.order_by("peer", "platform")),
            Prefetch(
                "audit_events",
                queryset=AuditEvent.objects.select_related("actor").order_by("created_at", "pk"),
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def reserved_blocks(gateway: Gateway | None, *, exclude_request_id: int | None) -> list[ReservedBlock]:
    """Customer subnets that other live requests already claim on the same gateway (hub)."""
    if gateway is None:
        return []
    others = (
        ConnectionRequest.objects.filter(gateway=gateway, status__in=CLAIMING_STATUSES)
        .exclude(pk=exclude_request_id)
        .only("pk", "plan")
    )
    blocks = []
    for other in others:
        sites = other.plan.get("sites") if isinstance(other.plan, dict) else None
        for site in sites if isinstance(sites, list) else []:
            if not isinstance(site, dict) or not isinstance(site.get("subnets"), list):
                continue
            owner = f"branch '{site.get('name', '?')}' (request #{other.pk})"
            blocks += [
                ReservedBlock(cidr=cidr, owner=owner) for cidr in site["subnets"] if isinstance(cidr, str)
            ]
    return blocks


def plan_with_psk(plan: dict[str, Any], psk: str) -> dict[str, Any]:
    """The full plan for the network rules: the stored plan (never holding the key) plus the key."""
    return {**plan, "psk": psk}


def check_plan(
    request: ConnectionRequest, plan: dict[str, Any] | None = None, *, psk: str | None = None
) -> tuple[Plan | None, list[Finding]]:
    """Parse and validate a request's plan (or a changed copy of it) against blocks reserved on its hub.

    ``psk`` checks a key typed but not yet saved instead of the stored one.
    """
    key = psk if psk is not None else request.psk
    parsed, findings = parse_plan(plan_with_psk(plan if plan is not None else request.plan, key))
    if parsed is None:
        return None, findings
    reserved = reserved_blocks(request.gateway, exclude_request_id=request.pk)
    return parsed, findings + validate_plan(parsed, reserved=reserved)
