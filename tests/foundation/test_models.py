"""Domain invariants of the foundation models."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection

from wizard.choices import RequestStatus, Scenario
from wizard.models import AuditEvent, ConnectionRequest, Team

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def request_row():
    user = get_user_model().objects.create_user("bob", password="x-long-password-1")
    team = Team.objects.create(name="Ops")
    return ConnectionRequest.objects.create(
        team=team, owner=user, name="fra-dc", scenario=Scenario.HYBRID_CLOUD
    )


def test_new_request_is_a_draft(request_row):
    assert request_row.status == RequestStatus.DRAFT


def test_pre_shared_key_is_encrypted_at_rest(request_row):
    request_row.psk = "Secret-Key-For:Test42"
    request_row.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT psk_ciphertext FROM wizard_connectionrequest WHERE id = %s", [request_row.pk])
        (stored,) = cursor.fetchone()
    assert "Secret-Key-For" not in stored
    assert ConnectionRequest.objects.get(pk=request_row.pk).psk == "Secret-Key-For:Test42"


def test_audit_events_are_append_only(request_row):
    event = AuditEvent.objects.create(
        request=request_row, action="request.created", source_address="192.0.2.7"
    )
    event.action = "tampered"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "request.created"
