"""Device configurations of a request: rendered from its plan and stored, one row per generated file.

Generation is idempotent: the same plan, tunnels and hub give the same files (the header's time is when
provisioning started), an unchanged file keeps its row and checksum, and a changed one is flagged
`changed` until the team downloads it again. A hub branch also routes the branches of the other requests
connected to the same hub, so when a branch joins or leaves, every other branch's configs are regenerated and
their teams are told what changed. Each such change is recorded (HubChange) before its refresh is sent and
marked done by the refresh, so the reconciler sends again a refresh the broker lost.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, timedelta

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from wizard.choices import RequestStatus, Scenario
from wizard.models import ConnectionRequest, DeviceConfig, Gateway, HubChange, Team
from wizard.network import Plan, parse_plan
from wizard.network.tunnels import ResolvedTunnel
from wizard.rendering.engine import render_all
from wizard.rendering.errors import ConfigError
from wizard.selectors import as_resolved
from wizard.services.audit import audit_record

logger = logging.getLogger(__name__)

CONFIGS_QUEUE = "configs"
GENERATE_TASK = "wizard.generate_configs"
HUB_REFRESH_TASK = "wizard.refresh_hub_configs"
# A hub refresh's time limit: one sent longer ago than this (plus the requeue delay) and not done was lost.
HUB_REFRESH_TIME_LIMIT = 600


class GenerationRefused(Exception):
    """Configurations cannot be generated for the request now; the message says why."""


def request_plan(request: ConnectionRequest) -> Plan:
    """The request's plan with its pre-shared key and the gateway IPs known so far.

    Raises ConfigError when the stored plan is not a complete plan (its first finding says why).
    """
    plan, findings = parse_plan({**request.plan, "psk": request.psk})
    if plan is None:
        first = findings[0] if findings else None
        raise ConfigError(
            f"The stored plan is incomplete: {first.message if first else 'it could not be read'}",
            path=first.path if first else "",
        )
    known = {
        (gateway.region, gateway.name): tuple(gateway.ip_addresses)
        for gateway in Gateway.objects.filter(
            team_id=request.team_id, name__in=[gateway.name for gateway in plan.gateways]
        )
        if gateway.ip_addresses
    }
    gateways = tuple(
        replace(gateway, ip_addresses=known.get((gateway.region, gateway.name), gateway.ip_addresses))
        for gateway in plan.gateways
    )
    return replace(plan, gateways=gateways)


def stored_tunnels(request: ConnectionRequest) -> tuple[ResolvedTunnel, ...]:
    """The request's tunnels as recorded (addresses final once provisioning assigned them)."""
    return tuple(as_resolved(tunnel) for tunnel in request.tunnels.order_by("pk"))


