"""Status changes of a connection request, claimed with a conditional update so that exactly one wins."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest
from wizard.services.audit import audit_record

# Which status may follow which: everything else is refused.
ALLOWED: dict[str, frozenset[str]] = {
    RequestStatus.DRAFT: frozenset({RequestStatus.PENDING_REVIEW}),
    RequestStatus.PENDING_REVIEW: frozenset(
        {RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.DRAFT}
    ),
    RequestStatus.APPROVED: frozenset({RequestStatus.PROVISIONING}),
    RequestStatus.PROVISIONING: frozenset(
        {RequestStatus.ACTIVE, RequestStatus.FAILED, RequestStatus.PROVISIONING}
    ),
    RequestStatus.FAILED: frozenset({RequestStatus.APPROVED}),
    RequestStatus.REJECTED: frozenset(),
    RequestStatus.ACTIVE: frozenset({RequestStatus.DECOMMISSIONING}),
    RequestStatus.DECOMMISSIONING: frozenset({RequestStatus.DECOMMISSIONED}),
    RequestStatus.DECOMMISSIONED: frozenset(),
}


class TransitionRefused(Exception):
    """The request was not in a status that allows the change (someone else acted first)."""

    def __init__(self, request_id: int, to: str, current: str | None) -> None:
        self.request_id = request_id
        self.to = to
        self.current = current
        label = RequestStatus(current).label.lower() if current else "deleted"
        super().__init__(
            f"Request #{request_id} is now {label}; it cannot become {RequestStatus(to).label.lower()}."
        )


def request_transition(
    *,
    request_id: int,
    to: str,
    from_statuses: Iterable[str],
    actor: AbstractBaseUser | AnonymousUser | None = None,
    http_request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
    **fields: Any,
) -> ConnectionRequest:
    """Move a request from one of `from_statuses` to `to` atomically, record it, and return the fresh row.

    The UPDATE ... WHERE status IN (...) is the claim: of two concurrent callers only one updates a row,
    the other gets TransitionRefused with the status it lost to.
    """
    sources = [status for status in from_statuses if to in ALLOWED[status]]
    with transaction.atomic():
        updated = ConnectionRequest.objects.filter(pk=request_id, status__in=sources).update(
            status=to, updated_at=timezone.now(), **fields
        )
        if not updated:
            current = ConnectionRequest.objects.filter(pk=request_id).values_list("status", flat=True).first()
            raise TransitionRefused(request_id, to, current)
        request = ConnectionRequest.objects.get(pk=request_id)
        audit_record(
            action=f"status.{to}",
            request=request,
            actor=actor,
            http_request=http_request,
            detail={"from": sources if len(sources) > 1 else sources[0], **(detail or {})},
        )
    return request
