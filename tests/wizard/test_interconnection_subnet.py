"""The cloud step's interconnection subnet: explained, saved into the plan, and judged next to its field."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.wizard.conftest import cloud_data
from wizard.models import ConnectionRequest, Team

SUBNET = "7a0c1a36-3e1c-4a6f-9b3a-3f1b6f0c0021"


def test_the_field_explains_the_consoles_interconnection_subnet(client_in: Client) -> None:
    body = client_in.get(reverse("wizard:new", args=["hybrid_cloud"])).content.decode()
    assert 'name="interconnection_subnet"' in body
    assert "<em>Interconnection Subnet</em>" in body and "not your on-premises subnets" in body


def test_the_id_typed_is_saved_into_the_plan(client_in: Client, team: Team) -> None:
    client_in.post(
        reverse("wizard:new", args=["hybrid_cloud"]), cloud_data(team, interconnection_subnet=SUBNET)
    )
    (draft,) = ConnectionRequest.objects.all()
    assert draft.plan["gateways"][0]["interconnection_subnet"] == SUBNET


def test_left_empty_it_is_unknown_and_not_an_error(client_in: Client, team: Team, htmx_headers: dict) -> None:
    headers = htmx_headers | {"HX-Trigger-Name": "interconnection_subnet"}
    response = client_in.post(
        reverse("wizard:validate_new", args=["hybrid_cloud"]), cloud_data(team), headers=headers
    )
    body = response.content.decode()
    assert 'id="live-interconnection_subnet" hx-swap-oob="true"' in body
    assert 'id="id_interconnection_subnet_error"' not in body


def test_a_cidr_instead_of_an_id_is_shown_next_to_the_field(
    client_in: Client, team: Team, htmx_headers: dict
) -> None:
    data = cloud_data(team, interconnection_subnet="192.168.1.0/24")
    headers = htmx_headers | {"HX-Trigger-Name": "interconnection_subnet"}
    response = client_in.post(reverse("wizard:validate_new", args=["hybrid_cloud"]), data, headers=headers)
    body = response.content.decode()
    assert 'id="id_interconnection_subnet_error"' in body
    assert "is not a subnet ID" in body
