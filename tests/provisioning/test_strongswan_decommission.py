"""The strongSwan provider's deletes against a real charon (the cloud side) in a network namespace: the
connection's SAs end and it and its shared secret are unloaded; another connection on the gateway stays."""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import vici

from tests.plans import IKE, IPSEC, PSK
from tests.strongswan_lab import Lab, require_lab
from wizard.providers import ConnectionSpec, PermanentProviderError
from wizard.providers.strongswan import StrongSwanProvider, proposals

pytestmark = [pytest.mark.interop, pytest.mark.slow]

CLOUD_IPS = ("192.0.2.1", "192.0.2.2")
SITE_IP = "192.0.2.10"

SPEC = ConnectionSpec(
    name="r1-a-Berlin-1",
    gateway_id="strongswan:vpngw-0",
    gateway_ip_ref=CLOUD_IPS[0],
    gateway_ip=CLOUD_IPS[0],
    customer_gateway_id=f"strongswan-peer:{SITE_IP}",
    customer_ip=SITE_IP,
    style="static",
    local_subnets=("192.168.1.0/24",),
    peer_subnets=("10.1.0.0/16",),
    psk=PSK,
    tunnel_local_address="169.254.70.1/30",
    tunnel_peer_address="169.254.70.2/30",
    ike=IKE,
    ipsec=IPSEC,
)


def site_config(spec: ConnectionSpec) -> str:
    """The customer side of `spec`, starting its tunnel at once."""
    ike, esp = proposals(spec)
    return f"""connections {{
  cloud {{
    version = 2
    local_addrs = {spec.customer_ip}
    remote_addrs = {spec.gateway_ip}
    proposals = {ike}
    local {{
      auth = psk
      id = {spec.customer_ip}
    }}
    remote {{
      auth = psk
      id = {spec.gateway_ip}
    }}
    children {{
      net {{
        local_ts = 10.1.0.0/16, 169.254.70.2/32
        remote_ts = 192.168.1.0/24, 169.254.70.1/32
        esp_proposals = {esp}
        start_action = start
      }}
    }}
  }}
}}
secrets {{
  ike-cloud {{
    id-1 = {spec.customer_ip}
    id-2 = {spec.gateway_ip}
    secret = "{spec.psk}"
  }}
}}
"""


def text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def gateway_state(path: Path) -> dict[str, Any]:
    """Connections, shared-secret ids and IKE_SA names charon holds."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(path))
    try:
        session = vici.Session(sock)
        conns = [text(name) for name in session.get_conns()["conns"]]
        keys = [text(key) for key in session.get_shared()["keys"]]
        sas = [text(name) for entry in session.list_sas() for name in entry]
        return {"conns": sorted(conns), "keys": sorted(keys), "sas": sorted(sas)}
    finally:
        sock.close()


def wait_for(condition: Any, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_deleting_a_connection_ends_its_sas_and_unloads_it_and_its_secret(tmp_path: Path) -> None:
    require_lab()
    with Lab(tmp_path / "lab") as lab:
        cloud, site = lab.add_node("cloud"), lab.add_node("site")
        lab.link(cloud, site, list(CLOUD_IPS), [SITE_IP])
        lab.add_host(cloud, "192.168.1.1")
        lab.add_host(site, "10.1.0.1")
        # Route-based peers own their tunnel inside addresses (the config header says so).
        lab.add_host(cloud, "169.254.70.1")
        lab.add_host(site, "169.254.70.2")
        lab.start(cloud)
        lab.start(site)
        provider = StrongSwanProvider(vici_socket=str(cloud.vici_path), gateway_ips=CLOUD_IPS)
        staying = replace(SPEC, name="r2-a-Hamburg-1", customer_ip="192.0.2.20")
        assert provider.create_connection(SPEC) == SPEC.name
        provider.create_connection(staying)
        lab.load(site, site_config(SPEC))
        assert wait_for(lambda: SPEC.name in lab.installed_children(cloud)), lab.log(cloud)[-3000:]
        assert provider.get_connection(SPEC.name).status == "ACTIVE"

        assert provider.delete_health_monitor("none") is True
        assert provider.delete_connection(SPEC.name) is True
        state = gateway_state(cloud.vici_path)
        assert state["conns"] == [staying.name] and state["keys"] == [f"ike-{staying.name}"]
        assert SPEC.name not in state["sas"]
        with pytest.raises(PermanentProviderError) as gone:
            provider.get_connection(SPEC.name)
        assert gone.value.code == "VPN.0004"
        # Again (a retried task): already gone counts as deleted.
        assert provider.delete_connection(SPEC.name) is True
        assert provider.delete_customer_gateway(SPEC.customer_gateway_id) is True
        # The gateway is the host: it stays and still serves the other connection.
        assert provider.delete_gateway(SPEC.gateway_id) is True
        assert provider.get_connection(staying.name).status == "DOWN"
