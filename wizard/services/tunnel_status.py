"""Tunnel status: read each provisioned tunnel's state back from the provider after provisioning."""

from __future__ import annotations

from django.utils import timezone

from wizard.choices import RequestStatus, TunnelStatus
from wizard.models import ConnectionRequest, Tunnel
from wizard.providers import PermanentProviderError, Provider, TransientProviderError, get_provider


def tunnel_status_refresh(*, request_id: int, provider: Provider | None = None) -> int:
    """Read each provisioned tunnel's status back from the provider; returns how many were updated."""
    provider = provider or get_provider()
    updated = 0
    for tunnel in Tunnel.objects.filter(request_id=request_id).exclude(provider_id=""):
        try:
            status = provider.get_connection(tunnel.provider_id).status
        except TransientProviderError:
            continue
        except PermanentProviderError:
            status = TunnelStatus.UNKNOWN
        if status not in TunnelStatus.values:
            status = TunnelStatus.UNKNOWN
        Tunnel.objects.filter(pk=tunnel.pk).update(status=status, status_checked_at=timezone.now())
        updated += 1
    return updated


def requests_to_refresh() -> list[int]:
    """Requests whose tunnels the periodic refresh reads: every active one."""
    return list(ConnectionRequest.objects.filter(status=RequestStatus.ACTIVE).values_list("pk", flat=True))
