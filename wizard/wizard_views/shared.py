"""What the wizard's pages share: may a request still be edited, how far a draft has got, step URLs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from wizard import selectors
from wizard.choices import RequestStatus
from wizard.forms import REVIEW, STEPS, step_label
from wizard.models import ConnectionRequest
from wizard.services.drafts import FIRST_STEP


def editable(draft: ConnectionRequest, request: HttpRequest) -> HttpResponse | None:
    """A redirect (with the reason) when the request is no longer a draft; None when it may be edited."""
    if draft.status == RequestStatus.DRAFT:
        return None
    messages.error(request, f"Request #{draft.pk} has been submitted; it can no longer be edited.")
    url = reverse("wizard:request_detail", args=[draft.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def reached(draft: ConnectionRequest) -> str:
    """The furthest step the draft has reached; a draft submitted once (and sent back) has reached review."""
    if draft.current_step in STEPS:
        return draft.current_step
    return REVIEW if draft.submitted_at is not None else FIRST_STEP


def in_use(request: ConnectionRequest) -> list[str]:
    return selectors.tunnel_addresses_in_use(request.gateway_id, exclude_request_id=request.pk)


def progress(draft: ConnectionRequest | None, scenario: str, current: str) -> list[dict[str, Any]]:
    reached_index = STEPS.index(reached(draft)) if draft is not None else 0
    steps = []
    for index, step in enumerate(STEPS):
        state = (
            "current"
            if step == current
            else "done"
            if index < max(reached_index, STEPS.index(current))
            else "todo"
        )
        url = reverse("wizard:step", args=[draft.pk, step]) if draft is not None else ""
        if step == "review" and draft is not None:
            url = reverse("wizard:review", args=[draft.pk])
        steps.append({"label": step_label(step, scenario), "state": state, "url": url})
    return steps


def step_url(draft: ConnectionRequest, step: str) -> str:
    if step == "review":
        return reverse("wizard:review", args=[draft.pk])
    return reverse("wizard:step", args=[draft.pk, step])
