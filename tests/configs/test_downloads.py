"""Downloads: one file or a zip with a README; team and staff only; audited; LF; the diff on the page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from tests.people import make_user
from wizard.models import AuditEvent, ConnectionRequest, DeviceConfig
from wizard.services import configs
from wizard.services.configs import generate_request_configs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def zip_url(request: ConnectionRequest) -> str:
    return reverse("configs:download", args=[request.pk])


def file_url(config: DeviceConfig) -> str:
    return f"{reverse('configs:download', args=[config.request_id])}?file={config.filename}"


@pytest.fixture
def cisco(active_request) -> ConnectionRequest:
    """An active request for a Cisco IOS-XE device and a device of any other make (parameter sheets)."""
    berlin = {
        "name": "Berlin",
        "gateway_ips": ["203.0.113.10"],
        "bgp_asn": 65010,
        "platform": "cisco_iosxe",
        "subnets": ["10.1.0.0/16"],
        "outside_interface": "GigabitEthernet0/0/0",
    }
    potsdam = {**berlin, "name": "Potsdam", "gateway_ips": ["203.0.113.11"], "platform": "generic"}
    potsdam.update(subnets=["10.7.0.0/16"], outside_interface="")
    return active_request(sites=[berlin, potsdam])


def test_the_zip_holds_every_file_and_a_readme_with_what_to_check(cisco, owner) -> None:
    response = client_for(owner).get(zip_url(cisco), REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="fra-0-configs.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    stored = {config.filename: config for config in DeviceConfig.objects.filter(request=cisco)}
    assert set(stored) == {
        "fra-0-Berlin-cisco-iosxe.txt",
        "fra-0-Potsdam-parameters.txt",
        "fra-0-Potsdam-parameters.json",
    }
    assert sorted(archive.namelist()) == sorted(["README.txt", *stored])
    for name in stored:
        text = archive.read(name).decode()
        assert text == stored[name].content and "\r" not in text
    readme = archive.read("README.txt").decode()
    assert "\r" not in readme
    for name, config in stored.items():
        assert name in readme and config.checksum in readme
    assert "Device:            Berlin" in readme and "Device:            Potsdam" in readme
    assert "Cisco IOS-XE configuration" in readme and "Parameter sheet (JSON)" in readme
    assert "GigabitEthernet0/0/0 (as entered in the wizard)" in readme
    assert "UDP 500" in readme and "UDP 4500" in readme and "NAT exemption" in readme

    event = AuditEvent.objects.get(request=cisco, action="configs.downloaded")
    assert event.actor == owner and event.source_address == "192.0.2.44"
    assert event.detail == {
        "files": sorted(stored, key=lambda n: (stored[n].peer, stored[n].platform, n)),
        "archive": "fra-0-configs.zip",
    }
    assert all(
        config.downloaded_content == config.content for config in DeviceConfig.objects.filter(request=cisco)
    )


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("fra-0-Berlin-cisco-iosxe.txt", "text/plain; charset=utf-8"),
        ("fra-0-Potsdam-parameters.txt", "text/plain; charset=utf-8"),
        ("fra-0-Potsdam-parameters.json", "application/json"),
    ],
)
def test_one_file_comes_as_an_attachment_with_its_own_name(cisco, owner, filename, content_type) -> None:
    config = DeviceConfig.objects.get(request=cisco, filename=filename)
    response = client_for(owner).get(file_url(config))
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.decode() == config.content and b"\r" not in response.content
    event = AuditEvent.objects.get(request=cisco, action="configs.downloaded")
    assert event.detail == {"files": [filename]} and event.actor == owner


def test_a_file_of_another_request_or_no_file_is_404(cisco, active_request, owner) -> None:
    other = active_request(1)
    foreign = DeviceConfig.objects.filter(request=other).first()
    client = client_for(owner)
    assert client.get(f"{zip_url(cisco)}?file={foreign.filename}").status_code == 404
    assert client.get(f"{zip_url(cisco)}?file=").status_code == 404
    assert not AuditEvent.objects.filter(action="configs.downloaded").exists()


def test_only_the_team_and_staff_may_download(cisco, team) -> None:
    outsider, staff, teammate = make_user("olga"), make_user("steve", staff=True), make_user("tom")
    team.members.add(teammate)
    config = DeviceConfig.objects.get(request=cisco, filename="fra-0-Berlin-cisco-iosxe.txt")
    for url in (zip_url(cisco), file_url(config)):
        assert client_for(outsider).get(url).status_code == 404
        assert Client().get(url).status_code == 302  # to the sign-in page
        assert client_for(teammate).get(url).status_code == 200
        assert client_for(staff).get(url).status_code == 200
    actors = set(
        AuditEvent.objects.filter(action="configs.downloaded").values_list("actor__username", flat=True)
    )
    assert actors == {"tom", "steve"}


def test_a_staff_download_does_not_count_as_the_team_having_the_file(cisco, owner) -> None:
    config = DeviceConfig.objects.get(request=cisco, filename="fra-0-Berlin-cisco-iosxe.txt")
    DeviceConfig.objects.filter(pk=config.pk).update(changed=True)
    assert client_for(make_user("steve", staff=True)).get(file_url(config)).status_code == 200
    assert DeviceConfig.objects.get(pk=config.pk).changed
    assert client_for(owner).get(file_url(config)).status_code == 200
    config.refresh_from_db()
    assert not config.changed and config.downloaded_content == config.content


def test_downloads_are_rate_limited(cisco, owner, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "download": 2}
    client = client_for(owner)
    assert [client.get(zip_url(cisco)).status_code for _ in range(3)] == [200, 200, 429]


def test_the_request_page_links_every_file_and_shows_what_changed(cisco, owner, team) -> None:
    page = client_for(owner).get(reverse("wizard:request_detail", args=[cisco.pk])).content.decode()
    assert f'href="{zip_url(cisco)}"' in page
    for config in DeviceConfig.objects.filter(request=cisco):
        assert f'href="{file_url(config)}"' in page
    assert "Changed" not in page and "Generate the configurations again" in page

    config = DeviceConfig.objects.get(request=cisco, filename="fra-0-Berlin-cisco-iosxe.txt")
    client_for(owner).get(file_url(config))
    plan = cisco.plan
    plan["gateways"][0]["local_subnets"] = ["192.168.1.0/24", "192.168.9.0/24"]
    ConnectionRequest.objects.filter(pk=cisco.pk).update(plan=plan)
    generate_request_configs(cisco.pk)
    page = client_for(owner).get(reverse("wizard:request_detail", args=[cisco.pk])).content.decode()
    # Both files of Potsdam changed too, but it was never downloaded: flagged, with nothing to compare.
    assert "3 changed since your last download" in page
    assert "changed; you have not downloaded it before" in page
    assert "what changed since you last downloaded it" in page
    assert "--- fra-0-Berlin-cisco-iosxe.txt (as downloaded)" in page
    assert "+++ fra-0-Berlin-cisco-iosxe.txt (now)" in page
    assert "+ip route 192.168.9.0 255.255.255.0 Tunnel1 10" in page

    # A teammate who is not the requester sees the files but not the button.
    teammate = make_user("tom")
    team.members.add(teammate)
    page = client_for(teammate).get(reverse("wizard:request_detail", args=[cisco.pk])).content.decode()
    assert f'href="{zip_url(cisco)}"' in page and "Generate the configurations again" not in page


def test_the_generate_button_queues_the_task_for_the_owner_only(cisco, owner, team, sent) -> None:
    url = reverse("configs:generate", args=[cisco.pk])
    response = client_for(owner).post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("wizard:request_detail", args=[cisco.pk])
    assert "being generated" in response.content.decode()
    assert sent == [(configs.GENERATE_TASK, [cisco.pk], "configs")]
    teammate = make_user("tom")
    team.members.add(teammate)
    assert client_for(teammate).post(url).status_code == 403
    assert client_for(make_user("olga")).post(url).status_code == 404
    assert len(sent) == 1
