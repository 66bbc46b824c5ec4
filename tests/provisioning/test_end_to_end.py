"""End to end: a plan is imported and submitted through the wizard's services and approved by a second person;
a real Celery worker provisions it on the strongSwan provider (a real charon standing in for the cloud
gateway); the generated on-premises config, loaded into a second charon, brings both tunnels up and carries
traffic, and the tunnel status the worker reads back from the gateway says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import require
from tests.processes import celery_worker, embedded_redis
from tests.provisioning.conftest import PSK, plan_for
from tests.provisioning.workers import broker, wait_until, worker_env
from tests.strongswan_lab import Lab, missing_prerequisites
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, DeviceConfig, ProvisioningJob, Tunnel
from wizard.network import load_plan_text
from wizard.services.drafts import draft_import, draft_submit
from wizard.services.review import request_approve
from wizard.tasks import refresh_tunnel_status

pytestmark = [pytest.mark.interop, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLOUD_IPS = ("192.0.2.1", "192.0.2.2")
SITE_IP = "192.0.2.10"
CONFIG_FILE = "fra-0-Berlin-swanctl.conf"


def _tail(path: Path, characters: int = 3000) -> str:
    return path.read_text(errors="replace")[-characters:] if path.exists() else "(no log)"


def test_a_plan_approved_in_the_wizard_is_provisioned_by_a_worker_on_strongswan_and_its_site_config_connects(
    tmp_path: Path, owner, team
) -> None:
    missing = missing_prerequisites()
    require(not missing, "strongSwan lab unavailable: missing " + ", ".join(missing))
    reviewer = get_user_model().objects.create_user("rey", password="x-long-password-2", is_staff=True)
    data = plan_for(0)
    data["sites"][0]["gateway_ips"] = [SITE_IP]
    plan, findings = load_plan_text(json.dumps({**data, "psk": PSK}))
    assert plan is not None, findings
    worker_log = tmp_path / "worker.log"

    with Lab(tmp_path / "lab") as lab, embedded_redis(tmp_path) as redis_url, broker(redis_url):
        cloud, site = lab.add_node("cloud"), lab.add_node("site")
        lab.link(cloud, site, list(CLOUD_IPS), [SITE_IP])
        lab.add_host(cloud, "192.168.1.1")
        lab.add_host(site, "10.1.0.1")
        lab.start(cloud)
        lab.start(site)
        env = worker_env(
            redis_url,
            WIZARD_PROVIDER="strongswan",
            STRONGSWAN_VICI_SOCKET=str(cloud.vici_path),
            STRONGSWAN_GATEWAY_IPS=",".join(CLOUD_IPS),
        )
        with celery_worker(env, log=worker_log):
            draft = draft_import(owner=owner, team=team, plan=plan)
            draft_submit(draft=draft, actor=owner, acknowledged=True)
            # Four eyes: a staff member other than the requester approves.
            request_approve(request_id=draft.pk, reviewer=reviewer)

            def seen() -> str:
                request = ConnectionRequest.objects.get(pk=draft.pk)
                job = ProvisioningJob.objects.filter(request=request).first()
                return (
                    f"status {request.status}, step {job.step if job else '-'}, "
                    f"reason {request.failure_reason!r}; worker log:\n{_tail(worker_log)}"
                )

            wait_until(
                lambda: ConnectionRequest.objects.filter(pk=draft.pk, status=RequestStatus.ACTIVE).exists(),
                timeout=60,
                describe=seen,
            )
            tunnels = list(Tunnel.objects.filter(request_id=draft.pk).order_by("connection"))
            assert [tunnel.cloud_ip for tunnel in tunnels] == list(CLOUD_IPS)
            assert {tunnel.status for tunnel in tunnels} == {"DOWN"}
            assert ConnectionRequest.objects.get(pk=draft.pk).gateway.provider_id == "strongswan:vpngw-0"

            # Host setup on both gateways (the config header tells the user): own the tunnel inside addresses.
            for tunnel in tunnels:
                lab.add_host(cloud, tunnel.local_address.split("/")[0])
                lab.add_host(site, tunnel.peer_address.split("/")[0])
            config = DeviceConfig.objects.get(request_id=draft.pk, filename=CONFIG_FILE)
            lab.load(site, config.content)
            wait_until(
                lambda: sum(len(children) for children in lab.installed_children(site).values()) == 2,
                timeout=20,
                describe=lambda: (
                    f"CHILD_SAs {lab.installed_children(site)}; site log:\n{lab.log(site)[-3000:]}"
                ),
            )
            assert sum(len(children) for children in lab.installed_children(cloud).values()) == 2
            assert lab.ping(site, source="10.1.0.1", destination="192.168.1.1").ok

            refresh_tunnel_status.delay(draft.pk)
            wait_until(
                lambda: (
                    set(Tunnel.objects.filter(request_id=draft.pk).values_list("status", flat=True))
                    == {"ACTIVE"}
                ),
                timeout=30,
                describe=lambda: f"tunnel statuses not refreshed; worker log:\n{_tail(worker_log)}",
            )
    assert ConnectionRequest.objects.get(pk=draft.pk).status == RequestStatus.ACTIVE
