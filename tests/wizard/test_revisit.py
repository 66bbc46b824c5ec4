"""Going back to a step shows its findings again, wherever the draft had got to (sent back included)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.wizard.conftest import cloud_data
from tests.wizard.test_submit import ready_draft
from wizard.models import ConnectionRequest, Team
from wizard.services.review import request_send_back


def _plant_overlap(draft: ConnectionRequest) -> None:
    plan = draft.plan
    plan["sites"][0]["subnets"] = ["192.168.5.0/24"]  # inside the VPC's 192.168.0.0/16
    ConnectionRequest.objects.filter(pk=draft.pk).update(plan=plan)


def _field_block(body: str, name: str) -> str:
    match = re.search(rf'<div id="live-{name}">(.*?)</div>\s*(?:<div id="live-|</div>)', body, re.S)
    assert match, f"no block for {name}"
    return match.group(1)


@pytest.mark.parametrize("furthest", ["routing", "security", "review", "sent back"])
def test_an_earlier_step_shows_its_findings_next_to_the_field(
    client_in: Client, team: Team, user: Any, furthest: str
) -> None:
    draft = ready_draft(client_in, team)
    if furthest == "sent back":
        client_in.post(reverse("wizard:review", args=[draft.pk]))
        reviewer = get_user_model().objects.create_user("rita", is_staff=True)
        request_send_back(request_id=draft.pk, reviewer=reviewer, comments="Check the subnets.")
    else:
        ConnectionRequest.objects.filter(pk=draft.pk).update(current_step=furthest)
    draft.refresh_from_db()
    _plant_overlap(draft)

    body = client_in.get(reverse("wizard:step", args=[draft.pk, "customer"])).content.decode()
    block = _field_block(body, "site-0-subnets")
    assert 'class="field__errors"' in block and "192.168.5.0/24" in block


def test_the_furthest_step_waits_for_its_first_post(client_in: Client, team: Team) -> None:
    draft = ready_draft(client_in, team)
    ConnectionRequest.objects.filter(pk=draft.pk).update(current_step="customer")
    _plant_overlap(draft)
    body = client_in.get(reverse("wizard:step", args=[draft.pk, "customer"])).content.decode()
    assert 'class="field__errors"' not in _field_block(body, "site-0-subnets")


def test_a_sent_back_request_resumes_at_review(client_in: Client, team: Team) -> None:
    draft = ready_draft(client_in, team)
    client_in.post(reverse("wizard:review", args=[draft.pk]))
    reviewer = get_user_model().objects.create_user("rita", is_staff=True)
    request_send_back(request_id=draft.pk, reviewer=reviewer, comments="Rename it.")
    response = client_in.get(reverse("wizard:resume", args=[draft.pk]))
    assert response["Location"] == reverse("wizard:review", args=[draft.pk])
    # Every step stays reachable from the progress bar, and saving a step keeps it so.
    cloud = reverse("wizard:step", args=[draft.pk, "cloud"])
    body = client_in.get(cloud).content.decode()
    assert f'<a href="{reverse("wizard:step", args=[draft.pk, "security"])}">Security</a>' in body
    client_in.post(cloud, cloud_data(team) | {"save": ""})
    assert ConnectionRequest.objects.get(pk=draft.pk).current_step == "review"
