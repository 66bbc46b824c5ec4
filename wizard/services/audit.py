"""The audit trail: who did what to which request, when and from where."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from wizard.models import AuditEvent, ConnectionRequest


def source_address(http_request: HttpRequest | None) -> str | None:
    """The client address as Django saw it (REMOTE_ADDR; a proxy must set it correctly)."""
    if http_request is None:
        return None
    return http_request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    request: ConnectionRequest | None = None,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    http_request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `detail` must never hold a secret."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        request=request,
        actor=actor,
        action=action,
        detail=detail or {},
        source_address=source_address(http_request),
    )
