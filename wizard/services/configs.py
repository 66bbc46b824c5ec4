"""Device configurations of a request: rendered from its plan and stored, one row per generated file."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from wizard.models import ConnectionRequest, DeviceConfig, Gateway
from wizard.network import Plan, parse_plan
from wizard.network.tunnels import ResolvedTunnel
from wizard.rendering.engine import render_all
from wizard.rendering.errors import ConfigError


def request_plan(request: ConnectionRequest) -> Plan:
    """The request's plan with its pre-shared key and the gateway IPs known so far.

    Raises ConfigError when the stored plan is not a complete plan (its first finding says why).
    """
    plan, findings = parse_plan({**request.plan, "psk": request.psk})
    if plan is None:
        first = findings[0] if findings else None
        raise ConfigError(
            f"The stored plan is incomplete: {first.message if first else 'it could not be read'}",
            path=first.path if first else "",
        )
    known = {
        (gateway.region, gateway.name): tuple(gateway.ip_addresses)
        for gateway in Gateway.objects.filter(
            team_id=request.team_id, name__in=[gateway.name for gateway in plan.gateways]
        )
        if gateway.ip_addresses
    }
    gateways = tuple(
        replace(gateway, ip_addresses=known.get((gateway.region, gateway.name), gateway.ip_addresses))
        for gateway in plan.gateways
    )
    return replace(plan, gateways=gateways)


def stored_tunnels(request: ConnectionRequest) -> tuple[ResolvedTunnel, ...]:
    """The request's tunnels as recorded (addresses final once provisioning assigned them)."""
    return tuple(
        ResolvedTunnel(
            peer=tunnel.peer,
            connection=tunnel.connection,
            cloud_ip=tunnel.cloud_ip,
            customer_ip=tunnel.customer_ip,
            local_address=tunnel.local_address,
            peer_address=tunnel.peer_address,
        )
        for tunnel in request.tunnels.order_by("pk")
    )


def checksum(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def generate_request_configs(request_id: int) -> list[DeviceConfig]:
    """Render every device file of the request and store it (update_or_create: safe to run again).

    A file whose content differs from what the team last downloaded is flagged `changed`.
    """
    request = ConnectionRequest.objects.get(pk=request_id)
    plan = request_plan(request)
    started = request.provisioning_started_at or timezone.now()
    rendered = render_all(
        plan, generated_at=started.strftime("%Y-%m-%dT%H:%M:%SZ"), tunnels=stored_tunnels(request) or None
    )
    stored = []
    with transaction.atomic():
        for item in rendered:
            previous = DeviceConfig.objects.filter(request=request, filename=item.filename).first()
            downloaded = previous.downloaded_content if previous else ""
            config, _ = DeviceConfig.objects.update_or_create(
                request=request,
                filename=item.filename,
                defaults={
                    "peer": item.device,
                    "platform": item.platform,
                    "content": item.text,
                    "checksum": checksum(item.text),
                    "generated_at": timezone.now(),
                    "changed": bool(downloaded) and downloaded != item.text,
                },
            )
            stored.append(config)
    return stored
