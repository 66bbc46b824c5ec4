"""Generated garbage posted to every form and htmx endpoint: never a server error, errors next to fields.

Hypothesis mutates what a user would type (tests/wizard/scenarios.py): values replaced by unicode, control
characters, NUL bytes, very long strings, malformed addresses and CIDRs, negative and huge numbers; fields
dropped or repeated (a QueryDict with several values per key); stray submit buttons. Each example is posted
to every step of every scenario, as a page post and as live validation, with and without HX-Request; then
the draft it left behind is opened again. Plan import gets malformed JSON, deep nesting, huge lists and
numbers, wrong types and oversized files; the review decisions and the remaining POST endpoints get garbage
too. Runs are derandomized so that CI sees the same examples every time.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.review.conftest import PLAN
from tests.security.conftest import site_routes
from tests.wizard.scenarios import scenario_steps
from wizard.choices import RequestStatus, Scenario
from wizard.forms.review import MAX_PLAN_BYTES
from wizard.forms.steps import FORM_STEPS
from wizard.models import ConnectionRequest, Team

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

FUZZ = hypothesis_settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: one example posts to dozens of URLs, so shrinking a failure would take many minutes;
    # the failing example is reported as generated.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

MALFORMED = [
    "",
    " ",
    "\x00",
    "10.0.0.0/8\x00",
    "\r\n\t",
    "\u202e\u200b",
    "💥" * 40,
    "-1",
    "0",
    "-9223372036854775809",
    "99999999999999999999999999999999",
    "1e309",
    "NaN",
    "4294967296",
    "256.256.256.256",
    "10.0.0.0/33",
    "10.0.0.1/24",
    "10.0.0.0/-1",
    "192.0.2.0/24/24",
    "0.0.0.0/0",
    "::1/128",
    "2001:db8::/32",
    "203.0.113.10,203.0.113.11,203.0.113.12",
    "10.0.0.0/8\n" * 200,
    "a" * 100_000,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "'; DROP TABLE wizard_site; --",
    "../../etc/passwd",
]
values = st.one_of(
    st.sampled_from(MALFORMED),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
ACTIONS = ["back", "save", "add_branch", "remove_branch_0", "remove_branch_99", "remove_branch_-1", "next"]


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, str]) -> dict[str, list[str]]:
    """`base` with fields replaced, dropped or repeated, and perhaps a submit button and an unknown field."""
    data: dict[str, list[str]] = {}
    for key, value in base.items():
        how = draw(st.sampled_from(["keep", "keep", "replace", "drop", "repeat"]))
        if how == "keep":
            data[key] = [value]
        elif how == "replace":
            data[key] = [draw(values)]
        elif how == "repeat":
            data[key] = draw(st.lists(values, min_size=2, max_size=3))
    extra = draw(
        st.dictionaries(
            st.sampled_from([*ACTIONS, "site_count", "psk", "psk_mode", "preset", "team", "site-7-name"]),
            st.lists(values, min_size=1, max_size=2),
            max_size=2,
        )
    )
    return data | extra


def field_errors(forms: list[Any]) -> set[str]:
    """Names of the fields that carry an error (form.errors keys that are fields of the form)."""
    return {name for form in forms for name in form.errors if name in form.fields}


def assert_errors_on_fields(response: Any, where: str, statuses: list[int] | None = None) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if statuses is not None:
        statuses.append(response.status_code)
    if response.status_code != 422:
        return
    context = response.context
    forms = context["step_forms"].forms if "step_forms" in context else [context["form"]]
    assert field_errors(forms), f"{where}: 422 without an error on any field"
    visible = {
        name for form in forms for name in form.errors if name in form.fields and not form[name].is_hidden
    }
    if visible:
        assert "field--invalid" in response.content.decode(), f"{where}: errors not shown next to {visible}"


@pytest.fixture
def owner_client(people: dict[str, AbstractBaseUser | None]) -> Client:
    client = Client()
    client.force_login(people["owner"])
    return client


def new_draft(client: Client, scenario: str, team: Team) -> ConnectionRequest:
    steps, _ = scenario_steps(scenario, team)
    response = client.post(reverse("wizard:new", args=[scenario]), steps["cloud"])
    assert response.status_code == 302
    return ConnectionRequest.objects.filter(scenario=scenario).latest("pk")


@pytest.mark.parametrize("scenario", Scenario.values)
def test_every_wizard_step_survives_garbage(
    scenario: str, owner_client: Client, team: Team, settings: Any
) -> None:
    settings.RATE_LIMITS = {"validate": 100_000, "import": 100_000, "download": 100_000}
    draft = new_draft(owner_client, scenario, team)
    steps, _ = scenario_steps(scenario, team)
    bases = {step: steps[step] for step in FORM_STEPS}
    strategy = st.fixed_dictionaries({step: mutated(base) for step, base in bases.items()})
    statuses: list[int] = []

    @FUZZ
    @given(data=strategy)
    def post_everywhere(data: dict[str, dict[str, list[str]]]) -> None:
        for step in FORM_STEPS:
            for htmx in (False, True):
                headers = {"HX-Request": "true", "HX-Trigger-Name": next(iter(bases[step]))} if htmx else {}
                for name in ("wizard:step", "wizard:validate"):
                    url = reverse(name, args=[draft.pk, step])
                    response = owner_client.post(url, data[step], headers=headers)
                    assert_errors_on_fields(response, f"POST {url} htmx={htmx} {data[step]!r:.300}", statuses)
        cloud = data["cloud"]
        for name in ("wizard:new", "wizard:validate_new"):
            url = reverse(name, args=[scenario])
            assert_errors_on_fields(owner_client.post(url, cloud, headers={"HX-Request": "true"}), url)
            assert_errors_on_fields(owner_client.post(url, cloud), url)
        # Whatever was saved must still open, and submitting it is refused cleanly or accepted.
        for step in FORM_STEPS:
            assert owner_client.get(reverse("wizard:step", args=[draft.pk, step])).status_code < 500
        review_url = reverse("wizard:review", args=[draft.pk])
        assert owner_client.get(review_url).status_code < 500
        assert owner_client.post(review_url, {"acknowledge_warnings": ["on", "\x00"]}).status_code < 500
        ConnectionRequest.objects.filter(pk=draft.pk).update(status=RequestStatus.DRAFT)

    post_everywhere()
    # The garbage was refused with errors on fields at least once (otherwise nothing was checked).
    assert 422 in statuses


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


PLAN_TEXTS = [
    "",
    "\x00\x01\x02",
    "\xff\xfe",
    "{",
    "null",
    "[]",
    '"plan"',
    "1" * 5000,  # past Python's 4,300-digit limit for int()
    '{"version": ' + "9" * 5000 + "}",
    deep(10_000),
    '{"a":' * 10_000 + "1" + "}" * 10_000,
    json.dumps({**PLAN, "sites": [PLAN["sites"][0]] * 5000}),
    json.dumps({**PLAN, "version": 10**40, "gateways": [{**PLAN["gateways"][0], "bgp_asn": -(10**30)}]}),
    json.dumps({**PLAN, "gateways": "vpngw", "sites": {"name": 1}, "routing": [], "ike": 7}),
    json.dumps({**PLAN, "tunnels": [None, 1, "x", [], {}]}),
    json.dumps({**PLAN, "name": "a" * 100_000}),
    json.dumps({**PLAN, "scenario": "\x00"}),
    json.dumps({**PLAN, "psk": "<script>alert(1)</script>"}),
    json.dumps(copy.deepcopy(PLAN)).replace("192.168", "999.168"),
    "x" * (MAX_PLAN_BYTES + 1),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_plan_import_survives_malformed_files(
    htmx: bool, owner_client: Client, team: Team, settings: Any
) -> None:
    settings.RATE_LIMITS = {"validate": 100_000, "import": 100_000, "download": 100_000}
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("wizard:import")
    for text in PLAN_TEXTS:
        upload = SimpleUploadedFile("plan.json", text.encode("utf-8", "surrogatepass"), "application/json")
        response = owner_client.post(url, {"team": str(team.pk), "plan_file": upload}, headers=headers)
        assert response.status_code < 500, f"{text[:80]!r}: {response.status_code}"
        if response.status_code == 422:
            form = response.context["form"]
            assert "plan_file" in form.errors, f"{text[:80]!r}: {form.errors}"

    @FUZZ
    @given(
        team_values=st.lists(values, max_size=2),
        content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    )
    def garbage(team_values: list[str], content: bytes) -> None:
        upload = SimpleUploadedFile("plan.json", content, "application/json")
        response = owner_client.post(url, {"team": team_values, "plan_file": upload}, headers=headers)
        assert response.status_code < 500
        if response.status_code == 422:
            assert field_errors([response.context["form"]])

    garbage()


@pytest.fixture
def pending(people: dict[str, AbstractBaseUser | None], team: Team) -> ConnectionRequest:
    request = ConnectionRequest(
        team=team,
        owner=people["owner"],
        name=PLAN["name"],
        scenario=Scenario.HYBRID_CLOUD,
        status=RequestStatus.PENDING_REVIEW,
        plan=copy.deepcopy(PLAN),
    )
    request.psk = "Example-Key-2024:ok"
    request.save()
    return request


def test_review_decisions_and_queue_filters_survive_garbage(
    people: dict[str, AbstractBaseUser | None], pending: ConnectionRequest
) -> None:
    staff = Client()
    staff.force_login(people["staff"])
    fields = {"review:approve": "comment", "review:reject": "reason", "review:send_back": "comments"}

    @FUZZ
    @given(
        decision=st.sampled_from(sorted(fields)),
        text=st.lists(values, max_size=3),
        htmx=st.booleans(),
        query=st.dictionaries(st.sampled_from(["q", "scenario", "team", "gateway", "page"]), values),
    )
    def decide(decision: str, text: list[str], htmx: bool, query: dict[str, str]) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        response = staff.post(reverse(decision, args=[pending.pk]), {fields[decision]: text}, headers=headers)
        assert response.status_code < 500
        if response.status_code == 400:
            assert fields[decision] in response.context[decision.split(":")[1] + "_form"].errors
        ConnectionRequest.objects.filter(pk=pending.pk).update(status=RequestStatus.PENDING_REVIEW)
        assert staff.get(reverse("review:queue"), query, headers=headers).status_code < 500
        assert staff.get(reverse("review:detail", args=[pending.pk])).status_code < 500

    decide()


# Every other URL that takes a POST (those routed are fuzzed), posted by the owner.
OTHER_POSTS = {
    "wizard:reveal_psk",
    "wizard:delete",
    "provisioning:refresh",
    "provisioning:retry",
    "provisioning:decommission",
    "configs:generate",
    "password_change",
    "login",
    "logout",
}
FUZZED = {
    "wizard:step",
    "wizard:validate",
    "wizard:new",
    "wizard:validate_new",
    "wizard:review",
    "wizard:import",
    "review:approve",
    "review:reject",
    "review:send_back",
    "review:queue",
    *OTHER_POSTS,
}
# Pages without a form of their own (links and downloads): GET with garbage query strings.
GET_ONLY = {
    "home",
    "healthz",
    "password_change_done",
    "wizard:my_requests",
    "wizard:start",
    "wizard:request_detail",
    "wizard:resume",
    "wizard:export",
    "review:detail",
    "provisioning:status",
    "configs:download",
}


def test_every_routed_url_is_fuzzed() -> None:
    routed = {route.name for route in site_routes()}
    assert routed - FUZZED - GET_ONLY == set(), "new URL(s) to fuzz"
    assert FUZZED & routed >= {"wizard:step", "wizard:validate", "wizard:import", "review:approve"}


def test_the_other_post_endpoints_and_pages_survive_garbage(
    people: dict[str, AbstractBaseUser | None], owner_client: Client, team: Team, pending: ConnectionRequest
) -> None:
    draft = new_draft(owner_client, Scenario.HYBRID_CLOUD, team)
    routes = site_routes()
    get_urls = [
        reverse(route.name, kwargs={name: pending.pk for name in route.arguments})
        for route in routes
        if route.name in GET_ONLY
    ]
    post_routes = {route.name: route for route in routes if route.name in OTHER_POSTS}

    @FUZZ
    @given(
        name=st.sampled_from(sorted(post_routes)),
        data=st.dictionaries(
            st.sampled_from(["username", "password", "old_password", "new_password1", "psk", "next", "x"]),
            st.lists(values, min_size=1, max_size=2),
            max_size=4,
        ),
        htmx=st.booleans(),
        query=st.dictionaries(
            st.sampled_from(["since", "page", "next", "q", "file", "filename", "platform", "format"]),
            values,
            max_size=2,
        ),
    )
    def post(name: str, data: dict[str, list[str]], htmx: bool, query: dict[str, str]) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        client = Client()
        client.force_login(people["owner"])
        target = draft if name.startswith("wizard:") else pending
        url = reverse(name, kwargs={argument: target.pk for argument in post_routes[name].arguments})
        assert client.post(url, data, headers=headers).status_code < 500
        for url in get_urls:
            assert owner_client.get(url, query, headers=headers).status_code < 500

    post()
