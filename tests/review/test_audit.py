"""The audit trail: every state change, decision and retry with actor, time and address; append-only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests.review.conftest import PLAN, PSK
from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest
from wizard.services.provisioning import provisioning_retry
from wizard.services.transitions import request_transition

pytestmark = pytest.mark.django_db


def client_for(user, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


def trail(request: ConnectionRequest) -> list[tuple[str, str | None, str | None]]:
    events = AuditEvent.objects.filter(request=request).order_by("created_at", "pk")
    for event in events:
        assert event.created_at is not None
    return [
        (event.action, event.actor.username if event.actor else None, event.source_address)
        for event in events
    ]


def test_submit_send_back_resubmit_approve_are_recorded(make_request, member, reviewer, sent_tasks):
    draft = make_request(status=RequestStatus.DRAFT)
    user = client_for(member, "192.0.2.10")
    staff = client_for(reviewer, "198.51.100.20")
    assert (
        user.post(reverse("wizard:review", args=[draft.pk]), {"acknowledge_warnings": "on"}).status_code
        == 302
    )
    staff.post(reverse("review:send_back", args=[draft.pk]), {"comments": "Add a second site IP."})
    user.post(reverse("wizard:review", args=[draft.pk]), {"acknowledge_warnings": "on"})
    staff.post(reverse("review:approve", args=[draft.pk]), {"comment": ""})
    assert ConnectionRequest.objects.get(pk=draft.pk).status == RequestStatus.APPROVED
    status_events = [event for event in trail(draft) if event[0].startswith("status.")]
    assert status_events == [
        ("status.pending_review", "alice", "192.0.2.10"),
        ("status.draft", "rita", "198.51.100.20"),
        ("status.pending_review", "alice", "192.0.2.10"),
        ("status.approved", "rita", "198.51.100.20"),
    ]


def test_rejection_is_recorded_with_its_reason(make_request, reviewer):
    pending = make_request()
    client_for(reviewer, "203.0.113.5").post(
        reverse("review:reject", args=[pending.pk]), {"reason": "Duplicate."}
    )
    event = AuditEvent.objects.get(request=pending)
    assert (event.action, event.actor, event.source_address) == ("status.rejected", reviewer, "203.0.113.5")
    assert event.detail["comment"] == "Duplicate."


def test_a_retry_is_recorded_with_who_asked_and_from_where(make_request, member, rf, sent_tasks):
    failed = make_request(status=RequestStatus.FAILED)
    provisioning_retry(
        request_id=failed.pk, actor=member, http_request=rf.post("/", REMOTE_ADDR="192.0.2.77")
    )
    event = AuditEvent.objects.get(request=failed)
    assert (event.action, event.actor, event.source_address) == ("status.approved", member, "192.0.2.77")
    assert event.detail["retry"] is True


def test_system_changes_are_recorded_without_an_actor(make_request):
    approved = make_request(status=RequestStatus.APPROVED)
    request_transition(
        request_id=approved.pk, to=RequestStatus.PROVISIONING, from_statuses=[RequestStatus.APPROVED]
    )
    assert trail(approved) == [("status.provisioning", None, None)]


def test_no_secret_reaches_the_trail(make_request, member, reviewer, sent_tasks):
    draft = make_request(status=RequestStatus.DRAFT)
    client_for(member, "192.0.2.10").post(
        reverse("wizard:review", args=[draft.pk]), {"acknowledge_warnings": "on"}
    )
    client_for(reviewer, "192.0.2.11").post(reverse("review:approve", args=[draft.pk]))
    assert AuditEvent.objects.filter(request=draft).exists()
    for event in AuditEvent.objects.filter(request=draft):
        assert PSK not in str(event.detail)


def test_events_are_append_only(make_request, reviewer):
    pending = make_request()
    client_for(reviewer, "192.0.2.1").post(reverse("review:reject", args=[pending.pk]), {"reason": "No."})
    event = AuditEvent.objects.get(request=pending)
    event.action = "forged"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "status.rejected"


def test_the_trail_include_lists_actor_time_and_address(make_request, reviewer):
    pending = make_request()
    staff = client_for(reviewer, "198.51.100.99")
    staff.post(reverse("review:send_back", args=[pending.pk]), {"comments": "Rename the site."})
    body = staff.get(reverse("review:detail", args=[pending.pk])).content.decode()
    trail_html = body[body.index('id="audit-trail-title"') :]
    assert "status.draft" in trail_html and "rita" in trail_html and "198.51.100.99" in trail_html
    assert "<time datetime=" in trail_html
    assert PLAN["name"] in body
