"""One provisioning attempt: the steps that create a request's cloud side, each skipping what an earlier
attempt already recorded (provider ids are written the moment the provider returns them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from django.utils import timezone

from wizard.choices import GatewayStatus, TunnelStatus
from wizard.models import ConnectionRequest, Gateway, ProviderResource, Tunnel
from wizard.network import Plan
from wizard.network.plan import Gateway as PlanGateway
from wizard.network.tunnels import resolve_tunnels
from wizard.providers import (
    ConnectionSpec,
    CustomerGatewaySpec,
    GatewaySpec,
    GatewayState,
    PermanentProviderError,
)
from wizard.providers.base import CONNECTION_BROKEN, CONNECTION_READY, GATEWAY_BROKEN, GATEWAY_READY
from wizard.services.configs import generate_request_configs, request_plan
from wizard.services.leases import LeasedAttempt, wait_seconds

T = TypeVar("T")


def _provider_name(*parts: object) -> str:
    """A cloud resource name (1-64 of [A-Za-z0-9_.-]) for the parts given."""
    text = "-".join(str(part) for part in parts)
    return "".join(char if char.isalnum() or char in "_.-" else "-" for char in text)[:64]


def _gateway_subnets(gateway: PlanGateway) -> tuple[str, ...]:
    return gateway.local_subnets or gateway.vpc_cidrs


class ProvisioningRun(LeasedAttempt):
    """The steps of one attempt; each step skips what an earlier attempt already recorded."""

    # -- helpers ---------------------------------------------------------------------------------------------

    def wait(self, read: Callable[[], T], *, ready: frozenset[str], broken: frozenset[str], what: str) -> T:
        """Poll `read` until its status is ready; NotReadyYet after the in-place wait, so the task retries."""
        deadline = time.monotonic() + wait_seconds()
        pause = 0.02
        while True:
            state = read()
            status = state.status  # type: ignore[attr-defined]
            if status in ready:
                return state
            if status in broken:
                raise PermanentProviderError("WIZARD.BROKEN", f"the {what} is in status {status}")
            pause = self.pause(deadline, pause, what=what, status=status)

    def ledger(self, key: str, kind: str, create: Callable[[], str]) -> str:
        """The provider id recorded under `key`, creating (and recording) the resource if there is none."""
        found = (
            ProviderResource.objects.filter(request=self.request, key=key)
            .values_list("provider_id", flat=True)
            .first()
        )
        if found:
            return found
        provider_id = create()
        record, _ = ProviderResource.objects.get_or_create(
            request=self.request,
            key=key,
            defaults={"kind": kind, "provider": self.provider.name, "provider_id": provider_id},
        )
        return record.provider_id

    # -- steps -----------------------------------------------------------------------------------------------

    def execute(self) -> None:
        plan = request_plan(self.request)
        self.step("gateway")
        rows = [self.gateway_row(index, gateway) for index, gateway in enumerate(plan.gateways)]
        states = [self.ensure_gateway(row, gateway) for row, gateway in zip(rows, plan.gateways, strict=True)]
        plan = replace(
            plan,
            gateways=tuple(
                replace(gateway, ip_addresses=state.ip_addresses)
                for gateway, state in zip(plan.gateways, states, strict=True)
            ),
        )
        ConnectionRequest.objects.filter(pk=self.request.pk).update(plan=_without_psk(plan))
        tunnels = self.ensure_tunnels(plan, rows[0])

        self.step("customer_gateways")
        customer_gateways = self.ensure_customer_gateways(plan, tunnels)

        self.step("connections")
        connections = self.ensure_connections(plan, tunnels, states, customer_gateways)

        self.step("connection_status")
        for _key, connection_id in connections:
            state = self.wait(
                lambda connection_id=connection_id: self.provider.get_connection(connection_id),
                ready=CONNECTION_READY,
                broken=CONNECTION_BROKEN,
                what="VPN connection",
            )
            Tunnel.objects.filter(request=self.request, provider_id=connection_id).update(
                status=state.status, status_checked_at=timezone.now()
            )

        self.step("health_monitors")
        if self.provider.supports_health_monitors:
            for key, connection_id in connections:
                self.ledger(
                    f"health_monitor:{key}",
                    "connection_monitor",
                    lambda connection_id=connection_id: self.provider.create_health_monitor(connection_id),
                )

        self.step("configs")
        generate_request_configs(self.request.pk)

    def gateway_row(self, index: int, gateway: PlanGateway) -> Gateway:
        """The Gateway row: the request's own (a hub it joins), or the team's gateway of that name."""
        if index == 0 and self.request.gateway_id:
            return Gateway.objects.get(pk=self.request.gateway_id)
        row, _ = Gateway.objects.get_or_create(
            team_id=self.request.team_id,
            region=gateway.region,
            name=gateway.name,
            defaults={
                "vpc": gateway.vpc,
                "vpc_cidrs": list(gateway.vpc_cidrs),
                "local_subnets": list(gateway.local_subnets),
                "flavor": gateway.flavor,
                "ha_mode": gateway.ha_mode,
                "attachment": gateway.attachment,
                "network_type": gateway.network_type,
                "bgp_asn": gateway.bgp_asn,
            },
        )
        if index == 0:
            ConnectionRequest.objects.filter(pk=self.request.pk, gateway__isnull=True).update(gateway=row)
        return row

    def ensure_gateway(self, row: Gateway, gateway: PlanGateway) -> GatewayState:
        if not row.provider_id:
            provider_id = self.provider.create_gateway(
                GatewaySpec(
                    name=row.name,
                    region=row.region,
                    vpc=row.vpc,
                    local_subnets=tuple(row.local_subnets),
                    flavor=row.flavor,
                    ha_mode=row.ha_mode,
                    attachment=row.attachment,
                    network_type=row.network_type,
                    bgp_asn=row.bgp_asn,
                    interconnection_subnet=gateway.interconnection_subnet,
                )
            )
            # Recorded at once; if a concurrent request on the same hub recorded first, theirs stands.
            Gateway.objects.filter(pk=row.pk, provider_id="").update(
                provider_id=provider_id, status=GatewayStatus.PENDING_CREATE
            )
            row.refresh_from_db()
        state = self.wait(
            lambda: self.provider.get_gateway(row.provider_id),
            ready=GATEWAY_READY,
            broken=GATEWAY_BROKEN,
            what=f"VPN gateway {row.name}",
        )
        Gateway.objects.filter(pk=row.pk).update(status=state.status, ip_addresses=list(state.ip_addresses))
        return state

    def ensure_tunnels(self, plan: Plan, hub: Gateway) -> list[Tunnel]:
        """The request's Tunnel rows: kept if recorded, else resolved avoiding the hub's other tunnels."""
        used = [
            address
            for pair in Tunnel.objects.filter(request__gateway=hub)
            .exclude(request=self.request)
            .values_list("local_address", "peer_address")
            for address in pair
            if address
        ]
        for resolved in resolve_tunnels(plan, used=used):
            tunnel, created = Tunnel.objects.get_or_create(
                request=self.request,
                peer=resolved.peer,
                connection=resolved.connection,
                defaults={
                    "cloud_ip": resolved.cloud_ip,
                    "customer_ip": resolved.customer_ip,
                    "local_address": resolved.local_address,
                    "peer_address": resolved.peer_address,
                },
            )
            if not created:
                Tunnel.objects.filter(pk=tunnel.pk).update(
                    cloud_ip=resolved.cloud_ip, customer_ip=resolved.customer_ip
                )
        return list(self.request.tunnels.order_by("peer", "connection"))

    def ensure_customer_gateways(self, plan: Plan, tunnels: list[Tunnel]) -> dict[tuple[str, str], str]:
        """One customer gateway per (side, peer IP): {(side, ip): provider id}."""
        found: dict[tuple[str, str], str] = {}
        wanted: list[tuple[str, str, int | None]] = []
        if plan.scenario == "cross_region":
            # Each gateway is the other's customer gateway (mirrored, §6.2).
            a, b = plan.gateways
            wanted += [("a", ip, b.bgp_asn) for ip in b.ip_addresses[:2]]
            wanted += [("b", ip, a.bgp_asn) for ip in a.ip_addresses[:2]]
        else:
            sites = {site.name: site for site in plan.sites}
            for tunnel in tunnels:
                entry = ("a", tunnel.customer_ip, sites[tunnel.peer].bgp_asn)
                if entry not in wanted:
                    wanted.append(entry)
        for index, (side, ip, asn) in enumerate(wanted, start=1):
            spec = CustomerGatewaySpec(
                name=_provider_name(f"r{self.request.pk}", side, "cgw", index), ip_address=ip, bgp_asn=asn
            )
            found[(side, ip)] = self.ledger(
                f"customer_gateway:{side}:{ip}",
                "customer_gateway",
                lambda spec=spec: self.provider.create_customer_gateway(spec),
            )
        return found

    def ensure_connections(
        self,
        plan: Plan,
        tunnels: list[Tunnel],
        states: list[GatewayState],
        customer_gateways: dict[tuple[str, str], str],
    ) -> list[tuple[str, str]]:
        """Both connections of every tunnel pair (and the mirrored side of a cross-region pair)."""
        connections: list[tuple[str, str]] = []
        routing = plan.routing
        ike = {
            "version": plan.ike.version,
            "negotiation_mode": plan.ike.negotiation_mode,
            "authentication_algorithm": plan.ike.authentication_algorithm,
            "encryption_algorithm": plan.ike.encryption_algorithm,
            "dh_group": plan.ike.dh_group,
            "lifetime_seconds": plan.ike.lifetime_seconds,
            "dpd": {
                "timeout": plan.ike.dpd.timeout,
                "interval": plan.ike.dpd.interval,
                "msg": plan.ike.dpd.msg,
            },
        }
        ipsec = plan.to_dict()["ipsec"]
        rules = tuple((rule.source, tuple(rule.destinations)) for rule in plan.policy_rules)
        sites = {site.name: site for site in plan.sites}
        a = plan.gateways[0]

        def spec(
            *,
            side: str,
            tunnel: Tunnel,
            state: GatewayState,
            local: PlanGateway,
            peer_subnets: tuple[str, ...],
            mirrored: bool,
        ) -> ConnectionSpec:
            index = tunnel.connection - 1
            local_ip, remote_ip = (
                (tunnel.customer_ip, tunnel.cloud_ip) if mirrored else (tunnel.cloud_ip, tunnel.customer_ip)
            )
            local_address, peer_address = (
                (tunnel.peer_address, tunnel.local_address)
                if mirrored
                else (tunnel.local_address, tunnel.peer_address)
            )
            return ConnectionSpec(
                name=_provider_name(f"r{self.request.pk}", side, tunnel.peer, tunnel.connection),
                gateway_id=state.provider_id,
                gateway_ip_ref=state.ip_refs[index],
                gateway_ip=local_ip,
                customer_gateway_id=customer_gateways[(side, remote_ip)],
                customer_ip=remote_ip,
                style=routing.mode,
                local_subnets=_gateway_subnets(local),
                peer_subnets=tuple(peer_subnets),
                psk=plan.psk,
                tunnel_local_address=local_address,
                tunnel_peer_address=peer_address,
                enable_nqa=routing.nqa and routing.mode == "static",
                enable_hub=routing.branch_interconnection and routing.mode == "bgp",
                # Active-standby: the connection on the standby IP is the slave (§2.4).
                ha_role="slave" if local.ha_mode == "active-standby" and tunnel.connection == 2 else "master",
                policy_rules=rules if routing.mode == "policy" and not mirrored else (),
                ike=ike,
                ipsec=ipsec,
            )

        for tunnel in tunnels:
            if plan.scenario == "cross_region":
                b = plan.gateways[1]
                peer_subnets = _gateway_subnets(b)
            else:
                peer_subnets = sites[tunnel.peer].subnets
            if not tunnel.provider_id:
                provider_id = self.provider.create_connection(
                    spec(
                        side="a",
                        tunnel=tunnel,
                        state=states[0],
                        local=a,
                        peer_subnets=peer_subnets,
                        mirrored=False,
                    )
                )
                Tunnel.objects.filter(pk=tunnel.pk, provider_id="").update(
                    provider_id=provider_id, status=TunnelStatus.PENDING_CREATE
                )
                tunnel.refresh_from_db()
            connections.append((f"{tunnel.peer}:{tunnel.connection}", tunnel.provider_id))
            if plan.scenario == "cross_region":
                mirrored = spec(
                    side="b",
                    tunnel=tunnel,
                    state=states[1],
                    local=plan.gateways[1],
                    peer_subnets=_gateway_subnets(a),
                    mirrored=True,
                )
                key = f"mirror:{tunnel.peer}:{tunnel.connection}"
                connections.append(
                    (
                        key,
                        self.ledger(
                            f"connection:{key}",
                            "vpn_connection",
                            lambda mirrored=mirrored: self.provider.create_connection(mirrored),
                        ),
                    )
                )
        return connections


def _without_psk(plan: Plan) -> dict[str, object]:
    """The plan as stored on the request: the pre-shared key lives encrypted in its own field."""
    data = plan.to_dict()
    data.pop("psk", None)
    return data
