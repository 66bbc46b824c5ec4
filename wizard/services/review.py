"""Review decisions on submitted requests: approve (starts provisioning), reject, or send back for changes.

Each decision is one conditional status change (``request_transition``): of two reviewers acting at the same
moment exactly one decides, the other gets ``ReviewRefused`` with a message saying what happened instead.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest
from wizard.services.notifications import notify_request_decided
from wizard.services.provisioning import provisioning_enqueue
from wizard.services.transitions import TransitionRefused, request_transition


class ReviewRefused(Exception):
    """A decision that may not be taken; the message is shown to the reviewer as is."""


def self_approval_allowed() -> bool:
    """Four-eyes principle: a reviewer approves only other people's requests unless the setting allows it."""
    return settings.REVIEW_ALLOW_SELF_APPROVAL


def _check_reviewer(reviewer: AbstractBaseUser) -> None:
    # Only staff decide what gets built.
    if not (reviewer.is_active and reviewer.is_staff):
        raise ReviewRefused("Only staff reviewers can decide on requests.")


def _requester_link(request: ConnectionRequest) -> str:
    return reverse("wizard:request_detail", args=[request.pk])


def _decide(
    *,
    request_id: int,
    to: str,
    reviewer: AbstractBaseUser,
    comment: str,
    http_request: HttpRequest | None,
    decision: str,
) -> ConnectionRequest:
    try:
        request = request_transition(
            request_id=request_id,
            to=to,
            from_statuses=[RequestStatus.PENDING_REVIEW],
            actor=reviewer,
            http_request=http_request,
            detail={"decision": decision, "comment": comment},
            review_comment=comment,
            reviewed_by=reviewer,
            reviewed_at=timezone.now(),
        )
    except TransitionRefused as refused:
        raise ReviewRefused(f"Another decision was taken first. {refused}") from refused
    notify_request_decided(request=request, request_link=_requester_link(request), http_request=http_request)
    return request


def request_approve(
    *,
    request_id: int,
    reviewer: AbstractBaseUser,
    comment: str = "",
    http_request: HttpRequest | None = None,
) -> ConnectionRequest:
    """Approve a pending request; provisioning is sent to a worker once the approval is committed."""
    _check_reviewer(reviewer)
    owner_id = ConnectionRequest.objects.filter(pk=request_id).values_list("owner_id", flat=True).first()
    # Four eyes: nobody approves what they asked for themselves.
    if owner_id == reviewer.pk and not self_approval_allowed():
        raise ReviewRefused("You cannot approve your own request: another reviewer has to approve it.")
    with transaction.atomic():
        request = _decide(
            request_id=request_id,
            to=RequestStatus.APPROVED,
            reviewer=reviewer,
            comment=comment.strip(),
            http_request=http_request,
            decision="approve",
        )
        provisioning_enqueue(request_id=request.pk)
    return request


def request_reject(
    *, request_id: int, reviewer: AbstractBaseUser, reason: str, http_request: HttpRequest | None = None
) -> ConnectionRequest:
    """Reject a pending request for good; the reason is shown to the requester."""
    _check_reviewer(reviewer)
    reason = reason.strip()
    # The requester must learn why, so a rejection without a reason is refused.
    if not reason:
        raise ReviewRefused("Give a reason for the rejection: the requester sees it.")
    return _decide(
        request_id=request_id,
        to=RequestStatus.REJECTED,
        reviewer=reviewer,
        comment=reason,
        http_request=http_request,
        decision="reject",
    )


def request_send_back(
    *, request_id: int, reviewer: AbstractBaseUser, comments: str, http_request: HttpRequest | None = None
) -> ConnectionRequest:
    """Return a pending request to draft with the changes asked for in ``review_comment``."""
    _check_reviewer(reviewer)
    comments = comments.strip()
    # The requester can only fix what they are told about.
    if not comments:
        raise ReviewRefused("Say what has to change: the requester sees your comments on the wizard steps.")
    return _decide(
        request_id=request_id,
        to=RequestStatus.DRAFT,
        reviewer=reviewer,
        comment=comments,
        http_request=http_request,
        decision="send_back",
    )
