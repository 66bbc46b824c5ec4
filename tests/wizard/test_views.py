"""Views with and without HX-Request, isolation between teams, locking after submission, plan files."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.wizard.conftest import cloud_data
from tests.wizard.scenarios import scenario_steps
from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest, Gateway, Team
from wizard.services.drafts import default_plan, draft_create


@pytest.fixture
def draft(user: Any, team: Team) -> ConnectionRequest:
    steps, _ = scenario_steps("hybrid_cloud", team)
    return draft_create(
        owner=user,
        team=team,
        scenario="hybrid_cloud",
        plan=default_plan("hybrid_cloud"),
        current_step="cloud",
    )


def test_start_page_lists_the_four_scenarios(client_in: Client) -> None:
    response = client_in.get(reverse("wizard:start"))
    body = response.content.decode()
    assert response.status_code == 200
    for scenario in ("hybrid_cloud", "cross_region", "branch_hub", "dc_backup"):
        assert reverse("wizard:new", args=[scenario]) in body
    assert body.count("<svg") >= 4
    assert reverse("wizard:my_requests") in body  # the navigation links it


def test_live_validation_answers_with_the_field_partial(
    client_in: Client, team: Team, htmx_headers: dict
) -> None:
    data = cloud_data(team, local_subnets="192.168.1.0")
    headers = htmx_headers | {"HX-Trigger-Name": "local_subnets"}
    response = client_in.post(reverse("wizard:validate_new", args=["hybrid_cloud"]), data, headers=headers)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="live-local_subnets" hx-swap-oob="true"' in body
    assert "field__errors" in body and 'aria-invalid="true"' in body
    assert 'aria-describedby="id_local_subnets_helptext id_local_subnets_error"' in body


def test_step_post_without_htmx_renders_the_full_page_with_errors(client_in: Client, team: Team) -> None:
    response = client_in.post(reverse("wizard:new", args=["hybrid_cloud"]), cloud_data(team, bgp_asn="sixty"))
    assert response.status_code == 422
    assert b"<html" in response.content and b"not a whole number" in response.content
    assert not ConnectionRequest.objects.exists()


def test_step_validate_for_a_draft_with_htmx(
    client_in: Client, draft: ConnectionRequest, htmx_headers: dict
) -> None:
    url = reverse("wizard:validate", args=[draft.pk, "customer"])
    data = {"site-0-name": "Berlin", "site-0-gateway_ips": "203.0.113.10", "site-0-subnets": "192.168.1.0/24"}
    response = client_in.post(url, data, headers=htmx_headers | {"HX-Trigger-Name": "site-0-gateway_ips"})
    assert response.status_code == 200
    assert 'id="live-site-0-gateway_ips" hx-swap-oob="true"' in response.content.decode()
    assert b'id="step-findings"' in response.content


GARBAGE: list[dict[str, Any]] = [
    {},
    {"team": "x", "bgp_asn": "9" * 40, "vpc_cidrs": "999.1.1.1/99\n::/0", "local_subnets": "a" * 5000},
    {
        "site_count": "-1",
        "site-0-subnets": "10.0.0.0/8," * 80,
        "site-0-gateway_ips": "\x00",
        "remove_branch_x": "",
    },
    {
        "mode": "nonsense",
        "rule-0-source": "1.2.3.4/40",
        "tunnel-0-local_address": "x",
        "tunnel_addressing": "manual",
    },
    {
        "preset": "custom",
        "ike_version": "v9",
        "ike_lifetime_seconds": "-5",
        "psk_mode": "enter",
        "psk": "é" * 300,
    },
    {"site_count": "99999999999999999999", "add_branch": "1"},
]


@pytest.mark.parametrize("data", GARBAGE)
@pytest.mark.parametrize("htmx", [False, True])
def test_garbage_never_gives_a_server_error(
    client_in: Client, draft: ConnectionRequest, data: dict[str, Any], htmx: bool
) -> None:
    headers = {"HX-Request": "true", "HX-Trigger-Name": next(iter(data), "x")} if htmx else {}
    urls = [reverse("wizard:new", args=["branch_hub"]), reverse("wizard:validate_new", args=["dc_backup"])]
    for step in ("cloud", "customer", "routing", "security"):
        urls += [
            reverse("wizard:step", args=[draft.pk, step]),
            reverse("wizard:validate", args=[draft.pk, step]),
        ]
    urls += [reverse("wizard:review", args=[draft.pk]), reverse("wizard:import")]
    for url in urls:
        response = client_in.post(url, data, headers=headers)
        assert response.status_code < 500, url
    for step in ("cloud", "customer", "routing", "security"):
        assert client_in.get(reverse("wizard:step", args=[draft.pk, step])).status_code == 200
    assert client_in.get(reverse("wizard:review", args=[draft.pk])).status_code == 200


def test_other_teams_requests_are_not_found(draft: ConnectionRequest) -> None:
    stranger = get_user_model().objects.create_user("mallory", password="x-Long-Password-1")
    Team.objects.create(name="other").members.add(stranger)
    client = Client()
    client.force_login(stranger)
    for url in (
        reverse("wizard:step", args=[draft.pk, "cloud"]),
        reverse("wizard:review", args=[draft.pk]),
        reverse("wizard:export", args=[draft.pk]),
        reverse("wizard:resume", args=[draft.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("wizard:delete", args=[draft.pk])).status_code == 404
    assert client.post(reverse("wizard:reveal_psk", args=[draft.pk])).status_code == 404
    listing = client.get(reverse("wizard:my_requests")).content
    assert reverse("wizard:resume", args=[draft.pk]).encode() not in listing


def test_draft_resumes_where_it_was_left_and_back_keeps_data(client_in: Client, team: Team) -> None:
    steps, _ = scenario_steps("hybrid_cloud", team)
    client_in.post(reverse("wizard:new", args=["hybrid_cloud"]), steps["cloud"])
    draft = ConnectionRequest.objects.get()
    customer = reverse("wizard:step", args=[draft.pk, "customer"])
    response = client_in.post(customer, steps["customer"] | {"site-0-subnets": "not-a-cidr", "back": ""})
    assert response["Location"] == reverse("wizard:step", args=[draft.pk, "cloud"])
    assert b"not-a-cidr" in client_in.get(customer).content
    assert client_in.get(reverse("wizard:resume", args=[draft.pk]))["Location"] == customer
    listing = client_in.get(reverse("wizard:my_requests")).content.decode()
    assert "badge--draft" in listing and steps["cloud"]["request_name"] in listing


def test_nothing_can_be_edited_after_submission(client_in: Client, draft: ConnectionRequest) -> None:
    ConnectionRequest.objects.filter(pk=draft.pk).update(status=RequestStatus.PENDING_REVIEW)
    response = client_in.post(reverse("wizard:step", args=[draft.pk, "cloud"]), {"request_name": "changed"})
    assert response["Location"] == reverse("wizard:request_detail", args=[draft.pk])
    htmx = client_in.post(
        reverse("wizard:validate", args=[draft.pk, "cloud"]), {}, headers={"HX-Request": "true"}
    )
    assert htmx["HX-Redirect"] == reverse("wizard:request_detail", args=[draft.pk])
    assert client_in.post(reverse("wizard:delete", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.name != "changed" and ConnectionRequest.objects.filter(pk=draft.pk).exists()


def test_delete_draft_asks_then_deletes(client_in: Client, draft: ConnectionRequest) -> None:
    url = reverse("wizard:delete", args=[draft.pk])
    assert b"cannot be undone" in client_in.get(url).content
    assert client_in.post(url)["Location"] == reverse("wizard:my_requests")
    assert not ConnectionRequest.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="draft.deleted", detail__request_id=draft.pk).exists()


def test_psk_is_masked_revealed_only_to_the_owner_and_never_exported(
    client_in: Client, draft: ConnectionRequest, team: Team
) -> None:
    psk = draft.psk
    security = client_in.get(reverse("wizard:step", args=[draft.pk, "security"])).content.decode()
    assert psk not in security and "••••••••" in security
    reveal = client_in.post(reverse("wizard:reveal_psk", args=[draft.pk]), headers={"HX-Request": "true"})
    assert psk in reveal.content.decode() and "<html" not in reveal.content.decode()
    exported = json.loads(client_in.get(reverse("wizard:export", args=[draft.pk])).content)
    assert exported["psk"] == "" and psk not in json.dumps(exported)
    teammate = get_user_model().objects.create_user("bob", password="x-Long-Password-1")
    team.members.add(teammate)
    other = Client()
    other.force_login(teammate)
    assert other.post(reverse("wizard:reveal_psk", args=[draft.pk])).status_code == 404


def _upload(content: bytes, name: str = "plan.json") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_import_round_trip_of_an_export(client_in: Client, team: Team) -> None:
    steps, _ = scenario_steps("hybrid_cloud", team)
    client_in.post(reverse("wizard:new", args=["hybrid_cloud"]), steps["cloud"])
    draft = ConnectionRequest.objects.get()
    exported = client_in.get(reverse("wizard:export", args=[draft.pk])).content
    response = client_in.post(reverse("wizard:import"), {"team": team.pk, "plan_file": _upload(exported)})
    imported = ConnectionRequest.objects.exclude(pk=draft.pk).get()
    assert response["Location"] == reverse("wizard:review", args=[imported.pk])
    assert imported.plan["gateways"] == draft.plan["gateways"] and imported.psk and "psk" not in imported.plan


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", b"not valid JSON"),
        (b"\xff\xfe\x00", b"not a JSON text file"),
        (b'{"version": 1, "name": "x"}', b"gateways is required"),
        (b" " * (1024 * 1024 + 1), b"1 MB"),
    ],
)
def test_bad_plan_files_get_errors_next_to_the_file_field(
    client_in: Client, team: Team, content: bytes, message: bytes
) -> None:
    response = client_in.post(reverse("wizard:import"), {"team": team.pk, "plan_file": _upload(content)})
    assert response.status_code == 422
    assert message in response.content and b'id="id_plan_file_error"' in response.content
    assert not ConnectionRequest.objects.exists()


def test_joining_a_hub_checks_branches_already_on_it(client_in: Client, team: Team, user: Any) -> None:
    hub = Gateway.objects.create(
        team=team,
        name="hub-fra",
        region="eu-de",
        vpc="vpc-hub",
        vpc_cidrs=["192.168.0.0/16"],
        local_subnets=["192.168.1.0/24"],
        ip_addresses=["198.51.100.10", "198.51.100.11"],
    )
    existing = draft_create(
        owner=user,
        team=team,
        scenario="branch_hub",
        plan=default_plan("branch_hub"),
        current_step="review",
        hub=hub,
    )
    plan = existing.plan | {
        "sites": [{"name": "Munich", "gateway_ips": ["203.0.113.50"], "subnets": ["10.9.0.0/16"]}]
    }
    ConnectionRequest.objects.filter(pk=existing.pk).update(plan=plan, status=RequestStatus.PENDING_REVIEW)
    steps, _ = scenario_steps("branch_hub", team)
    response = client_in.post(
        reverse("wizard:new", args=["branch_hub"]), steps["cloud"] | {"existing_hub": hub.pk}
    )
    draft = ConnectionRequest.objects.exclude(pk=existing.pk).get()
    assert response.status_code == 302 and draft.gateway == hub
    assert draft.plan["gateways"][0]["ip_addresses"] == ["198.51.100.10", "198.51.100.11"]
    clash = steps["customer"] | {"site-1-subnets": "10.9.1.0/24"}
    response = client_in.post(reverse("wizard:step", args=[draft.pk, "customer"]), clash)
    assert response.status_code == 422
    assert b"Munich" in response.content
