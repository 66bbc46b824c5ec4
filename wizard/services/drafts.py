"""Writes of the wizard: create and save drafts step by step, import a plan, submit, delete."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from wizard.choices import Attachment, RequestStatus, RoutingMode, Scenario
from wizard.models import ConnectionRequest, Gateway, Site, Team
from wizard.network import DirectConnect, Finding, Plan, generate_psk
from wizard.network import Gateway as PlanGateway
from wizard.network import Site as PlanSite
from wizard.network.crypto import PRESETS
from wizard.selectors import check_plan
from wizard.services.audit import audit_record
from wizard.services.notifications import notify_request_submitted
from wizard.services.transitions import request_transition

FIRST_STEP = "cloud"


class DraftLocked(Exception):
    """The request is no longer a draft: it was submitted (or deleted) and cannot be edited."""

    def __init__(self, request_id: int) -> None:
        super().__init__(f"Request #{request_id} has been submitted; it can no longer be edited.")


class SubmitBlocked(Exception):
    """The plan still has errors, or warnings that were not acknowledged."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


def default_plan(scenario: str) -> dict[str, Any]:
    """A new draft's plan: the cloud's documented defaults (IKEv2, active-active), recommended policy."""
    dc_backup = scenario == Scenario.DC_BACKUP
    gateway = PlanGateway(
        name="", region="", vpc="", attachment=Attachment.ENTERPRISE_ROUTER if dc_backup else "vpc"
    )
    gateways = [gateway]
    if scenario == Scenario.CROSS_REGION:
        gateways.append(PlanGateway(name="", region="", vpc="", bgp_asn=64513))
    sites = (
        []
        if scenario == Scenario.CROSS_REGION
        else [PlanSite(name="", gateway_ips=(), platform="strongswan")]
    )
    preset = PRESETS["recommended"]
    plan = Plan(
        name="",
        scenario=scenario,
        gateways=tuple(gateways),
        sites=tuple(sites),
        psk="",
        direct_connect=DirectConnect(virtual_gateway_asn=65146, enterprise_router_asn=64800)
        if dc_backup
        else None,
        ike=preset.ike,
        ipsec=preset.ipsec,
    ).to_dict()
    plan["routing"]["mode"] = RoutingMode.BGP if dc_backup else RoutingMode.STATIC
    plan["routing"]["branch_interconnection"] = scenario == Scenario.BRANCH_HUB
    del plan["psk"]
    return plan


def _columns(plan: dict[str, Any]) -> dict[str, Any]:
    """Model columns mirrored from the plan for lists and filters."""
    routing = plan.get("routing")
    mode = routing.get("mode") if isinstance(routing, dict) else None
    name = plan.get("name")
    return {
        "name": name[:64] if isinstance(name, str) else "",
        "routing_mode": mode if mode in RoutingMode.values else RoutingMode.STATIC,
    }


def _without_nul(value: Any) -> Any:
    """NUL characters cannot be stored (PostgreSQL text and JSONB refuse them) and mean nothing in a plan."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _storable_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan as saved: never the key, never a NUL character."""
    return _without_nul({key: value for key, value in plan.items() if key != "psk"})


def draft_create(
    *,
    owner: AbstractBaseUser,
    team: Team,
    scenario: str,
    plan: dict[str, Any],
    current_step: str,
    hub: Gateway | None = None,
    psk: str = "",
    http_request: HttpRequest | None = None,
) -> ConnectionRequest:
    """A new draft; the key is kept only encrypted (``psk`` is never part of ``plan``)."""
    plan = _storable_plan(plan)
    draft = ConnectionRequest(
        team=team,
        owner=owner,
        scenario=scenario,
        gateway=hub,
        plan=plan,
        current_step=current_step,
        **_columns(plan),
    )
    draft.psk = psk or generate_psk()
    with transaction.atomic():
        draft.save()
        audit_record(
            action="draft.created",
            request=draft,
            actor=owner,
            http_request=http_request,
            detail={"scenario": scenario},
        )
    return draft


