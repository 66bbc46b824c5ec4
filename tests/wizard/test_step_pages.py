"""What the step pages show: an error summary, sections collapsed unless they apply, a hub joined simply."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tests.wizard.conftest import cloud_data, routing_data
from tests.wizard.test_submit import ready_draft
from wizard.models import ConnectionRequest, Gateway, Team


def test_an_empty_first_step_lists_every_field_to_fix_with_a_link(client_in: Client, team: Team) -> None:
    blank = dict.fromkeys(("request_name", "name", "region", "vpc", "vpc_cidrs", "local_subnets"), "")
    response = client_in.post(reverse("wizard:new", args=["hybrid_cloud"]), cloud_data(team, **blank))
    assert response.status_code == 422
    body = response.content.decode()
    assert "5 fields on this step need a change" in body
    assert '<a href="#id_request_name">Request name: required.</a>' in body
    assert '<a href="#id_local_subnets">Local subnets: required.</a>' in body
    assert "This field is required." not in body


def test_joining_an_existing_hub_needs_no_new_gateway_settings(client_in: Client, team: Team) -> None:
    hub = Gateway.objects.create(
        team=team, name="hub-fra", region="eu-de", vpc="vpc-hub", local_subnets=["192.168.1.0/24"]
    )
    data = {"team": str(team.pk), "request_name": "paris-branch", "existing_hub": str(hub.pk)}
    response = client_in.post(reverse("wizard:new", args=["branch_hub"]), data)
    assert response.status_code == 302
    draft = ConnectionRequest.objects.get()
    assert draft.gateway == hub and draft.plan["gateways"][0]["name"] == "hub-fra"


def test_policy_rules_and_manual_tunnels_open_only_when_they_apply(client_in: Client, team: Team) -> None:
    draft = ready_draft(client_in, team)
    page = reverse("wizard:step", args=[draft.pk, "routing"])
    body = client_in.get(page).content.decode()
    assert 'id="policy-rules" data-open-when="mode=policy">' in body  # collapsed with static routing
    assert 'id="manual-tunnels" data-open-when="tunnel_addressing=manual">' in body
    client_in.post(page, routing_data("static", tunnel_addressing="manual") | {"save": ""})
    body = client_in.get(page).content.decode()
    assert 'id="manual-tunnels" data-open-when="tunnel_addressing=manual" open>' in body
    # A rule with an error opens its section even though static routing ignores it.
    response = client_in.post(page, routing_data("policy") | {"rule-0-source": "nonsense"})
    assert 'id="policy-rules" data-open-when="mode=policy" open>' in response.content.decode()


def test_custom_algorithms_open_only_with_the_custom_preset(client_in: Client, team: Team, user: Any) -> None:
    draft = ready_draft(client_in, team)
    body = client_in.get(reverse("wizard:step", args=[draft.pk, "security"])).content.decode()
    assert 'id="custom-algorithms" data-open-when="preset=custom">' in body
