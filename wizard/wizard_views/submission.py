"""The review step: every finding, the topology, and submission for staff review."""

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
from wizard.choices import Scenario
from wizard.diagram import topology_svg
from wizard.forms import REVIEW, SubmitForm, locate, step_label
from wizard.models import ConnectionRequest
from wizard.network import resolve_tunnels
from wizard.secrets import mask
from wizard.services.drafts import SubmitBlocked, draft_submit, draft_update
from wizard.services.transitions import TransitionRefused
from wizard.wizard_views.shared import editable, in_use, progress, step_url


def _review_context(draft: ConnectionRequest) -> dict[str, Any]:
    parsed, findings = selectors.check_plan(draft)
    errors = [finding for finding in findings if finding.severity == "error"]
    warnings = [finding for finding in findings if finding.severity == "warning"]
    tunnels = resolve_tunnels(parsed, used=in_use(draft)) if parsed is not None else ()
    located = []
    for finding in findings:
        owner, _ = locate(finding.path, draft.scenario)
        located.append(
            {
                "finding": finding,
                "step": step_label(owner, draft.scenario),
                "url": step_url(draft, owner) if owner != REVIEW else "",
            }
        )
    return {
        "draft": draft,
        "plan": parsed,
        "raw_plan": draft.plan,
        "findings": findings,
        "located": located,
        "errors": errors,
        "warnings": warnings,
        "tunnels": tunnels,
        "diagram": topology_svg(parsed, tunnels) if parsed is not None else "",
        "psk_masked": mask(draft.psk_ciphertext),
        "progress": progress(draft, draft.scenario, "review"),
        "scenario_label": Scenario(draft.scenario).label,
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.request_for_user(request.user, pk)
    if (refused := editable(draft, request)) is not None:
        return refused
    context = _review_context(draft)
    form = SubmitForm(request.POST if request.method == "POST" else None, warnings=len(context["warnings"]))
    if request.method == "GET":
        if draft.current_step != "review":
            draft_update(draft=draft, plan=draft.plan, current_step="review")
        return render(request, "wizard/review.html", {**context, "form": form})
    if context["errors"]:
        messages.error(
            request, f"The plan has {len(context['errors'])} error(s); fix them before submitting."
        )
        return render(request, "wizard/review.html", {**context, "form": form}, status=422)
    if not form.is_valid():
        return render(request, "wizard/review.html", {**context, "form": form}, status=422)
    try:
        submitted = draft_submit(
            draft=draft,
            actor=request.user,  # type: ignore[arg-type]
            acknowledged=bool(form.cleaned_data.get("acknowledge_warnings")),
            http_request=request,
        )
    except SubmitBlocked as blocked:
        messages.error(request, str(blocked))
        return render(request, "wizard/review.html", {**context, "form": form}, status=422)
    except TransitionRefused as refused:  # someone submitted or deleted it first
        messages.error(request, str(refused))
        return redirect("wizard:request_detail", pk)
    messages.success(request, f"Request #{submitted.pk} submitted: it is now pending review.")
    url = reverse("wizard:request_detail", args=[submitted.pk])
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)