def draft_update(
    *,
    draft: ConnectionRequest,
    plan: dict[str, Any],
    current_step: str,
    team: Team | None = None,
    hub: Gateway | None | bool = False,
    psk: str | None = None,
) -> ConnectionRequest:
    """Save a step. The UPDATE only matches a draft, so a submitted request can never be changed.

    ``hub`` False leaves the hub as it is; None clears it.
    """
    plan = _storable_plan(plan)
    fields: dict[str, Any] = {"plan": plan, "current_step": current_step, "updated_at": timezone.now()}
    fields |= _columns(plan)
    if team is not None:
        fields["team"] = team
    if hub is not False:
        fields["gateway"] = hub
    if psk is not None:
        draft.psk = psk
        fields["psk_ciphertext"] = draft.psk_ciphertext
    updated = ConnectionRequest.objects.filter(pk=draft.pk, status=RequestStatus.DRAFT).update(**fields)
    if not updated:
        raise DraftLocked(draft.pk)
    for key, value in fields.items():
        setattr(draft, key, value)
    return draft


def draft_import(
    *, owner: AbstractBaseUser, team: Team, plan: Plan, http_request: HttpRequest | None = None
) -> ConnectionRequest:
    """A new draft from a plan file; a file without a key gets a generated one."""
    draft = draft_create(
        owner=owner,
        team=team,
        scenario=plan.scenario,
        plan=plan.to_dict(),
        current_step="review",
        psk=plan.psk,
        http_request=http_request,
    )
    audit_record(action="draft.imported", request=draft, actor=owner, http_request=http_request)
    return draft


def draft_submit(
    *,
    draft: ConnectionRequest,
    actor: AbstractBaseUser,
    acknowledged: bool,
    http_request: HttpRequest | None = None,
) -> ConnectionRequest:
    """Check the plan once more, move the draft to pending review and tell the reviewers (once committed).

    The hub row is locked while checking, so two branches submitted at the same instant are checked one
    after the other against each other's blocks.
    """
    with transaction.atomic():
        if draft.gateway_id is not None:
            Gateway.objects.select_for_update().filter(pk=draft.gateway_id).first()
        parsed, findings = check_plan(draft)
        errors = [finding for finding in findings if finding.severity == "error"]
        warnings = [finding for finding in findings if finding.severity == "warning"]
        if parsed is None or errors:
            raise SubmitBlocked(f"The plan has {len(errors)} error(s); fix them before submitting.", findings)
        if warnings and not acknowledged:
            raise SubmitBlocked("Confirm that you accept the warnings before submitting.", findings)
        submitted = request_transition(
            request_id=draft.pk,
            to=RequestStatus.PENDING_REVIEW,
            from_statuses=[RequestStatus.DRAFT],
            actor=actor,
            http_request=http_request,
            detail={"warnings_acknowledged": [finding.code for finding in warnings]},
            submitted_at=timezone.now(),
            current_step="",
            # A resubmission answers the reviewer's send-back comments; the audit trail keeps them.
            review_comment="",
        )
        submitted.sites.all().delete()
        Site.objects.bulk_create(
            Site(
                request=submitted,
                name=site.name,
                gateway_ips=list(site.gateway_ips),
                bgp_asn=site.bgp_asn,
                platform=site.platform,
                subnets=list(site.subnets),
                outside_interface=site.outside_interface,
                position=position,
            )
            for position, site in enumerate(parsed.sites)
        )
        notify_request_submitted(request=submitted, http_request=http_request)
    return submitted


def draft_delete(
    *, draft: ConnectionRequest, actor: AbstractBaseUser, http_request: HttpRequest | None = None
) -> None:
    """Delete a draft (never a submitted request); the audit trail keeps a record of it."""
    with transaction.atomic():
        locked = (
            ConnectionRequest.objects.select_for_update()
            .filter(pk=draft.pk, status=RequestStatus.DRAFT)
            .first()
        )
        if locked is None:
            raise DraftLocked(draft.pk)
        audit_record(
            action="draft.deleted",
            request=None,
            actor=actor,
            http_request=http_request,
            detail={"request_id": draft.pk, "name": draft.name},
        )
        locked.delete()
