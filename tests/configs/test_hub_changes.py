"""Branches joining a hub: every other branch's configs are regenerated, flagged, diffed and announced."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.configs.conftest import branch_plan, provision
from tests.people import make_user
from tests.provisioning.conftest import create_request
from wizard.config_selectors import config_changes
from wizard.models import AuditEvent, ConnectionRequest, DeviceConfig, Team
from wizard.services import configs
from wizard.services.configs import configs_record_download, generate_request_configs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def branch(
    owner, team: Team, name: str, site: str, subnet: str, ip: str, hub: ConnectionRequest | None = None
):
    request = create_request(owner, team, **branch_plan(name, site, subnet, ip))
    if hub is not None:
        # A branch of another team joins the hub chosen in the wizard.
        ConnectionRequest.objects.filter(pk=request.pk).update(gateway_id=hub.gateway_id)
    return provision(request)


def swanctl(request: ConnectionRequest) -> DeviceConfig:
    return DeviceConfig.objects.get(request=request, filename__endswith="swanctl.conf")


def remote_ts(config: DeviceConfig) -> str:
    return next(line.strip() for line in config.content.splitlines() if "remote_ts" in line)


def test_branches_joining_a_hub_update_every_other_branch_and_tell_its_team(owner, team, sent) -> None:
    berlin = branch(owner, team, "hub-berlin", "Berlin", "10.1.0.0/16", "203.0.113.10")
    assert sent == [] and remote_ts(swanctl(berlin)).startswith("remote_ts = 192.168.1.0/24,")
    configs_record_download(
        request=berlin, configs=[swanctl(berlin)], actor=owner, http_request=None
    )  # what the Berlin team has on its device

    other_team = Team.objects.create(name="Branches")
    hamburg_owner = make_user("hana")
    other_team.members.add(hamburg_owner)
    hamburg = branch(
        hamburg_owner, other_team, "hub-hamburg", "Hamburg", "10.2.0.0/16", "203.0.113.20", berlin
    )
    assert hamburg.gateway_id == berlin.gateway_id
    # The newcomer routes the existing branch from the start ...
    assert remote_ts(swanctl(hamburg)).startswith("remote_ts = 10.1.0.0/16, 192.168.1.0/24,")
    # ... and the existing branch is regenerated to route the newcomer, on the configs queue.
    assert sent == [(configs.HUB_REFRESH_TASK, [berlin.gateway_id, hamburg.pk], "configs")]
    config = swanctl(berlin)
    assert config.changed and remote_ts(config).startswith("remote_ts = 10.2.0.0/16, 192.168.1.0/24,")
    diff = config_changes(config).splitlines()
    assert diff[:2] == [f"--- {config.filename} (as downloaded)", f"+++ {config.filename} (now)"]
    assert [line for line in diff[2:] if line.startswith("-")] == [
        "-        remote_ts = 192.168.1.0/24, 169.254.1.1/32",
        "-        remote_ts = 192.168.1.0/24, 169.254.1.5/32",
    ]
    assert [line for line in diff[2:] if line.startswith("+")] == [
        "+        remote_ts = 10.2.0.0/16, 192.168.1.0/24, 169.254.1.1/32",
        "+        remote_ts = 10.2.0.0/16, 192.168.1.0/24, 169.254.1.5/32",
    ]
    event = AuditEvent.objects.get(request=berlin, action="configs.hub_changed")
    assert event.detail == {
        "joined_request": hamburg.pk,
        "branches": ["Hamburg"],
        "files": [config.filename],
    }
    assert [message.to for message in mail.outbox] == [["dana@example.com"]]
    assert "Hamburg" in mail.outbox[0].body and config.filename in mail.outbox[0].body
    assert f"/requests/{berlin.pk}/" in mail.outbox[0].body
    assert not AuditEvent.objects.filter(request=hamburg, action="configs.hub_changed").exists()

    # A third branch next to Hamburg: Berlin's route to both is one summary, Hamburg's team hears too.
    mail.outbox.clear()
    munich = branch(owner, team, "hub-munich", "Munich", "10.3.0.0/16", "203.0.113.30", berlin)
    assert remote_ts(swanctl(berlin)).startswith("remote_ts = 10.2.0.0/15, 192.168.1.0/24,")
    assert remote_ts(swanctl(hamburg)).startswith("remote_ts = 10.1.0.0/16, 10.3.0.0/16, 192.168.1.0/24,")
    assert remote_ts(swanctl(munich)).startswith("remote_ts = 10.1.0.0/16, 10.2.0.0/16, 192.168.1.0/24,")
    assert sorted(message.to[0] for message in mail.outbox) == ["dana@example.com", "hana@example.com"]
    assert swanctl(hamburg).changed  # never downloaded: changed, with no earlier version to compare
    assert config_changes(swanctl(hamburg)) == ""
    # The refresh rendered exactly what the branch's own generation renders.
    before = {row.pk: row.checksum for row in DeviceConfig.objects.all()}
    for request in (berlin, hamburg, munich):
        generate_request_configs(request.pk)
    assert {row.pk: row.checksum for row in DeviceConfig.objects.all()} == before


def test_a_hub_refresh_that_changes_nothing_announces_nothing(owner, team, sent) -> None:
    berlin = branch(owner, team, "hub-berlin", "Berlin", "10.1.0.0/16", "203.0.113.10")
    hamburg = branch(owner, team, "hub-hamburg", "Hamburg", "10.2.0.0/16", "203.0.113.20", berlin)
    mail.outbox.clear()
    before = AuditEvent.objects.filter(action="configs.hub_changed").count()
    assert configs.hub_configs_refresh(gateway_id=berlin.gateway_id, changed_request_id=hamburg.pk) == []
    assert mail.outbox == [] and AuditEvent.objects.filter(action="configs.hub_changed").count() == before
