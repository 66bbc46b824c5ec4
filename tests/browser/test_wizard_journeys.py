"""A new user in Chromium through each scenario: log in, choose, fill every step, fix an overlap, submit.

Screenshots of every step go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tests.wizard.scenarios import scenario_steps
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, Team

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "Journey-Pass-2024"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(transactional_db: None) -> Team:
    team = Team.objects.create(name="network-ops")
    user = get_user_model().objects.create_user("newcomer", password=PASSWORD)
    team.members.add(user)
    return team


def _fill(page: Any, data: dict[str, str]) -> None:
    """Type each value into its control, the way a user would (radios are clicked, selects chosen)."""
    for name, value in data.items():
        control = page.locator(f'[name="{name}"]')
        if control.count() == 0:
            continue
        kind = control.first.get_attribute("type") or control.first.evaluate("e => e.tagName.toLowerCase()")
        if kind == "hidden":
            continue
        if kind == "radio":
            page.locator(f'[name="{name}"][value="{value}"]').check()
        elif kind == "checkbox":
            control.set_checked(bool(value))
        elif kind == "select":
            control.select_option(value)
        else:
            control.fill(value)


def _shot(page: Any, scenario: str, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{scenario}-{name}.png"), full_page=True)


def _log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill('[name="username"]', "newcomer")
    page.fill('[name="password"]', PASSWORD)
    page.locator('button[type="submit"]').click()
    page.wait_for_load_state()


def _journey(chromium: Any, live_server: Any, team: Team, scenario: str, *, javascript: bool) -> None:
    context = chromium.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10000)
    label = scenario if javascript else f"{scenario}-nojs"
    steps, (planted_step, planted_field, planted_value) = scenario_steps(scenario, team)
    try:
        _log_in(page, live_server.url)
        page.goto(f"{live_server.url}/requests/start/")
        _shot(page, label, "0-start")
        page.locator(f'a[href="/requests/new/{scenario}/"]').click()
        _fill(page, steps["cloud"])
        _shot(page, label, "1-cloud")
        page.locator('button[name="next"].btn--primary').click()
        page.wait_for_url("**/step/customer/")
        if scenario == "branch_hub":
            page.locator('button[name="add_branch"]').click()  # a plain submit button: works without scripts
            page.locator('[name="site-1-name"]').wait_for()
        _fill(page, steps["customer"] | {planted_field: planted_value})
        if javascript:
            # Live validation: leaving the field shows the problem before anything is submitted.
            page.locator(f'[name="{planted_field}"]').dispatch_event("change")
            page.locator(f"#live-{planted_field} .field__errors").wait_for()
        page.locator('button[name="next"].btn--primary').click()
        errors = page.locator(f"#live-{planted_field} .field__errors")
        errors.wait_for()
        assert errors.inner_text().strip(), "the planted overlap is explained next to its field"
        _shot(page, label, "2-customer-overlap")
        page.locator(f'[name="{planted_field}"]').fill(steps[planted_step][planted_field])
        _shot(page, label, "3-customer")
        page.locator('button[name="next"].btn--primary').click()
        page.wait_for_url("**/step/routing/")
        _fill(page, steps["routing"])
        _shot(page, label, "4-routing")
        page.locator('button[name="next"].btn--primary').click()
        page.wait_for_url("**/step/security/")
        _fill(page, steps["security"])
        _shot(page, label, "5-security")
        page.locator('button[name="next"].btn--primary').click()
        page.wait_for_url("**/review/")
        assert page.locator("svg.topology").count() == 1
        if page.locator('[name="acknowledge_warnings"]').count():
            page.locator('[name="acknowledge_warnings"]').check()
        _shot(page, label, "6-review")
        page.get_by_role("button", name="Submit for review").click()
        page.wait_for_url("**/requests/*/")
        assert "Pending review" in page.content()
        _shot(page, label, "7-submitted")
    except Exception:
        _shot(page, label, "failed")
        raise
    finally:
        context.close()
    assert ConnectionRequest.objects.get().status == RequestStatus.PENDING_REVIEW


@pytest.mark.parametrize("scenario", ["hybrid_cloud", "cross_region", "branch_hub", "dc_backup"])
def test_new_user_submits_each_scenario(chromium: Any, live_server: Any, member: Team, scenario: str) -> None:
    _journey(chromium, live_server, member, scenario, javascript=True)


def test_hybrid_cloud_without_javascript(chromium: Any, live_server: Any, member: Team) -> None:
    _journey(chromium, live_server, member, "hybrid_cloud", javascript=False)
