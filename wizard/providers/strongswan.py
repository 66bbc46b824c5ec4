"""The strongSwan provider: a self-hosted strongSwan gateway plays the cloud VPN gateway, driven over VICI.

The gateway is the charon behind settings.STRONGSWAN_VICI_SOCKET, its two IPs settings.STRONGSWAN_GATEWAY_IPS.
Creating a connection loads its shared secret and its IKE connection into charon and checks that charon
lists it; its status is read back from the IKE and CHILD SAs. Customer gateways hold no state in strongSwan
(they are the remote end of each connection), and there is no separate health monitor: DPD watches the peer.
Deleting a connection terminates its SAs and unloads it and its shared secret; the gateway itself (the host)
stays.
Like any route-based peer, the gateway host must own the tunnel inside addresses (`ip address add`).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import vici
from django.conf import settings

from wizard.providers.base import (
    NOT_FOUND,
    ConnectionSpec,
    ConnectionState,
    CustomerGatewaySpec,
    GatewaySpec,
    GatewayState,
    PermanentProviderError,
    TransientProviderError,
)
from wizard.rendering.errors import ConfigError
from wizard.rendering.platforms import map_policy

VICI_TIMEOUT_SECONDS = 10


def vici_decoded(value: Any) -> Any:
    """VICI answers with bytes; turn them into str recursively."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, dict):
        return {vici_decoded(key): vici_decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [vici_decoded(item) for item in value]
    return value


def proposals(spec: ConnectionSpec) -> tuple[str, str]:
    """The IKE and ESP proposals in strongSwan's names (the same mapping as the generated configs)."""
    try:
        policy = map_policy("strongswan", ike=spec.ike, ipsec=spec.ipsec)
    except ConfigError as error:
        raise PermanentProviderError("STRONGSWAN.POLICY", error.message) from error
    ike, esp = policy["ike"], policy["ipsec"]
    ike_proposal = f"{ike['encryption']}-{ike['prf'] if ike['aead'] else ike['integrity']}-{ike['dh_group']}"
    esp_proposal = esp["encryption"] + ("" if esp["aead"] else f"-{esp['integrity']}")
    if esp["pfs"]:
        esp_proposal += f"-{esp['pfs_group']}"
    return ike_proposal, esp_proposal


def connection_definition(spec: ConnectionSpec) -> dict[str, Any]:
    """The VICI `load-conn` message for one connection: the gateway answers, the customer side initiates."""
    ike_proposal, esp_proposal = proposals(spec)
    child = {
        "esp_proposals": [esp_proposal],
        "rekey_time": f"{spec.ipsec['lifetime_seconds']}s",
        "mode": "tunnel",
        "start_action": "none",
        "dpd_action": "clear",
    }
    if spec.style == "policy":
        children = {
            f"{spec.name}-sel{number}": {**child, "local_ts": [source], "remote_ts": [destination]}
            for number, (source, destination) in enumerate(
                (
                    (source, destination)
                    for source, destinations in spec.policy_rules
                    for destination in destinations
                ),
                start=1,
            )
        }
    else:
        # Route-based: the subnets plus the tunnel interface addresses, as the generated peer configs use.
        local_inside = [spec.tunnel_local_address.split("/")[0] + "/32"] if spec.tunnel_local_address else []
        remote_inside = [spec.tunnel_peer_address.split("/")[0] + "/32"] if spec.tunnel_peer_address else []
        children = {
            f"{spec.name}-net": {
                **child,
                "local_ts": [*spec.local_subnets, *local_inside],
                "remote_ts": [*spec.peer_subnets, *remote_inside],
            }
        }
    return {
        spec.name: {
            "version": "2" if spec.ike.get("version", "v2") == "v2" else "1",
            "aggressive": "yes" if spec.ike.get("negotiation_mode") == "aggressive" else "no",
            "local_addrs": [spec.gateway_ip],
            "remote_addrs": [spec.customer_ip],
            "proposals": [ike_proposal],
            "rekey_time": f"{spec.ike['lifetime_seconds']}s",
            "dpd_delay": f"{spec.ike['dpd']['interval']}s",
            "mobike": "no",
            "local": {"auth": "psk", "id": spec.gateway_ip},
            "remote": {"auth": "psk", "id": spec.customer_ip},
            "children": children,
        }
    }


def _secret_id(connection: str) -> str:
    """The id its shared secret is loaded under, so that it can be unloaded with the connection."""
    return f"ike-{connection}"


class StrongSwanProvider:
    name = "strongswan"
    supports_health_monitors = False

    def __init__(self, *, vici_socket: str, gateway_ips: tuple[str, ...]) -> None:
        self.vici_socket = vici_socket
        self.gateway_ips = gateway_ips

    @classmethod
    def from_settings(cls) -> StrongSwanProvider:
        return cls(
            vici_socket=settings.STRONGSWAN_VICI_SOCKET,
            gateway_ips=tuple(settings.STRONGSWAN_GATEWAY_IPS),
        )

    @contextmanager
    def session(self) -> Iterator[vici.Session]:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(VICI_TIMEOUT_SECONDS)
        try:
            sock.connect(self.vici_socket)
        except OSError as error:
            sock.close()
            raise TransientProviderError(
                "STRONGSWAN.UNREACHABLE",
                f"the strongSwan gateway at {self.vici_socket} does not answer ({error})",
            ) from error
        try:
            yield vici.Session(sock)
        except vici.exception.CommandException as error:
            raise PermanentProviderError(
                "STRONGSWAN.REFUSED", f"strongSwan refused the change: {error}"
            ) from error
        finally:
            sock.close()

    def create_gateway(self, spec: GatewaySpec) -> str:
        # Two gateway IPs, as the cloud gives every gateway (connection 1 and connection 2).
        if len(self.gateway_ips) < 2:
            raise PermanentProviderError(
                "STRONGSWAN.CONFIG", "STRONGSWAN_GATEWAY_IPS must name the gateway's two IP addresses."
            )
        with self.session() as session:
            session.version()
        return f"strongswan:{spec.name}"

    def get_gateway(self, provider_id: str) -> GatewayState:
        with self.session() as session:
            session.version()
        return GatewayState(provider_id, "ACTIVE", self.gateway_ips[:2], self.gateway_ips[:2])

    def create_customer_gateway(self, spec: CustomerGatewaySpec) -> str:
        return f"strongswan-peer:{spec.ip_address}"

    def create_connection(self, spec: ConnectionSpec) -> str:
        definition = connection_definition(spec)
        secret = {
            "id": _secret_id(spec.name),
            "type": "IKE",
            "data": spec.psk,
            "owners": [spec.gateway_ip, spec.customer_ip],
        }
        with self.session() as session:
            session.load_shared(secret)
            session.load_conn(definition)
            loaded = vici_decoded(session.get_conns())["conns"]
        # Loading is only done when charon lists the connection.
        if spec.name not in loaded:
            raise PermanentProviderError(
                "STRONGSWAN.NOT_LOADED", f"charon did not load connection {spec.name}"
            )
        return spec.name

    def get_connection(self, provider_id: str) -> ConnectionState:
        with self.session() as session:
            loaded = vici_decoded(session.get_conns())["conns"]
            if provider_id not in loaded:
                raise PermanentProviderError(
                    NOT_FOUND, f"connection {provider_id} is not loaded in strongSwan"
                )
            sas = [vici_decoded(entry) for entry in session.list_sas({"ike": provider_id})]
        installed = any(
            child.get("state") == "INSTALLED"
            for entry in sas
            for sa in entry.values()
            for child in sa.get("child-sas", {}).values()
        )
        # An installed CHILD_SA carries traffic (ACTIVE); otherwise the connection waits for its peer (DOWN).
        return ConnectionState(provider_id, "ACTIVE" if installed else "DOWN")

    def create_health_monitor(self, connection_id: str) -> str:
        raise PermanentProviderError(
            "STRONGSWAN.UNSUPPORTED", "strongSwan watches its peers with DPD instead"
        )

    def delete_health_monitor(self, provider_id: str) -> bool:
        return True

    def delete_connection(self, provider_id: str) -> bool:
        """Terminate the connection's SAs, unload it and its shared secret; charon must list neither after."""
        secret_id = _secret_id(provider_id)
        with self.session() as session:
            if list(session.list_sas({"ike": provider_id})):
                try:
                    # Without waiting for the peer's answer to the DELETE longer than the timeout.
                    for _log in session.terminate({"ike": provider_id, "force": "yes", "timeout": "2000"}):
                        pass
                except vici.exception.CommandException:
                    pass  # the SA went away meanwhile: nothing left to terminate
            if provider_id in vici_decoded(session.get_conns())["conns"]:
                session.unload_conn({"name": provider_id})
            if secret_id in vici_decoded(session.get_shared()).get("keys", []):
                session.unload_shared({"id": secret_id})
            conns = vici_decoded(session.get_conns())["conns"]
            keys = vici_decoded(session.get_shared()).get("keys", [])
        if provider_id in conns or secret_id in keys:
            raise PermanentProviderError(
                "STRONGSWAN.NOT_UNLOADED", f"charon still holds connection {provider_id} or its secret"
            )
        return True

    def delete_customer_gateway(self, provider_id: str) -> bool:
        return True

    def delete_gateway(self, provider_id: str) -> bool:
        # The gateway is the strongSwan host: it stays; its connections were unloaded one by one.
        with self.session() as session:
            session.version()
        return True
