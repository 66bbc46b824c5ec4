"""Reads for the wizard: a user's requests and hubs, one request with its details, a plan's findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest, DeviceConfig, Gateway, Team, Tunnel
from wizard.network import Finding, Plan, ReservedBlock, ResolvedTunnel, parse_plan, validate_plan
from wizard.network.addresses import containing_block

User = AbstractBaseUser | AnonymousUser

# Statuses whose address blocks are claimed on their gateway (DESIGN: pending, approved and active).
CLAIMING_STATUSES = (
    RequestStatus.PENDING_REVIEW,
    RequestStatus.APPROVED,
    RequestStatus.PROVISIONING,
    RequestStatus.ACTIVE,
)
TUNNEL_CLAIMS = Tunnel.objects.only("request_id", "peer", "connection", "local_address")


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

    With its team, hub and last reviewer (whose send-back comments the steps show) in the same query; the
    owner is not joined (the wizard needs only ``owner_id``).
    """
    queryset = ConnectionRequest.objects.filter(team__members=user.pk).select_related(
        "team", "gateway", "reviewed_by"
    )
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


def claiming_requests(gateway_ids: Iterable[int]) -> QuerySet[ConnectionRequest]:
    """Requests that hold address blocks on the given gateways, with their tunnels (two queries)."""
    return (
        ConnectionRequest.objects.filter(gateway_id__in=list(gateway_ids), status__in=CLAIMING_STATUSES)
        .only("pk", "name", "plan", "gateway_id", "status", "scenario")
        .prefetch_related(Prefetch("tunnels", queryset=TUNNEL_CLAIMS))
        .order_by("pk")
    )


def claims_of(request: ConnectionRequest) -> list[ReservedBlock]:
    """The blocks one live request holds on its gateway: its sites' customer subnets and its tunnels' inside
    /30s (the provisioned tunnels once they exist, else the addresses its plan sets by hand)."""
    label = f"request #{request.pk} '{request.name}'"
    plan = request.plan if isinstance(request.plan, dict) else {}
    blocks: list[ReservedBlock] = []
    sites = plan.get("sites")
    for site in sites if isinstance(sites, list) else []:
        subnets = site.get("subnets") if isinstance(site, dict) else None
        for cidr in subnets if isinstance(subnets, list) else []:
            if isinstance(cidr, str):
                blocks.append(ReservedBlock(cidr=cidr, owner=f"site '{site.get('name', '')}' ({label})"))
    provisioned = [(t.peer, t.connection, t.local_address) for t in request.tunnels.all()]
    planned = plan.get("tunnels")
    by_hand = [
        (entry.get("peer", ""), entry.get("connection", ""), entry.get("local_address"))
        for entry in (planned if isinstance(planned, list) else [])
        if isinstance(entry, dict)
    ]
    for peer, connection, address in provisioned or by_hand:
        block = containing_block(address) if isinstance(address, str) else None
        if block is not None:
            owner = f"tunnel {peer} #{connection} ({label})"
            blocks.append(ReservedBlock(cidr=block.cidr, owner=owner))
    return blocks


def gateway_claims(gateway_ids: Iterable[int]) -> dict[int, list[tuple[int, ReservedBlock]]]:
    """Per gateway, every (request id, block) its live requests hold; two queries for any number of them."""
    claims: dict[int, list[tuple[int, ReservedBlock]]] = defaultdict(list)
    for request in claiming_requests(gateway_ids):
        claims[request.gateway_id] += [(request.pk, block) for block in claims_of(request)]
    return claims


def reserved_blocks(gateway_id: int | None, *, exclude_request_id: int | None) -> list[ReservedBlock]:
    """Blocks that other pending, approved or active requests hold on the gateway (hub): customer subnets
    and tunnel inside /30s. The one source of reservations for the wizard's checks and for staff review."""
    if gateway_id is None:
        return []
    claims = gateway_claims([gateway_id]).get(gateway_id, [])
    return [block for owner, block in claims if owner != exclude_request_id]


def tunnel_addresses_in_use(gateway_id: int | None, *, exclude_request_id: int | None) -> list[str]:
    """Inside addresses other requests' tunnels already hold on the gateway (one query), so that the
    automatic /30s the wizard shows are the ones provisioning will pick."""
    if gateway_id is None:
        return []
    pairs = (
        Tunnel.objects.filter(request__gateway_id=gateway_id)
        .exclude(request_id=exclude_request_id)
        .values_list("local_address", "peer_address")
    )
    return [address for pair in pairs for address in pair if address]


def as_resolved(tunnel: Tunnel) -> ResolvedTunnel:
    """A recorded tunnel in the network rules' terms (its addresses final once provisioning assigned them)."""
    return ResolvedTunnel(
        peer=tunnel.peer,
        connection=tunnel.connection,
        cloud_ip=tunnel.cloud_ip,
        customer_ip=tunnel.customer_ip,
        local_address=tunnel.local_address,
        peer_address=tunnel.peer_address,
    )


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
    reserved = reserved_blocks(request.gateway_id, exclude_request_id=request.pk)
    return parsed, findings + validate_plan(parsed, reserved=reserved)
