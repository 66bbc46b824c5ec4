"""The status panel: full page and htmx part, polling stops once final, refresh and retry."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.urls import reverse

from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest
from wizard.providers.sandbox import SandboxProvider
from wizard.services import provisioning, tunnel_status

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def test_panel_polls_while_provisioning_and_shows_the_current_step(signed_in, make_request) -> None:
    request = make_request(status=RequestStatus.PROVISIONING)
    response = signed_in.get(reverse("provisioning:status", args=[request.pk]), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body and "Waiting for a worker" in body
    assert "<html" not in body


def test_panel_stops_polling_once_active_and_offers_a_status_refresh(
    signed_in, make_request, sent_tasks
) -> None:
    request = make_request()
    provisioning.provision(
        request_id=request.pk, owner="t", provider=SandboxProvider(delay_seconds=0, failure_rate=0)
    )
    response = signed_in.get(reverse("provisioning:status", args=[request.pk]), **HTMX)
    assert response.status_code == 286
    body = response.content.decode()
    assert "hx-trigger" not in body and "Refresh tunnel status" in body and "Berlin" in body


def test_refresh_button_queues_a_status_read_and_polls_until_it_arrives(
    signed_in, make_request, monkeypatch
) -> None:
    request = make_request()
    provisioning.provision(
        request_id=request.pk, owner="t", provider=SandboxProvider(delay_seconds=0, failure_rate=0)
    )
    sent = []
    monkeypatch.setattr(
        "wizard.provisioning_views.current_app.send_task",
        lambda name, args, **options: sent.append((name, args)),
    )
    response = signed_in.post(reverse("provisioning:refresh", args=[request.pk]), **HTMX)
    assert sent == [("wizard.refresh_tunnel_status", [request.pk])]
    assert response.status_code == 200 and "?since=" in response.content.decode()
    tunnel_status.tunnel_status_refresh(request_id=request.pk, provider=SandboxProvider(delay_seconds=0))
    since = response.content.decode().split("?since=")[1].split('"')[0]
    done = signed_in.get(
        reverse("provisioning:status", args=[request.pk]) + "?since=" + unquote(since), **HTMX
    )
    assert done.status_code == 286


def test_owner_retries_a_failed_request(
    signed_in, make_request, sent_tasks, django_capture_on_commit_callbacks
) -> None:
    request = make_request(status=RequestStatus.FAILED)
    ConnectionRequest.objects.filter(pk=request.pk).update(failure_reason="The cloud refused the change.")
    page = signed_in.get(reverse("provisioning:status", args=[request.pk]))
    assert page.status_code == 200 and "The cloud refused the change." in page.content.decode()
    assert "Retry provisioning" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("provisioning:retry", args=[request.pk]))
    assert response.status_code == 302
    assert ConnectionRequest.objects.get(pk=request.pk).status == RequestStatus.APPROVED
    assert sent_tasks == [(provisioning.PROVISION_TASK, request.pk)]


def test_other_teams_get_404_and_team_members_who_are_not_the_owner_cannot_retry(
    client, make_request, team, django_user_model
) -> None:
    request = make_request(status=RequestStatus.FAILED)
    outsider = django_user_model.objects.create_user("eve", password="x-long-password-1")
    client.force_login(outsider)
    assert client.get(reverse("provisioning:status", args=[request.pk])).status_code == 404
    colleague = django_user_model.objects.create_user("finn", password="x-long-password-1")
    team.members.add(colleague)
    client.force_login(colleague)
    assert (
        "Retry provisioning"
        not in client.get(reverse("provisioning:status", args=[request.pk])).content.decode()
    )
    assert client.post(reverse("provisioning:retry", args=[request.pk])).status_code == 403


def test_template_tag_renders_the_panel_for_the_request_page(rf, owner, make_request) -> None:
    from django.template import Context, Template

    request = make_request(status=RequestStatus.PROVISIONING)
    http_request = rf.get("/")
    http_request.user = owner
    html = Template("{% load provisioning %}{% provisioning_status r %}").render(
        Context({"request": http_request, "r": request})
    )
    assert 'id="provisioning-status"' in html and "every 2s" in html
