"""The generation task: every file of a request, stored with its checksum, idempotent, on demand."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.people import make_user
from wizard.choices import RequestStatus
from wizard.models import AuditEvent, ConnectionRequest, DeviceConfig
from wizard.services import configs
from wizard.services.configs import GenerationRefused, checksum, generate_request_configs
from wizard.tasks import generate_configs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def rows(request: ConnectionRequest) -> dict[str, tuple[int, str, object, bool]]:
    return {
        row.filename: (row.pk, row.checksum, row.generated_at, row.changed)
        for row in DeviceConfig.objects.filter(request=request)
    }


def test_provisioning_stores_every_file_with_its_checksum(active_request) -> None:
    request = active_request(routing={"mode": "bgp", "branch_interconnection": False, "nqa": False})
    stored = DeviceConfig.objects.filter(request=request)
    # strongSwan with BGP: the IPsec config and the routing daemon's config.
    assert sorted(row.filename for row in stored) == ["fra-0-Berlin-frr.conf", "fra-0-Berlin-swanctl.conf"]
    for row in stored:
        assert row.checksum == checksum(row.content) and row.peer == "Berlin" and row.platform == "strongswan"
        assert "\r" not in row.content and not row.changed


def test_generating_again_keeps_every_row_checksum_and_time(active_request) -> None:
    request = active_request()
    before = rows(request)
    result = generate_configs.apply(args=[request.pk]).get()
    assert result == len(before) and rows(request) == before


def test_changed_content_is_flagged_until_it_returns_to_what_was_downloaded(active_request) -> None:
    request = active_request()
    config = DeviceConfig.objects.get(request=request)
    DeviceConfig.objects.filter(pk=config.pk).update(downloaded_content=config.content)
    plan = request.plan
    plan["sites"][0]["subnets"] = ["10.9.0.0/16"]
    ConnectionRequest.objects.filter(pk=request.pk).update(plan=plan)
    generate_request_configs(request.pk)
    changed = DeviceConfig.objects.get(pk=config.pk)
    assert changed.changed and changed.checksum != config.checksum and "10.9.0.0/16" in changed.content

    plan["sites"][0]["subnets"] = ["10.1.0.0/16"]
    ConnectionRequest.objects.filter(pk=request.pk).update(plan=plan)
    generate_request_configs(request.pk)
    back = DeviceConfig.objects.get(pk=config.pk)
    assert not back.changed and back.checksum == config.checksum


def test_files_the_plan_no_longer_produces_are_removed(active_request) -> None:
    request = active_request()
    plan = request.plan
    plan["sites"][0]["platform"] = "cisco_iosxe"
    ConnectionRequest.objects.filter(pk=request.pk).update(plan=plan)
    generate_request_configs(request.pk)
    assert list(DeviceConfig.objects.filter(request=request).values_list("filename", flat=True)) == [
        "fra-0-Berlin-cisco-iosxe.txt"
    ]


def test_owner_and_staff_can_ask_for_a_generation_on_the_configs_queue(active_request, team, sent) -> None:
    request = active_request()
    staff = make_user("steve", staff=True)
    for actor in (request.owner, staff):
        configs.configs_generation_request(request_id=request.pk, actor=actor)
    assert sent == [(configs.GENERATE_TASK, [request.pk], "configs")] * 2
    assert AuditEvent.objects.filter(request=request, action="configs.generation_requested").count() == 2

    colleague = make_user("erin")
    team.members.add(colleague)
    with pytest.raises(PermissionDenied):
        configs.configs_generation_request(request_id=request.pk, actor=colleague)


def test_a_request_that_is_not_active_cannot_be_generated(active_request, sent) -> None:
    request = active_request()
    ConnectionRequest.objects.filter(pk=request.pk).update(status=RequestStatus.FAILED)
    with pytest.raises(GenerationRefused, match="once the request is active"):
        configs.configs_generation_request(request_id=request.pk, actor=request.owner)
    assert sent == []
