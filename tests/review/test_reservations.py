"""One source of reservations: what other live requests hold on a gateway, for the wizard and for review."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wizard import review_selectors, selectors
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, Tunnel

pytestmark = pytest.mark.django_db

MANUAL_TUNNELS = {
    "tunnels": [
        {
            "peer": "Berlin",
            "connection": 1,
            "local_address": "169.254.70.1/30",
            "peer_address": "169.254.70.2/30",
        },
        {
            "peer": "Berlin",
            "connection": 2,
            "local_address": "169.254.71.1/30",
            "peer_address": "169.254.71.2/30",
        },
    ]
}


def _provision(request: ConnectionRequest, *addresses: str) -> None:
    for connection_number, address in enumerate(addresses, start=1):
        Tunnel.objects.create(
            request=request,
            peer="Munich",
            connection=connection_number,
            customer_ip="203.0.113.20",
            local_address=address,
            peer_address=address.replace(".1/", ".2/"),
        )
    ConnectionRequest.objects.filter(pk=request.pk).update(status=RequestStatus.ACTIVE)


def test_reserved_blocks_hold_subnets_and_tunnel_inside_blocks_of_other_live_requests(make_request, gateway):
    active = make_request(name="munich", gateway=gateway, subnets=("10.2.0.0/16",))
    _provision(active, "169.254.70.1/30", "169.254.80.1/30")
    pending = make_request(name="paris", gateway=gateway, subnets=("10.3.0.0/16",), changes=MANUAL_TUNNELS)
    make_request(name="draft", gateway=gateway, subnets=("10.4.0.0/16",), status=RequestStatus.DRAFT)
    make_request(name="rejected", gateway=gateway, subnets=("10.5.0.0/16",), status=RequestStatus.REJECTED)
    mine = make_request(name="mine", gateway=gateway, subnets=("10.6.0.0/16",))

    reserved = selectors.reserved_blocks(gateway.pk, exclude_request_id=mine.pk)

    assert sorted(block.cidr for block in reserved) == [
        "10.2.0.0/16",
        "10.3.0.0/16",
        "169.254.70.0/30",  # provisioned tunnels of the active request
        "169.254.70.0/30",  # a pending request's own manual addresses (it has no tunnels yet)
        "169.254.71.0/30",
        "169.254.80.0/30",
    ]
    owners = {block.cidr: block.owner for block in reserved}
    assert owners["10.2.0.0/16"] == f"site 'Berlin' (request #{active.pk} 'munich')"
    assert owners["169.254.80.0/30"] == f"tunnel Munich #2 (request #{active.pk} 'munich')"
    assert owners["169.254.71.0/30"] == f"tunnel Berlin #2 (request #{pending.pk} 'paris')"
    assert selectors.reserved_blocks(None, exclude_request_id=mine.pk) == []


def test_wizard_check_and_review_report_see_the_same_tunnel_conflict(make_request, gateway):
    active = make_request(name="munich", gateway=gateway, subnets=("10.2.0.0/16",))
    _provision(active, "169.254.70.1/30", "169.254.71.1/30")
    draft = make_request(name="draft", gateway=gateway, status=RequestStatus.DRAFT, changes=MANUAL_TUNNELS)

    _, wizard_findings = selectors.check_plan(draft)
    wizard_conflicts = [finding for finding in wizard_findings if finding.code == "subnet.reserved"]
    assert [finding.path for finding in wizard_conflicts] == [
        "tunnels[0].local_address",
        "tunnels[1].local_address",
    ]
    ConnectionRequest.objects.filter(pk=draft.pk).update(status=RequestStatus.PENDING_REVIEW)
    report = review_selectors.review_report(ConnectionRequest.objects.get(pk=draft.pk))
    assert [finding.path for finding in report.conflicts] == [finding.path for finding in wizard_conflicts]
    assert "tunnel Munich #1" in report.conflicts[0].message


def test_queue_counts_tunnel_conflicts_too(make_request, gateway):
    active = make_request(name="munich", gateway=gateway, subnets=("10.2.0.0/16",))
    _provision(active, "169.254.70.1/30")
    pending = make_request(name="paris", gateway=gateway, changes=MANUAL_TUNNELS)
    counts = review_selectors.finding_counts([pending])
    assert counts[pending.pk].errors == 1


def test_reservations_take_two_queries_however_many_requests_hold_blocks(make_request, gateway):
    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.reserved_blocks(gateway.pk, exclude_request_id=None)
        return len(queries)

    _provision(make_request(name="first", gateway=gateway), "169.254.70.1/30")
    few = measure()
    for index in range(15):
        other = make_request(name=f"more-{index}", gateway=gateway, subnets=(f"10.{index + 20}.0.0/16",))
        _provision(other, f"169.254.{index + 100}.1/30")
    assert measure() == few == 2


def test_automatic_tunnel_addresses_shown_avoid_those_built_on_the_hub(client, member, make_request, gateway):
    active = make_request(name="munich", gateway=gateway, subnets=("10.2.0.0/16",))
    _provision(active, "169.254.1.1/30", "169.254.1.5/30")  # the first two /30s automatic allocation picks
    draft = make_request(name="paris", gateway=gateway, status=RequestStatus.DRAFT)
    client.force_login(member)
    response = client.get(reverse("wizard:review", args=[draft.pk]))
    addresses = [(tunnel.local_address, tunnel.peer_address) for tunnel in response.context["tunnels"]]
    assert addresses == [("169.254.1.9/30", "169.254.1.10/30"), ("169.254.1.13/30", "169.254.1.14/30")]
    assert "inside 169.254.1.9/30 ↔ 169.254.1.10/30" in response.context["diagram"]
