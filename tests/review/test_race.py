"""Two reviewers decide on one request at the same moment: one decision, a clear message for the other."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest
from wizard.services import review
from wizard.services.provisioning import PROVISION_TASK

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ROUNDS = 5


def run_together(actions: list[Callable[[], object]]) -> list[object]:
    """Run each action in its own thread and database connection, released at the same instant."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = actions[index]()
        except Exception as error:  # the outcome under test may be the exception itself
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_approve_and_reject_at_once_give_one_decision(
    make_request, reviewer, second_reviewer, sent_tasks, round_number
):
    pending = make_request(name=f"race-{round_number}")
    results = run_together(
        [
            lambda: review.request_approve(request_id=pending.pk, reviewer=reviewer),
            lambda: review.request_reject(request_id=pending.pk, reviewer=second_reviewer, reason="No."),
        ]
    )
    winners = [result for result in results if isinstance(result, ConnectionRequest)]
    losers = [result for result in results if isinstance(result, review.ReviewRefused)]
    assert len(winners) == 1 and len(losers) == 1, results
    final = ConnectionRequest.objects.get(pk=pending.pk)
    assert final.status == winners[0].status
    assert final.reviewed_by_id == (
        reviewer.pk if final.status == RequestStatus.APPROVED else second_reviewer.pk
    )
    assert str(losers[0]).startswith("Another decision was taken first.")
    assert f"is now {final.get_status_display().lower()}" in str(losers[0])
    assert AuditEvent.objects.filter(request=pending).count() == 1
    assert sent_tasks == ([(PROVISION_TASK, pending.pk)] if final.status == RequestStatus.APPROVED else [])


def test_two_approvals_through_the_site_start_provisioning_once(
    make_request, reviewer, second_reviewer, sent_tasks
):
    pending = make_request()
    clients = []
    for user in (reviewer, second_reviewer):
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = reverse("review:approve", args=[pending.pk])
    responses = run_together([lambda client=client: client.post(url, {"comment": ""}) for client in clients])
    assert [response.status_code for response in responses] == [302, 302]
    texts = [[str(message) for message in get_messages(response.wsgi_request)] for response in responses]
    assert sorted(len(text) for text in texts) == [1, 1]
    outcomes = sorted(text[0].split(" (")[0] for text in texts)
    assert outcomes[0].startswith("Another decision was taken first.")
    assert "is now approved; it cannot become approved" in outcomes[0]
    assert outcomes[1] == f"Approved {pending.name}"
    assert sent_tasks == [(PROVISION_TASK, pending.pk)]
    assert AuditEvent.objects.filter(request=pending, action="status.approved").count() == 1
