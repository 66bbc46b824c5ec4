"""Hostile strings: refused by validation where they could reach a device, escaped wherever a page shows them.

Device configs themselves are covered by tests/rendering/test_injection.py (every platform and routing mode,
a property over request, site, gateway, interface names and the key); here: every string of a plan that
reaches a config is refused by the validator when it holds characters a config cannot carry, so a request
with such a value is never submitted (let alone provisioned); and every free-text field a user can fill —
wizard fields, review comments, team and user names — comes back HTML-escaped on every page that shows it.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from tests.people import make_user
from tests.review.conftest import PLAN
from tests.security.conftest import site_routes
from tests.wizard.scenarios import scenario_steps
from wizard.choices import RequestStatus, Scenario
from wizard.forms.steps import FORM_STEPS
from wizard.models import ConnectionRequest, Team
from wizard.network import parse_plan, validate_plan
from wizard.rendering import PLATFORM_NAMES

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, ATTRIBUTE)
ESCAPED = {
    SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;",
    ATTRIBUTE: "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
}
CONFIG_BREAKERS = ("a\nreload", "a;reboot", 'a"b', "a b", "a\\b", "a`id`", "a$(id)", "a#b", "a\x00b")


def assert_escaped(body: str, where: str) -> None:
    for payload in PAYLOADS:
        assert payload not in body, f"{where} shows {payload!r} unescaped"


def test_the_config_injection_property_covers_every_platform() -> None:
    from tests.rendering import test_injection

    assert set(PLATFORM_NAMES) >= {
        "strongswan",
        "cisco_iosxe",
        "cisco_asa",
        "juniper_srx",
        "fortigate",
        "paloalto",
        "huawei_vrp",
        "mikrotik",
        "generic",
    }
    marks = {
        mark.args[0]: mark.args[1]
        for mark in test_injection.test_no_input_changes_config_structure.pytestmark
        if mark.name == "parametrize"
    }
    assert tuple(marks["platform"]) == tuple(PLATFORM_NAMES)
    assert set(marks["mode"]) == {"static", "bgp", "policy"}
    assert set(test_injection.FIELDS) >= {"request", "site", "gateway", "outside_interface", "psk"}


def plan_with(path: str, value: str) -> dict[str, Any]:
    data = copy.deepcopy(PLAN) | {"psk": "Example-Key-2024:ok"}
    if path == "name":
        data["name"] = value
    elif path.startswith("gateways[0]."):
        data["gateways"][0][path.split(".")[1]] = value
    else:
        data["sites"][0][path.split(".")[1]] = value
    return data


# Every string of a plan that is written into a device configuration.
CONFIG_STRINGS = ("name", "gateways[0].name", "sites[0].name", "sites[0].outside_interface")


@pytest.mark.parametrize("path", CONFIG_STRINGS)
@pytest.mark.parametrize("value", CONFIG_BREAKERS + PAYLOADS)
def test_strings_that_reach_configs_are_refused_at_validation(path: str, value: str) -> None:
    plan, findings = parse_plan(plan_with(path, value))
    assert plan is not None, findings
    errors = [finding for finding in validate_plan(plan) if finding.severity == "error"]
    assert any(finding.path == path for finding in errors), f"{path}={value!r} passes validation"


def test_the_same_plan_with_safe_strings_is_valid() -> None:
    plan, _ = parse_plan(plan_with("sites[0].outside_interface", "GigabitEthernet0/0/1.100"))
    assert plan is not None
    assert not [finding for finding in validate_plan(plan) if finding.severity == "error"]


def text_fields(data: dict[str, str]) -> list[str]:
    """The fields a user types free text into (not choices, numbers or the team)."""
    skip = ("team", "flavor", "ha_mode", "attachment", "network_type", "platform", "mode", "preset")
    return [key for key in data if not key.endswith(skip) and not key.endswith(("asn", "count"))]


def pages_of(draft: ConnectionRequest) -> list[str]:
    return [
        *(reverse("wizard:step", args=[draft.pk, step]) for step in FORM_STEPS),
        reverse("wizard:review", args=[draft.pk]),
        reverse("wizard:my_requests"),
        reverse("home"),
    ]


@pytest.mark.parametrize("scenario", Scenario.values)
def test_wizard_fields_are_escaped_wherever_shown(
    scenario: str, people: dict[str, AbstractBaseUser | None], team: Team, settings: Any
) -> None:
    settings.RATE_LIMITS = {"validate": 100_000, "import": 100_000, "download": 100_000}
    client = Client()
    client.force_login(people["owner"])
    steps, _ = scenario_steps(scenario, team)
    response = client.post(reverse("wizard:new", args=[scenario]), steps["cloud"])
    draft = ConnectionRequest.objects.get()
    shown = 0
    for payload in PAYLOADS:
        for step in ("cloud", "customer"):
            data = dict(steps[step])
            for field in text_fields(data):
                data[field] = payload
            url = reverse("wizard:step", args=[draft.pk, step])
            for headers in ({}, {"HX-Request": "true"}):
                response = client.post(url, data | {"save": ""}, headers=headers)
                assert response.status_code < 500
                live = client.post(
                    reverse("wizard:validate", args=[draft.pk, step]),
                    data,
                    headers={"HX-Request": "true", "HX-Trigger-Name": text_fields(data)[0]},
                )
                assert_escaped(live.content.decode(), f"live validation of {step}")
        for page in pages_of(draft):
            body = client.get(page).content.decode()
            assert_escaped(body, page)
            shown += ESCAPED[payload] in body
    assert shown, "the payloads were stored and shown (escaped) somewhere"


def test_review_comments_team_and_user_names_are_escaped_everywhere(
    people: dict[str, AbstractBaseUser | None], team: Team
) -> None:
    team.name = SCRIPT
    team.save()
    people["owner"].first_name = ATTRIBUTE
    people["owner"].save()
    requests = []
    for decision, field in (("approve", "comment"), ("reject", "reason"), ("send_back", "comments")):
        request = ConnectionRequest(
            team=team,
            owner=people["owner"],
            name=f"fra-{decision.replace('_', '-')}",
            scenario=Scenario.HYBRID_CLOUD,
            status=RequestStatus.PENDING_REVIEW,
            plan=copy.deepcopy(PLAN) | {"name": f"fra-{decision.replace('_', '-')}"},
        )
        request.psk = "Example-Key-2024:ok"
        request.save()
        staff = Client()
        staff.force_login(people["staff"])
        response = staff.post(
            reverse(f"review:{decision}", args=[request.pk]), {field: f"{SCRIPT} {ATTRIBUTE}"}
        )
        assert response.status_code == 302, response.content.decode()[:500]
        requests.append(request)
    admin = make_user("admin-escape", superuser=True)
    for role, user in (*people.items(), ("admin", admin)):
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        urls = [reverse("home"), reverse("wizard:my_requests"), reverse("review:queue")]
        for request in requests:
            for route in site_routes():
                if route.arguments == ("pk",) and not route.name.endswith(
                    ("reveal_psk", "delete", "approve", "reject", "send_back", "retry", "refresh")
                ):
                    urls.append(reverse(route.name, args=[request.pk]))
            urls += [
                reverse("admin:wizard_connectionrequest_change", args=[request.pk]),
                reverse("admin:wizard_auditevent_changelist"),
                reverse("admin:wizard_team_changelist"),
            ]
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code < 500, f"{role} {url}"
            assert_escaped(response.content.decode(), f"{role} {url}")
    owner = Client()
    owner.force_login(people["owner"])
    detail = owner.get(reverse("wizard:request_detail", args=[requests[1].pk])).content.decode()
    assert ESCAPED[SCRIPT] in detail  # the rejection reason is shown, escaped
    sent_back = owner.get(reverse("wizard:step", args=[requests[2].pk, "cloud"])).content.decode()
    assert ESCAPED[SCRIPT] in sent_back  # the reviewer's comments are shown on the steps, escaped
