"""The decommission page: what goes and what stays, a plain form POST (no JavaScript), the progress."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.provisioning.conftest import create_request
from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest, ProvisioningJob
from wizard.providers.sandbox import SandboxProvider
from wizard.services import decommissioning, provisioning

pytestmark = pytest.mark.django_db(transaction=True)

HTMX = {"HTTP_HX_REQUEST": "true"}


def sandbox() -> SandboxProvider:
    return SandboxProvider(delay_seconds=0, failure_rate=0)


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def active(make_request) -> ConnectionRequest:
    request = make_request()
    assert provisioning.provision(request_id=request.pk, owner="t", provider=sandbox()).result == "active"
    request.refresh_from_db()
    return request


def test_the_panel_of_an_active_request_links_the_confirmation_page(signed_in, active) -> None:
    body = signed_in.get(reverse("provisioning:status", args=[active.pk])).content.decode()
    assert f'href="{reverse("provisioning:decommission", args=[active.pk])}"' in body
    assert "Decommission…" in body


def test_confirmation_lists_what_is_deleted_and_what_is_kept(signed_in, active) -> None:
    response = signed_in.get(reverse("provisioning:decommission", args=[active.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Berlin #1" in body and "Berlin #2" in body and "1 customer gateway," in body
    assert "VPN gateway vpngw-0 (eu-de)" in body and "<h2>Kept</h2>" not in body
    url = reverse("provisioning:decommission", args=[active.pk])
    form = body[body.index(f'<form method="post" action="{url}"') :].split("</form>")[0]
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form and "hx-" not in form
    assert "Traffic over these tunnels stops" in body


def test_a_hub_branch_keeps_the_hub_and_names_how_many_branches_are_updated(
    signed_in, owner, team, make_request
) -> None:
    requests = []
    for index, (site, subnet, ip) in enumerate(
        [("Berlin", "10.1.0.0/16", "203.0.113.10"), ("Hamburg", "10.2.0.0/16", "203.0.113.20")]
    ):
        request = create_request(owner, team, index=0, scenario="branch_hub")
        request.plan["name"] = f"hub-{index}"
        request.plan["sites"][0].update(name=site, subnets=[subnet], gateway_ips=[ip])
        request.save()
        if requests:
            ConnectionRequest.objects.filter(pk=request.pk).update(gateway_id=requests[0].gateway_id)
        provisioning.provision(request_id=request.pk, owner=f"t{index}", provider=sandbox())
        request.refresh_from_db()
        requests.append(request)
    body = signed_in.get(reverse("provisioning:decommission", args=[requests[1].pk])).content.decode()
    assert "VPN gateway vpngw-0 (eu-de): it is a hub other branches may join" in body
    assert "The 1 other branch of the hub get new device configurations" in body


def test_posting_starts_decommissioning_without_javascript(signed_in, active, owner, sent_tasks) -> None:
    response = signed_in.post(reverse("provisioning:decommission", args=[active.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("provisioning:status", args=[active.pk])
    assert ConnectionRequest.objects.get(pk=active.pk).status == RequestStatus.DECOMMISSIONING
    assert sent_tasks == [(decommissioning.DECOMMISSION_TASK, active.pk)]
    event = AuditEvent.objects.get(request=active, action="status.decommissioning")
    assert event.actor == owner and event.source_address == "127.0.0.1"

    page = signed_in.get(response["Location"]).content.decode()
    assert "Decommissioning started" in page and "Deleting the VPN connections" in page
    # While it runs, the panel polls and offers no second start.
    panel = signed_in.get(reverse("provisioning:status", args=[active.pk]), **HTMX)
    assert panel.status_code == 200 and 'hx-trigger="every 2s"' in panel.content.decode()
    assert "Decommission…" not in panel.content.decode()
    signed_in.post(reverse("provisioning:decommission", args=[active.pk]))
    assert len(sent_tasks) == 1

    assert decommissioning.decommission(request_id=active.pk, owner="task", provider=sandbox()).result == (
        "decommissioned"
    )
    done = signed_in.get(reverse("provisioning:status", args=[active.pk]), **HTMX)
    assert done.status_code == 286
    assert "were deleted" in done.content.decode() and "hx-trigger" not in done.content.decode()
    detail = signed_in.get(reverse("wizard:request_detail", args=[active.pk])).content.decode()
    assert "badge--decommissioned" in detail and "were deleted" in detail


def test_a_stopped_decommissioning_shows_its_reason_and_offers_a_retry(signed_in, active, sent_tasks) -> None:
    decommissioning.decommission_start(request_id=active.pk, actor=active.owner)
    ProvisioningJob.objects.filter(request=active).update(owner="task")
    decommissioning.decommission_halt(request_id=active.pk, owner="task", reason="The cloud refused: locked.")
    panel = signed_in.get(reverse("provisioning:status", args=[active.pk]), **HTMX)
    body = panel.content.decode()
    assert (
        panel.status_code == 286 and "The cloud refused: locked." in body and "Retry decommissioning…" in body
    )
    page = signed_in.get(reverse("provisioning:decommission", args=[active.pk])).content.decode()
    assert "Retry decommissioning</button>" in page
    signed_in.post(reverse("provisioning:decommission", args=[active.pk]))
    assert ConnectionRequest.objects.get(pk=active.pk).failure_reason == ""
    assert len(sent_tasks) == 2


def test_a_request_that_is_not_active_cannot_be_decommissioned(signed_in, make_request, sent_tasks) -> None:
    draft = make_request(status=RequestStatus.DRAFT)
    page = signed_in.get(reverse("provisioning:decommission", args=[draft.pk]))
    assert page.status_code == 200
    assert "Only an active request can be decommissioned; this one is draft." in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[-1].split("</main>", 1)[0]
    response = signed_in.post(reverse("provisioning:decommission", args=[draft.pk]), follow=True)
    assert "it cannot become decommissioning" in response.content.decode()
    assert ConnectionRequest.objects.get(pk=draft.pk).status == RequestStatus.DRAFT and sent_tasks == []


def test_outsiders_get_404_and_staff_may_decommission(client, active, sent_tasks) -> None:
    users = get_user_model().objects
    client.force_login(users.create_user("olga", password="x-long-password-1"))
    url = reverse("provisioning:decommission", args=[active.pk])
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    client.force_login(users.create_user("stan", password="x-long-password-1", is_staff=True))
    assert client.post(url).status_code == 302
    assert ConnectionRequest.objects.get(pk=active.pk).status == RequestStatus.DECOMMISSIONING
