"""The admin lists every model usefully and never shows a secret; audit events cannot be changed there."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from tests.review.conftest import PSK
from wizard.models import AuditEvent, DeviceConfig, Tunnel
from wizard.services.audit import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_data(client, superuser, make_request, gateway):
    request = make_request(gateway=gateway)
    Tunnel.objects.create(
        request=request,
        peer="Berlin",
        connection=1,
        customer_ip="203.0.113.10",
        local_address="169.254.70.1/30",
        peer_address="169.254.70.2/30",
    )
    DeviceConfig.objects.create(
        request=request,
        peer="Berlin",
        platform="strongswan",
        filename="berlin.swanctl.conf",
        content=f"secret = {PSK}",
        downloaded_content=f"secret = {PSK}",
        checksum="0" * 64,
        generated_at=timezone.now(),
    )
    audit_record(action="config.download", request=request, actor=superuser)
    client.force_login(superuser)
    return client, request


def test_every_model_of_the_app_is_registered():
    models = set(apps.get_app_config("wizard").get_models())
    assert models <= set(admin.site._registry)


def test_every_list_and_object_page_renders_without_the_key(admin_client_with_data):
    client, _ = admin_client_with_data
    for model in apps.get_app_config("wizard").get_models():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = client.get(changelist, {"q": "Berlin"})
        assert response.status_code == 200, changelist
        assert PSK not in response.content.decode()
        for obj in model.objects.all()[:3]:
            page = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            response = client.get(page)
            assert response.status_code == 200, page
            body = response.content.decode()
            assert PSK not in body, page
            assert obj.__class__.__name__ != "ConnectionRequest" or "psk_ciphertext" not in body


def test_the_request_page_shows_its_audit_trail(admin_client_with_data):
    client, request = admin_client_with_data
    body = client.get(reverse("admin:wizard_connectionrequest_change", args=[request.pk])).content.decode()
    assert "config.download" in body


def test_audit_events_cannot_be_changed_or_deleted_in_the_admin(admin_client_with_data):
    client, _ = admin_client_with_data
    event = AuditEvent.objects.get()
    change = reverse("admin:wizard_auditevent_change", args=[event.pk])
    client.post(change, {"action": "forged"})
    assert (
        client.post(reverse("admin:wizard_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.get().action == "config.download"
    assert client.get(reverse("admin:wizard_auditevent_add")).status_code == 403
