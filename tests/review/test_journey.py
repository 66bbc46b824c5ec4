"""The whole journey in Chromium: a user submits, a reviewer sends it back, the user fixes it, the reviewer
approves, and the request goes active.

Provisioning runs eagerly: the approval's on-commit hook hands the task to Celery with `send_task`, which
ignores CELERY_TASK_ALWAYS_EAGER, so the test routes `send_task` to `Task.apply` in the web server's own
thread. The pipeline itself (sandbox provider, claim, steps, configs) runs unchanged; a real worker is
covered by the provisioning tests.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.core import mail

from tests.people import PASSWORD
from tests.review.conftest import PLAN, PSK
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_provisioning(monkeypatch: pytest.MonkeyPatch) -> None:
    from celery import current_app

    import wizard.tasks  # noqa: F401 - registers the provisioning task

    def send_task(name: str, args: list[object] | None = None, **options: object) -> None:
        current_app.tasks[name].apply(args=args)

    monkeypatch.setattr(current_app, "send_task", send_task)


def sign_in(chromium, live_server, username: str):
    page = chromium.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def submit(page) -> None:
    acknowledge = page.locator("#id_acknowledge_warnings")
    if acknowledge.count():
        acknowledge.check()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/requests/*/")


def test_submit_send_back_fix_approve_active(
    chromium, live_server, member, reviewer, eager_provisioning, settings, tmp_path
):
    settings.SANDBOX_DELAY_SECONDS = 0.0
    plan = copy.deepcopy(PLAN)
    plan.update(name="journey-dc", psk=PSK)
    plan["gateways"][0]["ip_addresses"] = []
    # The "compatible" policy: AES-CBC, which the reviewer will ask to replace.
    plan["ike"].update(encryption_algorithm="aes-256", dh_group="group15")
    plan["ipsec"].update(encryption_algorithm="aes-256", pfs="group15")
    plan_file = tmp_path / "journey.plan.json"
    plan_file.write_text(json.dumps(plan))

    # The user imports a plan and submits it.
    user = sign_in(chromium, live_server, member.username)
    user.goto(f"{live_server.url}/requests/import/")
    user.set_input_files("#id_plan_file", str(plan_file))
    user.get_by_role("button", name="Import").click()
    user.wait_for_url("**/requests/*/review/")
    submit(user)
    assert "Pending review" in user.locator("h1").inner_text()
    request = ConnectionRequest.objects.get(name="journey-dc")
    assert request.status == RequestStatus.PENDING_REVIEW

    # The reviewer finds it in the queue, sees the weak crypto and sends it back.
    staff = sign_in(chromium, live_server, reviewer.username)
    staff.get_by_role("link", name="Review queue").click()
    staff.get_by_role("link", name="journey-dc").click()
    assert "the cloud flags AES-CBC as not recommended" in staff.content()
    staff.fill("#id_comments", "Use the recommended policy (AES-GCM).")
    staff.get_by_role("button", name="Send back").click()
    staff.wait_for_url(f"{live_server.url}/review/")
    assert "Sent journey-dc" in staff.content()
    request.refresh_from_db()
    assert (request.status, request.review_comment) == (
        RequestStatus.DRAFT,
        "Use the recommended policy (AES-GCM).",
    )
    assert any("sent back for changes" in message.subject for message in mail.outbox)

    # The user switches to the recommended policy and submits again.
    user.goto(f"{live_server.url}/requests/{request.pk}/step/security/")
    user.locator("input[name=preset][value=recommended]").check()
    user.get_by_role("button", name="Next: Review").click()
    user.wait_for_url(f"**/requests/{request.pk}/review/")
    submit(user)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING_REVIEW
    assert request.plan["ike"]["encryption_algorithm"] == "aes-256-gcm-16"

    # The reviewer approves; provisioning runs and the request goes active.
    staff.goto(f"{live_server.url}/review/{request.pk}/")
    assert "No algorithm of the IKE or IPsec policy is flagged as weak." in staff.content()
    staff.get_by_role("button", name="Approve and provision").click()
    staff.wait_for_url(f"{live_server.url}/review/")
    assert "provisioning starts now" in staff.content()
    request.refresh_from_db()
    assert request.status == RequestStatus.ACTIVE, request.failure_reason
    user.goto(f"{live_server.url}/requests/{request.pk}/")
    assert "Active" in user.locator("h1").inner_text()
