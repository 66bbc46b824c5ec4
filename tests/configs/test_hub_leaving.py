"""Branches leaving a hub: every other branch's configs are regenerated without it, flagged, diffed and
announced, by the same refresh as a join; a refresh lost on the way is sent again by the reconciler."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from celery import current_app
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from tests.configs.test_hub_changes import branch, remote_ts, swanctl
from tests.people import make_user
from wizard.choices import RequestStatus
from wizard.config_selectors import config_changes
from wizard.models import (
    AuditEvent,
    ConnectionRequest,
    DeviceConfig,
    Gateway,
    HubChange,
    SandboxResource,
    Team,
)
from wizard.selectors import reserved_blocks
from wizard.services import configs, decommissioning
from wizard.services.configs import configs_record_download, generate_request_configs
from wizard.tasks import reconcile_provisioning

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def team_of(name: str, member: str) -> tuple[Team, Any]:
    team = Team.objects.create(name=name)
    user = make_user(member)
    team.members.add(user)
    return team, user


def three_branches(owner, team) -> tuple[ConnectionRequest, ConnectionRequest, ConnectionRequest, Any]:
    """Berlin (dana's team), Hamburg (hana's team) and Munich (mia's team) on one hub."""
    berlin = branch(owner, team, "hub-berlin", "Berlin", "10.1.0.0/16", "203.0.113.10")
    hamburg_team, hana = team_of("Hamburg", "hana")
    hamburg = branch(hana, hamburg_team, "hub-hamburg", "Hamburg", "10.2.0.0/16", "203.0.113.20", berlin)
    munich_team, mia = team_of("Munich", "mia")
    munich = branch(mia, munich_team, "hub-munich", "Munich", "10.3.0.0/16", "203.0.113.30", berlin)
    return berlin, hamburg, munich, mia


def broker_down_for(monkeypatch: pytest.MonkeyPatch, task: str) -> None:
    """From now on, handing `task` to the broker fails as when Redis is unreachable."""
    working = current_app.send_task

    def send_task(name: str, args: list[int] | None = None, **options: Any) -> None:
        if name == task:
            raise OperationalError("Error 111 connecting to redis: Connection refused.")
        working(name, args, **options)

    monkeypatch.setattr(current_app, "send_task", send_task)


def test_a_branch_leaving_updates_every_other_branch_and_tells_its_team(owner, team, sent) -> None:
    berlin, hamburg, munich, mia = three_branches(owner, team)
    hana = hamburg.owner
    assert remote_ts(swanctl(berlin)).startswith("remote_ts = 10.2.0.0/15, 192.168.1.0/24,")
    # What each team has on its devices.
    configs_record_download(request=berlin, configs=[swanctl(berlin)], actor=owner, http_request=None)
    configs_record_download(request=hamburg, configs=[swanctl(hamburg)], actor=hana, http_request=None)
    munich_tunnels = sorted(munich.tunnels.values_list("local_address", flat=True))
    sent.clear()
    mail.outbox.clear()

    decommissioning.decommission_start(request_id=munich.pk, actor=mia)

    munich.refresh_from_db()
    assert munich.status == RequestStatus.DECOMMISSIONED
    assert sent == [
        (decommissioning.DECOMMISSION_TASK, [munich.pk], "provisioning"),
        (configs.HUB_REFRESH_TASK, [berlin.gateway_id, munich.pk], "configs"),
    ]
    # The leaving branch's resources are gone; the hub and the other branches' stay.
    assert not SandboxResource.objects.filter(name__startswith=f"r{munich.pk}-").exists()
    assert SandboxResource.objects.filter(name__startswith=f"r{berlin.pk}-").count() == 3
    hub = Gateway.objects.get(pk=berlin.gateway_id)
    assert hub.provider_id and hub.status == "ACTIVE"
    assert SandboxResource.objects.get(kind="vpn_gateway").provider_id == hub.provider_id
    assert AuditEvent.objects.get(request=munich, action="status.decommissioned").detail["gateways_kept"] == [
        hub.name
    ]

    # What each branch routes besides the VPC, before and after Munich left.
    routes = {berlin: ("10.2.0.0/15", "10.2.0.0/16"), hamburg: ("10.1.0.0/16, 10.3.0.0/16", "10.1.0.0/16")}
    for request, (before, after) in routes.items():
        config = swanctl(request)
        assert config.changed, request.name
        assert remote_ts(config).startswith(f"remote_ts = {after}, 192.168.1.0/24,")
        assert "10.3.0.0/16" not in config.content
        diff = config_changes(config).splitlines()
        assert diff[:2] == [f"--- {config.filename} (as downloaded)", f"+++ {config.filename} (now)"]
        removed = [line[1:].strip() for line in diff[2:] if line.startswith("-")]
        added = [line[1:].strip() for line in diff[2:] if line.startswith("+")]
        assert [line.rsplit(", ", 1)[0] for line in removed] == 2 * [f"remote_ts = {before}, 192.168.1.0/24"]
        assert [line.rsplit(", ", 1)[0] for line in added] == 2 * [f"remote_ts = {after}, 192.168.1.0/24"]
        event = AuditEvent.objects.get(
            request=request, action="configs.hub_changed", detail__left_request=munich.pk
        )
        assert event.detail == {"left_request": munich.pk, "branches": ["Munich"], "files": [config.filename]}
    assert sorted(message.to[0] for message in mail.outbox) == ["dana@example.com", "hana@example.com"]
    for message in mail.outbox:
        assert "branch Munich (request hub-munich) left the hub" in message.body
        assert "no longer route to it" in message.body
    # Munich's team hears nothing about its own leaving, and the record of the change is done.
    assert not AuditEvent.objects.filter(
        request=munich, action="configs.hub_changed", detail__left_request=munich.pk
    )
    assert not HubChange.objects.filter(done_at__isnull=True).exists()
    # The refresh rendered exactly what each branch's own generation renders.
    before = {row.pk: row.checksum for row in DeviceConfig.objects.filter(request__in=[berlin, hamburg])}
    for request in (berlin, hamburg):
        generate_request_configs(request.pk)
    assert {
        row.pk: row.checksum for row in DeviceConfig.objects.filter(request__in=[berlin, hamburg])
    } == before

    # Munich's address blocks are free: its subnet is reserved no more, a new branch gets its tunnel /30s.
    assert "10.3.0.0/16" not in [block.cidr for block in reserved_blocks(hub.pk, exclude_request_id=None)]
    cologne = branch(owner, team, "hub-cologne", "Cologne", "10.3.0.0/16", "203.0.113.40", berlin)
    assert sorted(cologne.tunnels.values_list("local_address", flat=True)) == munich_tunnels


def test_a_hub_refresh_lost_when_a_branch_joined_is_sent_again_by_the_reconciler(
    owner, team, sent, monkeypatch
) -> None:
    berlin = branch(owner, team, "hub-berlin", "Berlin", "10.1.0.0/16", "203.0.113.10")
    hamburg = branch(owner, team, "hub-hamburg", "Hamburg", "10.2.0.0/16", "203.0.113.20", berlin)
    assert not HubChange.objects.filter(done_at__isnull=True).exists()
    fixed_send = current_app.send_task
    broker_down_for(monkeypatch, configs.HUB_REFRESH_TASK)
    munich = branch(owner, team, "hub-munich", "Munich", "10.3.0.0/16", "203.0.113.30", berlin)
    # The refresh never left: the others do not route Munich yet, but the need is on record.
    assert "10.3.0.0/16" not in swanctl(berlin).content
    change = HubChange.objects.get(done_at__isnull=True)
    assert (change.gateway_id, change.request_id, change.sent_at) == (berlin.gateway_id, munich.pk, None)

    monkeypatch.setattr(current_app, "send_task", fixed_send)  # the broker is back
    # Not at once (the first send may still be on its way) ...
    assert configs.hub_refresh_reconcile() == []
    HubChange.objects.filter(pk=change.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    # ... but once it is overdue, by the periodic maintenance task.
    assert reconcile_provisioning.apply().get()["hub_refreshes"] == [change.pk]
    assert remote_ts(swanctl(berlin)).startswith("remote_ts = 10.2.0.0/15, 192.168.1.0/24,")
    assert "10.3.0.0/16" in swanctl(hamburg).content
    assert (
        AuditEvent.objects.filter(action="configs.hub_changed", detail__joined_request=munich.pk).count() == 2
    )
    change.refresh_from_db()
    assert change.sent_at is not None and change.done_at is not None
    assert configs.hub_refresh_reconcile() == []
    assert AuditEvent.objects.filter(action="configs.hub_refresh_resent").count() == 1


def test_a_hub_refresh_lost_when_a_branch_left_and_one_sent_but_never_done_are_sent_again(
    owner, team, sent, monkeypatch
) -> None:
    berlin, hamburg, munich, mia = three_branches(owner, team)
    fixed_send = current_app.send_task
    broker_down_for(monkeypatch, configs.HUB_REFRESH_TASK)
    decommissioning.decommission_start(request_id=munich.pk, actor=mia)
    assert ConnectionRequest.objects.get(pk=munich.pk).status == RequestStatus.DECOMMISSIONED
    assert "10.3.0.0/16" in swanctl(hamburg).content  # not refreshed yet
    lost = HubChange.objects.get(done_at__isnull=True)
    assert lost.request_id == munich.pk and lost.sent_at is None
    long_ago = timezone.now() - timedelta(hours=1)
    HubChange.objects.filter(pk=lost.pk).update(created_at=long_ago)
    # Sent (the broker took it) but never done: its worker died and the message was lost with Redis's data.
    vanished = HubChange.objects.create(gateway_id=berlin.gateway_id, request_id=hamburg.pk)
    HubChange.objects.filter(pk=vanished.pk).update(created_at=long_ago, sent_at=long_ago)

    monkeypatch.setattr(current_app, "send_task", fixed_send)
    sent.clear()
    told_of_hamburg = AuditEvent.objects.filter(
        action="configs.hub_changed", detail__joined_request=hamburg.pk
    ).count()
    assert configs.hub_refresh_reconcile() == sorted([lost.pk, vanished.pk])
    assert sorted(sent) == sorted(
        [
            (configs.HUB_REFRESH_TASK, [berlin.gateway_id, munich.pk], "configs"),
            (configs.HUB_REFRESH_TASK, [berlin.gateway_id, hamburg.pk], "configs"),
        ]
    )
    assert "10.3.0.0/16" not in swanctl(hamburg).content and "10.3.0.0/16" not in swanctl(berlin).content
    assert (
        AuditEvent.objects.filter(action="configs.hub_changed", detail__left_request=munich.pk).count() == 2
    )
    # Hamburg's own change had nothing left to change: nobody is told twice.
    assert AuditEvent.objects.filter(
        action="configs.hub_changed", detail__joined_request=hamburg.pk
    ).count() == (told_of_hamburg)
    assert not HubChange.objects.filter(done_at__isnull=True).exists()
    assert configs.hub_refresh_reconcile() == []
