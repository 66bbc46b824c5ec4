"""Every scenario through full-page posts: planted overlap shown on its step, fixed, reviewed, submitted."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.wizard.scenarios import scenario_steps
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, Team


def _post_step(client: Client, draft: ConnectionRequest, step: str, data: dict[str, str]) -> str:
    response = client.post(reverse("wizard:step", args=[draft.pk, step]), data)
    if response.status_code != 302:
        errors = re.findall(r'class="field__errors"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
        messages = re.findall(r'finding__message">(.*?)<', response.content.decode())
        pytest.fail(f"{step} did not advance: {errors} {messages}")
    return response["Location"]


@pytest.mark.parametrize("scenario", ["hybrid_cloud", "cross_region", "branch_hub", "dc_backup"])
def test_scenario_submits_after_fixing_an_overlap(client_in: Client, team: Team, scenario: str) -> None:
    steps, (planted_step, planted_field, planted_value) = scenario_steps(scenario, team)
    response = client_in.post(reverse("wizard:new", args=[scenario]), steps["cloud"])
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = ConnectionRequest.objects.get()

    wrong = steps[planted_step] | {planted_field: planted_value}
    response = client_in.post(reverse("wizard:step", args=[draft.pk, planted_step]), wrong)
    assert response.status_code == 422
    field_block = re.search(rf'id="live-{planted_field}".*?</div>\s*</div>', response.content.decode(), re.S)
    assert field_block and "field__errors" in field_block.group(0), "the overlap is shown next to its field"

    for step in ("customer", "routing", "security"):
        location = _post_step(client_in, draft, step, steps[step])
    assert location == reverse("wizard:review", args=[draft.pk])
    review = client_in.get(location)
    assert b"<svg" in review.content
    response = client_in.post(location, {"acknowledge_warnings": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.status == RequestStatus.PENDING_REVIEW
    assert draft.submitted_at is not None
