"""Review decisions: approve starts provisioning, reject and send back need words, four eyes, emails."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from tests.review.conftest import PSK
from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest
from wizard.services.notifications import notify_request_submitted
from wizard.services.provisioning import PROVISION_TASK
from wizard.services.review import ReviewRefused, request_approve, request_reject, request_send_back

pytestmark = pytest.mark.django_db


def test_approve_records_the_reviewer_and_starts_provisioning_after_commit(
    make_request, reviewer, sent_tasks, django_capture_on_commit_callbacks
):
    pending = make_request()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approved = request_approve(request_id=pending.pk, reviewer=reviewer, comment="  fine  ")
    assert sent_tasks == []  # nothing leaves before the approval is committed
    for callback in callbacks:
        callback()
    assert sent_tasks == [(PROVISION_TASK, pending.pk)]
    assert approved.status == RequestStatus.APPROVED
    assert approved.reviewed_by == reviewer
    assert approved.reviewed_at is not None
    assert approved.review_comment == "fine"


def test_a_reviewer_cannot_approve_their_own_request(make_request, reviewer):
    own = make_request(owner=reviewer)
    with pytest.raises(ReviewRefused, match="cannot approve your own request"):
        request_approve(request_id=own.pk, reviewer=reviewer)
    assert ConnectionRequest.objects.get(pk=own.pk).status == RequestStatus.PENDING_REVIEW


@override_settings(REVIEW_ALLOW_SELF_APPROVAL=True)
def test_the_setting_allows_self_approval(make_request, reviewer, sent_tasks):
    own = make_request(owner=reviewer)
    assert request_approve(request_id=own.pk, reviewer=reviewer).status == RequestStatus.APPROVED


def test_only_staff_decide(make_request, member, outsider):
    pending = make_request()
    for user in (member, outsider):
        with pytest.raises(ReviewRefused, match="Only staff"):
            request_reject(request_id=pending.pk, reviewer=user, reason="no")
    assert ConnectionRequest.objects.get(pk=pending.pk).status == RequestStatus.PENDING_REVIEW


def test_reject_needs_a_reason_and_keeps_it_for_the_requester(make_request, reviewer):
    pending = make_request()
    with pytest.raises(ReviewRefused, match="Give a reason"):
        request_reject(request_id=pending.pk, reviewer=reviewer, reason="   ")
    rejected = request_reject(request_id=pending.pk, reviewer=reviewer, reason="Overlaps the Munich branch.")
    assert rejected.status == RequestStatus.REJECTED
    assert rejected.review_comment == "Overlaps the Munich branch."


def test_send_back_returns_the_request_to_draft_with_the_comments(make_request, reviewer):
    pending = make_request()
    with pytest.raises(ReviewRefused, match="Say what has to change"):
        request_send_back(request_id=pending.pk, reviewer=reviewer, comments="")
    draft = request_send_back(request_id=pending.pk, reviewer=reviewer, comments="Use AES-GCM.")
    assert draft.status == RequestStatus.DRAFT
    assert draft.review_comment == "Use AES-GCM."


def test_the_second_decision_is_refused_with_a_clear_message(make_request, reviewer, second_reviewer):
    pending = make_request()
    request_reject(request_id=pending.pk, reviewer=reviewer, reason="Duplicate of #1.")
    with pytest.raises(ReviewRefused, match="Another decision was taken first.*is now rejected"):
        request_approve(request_id=pending.pk, reviewer=second_reviewer)
    assert AuditEvent.objects.filter(request=pending).count() == 1


def test_a_draft_cannot_be_decided(make_request, reviewer):
    draft = make_request(status=RequestStatus.DRAFT)
    with pytest.raises(ReviewRefused, match="is now draft"):
        request_reject(request_id=draft.pk, reviewer=reviewer, reason="no")


def test_every_decision_is_audited_with_actor_address_and_words(make_request, reviewer, rf):
    http_request = rf.post("/", REMOTE_ADDR="192.0.2.44")
    pending = make_request()
    request_send_back(
        request_id=pending.pk, reviewer=reviewer, comments="Fix the subnet.", http_request=http_request
    )
    event = AuditEvent.objects.get(request=pending)
    assert event.action == "status.draft"
    assert event.actor == reviewer
    assert event.source_address == "192.0.2.44"
    assert event.created_at is not None
    assert event.detail == {"from": "pending_review", "decision": "send_back", "comment": "Fix the subnet."}


@pytest.mark.parametrize(
    ("decide", "subject", "words"),
    [
        (
            lambda pk, who: request_reject(request_id=pk, reviewer=who, reason="Overlap."),
            "was rejected",
            "Overlap.",
        ),
        (
            lambda pk, who: request_send_back(request_id=pk, reviewer=who, comments="Use BGP."),
            "was sent back for changes",
            "Use BGP.",
        ),
        (lambda pk, who: request_approve(request_id=pk, reviewer=who), "was approved", "Provisioning starts"),
    ],
)
def test_the_requester_is_mailed_the_decision(
    make_request, member, reviewer, sent_tasks, django_capture_on_commit_callbacks, decide, subject, words
):
    pending = make_request()
    with django_capture_on_commit_callbacks(execute=True):
        decide(pending.pk, reviewer)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert subject in message.subject
    assert words in message.body
    assert "rita" in message.body
    assert f"/requests/{pending.pk}/" in message.body


def test_no_mail_leaves_when_the_decision_is_refused(
    make_request, reviewer, django_capture_on_commit_callbacks
):
    own = make_request(owner=reviewer)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ReviewRefused):
        request_approve(request_id=own.pk, reviewer=reviewer)
    assert mail.outbox == []


def test_submission_mails_every_active_reviewer_separately(
    make_request, reviewer, second_reviewer, superuser, member, rf, django_capture_on_commit_callbacks
):
    second_reviewer.is_active = False
    second_reviewer.save()
    pending = make_request()
    with django_capture_on_commit_callbacks(execute=True):
        notify_request_submitted(request=pending, http_request=rf.get("/"))
    assert sorted(message.to[0] for message in mail.outbox) == ["rita@example.com", "root@example.com"]
    message = mail.outbox[0]
    assert all(len(sent.to) == 1 for sent in mail.outbox)
    assert f"Review needed: fra-datacenter (#{pending.pk}, Network Berlin)" == message.subject
    assert f"http://testserver/review/{pending.pk}/" in message.body
    assert PSK not in message.body
