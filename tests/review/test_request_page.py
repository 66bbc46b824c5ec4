"""The request page for its team: the decision and its reason, or the failure; timeline; audit trail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, Tunnel
from wizard.services import review
from wizard.services.transitions import request_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def submitted(make_request, member) -> ConnectionRequest:
    """A request submitted the way the wizard does it, so its audit trail starts with the submission."""
    draft = make_request(status=RequestStatus.DRAFT)
    return request_transition(
        request_id=draft.pk,
        to=RequestStatus.PENDING_REVIEW,
        from_statuses=[RequestStatus.DRAFT],
        actor=member,
    )


def test_rejected_request_shows_who_decided_and_why(member_client, make_request, member, reviewer, rf):
    pending = submitted(make_request, member)
    http = rf.post("/", REMOTE_ADDR="192.0.2.9")
    review.request_reject(
        request_id=pending.pk, reviewer=reviewer, reason="Duplicate of #12.\nUse that one.", http_request=http
    )
    body = member_client.get(reverse("wizard:request_detail", args=[pending.pk])).content.decode()
    assert 'id="outcome-title">Rejected by rita' in body
    assert "Duplicate of #12.<br>Use that one." in body
    assert body.index('timeline__label">Submitted for review') < body.index('timeline__label">Rejected')
    # The audit trail for the team: action, reviewer and source address.
    assert 'id="audit-trail-title"' in body and "status.rejected" in body and "192.0.2.9" in body


def test_failed_request_shows_the_failure_reason(member_client, make_request, member, reviewer, sent_tasks):
    pending = submitted(make_request, member)
    review.request_approve(request_id=pending.pk, reviewer=reviewer)
    request_transition(
        request_id=pending.pk, to=RequestStatus.PROVISIONING, from_statuses=[RequestStatus.APPROVED]
    )
    request_transition(
        request_id=pending.pk,
        to=RequestStatus.FAILED,
        from_statuses=[RequestStatus.PROVISIONING],
        failure_reason="The cloud refused the gateway: quota of VPN gateways exceeded.",
    )
    body = member_client.get(reverse("wizard:request_detail", args=[pending.pk])).content.decode()
    assert 'id="outcome-title">Provisioning failed' in body
    assert "quota of VPN gateways exceeded" in body
    labels = ["Submitted for review", "Approved", "Provisioning started", "Provisioning failed"]
    positions = [body.index(f'<span class="timeline__label">{label}') for label in labels]
    assert positions == sorted(positions)
    assert "Next: retry provisioning once the cause is fixed" in body


def test_pending_request_says_what_comes_next(member_client, make_request):
    pending = make_request()
    body = member_client.get(reverse("wizard:request_detail", args=[pending.pk])).content.decode()
    assert "Waiting for review" in body
    assert "Next: a reviewer approves, sends back or rejects it" in body
    assert "Planned tunnels" in body


def test_request_page_queries_do_not_grow_with_the_audit_trail(member_client, make_request, reviewer, rf):
    pending = make_request()
    url = reverse("wizard:request_detail", args=[pending.pk])
    with CaptureQueriesContext(connection) as few:
        member_client.get(url)
    for _ in range(10):
        review.request_send_back(request_id=pending.pk, reviewer=reviewer, comments="Again.")
        ConnectionRequest.objects.filter(pk=pending.pk).update(status=RequestStatus.PENDING_REVIEW)
    with CaptureQueriesContext(connection) as many:
        body = member_client.get(url).content.decode()
    assert body.count("status.draft") == 10
    assert len(many) == len(few)


def test_provisioned_request_draws_the_tunnels_as_built(member_client, make_request, gateway):
    active = make_request(gateway=gateway, status=RequestStatus.ACTIVE)
    for number in (1, 2):
        Tunnel.objects.create(
            request=active,
            peer="Berlin",
            connection=number,
            cloud_ip=f"198.51.100.{9 + number}",
            customer_ip="203.0.113.10",
            local_address=f"169.254.88.{4 * number - 3}/30",
            peer_address=f"169.254.88.{4 * number - 2}/30",
        )
    response = member_client.get(reverse("wizard:request_detail", args=[active.pk]))
    diagram = response.context["diagram"]
    assert "inside 169.254.88.1/30 ↔ 169.254.88.2/30" in diagram
    assert "Connection 2: 198.51.100.11 → 203.0.113.10" in diagram
    assert "Planned tunnels" not in response.content.decode()
    assert [step.label for step in response.context["timeline"]] == ["Active"]  # no audit trail to read
