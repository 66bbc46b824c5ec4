"""Submitting a draft: reviewers are mailed once it is committed; a blocked submission mails nobody."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.wizard.conftest import cloud_data, routing_data, security_data, site_data
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, Team


def ready_draft(client: Client, team: Team, **site: str) -> ConnectionRequest:
    """A hybrid-cloud draft taken through every step by plain form posts, now on its review step."""
    client.post(reverse("wizard:new", args=["hybrid_cloud"]), cloud_data(team))
    draft = ConnectionRequest.objects.latest("pk")
    for step, data in (
        ("customer", site_data(0, **site)),
        ("routing", routing_data()),
        ("security", security_data()),
    ):
        client.post(reverse("wizard:step", args=[draft.pk, step]), data)
    return draft


def test_submission_mails_every_reviewer_after_commit(
    client_in: Client, team: Team, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    get_user_model().objects.create_user("rita", email="rita@example.com", is_staff=True)
    draft = ready_draft(client_in, team)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_in.post(reverse("wizard:review", args=[draft.pk]))
    assert response.status_code == 302
    assert mail.outbox == []  # nothing leaves before the submission is committed
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["rita@example.com"]]
    assert f"http://testserver/review/{draft.pk}/" in mail.outbox[0].body
    assert ConnectionRequest.objects.get(pk=draft.pk).status == RequestStatus.PENDING_REVIEW


def test_blocked_submission_mails_nobody(
    client_in: Client, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    get_user_model().objects.create_user("rita", email="rita@example.com", is_staff=True)
    draft = ready_draft(client_in, team, subnets="192.168.5.0/24")  # inside the VPC: an error
    with django_capture_on_commit_callbacks(execute=True):
        response = client_in.post(reverse("wizard:review", args=[draft.pk]))
    assert response.status_code == 422
    assert mail.outbox == []
