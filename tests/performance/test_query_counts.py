"""Every page of the wizard, the request page and the review pages run a fixed number of SQL queries:
the same with one branch (or request) as with a hundred."""

from __future__ import annotations

import pytest
from django.forms import CheckboxInput
from django.urls import reverse

from tests.performance.conftest import GROWTH, QueryCounter, World, hub_plan, provisioned, scenario_plan
from wizard import selectors
from wizard.choices import RequestStatus, Scenario
from wizard.forms import FORM_STEPS, StepContext, build_step
from wizard.models import ConnectionRequest

pytestmark = pytest.mark.django_db

# A page may run at most this many queries whatever it shows (session, user, then the page's own reads).
CEILING = 20


def form_data(draft: ConnectionRequest, step: str, world: World) -> tuple[dict[str, str], str]:
    """What the browser posts for a step showing the draft unchanged, and the first field's name."""
    context = StepContext(
        teams=selectors.user_teams(world.member),
        hubs=selectors.team_hubs(world.member),
        team=draft.team,
        hub=draft.gateway,
        has_psk=True,
    )
    data: dict[str, str] = {}
    for form in build_step(step, None, plan=draft.plan, context=context).forms:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = str(value)
    return data, next(iter(data))


def grow(world: World, draft: ConnectionRequest, scenario: str, items: int) -> None:
    """Bring the draft's world to ``items``: branches of a hub and requests already on it, the team's
    gateways (hub choices) and the team's other requests."""
    if scenario == Scenario.BRANCH_HUB:
        ConnectionRequest.objects.filter(pk=draft.pk).update(plan=hub_plan(items))
    world.neighbours(items - 1, start=1)
    world.hubs(items - 1, start=1)


def assert_flat(one: int, many: int, counter: QueryCounter) -> None:
    assert one <= CEILING, counter.explain()
    assert many == one, f"{one} queries with 1 item, {many} with {GROWTH}:\n{counter.explain()}"


@pytest.mark.parametrize("scenario", Scenario.values)
@pytest.mark.parametrize("step", FORM_STEPS)
def test_step_page_and_live_validation(
    world: World, count_queries: QueryCounter, scenario: str, step: str
) -> None:
    gateway = world.hub if scenario == Scenario.BRANCH_HUB else None
    draft = world.request(
        scenario_plan(scenario), status=RequestStatus.DRAFT, gateway=gateway, current_step="review"
    )
    world.neighbours(1)
    page = reverse("wizard:step", args=[draft.pk, step])
    validate = reverse("wizard:validate", args=[draft.pk, step])

    def measure() -> tuple[int, int]:
        draft.refresh_from_db()
        data, trigger = form_data(draft, step, world)
        headers = {"HX-Request": "true", "HX-Trigger-Name": trigger}
        return (
            count_queries(lambda: world.client.get(page)),
            count_queries(lambda: world.client.post(validate, data, headers=headers)),
        )

    page_one, validate_one = measure()
    grow(world, draft, scenario, GROWTH)
    page_many, validate_many = measure()
    assert_flat(page_one, page_many, count_queries)
    assert_flat(validate_one, validate_many, count_queries)


@pytest.mark.parametrize("scenario", Scenario.values)
def test_first_step_before_a_draft_exists(world: World, count_queries: QueryCounter, scenario: str) -> None:
    page = reverse("wizard:new", args=[scenario])
    validate = reverse("wizard:validate_new", args=[scenario])
    data = {"team": str(world.team.pk), "request_name": "fra-datacenter", "local_subnets": "192.168.1.0/24"}
    headers = {"HX-Request": "true", "HX-Trigger-Name": "local_subnets"}

    def measure() -> tuple[int, int]:
        return (
            count_queries(lambda: world.client.get(page)),
            count_queries(lambda: world.client.post(validate, data, headers=headers)),
        )

    page_one, validate_one = measure()
    world.hubs(GROWTH)
    world.neighbours(GROWTH)
    page_many, validate_many = measure()
    assert_flat(page_one, page_many, count_queries)
    assert_flat(validate_one, validate_many, count_queries)


@pytest.mark.parametrize("scenario", Scenario.values)
def test_review_step(world: World, count_queries: QueryCounter, scenario: str) -> None:
    gateway = world.hub if scenario == Scenario.BRANCH_HUB else None
    draft = world.request(
        scenario_plan(scenario), status=RequestStatus.DRAFT, gateway=gateway, current_step="review"
    )
    world.neighbours(1)
    page = reverse("wizard:review", args=[draft.pk])
    one = count_queries(lambda: world.client.get(page))
    grow(world, draft, scenario, GROWTH)
    many = count_queries(lambda: world.client.get(page))
    assert_flat(one, many, count_queries)


@pytest.mark.parametrize("name", ["home", "wizard:start", "wizard:import"])
def test_pages_listing_teams_and_hubs(world: World, count_queries: QueryCounter, name: str) -> None:
    one = count_queries(lambda: world.client.get(reverse(name)))
    world.hubs(GROWTH)
    world.neighbours(GROWTH)
    many = count_queries(lambda: world.client.get(reverse(name)))
    assert_flat(one, many, count_queries)


def test_my_requests(world: World, count_queries: QueryCounter) -> None:
    statuses = [RequestStatus.DRAFT, RequestStatus.PENDING_REVIEW, RequestStatus.ACTIVE, RequestStatus.FAILED]

    def add(start: int, count: int) -> None:
        for index in range(start, start + count):
            plan = hub_plan(1, offset=index, name=f"request-{index:03d}")
            world.request(plan, status=statuses[index % len(statuses)])

    add(0, 1)
    one = count_queries(lambda: world.client.get(reverse("wizard:my_requests")))
    add(1, GROWTH - 1)
    many = count_queries(lambda: world.client.get(reverse("wizard:my_requests")))
    assert_flat(one, many, count_queries)


def _active_request(world: World, branches: int) -> ConnectionRequest:
    request = world.request(hub_plan(branches), status=RequestStatus.ACTIVE, gateway=world.hub)
    provisioned(request)
    return request


def test_request_page(world: World, count_queries: QueryCounter) -> None:
    small = _active_request(world, 1)
    one = count_queries(lambda: world.client.get(reverse("wizard:request_detail", args=[small.pk])))
    large = _active_request(world, GROWTH)
    many = count_queries(lambda: world.client.get(reverse("wizard:request_detail", args=[large.pk])))
    assert_flat(one, many, count_queries)


def test_review_queue(world: World, count_queries: QueryCounter) -> None:
    world.neighbours(1)
    one = count_queries(lambda: world.staff_client.get(reverse("review:queue")))
    world.neighbours(GROWTH - 1, start=1)
    many = count_queries(lambda: world.staff_client.get(reverse("review:queue")))
    htmx = count_queries(
        lambda: world.staff_client.get(reverse("review:queue"), headers={"HX-Request": "true"})
    )
    assert_flat(one, many, count_queries)
    assert htmx <= many


def test_staff_review_page(world: World, count_queries: QueryCounter) -> None:
    small = world.request(hub_plan(1, offset=200, name="small"), gateway=world.hub)
    world.neighbours(1)
    one = count_queries(lambda: world.staff_client.get(reverse("review:detail", args=[small.pk])))
    large = world.request(hub_plan(GROWTH, offset=200, name="large"), gateway=world.hub)
    world.neighbours(GROWTH - 1, start=1)
    many = count_queries(lambda: world.staff_client.get(reverse("review:detail", args=[large.pk])))
    assert_flat(one, many, count_queries)
