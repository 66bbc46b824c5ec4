"""Plan files: a request's plan exported as JSON (without its key); a plan file imported as a draft."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wizard import selectors
from wizard.choices import Scenario
from wizard.forms import ImportPlanForm
from wizard.network import Finding, load_plan_text
from wizard.ratelimit import rate_limited
from wizard.services.drafts import draft_import


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's plan as a file. The pre-shared key is never exported ("psk" is empty)."""
    draft = selectors.request_for_user(request.user, pk)
    plan = {**draft.plan, "psk": ""} if isinstance(draft.plan, dict) else {"psk": ""}
    body = json.dumps(plan, indent=2, sort_keys=False) + "\n"
    response = HttpResponse(body, content_type="application/json")
    filename = f"{draft.name or 'request'}-{draft.pk}.plan.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("import")
def import_plan(request: HttpRequest) -> HttpResponse:
    teams = selectors.user_teams(request.user)
    if not teams:
        messages.error(
            request, "You are not a member of any team yet; ask an administrator to add you to one."
        )
        return redirect("wizard:start")
    form = ImportPlanForm(request.POST or None, request.FILES or None, teams=teams)
    findings: list[Finding] = []
    if request.method == "POST" and form.is_valid():
        plan, findings = load_plan_text(form.cleaned_data["plan_file"])
        if plan is not None and plan.scenario not in Scenario.values:
            form.add_error(
                "plan_file",
                f"Unknown scenario {plan.scenario!r}; expected one of {', '.join(Scenario.values)}.",
            )
        elif plan is None:
            form.add_error("plan_file", _structure_message(findings))
        else:
            draft = draft_import(
                owner=request.user, team=form.cleaned_data["team"], plan=plan, http_request=request
            )  # type: ignore[arg-type]
            messages.success(request, f"Plan imported as draft #{draft.pk}. Check it below, then submit.")
            return redirect("wizard:review", draft.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "wizard/import.html", {"form": form, "findings": findings}, status=status)


def _structure_message(findings: list[Finding]) -> str:
    errors = [finding for finding in findings if finding.severity == "error"]
    listed = "; ".join(f"{finding.path or 'file'}: {finding.message}" for finding in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return f"This is not a valid plan file. {listed}{more}"
