"""End to end: a request is submitted, approved and provisioned on the strongSwan provider (a real charon
standing in for the cloud gateway); the generated on-premises config, loaded into a second charon, brings both
tunnels up and carries traffic, and the tunnel status read back from the gateway says so.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.provisioning.conftest import create_request, plan_for
from tests.strongswan_lab import Lab, require_lab
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, DeviceConfig, Tunnel
from wizard.services import provisioning
from wizard.services.transitions import request_transition
from wizard.tasks import provision_request

pytestmark = [pytest.mark.interop, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLOUD_IPS = ("192.0.2.1", "192.0.2.2")
SITE_IP = "192.0.2.10"


def test_provisioned_on_strongswan_the_generated_site_config_brings_both_tunnels_up(
    tmp_path: Path, owner, team, settings, sent_tasks
) -> None:
    require_lab()
    with Lab(tmp_path) as lab:
        cloud, site = lab.add_node("cloud"), lab.add_node("site")
        lab.link(cloud, site, list(CLOUD_IPS), [SITE_IP])
        lab.add_host(cloud, "192.168.1.1")
        lab.add_host(site, "10.1.0.1")
        lab.start(cloud)
        lab.start(site)
        settings.WIZARD_PROVIDER = "strongswan"
        settings.STRONGSWAN_VICI_SOCKET = str(cloud.vici_path)
        settings.STRONGSWAN_GATEWAY_IPS = CLOUD_IPS

        data = plan_for(0)
        data["sites"][0]["gateway_ips"] = [SITE_IP]
        request = create_request(owner, team, status=RequestStatus.DRAFT, sites=data["sites"])
        for status, previous in (
            (RequestStatus.PENDING_REVIEW, RequestStatus.DRAFT),
            (RequestStatus.APPROVED, RequestStatus.PENDING_REVIEW),
        ):
            request_transition(request_id=request.pk, to=status, from_statuses=[previous])
        provisioning.provisioning_enqueue(request_id=request.pk)
        assert sent_tasks == [(provisioning.PROVISION_TASK, request.pk)]

        assert provision_request.apply(args=[request.pk]).get() == "active"
        request.refresh_from_db()
        assert request.status == RequestStatus.ACTIVE, request.failure_reason
        assert list(Tunnel.objects.filter(request=request).values_list("cloud_ip", flat=True)) == list(
            CLOUD_IPS
        )
        assert set(Tunnel.objects.values_list("status", flat=True)) == {"DOWN"}

        # Host setup on both gateways (the config header tells the user): own the tunnel inside addresses.
        for tunnel in Tunnel.objects.filter(request=request):
            lab.add_host(cloud, tunnel.local_address.split("/")[0])
            lab.add_host(site, tunnel.peer_address.split("/")[0])
        config = DeviceConfig.objects.get(request=request, filename="fra-0-Berlin-swanctl.conf")
        lab.load(site, config.content)
        names = [f"{t.peer}:{t.connection}" for t in Tunnel.objects.filter(request=request)]
        deadline = time.monotonic() + 15
        while sum(len(children) for children in lab.installed_children(site).values()) < 2:
            assert time.monotonic() < deadline, f"tunnels {names} did not come up: {lab.log(site)[-3000:]}"
            time.sleep(0.2)
        assert lab.ping(site, source="10.1.0.1", destination="192.168.1.1").ok

        assert provisioning.tunnel_status_refresh(request_id=request.pk) == 2
        assert set(Tunnel.objects.values_list("status", flat=True)) == {"ACTIVE"}
        assert ConnectionRequest.objects.get(pk=request.pk).status == RequestStatus.ACTIVE