def checksum(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


# -- the hub -----------------------------------------------------------------------------------------------


def hub_branch_requests(gateway_id: int) -> QuerySet[ConnectionRequest]:
    """Branch requests connected to a hub: active, or provisioned up to their configs (the last step).

    A branch counts from the moment its connections exist and its configs were generated, so the other
    branches can route to it as soon as it can carry traffic.
    """
    generated = Exists(DeviceConfig.objects.filter(request=OuterRef("pk")))
    return ConnectionRequest.objects.filter(gateway_id=gateway_id, scenario=Scenario.BRANCH_HUB).filter(
        Q(status=RequestStatus.ACTIVE) | Q(generated, status=RequestStatus.PROVISIONING)
    )


def _plan_subnets(plan: object) -> list[str]:
    sites = plan.get("sites") if isinstance(plan, dict) else None
    return [
        cidr
        for site in (sites if isinstance(sites, list) else [])
        if isinstance(site, dict) and isinstance(site.get("subnets"), list)
        for cidr in site["subnets"]
        if isinstance(cidr, str)
    ]


def other_branch_subnets(request: ConnectionRequest) -> list[str]:
    """Subnets of the branches that other requests connected to the same hub (none outside a hub)."""
    if request.scenario != Scenario.BRANCH_HUB or request.gateway_id is None:
        return []
    others = hub_branch_requests(request.gateway_id).exclude(pk=request.pk).order_by("pk").only("plan")
    return [cidr for other in others for cidr in _plan_subnets(other.plan)]


# -- generation --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    """What one generation stored: every file, which of them changed, and whether they are the first."""

    configs: list[DeviceConfig]
    changed: list[str]
    first: bool


def _generate(
    request_id: int,
    *,
    on_change: Callable[[ConnectionRequest, list[str]], None] | None = None,
    other_branches: Sequence[str] | None = None,
) -> Generation:
    """Render and store; `on_change(request, changed filenames)` runs in the same transaction.

    `other_branches` (default: read from the hub) lets a hub refresh read every branch only once.
    """
    with transaction.atomic():
        # One generation of a request at a time: the provisioning worker, a hub refresh and a user's button
        # may ask at once.
        request = ConnectionRequest.objects.select_for_update().get(pk=request_id)
        plan = request_plan(request)
        started = request.provisioning_started_at or request.created_at
        rendered = render_all(
            plan,
            generated_at=started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            tunnels=stored_tunnels(request) or None,
            other_branches=other_branch_subnets(request) if other_branches is None else other_branches,
        )
        previous = {config.filename: config for config in DeviceConfig.objects.filter(request=request)}
        stored: list[DeviceConfig] = []
        changed: list[str] = []
        now = timezone.now()
        for item in rendered:
            digest = checksum(item.text)
            config = previous.get(item.filename)
            if config is not None and config.checksum == digest:
                stored.append(config)
                continue
            # Changed until the team downloads it; back to unchanged if it returns to what they have.
            was_changed = config is not None and (config.changed or config.content != item.text)
            downloaded = config.downloaded_content if config is not None else ""
            config, _ = DeviceConfig.objects.update_or_create(
                request=request,
                filename=item.filename,
                defaults={
                    "peer": item.device,
                    "platform": item.platform,
                    "content": item.text,
                    "checksum": digest,
                    "generated_at": now,
                    "changed": was_changed and downloaded != item.text,
                },
            )
            stored.append(config)
            if item.filename in previous:
                changed.append(item.filename)
        # Files the plan no longer produces (a site renamed, a platform changed) must not be offered.
        stale = set(previous) - {item.filename for item in rendered}
        DeviceConfig.objects.filter(request=request, filename__in=stale).delete()
        if changed and on_change is not None:
            on_change(request, changed)
    return Generation(configs=stored, changed=changed, first=not previous)


def generate_request_configs(request_id: int) -> list[DeviceConfig]:
    """Render every device file of the request and store it (safe to run again: see the module doc).

    When these are the request's first configs and it is a branch of a hub with other branches, the
    other branches' configs are regenerated by a task (they now route to this branch too).
    """
    generation = _generate(request_id)
    if generation.first:
        request = ConnectionRequest.objects.only("scenario", "gateway_id").get(pk=request_id)
        if request.scenario == Scenario.BRANCH_HUB and request.gateway_id is not None:
            hub_refresh_request(gateway_id=request.gateway_id, request_id=request_id)
    return generation.configs


def _send(task: str, args: list[int]) -> bool:
    """Hand the task to the broker; False (and a warning) when the broker is unreachable."""
    try:
        current_app.send_task(
            task,
            args=args,
            queue=CONFIGS_QUEUE,
            ignore_result=True,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        )
    except OperationalError:
        logger.warning("Broker unreachable; %s%s not sent", task, tuple(args))
        return False
    return True


def configs_generation_request(
    *, request_id: int, actor: AbstractBaseUser, http_request: HttpRequest | None = None
) -> None:
    """Queue a fresh generation of the request's configs for its owner or staff."""
    request = ConnectionRequest.objects.get(pk=request_id)
    # Generating renders every device of the request: the requester and staff may ask, not every member.
    if not (actor.is_staff or request.owner_id == actor.pk):
        raise PermissionDenied("Only the requester or staff can regenerate the configurations.")
    # Configurations hold real gateway IPs and tunnel addresses only once provisioning finished.
    if request.status != RequestStatus.ACTIVE:
        raise GenerationRefused(
            f"Configurations are generated once the request is active; it is {request.get_status_display()}."
        )
    with transaction.atomic():
        audit_record(
            action="configs.generation_requested", request=request, actor=actor, http_request=http_request
        )
        transaction.on_commit(lambda: _send(GENERATE_TASK, [request_id]))


# -- downloads ---------------------------------------------------------------------------------------------


def configs_record_download(
    *,
    request: ConnectionRequest,
    configs: Sequence[DeviceConfig],
    actor: AbstractBaseUser,
    http_request: HttpRequest | None,
    archive: str = "",
) -> None:
    """Record who downloaded which files from where; a team member's download becomes the diff's baseline."""
    with transaction.atomic():
        audit_record(
            action="configs.downloaded",
            request=request,
            actor=actor,
            http_request=http_request,
            detail={
                "files": [config.filename for config in configs],
                **({"archive": archive} if archive else {}),
            },
        )
        # Staff downloading to help does not mean the team has the new version.
        if request.team.members.filter(pk=actor.pk).exists():
            for config in configs:
                DeviceConfig.objects.filter(pk=config.pk, checksum=config.checksum).update(
                    downloaded_content=config.content, changed=False
                )


# -- hub changes -------------------------------------------------------------------------------------------


def hub_refresh_request(*, gateway_id: int, request_id: int) -> None:
    """Record that branch request `request_id` joined or left the hub, and send the refresh on commit.

    Nothing to do while the hub has no other branch. The record outlives a lost message: the reconciler
    sends the refresh again until the refresh marks it done.
    """
    if not hub_branch_requests(gateway_id).exclude(pk=request_id).exists():
        return
    change = HubChange.objects.create(gateway_id=gateway_id, request_id=request_id)
    transaction.on_commit(lambda: _send_hub_refresh([change.pk], gateway_id, request_id))


def _send_hub_refresh(change_ids: list[int], gateway_id: int, request_id: int) -> None:
    if _send(HUB_REFRESH_TASK, [gateway_id, request_id]):
        HubChange.objects.filter(pk__in=change_ids).update(sent_at=timezone.now())


def hub_refresh_reconcile() -> list[int]:
    """Send again every hub refresh never handed to the broker, or handed on but never done since.

    Safe at any time: a refresh regenerates what the hub is now, and one that changes nothing says nothing.
    Returns the ids of the changes sent again.
    """
    now = timezone.now()
    unsent = now - timedelta(seconds=settings.PROVISIONING_REQUEUE_SECONDS)
    lost = unsent - timedelta(seconds=HUB_REFRESH_TIME_LIMIT)
    pending = HubChange.objects.filter(done_at__isnull=True).filter(
        Q(sent_at__isnull=True, created_at__lt=unsent) | Q(sent_at__lt=lost)
    )
    groups: dict[tuple[int, int], list[int]] = {}
    for change_id, gateway_id, request_id in pending.values_list("pk", "gateway_id", "request_id"):
        groups.setdefault((gateway_id, request_id), []).append(change_id)
    for (gateway_id, request_id), change_ids in groups.items():
        _send_hub_refresh(change_ids, gateway_id, request_id)
    resent = sorted(change_id for change_ids in groups.values() for change_id in change_ids)
    if resent:
        audit_record(action="configs.hub_refresh_resent", detail={"hub_changes": resent})
    return resent


def hub_configs_refresh(*, gateway_id: int, changed_request_id: int) -> list[int]:
    """Regenerate every other branch request of the hub after `changed_request_id` joined or left it.

    Whether it joined or left is what the hub is now: a branch still connected joined, any other left.
    Each request whose files changed gets an audit event and a mail to its team; returns their ids. Marks
    the recorded changes of that branch done.
    """
    started = timezone.now()
    changed = ConnectionRequest.objects.filter(pk=changed_request_id).only("name", "plan").first()
    sites = changed.plan.get("sites") if changed is not None and isinstance(changed.plan, dict) else None
    branches = (
        [site.get("name", "?") for site in sites if isinstance(site, dict)] if isinstance(sites, list) else []
    )
    label = changed.name if changed is not None else f"#{changed_request_id}"
    left = not hub_branch_requests(gateway_id).filter(pk=changed_request_id).exists()
    reason = f"branch {', '.join(branches)} (request {label}) {'left' if left else 'joined'} the hub"
    key = "left_request" if left else "joined_request"

    def announce(request: ConnectionRequest, files: list[str]) -> None:
        audit_record(
            action="configs.hub_changed",
            request=request,
            detail={key: changed_request_id, "branches": branches, "files": files},
        )
        notify_configs_changed(request=request, files=files, reason=reason, left=left)

    # Every branch's subnets read once: a 1,000-branch hub must not read 1,000 plans per branch.
    members = {
        member.pk: _plan_subnets(member.plan)
        for member in hub_branch_requests(gateway_id).order_by("pk").only("plan")
    }
    notified = []
    for other_id in members:
        if other_id == changed_request_id:
            continue
        others = [cidr for member_id, subnets in members.items() if member_id != other_id for cidr in subnets]
        try:
            generation = _generate(other_id, on_change=announce, other_branches=others)
        except ConfigError:
            # One branch whose plan no longer renders must not keep the others from their update.
            logger.exception("Configs of request %s could not be regenerated after a hub change", other_id)
            continue
        if generation.changed:
            notified.append(other_id)
    HubChange.objects.filter(
        gateway_id=gateway_id, request_id=changed_request_id, done_at__isnull=True, created_at__lte=started
    ).update(done_at=timezone.now())
    return notified


def notify_configs_changed(
    *, request: ConnectionRequest, files: Sequence[str], reason: str, left: bool = False
) -> None:
    """Mail every team member (one mail each) that these files of the request changed, and why."""
    team = Team.objects.get(pk=request.team_id)
    recipients = sorted(
        set(team.members.filter(is_active=True).exclude(email="").values_list("email", flat=True))
    )
    if not recipients:
        return
    context = {
        "request": request,
        "files": files,
        "reason": reason,
        "left": left,
        "link": reverse("wizard:request_detail", args=[request.pk]),
    }
    subject = f"Device configurations changed: {request.name} (#{request.pk})"
    body = render_to_string("configs/email/hub_changed.txt", context)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
