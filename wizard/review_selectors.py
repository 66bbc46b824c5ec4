"""Reads for staff review: the queue, what other requests claim on a gateway, quota, and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from wizard.choices import GatewayFlavor, RequestStatus, Scenario
from wizard.models import AuditEvent, ConnectionRequest
from wizard.network import Finding, Plan, parse_plan, validate_plan
from wizard.network.crypto import weaknesses
from wizard.selectors import CLAIMING_STATUSES, claiming_requests, gateway_claims, reserved_blocks

# Connection groups a gateway of each flavor supports (cloud-vpn-rules.md §2.2).
CONNECTION_GROUP_LIMITS = {
    GatewayFlavor.BASIC: 10,
    GatewayFlavor.PROFESSIONAL1: 100,
    GatewayFlavor.PROFESSIONAL2: 100,
}

QUEUE_PAGE_SIZE = 50


def review_queue(
    *, scenario: str = "", team_id: int | None = None, gateway_id: int | None = None, search: str = ""
) -> QuerySet[ConnectionRequest]:
    """Requests waiting for review, oldest submission first, filtered as asked."""
    queryset = (
        ConnectionRequest.objects.filter(status=RequestStatus.PENDING_REVIEW)
        .select_related("owner", "team", "gateway")
        .order_by("submitted_at", "pk")
    )
    if scenario:
        queryset = queryset.filter(scenario=scenario)
    if team_id is not None:
        queryset = queryset.filter(team_id=team_id)
    if gateway_id is not None:
        queryset = queryset.filter(gateway_id=gateway_id)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(sites__name__icontains=search)).distinct()
    return queryset


def request_plan(request: ConnectionRequest) -> tuple[Plan | None, list[Finding]]:
    """The request's plan as the network rules see it, with its decrypted key (never shown, only checked)."""
    return parse_plan({**request.plan, "psk": request.psk})


@dataclass(frozen=True)
class FindingCounts:
    errors: int
    warnings: int


def finding_counts(requests: Sequence[ConnectionRequest]) -> dict[int, FindingCounts]:
    """Errors and warnings of each request, checked against its gateway's reservations (two queries)."""
    claims = gateway_claims({request.gateway_id for request in requests if request.gateway_id is not None})
    counts: dict[int, FindingCounts] = {}
    for request in requests:
        held = claims.get(request.gateway_id, []) if request.gateway_id is not None else []
        reserved = [block for owner, block in held if owner != request.pk]
        plan, findings = request_plan(request)
        if plan is not None:
            findings = findings + validate_plan(plan, reserved=reserved)
        errors = sum(1 for finding in findings if finding.severity == "error")
        counts[request.pk] = FindingCounts(errors=errors, warnings=len(findings) - errors)
    return counts


def connection_groups(plan: Plan) -> int:
    """Connection groups the plan takes on its gateway: one per customer gateway IP (cloud-vpn-rules §2.1).

    Cross-region, the peer gateway's two IPs are this gateway's two customer gateways.
    """
    if plan.scenario == Scenario.CROSS_REGION:
        return 2
    return sum(len(set(site.gateway_ips)) for site in plan.sites)


@dataclass(frozen=True)
class QuotaImpact:
    flavor: str
    limit: int
    used: int
    requested: int

    @property
    def after(self) -> int:
        return self.used + self.requested

    @property
    def exceeded(self) -> bool:
        return self.after > self.limit


def quota_impact(request: ConnectionRequest, plan: Plan) -> QuotaImpact | None:
    """Connection groups other requests hold on the gateway, this plan's, and the flavor's limit."""
    if request.gateway_id is not None:
        flavor = request.gateway.flavor
        others = claiming_requests([request.gateway_id]).exclude(pk=request.pk).prefetch_related(None)
        used = 0
        for other in others:
            other_plan, _ = parse_plan({**other.plan, "psk": ""})
            used += connection_groups(other_plan) if other_plan is not None else 0
    elif plan.gateways:
        flavor, used = plan.gateways[0].flavor, 0
    else:
        return None
    limit = CONNECTION_GROUP_LIMITS.get(flavor, CONNECTION_GROUP_LIMITS[GatewayFlavor.BASIC])
    return QuotaImpact(flavor=flavor, limit=limit, used=used, requested=connection_groups(plan))


@dataclass(frozen=True)
class WeakCrypto:
    path: str
    value: str
    reason: str


def weak_crypto(plan: Plan) -> list[WeakCrypto]:
    return [WeakCrypto(path, value, reason) for path, value, reason in weaknesses(plan.ike, plan.ipsec)]


def gateway_neighbours(request: ConnectionRequest) -> QuerySet[ConnectionRequest]:
    """Other requests holding blocks on the same gateway, for the reviewer to compare against."""
    if request.gateway_id is None:
        return ConnectionRequest.objects.none()
    return (
        ConnectionRequest.objects.filter(gateway_id=request.gateway_id, status__in=CLAIMING_STATUSES)
        .exclude(pk=request.pk)
        .select_related("team", "owner")
        .order_by("submitted_at", "pk")
    )


def audit_events_for(request: ConnectionRequest) -> QuerySet[AuditEvent]:
    """The request's audit trail, newest first, with actors in the same query."""
    return AuditEvent.objects.filter(request=request).select_related("actor").order_by("-created_at", "-pk")


def waiting_for(request: ConnectionRequest) -> timedelta:
    return timezone.now() - (request.submitted_at or request.created_at)


@dataclass(frozen=True)
class ReviewReport:
    """Everything a reviewer weighs: the plan, every finding, conflicts, weak crypto and quota impact."""

    plan: Plan | None
    findings: list[Finding]
    conflicts: list[Finding]
    weak_crypto: list[WeakCrypto]
    quota: QuotaImpact | None

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def review_report(request: ConnectionRequest) -> ReviewReport:
    plan, findings = request_plan(request)
    if plan is None:
        return ReviewReport(plan=None, findings=findings, conflicts=[], weak_crypto=[], quota=None)
    alone = validate_plan(plan)
    reserved = reserved_blocks(request.gateway_id, exclude_request_id=request.pk)
    together = validate_plan(plan, reserved=reserved)
    # A conflict is whatever the other requests on the gateway add to the plan's own findings.
    conflicts = [finding for finding in together if finding not in alone]
    return ReviewReport(
        plan=plan,
        findings=findings + together,
        conflicts=conflicts,
        weak_crypto=weak_crypto(plan),
        quota=quota_impact(request, plan),
    )
