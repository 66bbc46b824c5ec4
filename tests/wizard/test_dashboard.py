"""The dashboard: where to start, each scenario's first step, and the latest requests of the user's teams."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wizard.choices import RequestStatus, Scenario
from wizard.models import ConnectionRequest, Team
from wizard.services.drafts import default_plan, draft_create
from wizard.views import RECENT_REQUESTS


def _requests(
    user: Any, team: Team, count: int, *, status: str = RequestStatus.DRAFT, prefix: str = "req"
) -> list[ConnectionRequest]:
    made = []
    for index in range(count):
        draft = draft_create(
            owner=user,
            team=team,
            scenario=Scenario.HYBRID_CLOUD,
            plan=default_plan("hybrid_cloud"),
            current_step="cloud",
        )
        ConnectionRequest.objects.filter(pk=draft.pk).update(name=f"{prefix}-{index:02d}", status=status)
        made.append(draft)
    return made


def test_start_links_and_scenario_cards_lead_into_the_wizard(client_in: Client) -> None:
    body = client_in.get(reverse("home")).content.decode()
    assert f'<a class="btn btn--primary" href="{reverse("wizard:start")}">Start a request</a>' in body
    for scenario in Scenario.values:
        assert f'href="{reverse("wizard:new", args=[scenario])}"' in body
    assert "No requests yet" in body


def test_latest_requests_with_status_in_a_fixed_number_of_queries(
    client_in: Client, team: Team, user: Any
) -> None:
    _requests(user, team, 1, status=RequestStatus.PENDING_REVIEW, prefix="oldest")
    with CaptureQueriesContext(connection) as few:
        client_in.get(reverse("home"))
    made = _requests(user, team, RECENT_REQUESTS + 3)
    with CaptureQueriesContext(connection) as many:
        response = client_in.get(reverse("home"))
    assert len(many) == len(few)
    body = response.content.decode()
    assert body.count('class="badge badge--') == RECENT_REQUESTS
    assert f'href="{reverse("wizard:resume", args=[made[-1].pk])}"' in body
    assert "oldest-00" not in body  # only the latest few; "My requests" lists them all
    assert f'href="{reverse("wizard:my_requests")}"' in body


@pytest.mark.django_db
def test_staff_see_how_many_requests_wait_for_review(client: Client, team: Team, user: Any) -> None:
    _requests(user, team, 2, status=RequestStatus.PENDING_REVIEW)
    reviewer = get_user_model().objects.create_user("rita", is_staff=True)
    client.force_login(reviewer)
    assert "2 requests wait for review" in client.get(reverse("home")).content.decode()
    client.force_login(user)
    assert "wait for review" not in client.get(reverse("home")).content.decode()
