"""What a draft stores: any typed text except NUL characters, which no database column can hold."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from wizard.choices import Scenario
from wizard.models import ConnectionRequest, Team
from wizard.services.drafts import draft_create, draft_update

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_nul_characters_are_dropped_from_the_stored_plan_and_everything_else_is_kept():
    owner = get_user_model().objects.create_user("gina", password="x-long-password-1")
    team = Team.objects.create(name="Ops")
    draft = draft_create(
        owner=owner,
        team=team,
        scenario=Scenario.HYBRID_CLOUD,
        plan={"name": "fra\x00-dc", "psk": "never-stored", "gateways": [{"region": "eu-de\x00"}]},
        current_step="cloud",
    )
    draft_update(
        draft=draft,
        plan={**draft.plan, "sites": [{"name": "Ber\x00lin", "subnets": ["10.1.0.0/16\x00", "not a cidr"]}]},
        current_step="customer",
    )
    stored = ConnectionRequest.objects.get(pk=draft.pk)
    assert stored.name == "fra-dc"
    assert stored.plan["gateways"] == [{"region": "eu-de"}]
    assert stored.plan["sites"] == [{"name": "Berlin", "subnets": ["10.1.0.0/16", "not a cidr"]}]
    assert "psk" not in stored.plan
