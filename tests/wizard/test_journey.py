"""The wizard through plain form posts (no JavaScript): every step saves, errors stay on their step."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tests.wizard.conftest import cloud_data, routing_data, security_data, site_data
from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest, Team


def test_hybrid_cloud_without_javascript(client_in: Client, team: Team, user: Any) -> None:
    response = client_in.post(reverse("wizard:new", args=["hybrid_cloud"]), cloud_data(team))
    draft = ConnectionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wizard:step", args=[draft.pk, "customer"])
    assert draft.status == RequestStatus.DRAFT and draft.current_step == "customer"
    assert "psk" not in draft.plan and draft.psk

    step = reverse("wizard:step", args=[draft.pk, "customer"])
    # A planted overlap: the site's subnet lies inside the VPC.
    response = client_in.post(step, site_data(0, subnets="192.168.5.0/24"))
    assert response.status_code == 422
    assert b"192.168.5.0/24" in response.content
    assert b'id="live-site-0-subnets"' in response.content
    draft.refresh_from_db()
    assert draft.plan["sites"][0]["subnets"] == ["192.168.5.0/24"]

    response = client_in.post(step, site_data(0))
    assert response.status_code == 302
    response = client_in.post(reverse("wizard:step", args=[draft.pk, "routing"]), routing_data())
    assert response.status_code == 302
    response = client_in.post(reverse("wizard:step", args=[draft.pk, "security"]), security_data())
    assert response["Location"] == reverse("wizard:review", args=[draft.pk])

    review = client_in.get(response["Location"])
    assert review.status_code == 200
    assert b"<svg" in review.content and b"Site-0" in review.content
    assert draft.psk.encode() not in review.content

    response = client_in.post(reverse("wizard:review", args=[draft.pk]), {"acknowledge_warnings": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == RequestStatus.PENDING_REVIEW
    assert AuditEvent.objects.filter(request=draft, action="status.pending_review").exists()
    detail = client_in.get(response["Location"])
    assert b"Pending review" in detail.content
