"""Status changes are conditional updates: one winner, a clear refusal for the loser, an audit event each."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from wizard.choices import RequestStatus, Scenario
from wizard.models import AuditEvent, ConnectionRequest, Team
from wizard.services.transitions import TransitionRefused, request_transition

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def pending():
    user = get_user_model().objects.create_user("carol", password="x-long-password-1")
    team = Team.objects.create(name="Ops")
    return ConnectionRequest.objects.create(
        team=team, owner=user, name="fra", scenario=Scenario.HYBRID_CLOUD, status=RequestStatus.PENDING_REVIEW
    )


def test_first_decision_wins_and_the_second_is_refused(pending):
    request_transition(
        request_id=pending.pk, to=RequestStatus.APPROVED, from_statuses=[RequestStatus.PENDING_REVIEW]
    )
    with pytest.raises(TransitionRefused, match="is now approved; it cannot become rejected"):
        request_transition(
            request_id=pending.pk, to=RequestStatus.REJECTED, from_statuses=[RequestStatus.PENDING_REVIEW]
        )
    assert ConnectionRequest.objects.get(pk=pending.pk).status == RequestStatus.APPROVED
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["status.approved"]


def test_a_transition_outside_the_life_cycle_is_refused(pending):
    with pytest.raises(TransitionRefused):
        request_transition(
            request_id=pending.pk, to=RequestStatus.ACTIVE, from_statuses=[RequestStatus.PENDING_REVIEW]
        )
