"""Email notifications through Django's email backend: submissions to reviewers, decisions to requesters.

Every function schedules its mail with ``transaction.on_commit``: a rolled-back change never sends one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest


def _absolute(path: str, http_request: HttpRequest | None) -> str:
    """A link the mail reader can follow: absolute when we know the host the user came through."""
    return http_request.build_absolute_uri(path) if http_request is not None else path


def reviewer_addresses() -> list[str]:
    """Email addresses of every active staff user who has one."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notify_request_submitted(*, request: ConnectionRequest, http_request: HttpRequest | None = None) -> None:
    """Tell every reviewer that a request waits for review (one mail each, so addresses stay private)."""
    recipients = reviewer_addresses()
    if not recipients:
        return
    context = {
        "request": request,
        "requester": request.owner.get_full_name() or request.owner.get_username(),
        "link": _absolute(reverse("review:detail", args=[request.pk]), http_request),
    }
    subject = f"Review needed: {request.name} (#{request.pk}, {request.team.name})"
    body = render_to_string("review/email/submitted.txt", context)
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))


DECISION_SUBJECTS = {
    RequestStatus.APPROVED: "approved",
    RequestStatus.REJECTED: "rejected",
    RequestStatus.DRAFT: "sent back for changes",
}


def notify_request_decided(
    *, request: ConnectionRequest, request_link: str, http_request: HttpRequest | None = None
) -> None:
    """Tell the requester what the reviewer decided, with the reason or comments they wrote.

    ``request.status`` says which decision (approved, rejected, or draft for "sent back"); ``request_link`` is
    the path of the request's page for its team.
    """
    address = request.owner.email
    if not address:
        return
    reviewer = request.reviewed_by
    context = {
        "request": request,
        "reviewer": (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "A reviewer",
        "decision": DECISION_SUBJECTS[request.status],
        "link": _absolute(request_link, http_request),
    }
    subject = f"Your VPN request {request.name} (#{request.pk}) was {context['decision']}"
    body = render_to_string("review/email/decided.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    )
