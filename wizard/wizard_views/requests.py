"""A team's requests: the list, one request's page with its timeline and diagram, deleting a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from wizard import selectors
from wizard.choices import RequestStatus, Scenario
from wizard.diagram import topology_svg
from wizard.network import resolve_tunnels
from wizard.services.drafts import DraftLocked, draft_delete
from wizard.timeline import status_timeline
from wizard.wizard_views.shared import editable, in_use


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    requests = selectors.visible_requests(request.user)
    return render(request, "wizard/my_requests.html", {"requests": requests})


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.request_detail(request.user, pk)
    if detail.status == RequestStatus.DRAFT:
        return redirect("wizard:resume", pk)
    parsed, findings = selectors.check_plan(detail)
    tunnels = list(detail.tunnels.all())
    planned = resolve_tunnels(parsed, used=() if tunnels else in_use(detail)) if parsed is not None else ()
    # Once provisioned, the diagram shows the tunnels as built, with the addresses the cloud assigned.
    drawn = [selectors.as_resolved(tunnel) for tunnel in tunnels] if tunnels else planned
    events = list(detail.audit_events.all())  # prefetched, oldest first
    context = {
        "detail": detail,
        "timeline": status_timeline(events, detail.status),
        "reviewer": _person(detail.reviewed_by) if detail.reviewed_by else "a reviewer",
        "owner": _person(detail.owner),
        "events": events[::-1],
        "tunnels": tunnels,
        "planned_tunnels": planned,
        "configs": list(detail.configs.all()),
        "diagram": topology_svg(parsed, drawn) if parsed is not None else "",
        "scenario_label": Scenario(detail.scenario).label,
    }
    return render(request, "wizard/request_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.request_for_user(request.user, pk)
    if (refused := editable(draft, request)) is not None:
        return refused
    if request.method == "POST":
        try:
            draft_delete(draft=draft, actor=request.user, http_request=request)  # type: ignore[arg-type]
        except DraftLocked as locked:
            messages.error(request, str(locked))
            return redirect("wizard:request_detail", pk)
        messages.success(request, f"Draft #{pk} deleted.")
        url = reverse("wizard:my_requests")
        return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
    return render(request, "wizard/confirm_delete.html", {"draft": draft})
