"""A request sent back for changes: the reviewer's comments on every step until the user submits again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.wizard.test_submit import ready_draft
from wizard.choices import RequestStatus
from wizard.forms import FORM_STEPS
from wizard.models import AuditEvent, ConnectionRequest, Team
from wizard.services.review import request_send_back

COMMENT = "Use BGP, not static routes.\nAnd <b>no</b> md5."


def test_comments_show_on_every_step_until_resubmission(client_in: Client, team: Team, user: Any) -> None:
    reviewer = get_user_model().objects.create_user(
        "rita", first_name="Rita", last_name="Reviewer", is_staff=True
    )
    draft = ready_draft(client_in, team)
    assert client_in.post(reverse("wizard:review", args=[draft.pk])).status_code == 302
    request_send_back(request_id=draft.pk, reviewer=reviewer, comments=COMMENT)

    pages = [reverse("wizard:step", args=[draft.pk, step]) for step in FORM_STEPS]
    pages.append(reverse("wizard:review", args=[draft.pk]))
    for page in pages:
        body = client_in.get(page).content.decode()
        assert 'id="review-comment-title"' in body, page
        assert "Changes requested by Rita Reviewer" in body
        assert "Use BGP, not static routes.<br>And &lt;b&gt;no&lt;/b&gt; md5." in body  # escaped, lines kept
        assert body.index("review-comment-title") < body.index('aria-label="Progress"')  # at the top

    assert client_in.post(reverse("wizard:review", args=[draft.pk])).status_code == 302
    resubmitted = ConnectionRequest.objects.get(pk=draft.pk)
    assert (resubmitted.status, resubmitted.review_comment) == (RequestStatus.PENDING_REVIEW, "")
    sent_back = AuditEvent.objects.get(request=draft, action="status.draft")
    assert sent_back.detail["comment"] == COMMENT  # the audit trail keeps what was asked

    request_send_back(request_id=draft.pk, reviewer=reviewer, comments="Fine now, but rename it.")
    body = client_in.get(pages[0]).content.decode()
    assert "Fine now, but rename it." in body and "Use BGP" not in body


def test_a_draft_never_sent_back_shows_no_comment_box(client_in: Client, team: Team) -> None:
    draft = ready_draft(client_in, team)
    body = client_in.get(reverse("wizard:step", args=[draft.pk, "cloud"])).content.decode()
    assert "review-comment" not in body
