"""The review queue and page: what staff see, the decisions through the browser forms, bounded queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.review.conftest import PSK
from wizard.choices import RequestStatus, Scenario
from wizard.models import AuditEvent, ConnectionRequest, Tunnel
from wizard.services import review
from wizard.services.provisioning import PROVISION_TASK

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_queue_lists_pending_requests_oldest_first_with_counts(
    staff_client, make_request, other_team, outsider
):
    newer = make_request(name="newer")
    older = make_request(name="older", request_team=other_team, owner=outsider)
    ConnectionRequest.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    make_request(name="drafted", status=RequestStatus.DRAFT)
    make_request(name="done", status=RequestStatus.ACTIVE)
    weak = {"ike": {**newer.plan["ike"], "authentication_algorithm": "md5"}}
    make_request(name="broken", changes=weak)
    response = staff_client.get(reverse("review:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("older") < body.index("newer") < body.index("broken")
    assert "drafted" not in body and "done" not in body
    assert "3\xa0days" in body  # the age of the oldest
    assert "Network Munich" in body and "mallory" in body
    assert "3 requests pending review" in body
    rows = {row["request"].name: row["counts"] for row in response.context["rows"]}
    assert rows["broken"].warnings >= 1
    assert rows["newer"].errors == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "berl"}, {"berlin-dc"}),
        ({"q": "Munich"}, {"munich-dc"}),  # a site's name matches too
        ({"scenario": Scenario.BRANCH_HUB}, {"munich-dc"}),
        ({"team": "other"}, {"munich-dc"}),
        ({"gateway": "fra"}, {"berlin-dc"}),
        ({}, {"berlin-dc", "munich-dc"}),
    ],
)
def test_queue_filters(staff_client, make_request, other_team, outsider, gateway, query, expected):
    make_request(name="berlin-dc", gateway=gateway)
    munich = make_request(name="munich-dc", request_team=other_team, owner=outsider)
    plan = {**munich.plan, "sites": [{**munich.plan["sites"][0], "name": "Munich"}]}
    ConnectionRequest.objects.filter(pk=munich.pk).update(scenario=Scenario.BRANCH_HUB, plan=plan)
    ids = {"other": str(other_team.pk), "fra": str(gateway.pk)}
    params = {key: ids.get(value, value) for key, value in query.items()}
    response = staff_client.get(reverse("review:queue"), params)
    assert {row["request"].name for row in response.context["rows"]} == expected


def test_queue_answers_htmx_with_the_results_only(staff_client, make_request):
    make_request()
    response = staff_client.get(reverse("review:queue"), {"q": "fra"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="queue-results"')
    assert "<html" not in body


def test_queue_queries_do_not_grow_with_the_number_of_requests(staff_client, make_request, gateway):
    make_request(name="first", gateway=gateway)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(reverse("review:queue"))
    for index in range(12):
        make_request(name=f"more-{index}", gateway=gateway, subnets=(f"10.{index + 20}.0.0/16",))
    with CaptureQueriesContext(connection) as many:
        staff_client.get(reverse("review:queue"))
    assert len(many) == len(few)


def test_review_page_shows_plan_findings_conflicts_crypto_quota_and_no_secret(
    staff_client, make_request, gateway, other_team, outsider
):
    active = make_request(name="munich", request_team=other_team, owner=outsider, gateway=gateway)
    Tunnel.objects.create(
        request=active,
        peer="Berlin",
        connection=1,
        customer_ip="203.0.113.20",
        local_address="169.254.70.1/30",
        peer_address="169.254.70.2/30",
    )
    ConnectionRequest.objects.filter(pk=active.pk).update(status=RequestStatus.ACTIVE)
    weak = {"ike": {**active.plan["ike"], "dh_group": "group2"}}
    pending = make_request(gateway=gateway, subnets=("10.1.128.0/20",), changes=weak)
    response = staff_client.get(reverse("review:detail", args=[pending.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    report = response.context["report"]
    assert any("10.1.0.0/16" in finding.message for finding in report.conflicts)
    assert "munich" in body and "Network Munich" in body
    assert [weak.path for weak in report.weak_crypto] == ["ike.dh_group"]
    assert "1024-bit MODP is too short" in body
    assert (report.quota.flavor, report.quota.limit, report.quota.used, report.quota.requested) == (
        "Basic",
        10,
        1,
        1,
    )
    assert "vpngw-fra" in body and "203.0.113.10" in body and "aes-256-gcm-16" in body
    assert PSK not in body
    assert "Approve and provision" in body
    assert "<svg" in response.context["diagram"]


def test_review_page_without_conflicts_says_so(staff_client, make_request, gateway):
    pending = make_request(gateway=gateway)
    body = staff_client.get(reverse("review:detail", args=[pending.pk])).content.decode()
    assert "No address block of this plan collides with the 0 other requests" in body
    assert "No algorithm of the IKE or IPsec policy is flagged as weak." in body


def test_own_request_shows_no_approve_form(client, make_request, reviewer):
    client.force_login(reviewer)
    own = make_request(owner=reviewer)
    body = client.get(reverse("review:detail", args=[own.pk])).content.decode()
    assert "another reviewer has to approve it" in body
    assert reverse("review:approve", args=[own.pk]) not in body


def test_approve_through_the_form(staff_client, make_request, sent_tasks, django_capture_on_commit_callbacks):
    pending = make_request()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("review:approve", args=[pending.pk]), {"comment": "ok"}, REMOTE_ADDR="198.51.100.7"
        )
    assert response.status_code == 302 and response["Location"] == reverse("review:queue")
    assert sent_tasks == [(PROVISION_TASK, pending.pk)]
    event = AuditEvent.objects.get(request=pending)
    assert (event.action, event.source_address) == ("status.approved", "198.51.100.7")
    follow = staff_client.get(response["Location"])
    assert "provisioning starts now" in follow.content.decode()


def test_reject_without_a_reason_shows_the_error_next_to_the_field(staff_client, make_request):
    pending = make_request()
    response = staff_client.post(reverse("review:reject", args=[pending.pk]), {"reason": " "})
    assert response.status_code == 400
    assert "Give a reason for the rejection" in response.content.decode()
    assert ConnectionRequest.objects.get(pk=pending.pk).status == RequestStatus.PENDING_REVIEW


def test_send_back_through_the_form(staff_client, make_request):
    pending = make_request()
    response = staff_client.post(reverse("review:send_back", args=[pending.pk]), {"comments": "Use BGP."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.review_comment) == (RequestStatus.DRAFT, "Use BGP.")


def test_the_later_reviewer_sees_what_happened(client, make_request, reviewer, second_reviewer):
    pending = make_request()
    client.force_login(second_reviewer)
    review.request_reject(request_id=pending.pk, reviewer=reviewer, reason="Duplicate.")
    response = client.post(reverse("review:send_back", args=[pending.pk]), {"comments": "x"}, follow=True)
    body = response.content.decode()
    assert "Another decision was taken first. Request #" in body and "is now rejected" in body
    assert "there is nothing to decide" in body


def test_review_page_shows_the_audit_trail(staff_client, make_request, reviewer, rf):
    pending = make_request()
    review.request_send_back(
        request_id=pending.pk,
        reviewer=reviewer,
        comments="Fix it.",
        http_request=rf.post("/", REMOTE_ADDR="192.0.2.9"),
    )
    body = staff_client.get(reverse("review:detail", args=[pending.pk])).content.decode()
    assert "status.draft" in body and "192.0.2.9" in body and "rita" in body


def test_staff_nav_link(client, member, reviewer):
    client.force_login(member)
    assert "Review queue" not in client.get(reverse("home")).content.decode()
    client.force_login(reviewer)
    assert reverse("review:queue") in client.get(reverse("home")).content.decode()
