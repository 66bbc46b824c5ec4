"""The wizard's steps: start, each step with live validation and saving, resuming a draft, revealing its key.

Thin views: bind the step's forms, call a service or selector, choose a template. An htmx request gets a
named part of the same template; every page also works as a plain form post.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from wizard import selectors
from wizard.choices import RequestStatus, Scenario
from wizard.forms import FORM_STEPS, STEPS, StepContext, StepForms, build_step, step_label
from wizard.forms.cloud import CloudStepForm
from wizard.forms.customer import MAX_BRANCHES, SiteForm
from wizard.forms.routing import PolicyRuleForm, RoutingForm, TunnelForm
from wizard.forms.security import ENTER, GENERATE, PSK_RULES, SecurityForm
from wizard.models import ConnectionRequest
from wizard.network import generate_psk, parse_plan, resolve_tunnels
from wizard.ratelimit import rate_limited
from wizard.scenarios import SCENARIO_CARDS
from wizard.secrets import mask
from wizard.services.drafts import DraftLocked, default_plan, draft_create, draft_update
from wizard.wizard_views.shared import editable, in_use, progress, reached, step_url


def _scenario(value: str) -> str:
    if value not in Scenario.values:
        raise Http404("No such scenario.")
    return value


def _context(
    request: HttpRequest, draft: ConnectionRequest | None, plan: dict[str, Any], *, step: str
) -> StepContext:
    tunnels: tuple[Any, ...] = ()
    # Only the routing step shows tunnel addresses; resolving them needs the parsed plan, not its findings.
    if draft is not None and draft.pk and step == "routing":
        parsed, _ = parse_plan(selectors.plan_with_psk(plan, draft.psk))
        if parsed is not None:
            tunnels = resolve_tunnels(parsed, used=in_use(draft))
    return StepContext(
        teams=selectors.user_teams(request.user),
        hubs=selectors.team_hubs(request.user),
        team=draft.team if draft is not None and draft.team_id else None,
        hub=draft.gateway if draft is not None else None,
        has_psk=bool(draft is not None and draft.psk_ciphertext),
        tunnels=tunnels,
    )


def _live(step_forms: StepForms, url: str) -> None:
    """Each control checks itself on change: htmx posts the whole form, the answer swaps the field's block."""
    for form in step_forms.forms:
        for field in form.fields.values():
            field.widget.attrs.update(
                {"hx-post": url, "hx-trigger": "change", "hx-swap": "none", "hx-include": "closest form"}
            )


def _render_step(
    request: HttpRequest,
    *,
    draft: ConnectionRequest | None,
    scenario: str,
    step: str,
    step_forms: StepForms,
    status: int = 200,
    revealed_psk: str = "",
) -> HttpResponse:
    action = (
        reverse("wizard:step", args=[draft.pk, step])
        if draft is not None
        else reverse("wizard:new", args=[scenario])
    )
    validate_url = (
        reverse("wizard:validate", args=[draft.pk, step])
        if draft is not None
        else reverse("wizard:validate_new", args=[scenario])
    )
    _live(step_forms, validate_url)
    index = STEPS.index(step)
    rule_forms = [form for form in step_forms.forms if isinstance(form, PolicyRuleForm)]
    tunnel_forms = [form for form in step_forms.forms if isinstance(form, TunnelForm)]
    context = {
        "draft": draft,
        "scenario": scenario,
        "scenario_label": Scenario(scenario).label,
        "step": step,
        "step_title": step_label(step, scenario),
        "step_forms": step_forms,
        "forms": step_forms.forms,
        "progress": progress(draft, scenario, step),
        "action": action,
        "is_first": index == 0,
        "next_label": step_label(STEPS[index + 1], scenario),
        "psk_rules": PSK_RULES,
        "psk_masked": mask(draft.psk_ciphertext) if draft is not None else "",
        "revealed_psk": revealed_psk,
        "max_branches": MAX_BRANCHES,
        "site_forms": [form for form in step_forms.forms if isinstance(form, SiteForm)],
        "routing_form": next((form for form in step_forms.forms if isinstance(form, RoutingForm)), None),
        "rule_forms": rule_forms,
        "tunnel_forms": tunnel_forms,
        # Collapsed sections open by themselves when they hold an error.
        "rules_have_errors": any(form.errors for form in rule_forms),
        "tunnels_have_errors": any(form.errors for form in tunnel_forms),
        "custom_has_errors": any(
            name.startswith(("ike_", "ipsec_"))
            for form in step_forms.forms
            if isinstance(form, SecurityForm)
            for name in form.errors
        ),
        "error_fields": _error_summary(step_forms),
    }
    return render(request, "wizard/step.html", context, status=status)


def _error_summary(step_forms: StepForms) -> list[dict[str, str]]:
    """Each field of the step with an error: where it is and what is wrong, the field named once."""
    summary = []
    for form in step_forms.forms:
        for name, errors in form.errors.items():
            if name not in form.fields or form[name].is_hidden:
                continue
            field = form[name]
            label, message = str(field.label), str(errors[0])
            summary.append(
                {
                    "anchor": field.id_for_label or f"{field.auto_id}_0",
                    "text": message if message.startswith(label) else f"{label}: {message}",
                }
            )
    return summary


@login_required
def start(request: HttpRequest) -> HttpResponse:
    teams = selectors.user_teams(request.user)
    return render(request, "wizard/start.html", {"scenarios": SCENARIO_CARDS, "teams": teams})


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, scenario: str) -> HttpResponse:
    """The first step before a draft exists; a valid post creates the draft and goes on."""
    scenario = _scenario(scenario)
    plan = default_plan(scenario)
    context = _context(request, None, plan, step="cloud")
    if not context.teams:
        messages.error(
            request, "You are not a member of any team yet; ask an administrator to add you to one."
        )
        return redirect("wizard:start")
    step_forms = build_step(
        "cloud", request.POST if request.method == "POST" else None, plan=plan, context=context
    )
    if request.method == "POST":
        valid = step_forms.is_valid()
        new_plan = step_forms.apply(plan)
        probe = ConnectionRequest(scenario=scenario, plan=new_plan)
        _, findings = selectors.check_plan(probe, new_plan)
        step_forms.attach(findings)
        if valid and not step_forms.has_errors:
            form = step_forms.forms[0]
            assert isinstance(form, CloudStepForm)
            draft = draft_create(
                owner=request.user,  # type: ignore[arg-type]
                team=form.cleaned_data["team"],
                scenario=scenario,
                plan=new_plan,
                current_step="customer",
                hub=form.cleaned_data.get("existing_hub"),
                http_request=request,
            )
            messages.success(
                request, f"Draft #{draft.pk} saved. You can leave and resume it from My requests."
            )
            return redirect("wizard:step", draft.pk, "customer")
        return _render_step(
            request, draft=None, scenario=scenario, step="cloud", step_forms=step_forms, status=422
        )
    return _render_step(request, draft=None, scenario=scenario, step="cloud", step_forms=step_forms)


@login_required
@require_POST
@rate_limited("validate")
def validate_new(request: HttpRequest, scenario: str) -> HttpResponse:
    scenario = _scenario(scenario)
    plan = default_plan(scenario)
    step_forms = build_step(
        "cloud", request.POST, plan=plan, context=_context(request, None, plan, step="cloud")
    )
    step_forms.is_valid()
    new_plan = step_forms.apply(plan)
    _, findings = selectors.check_plan(ConnectionRequest(scenario=scenario, plan=new_plan), new_plan)
    step_forms.attach(findings)
    return _validation_response(request, step_forms, scenario)


def _validation_response(request: HttpRequest, step_forms: StepForms, scenario: str) -> HttpResponse:
    """The changed field's block and the step's findings, as out-of-band swaps of the template's parts."""
    name = request.headers.get("HX-Trigger-Name", "")
    field = step_forms.bound_field(name) if name else None
    context = {"field": field, "step_forms": step_forms, "oob": True, "scenario": scenario}
    return render(request, "wizard/step.html#validation", context)


def _step_or_404(step: str) -> str:
    if step not in FORM_STEPS:
        raise Http404("No such step.")
    return step


# A typed pre-shared key never reaches error reports (the admins' error mail lists POST data).
@sensitive_post_parameters("psk")
@login_required
@require_http_methods(["GET", "POST"])
def step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    step = _step_or_404(step)
    draft = selectors.request_for_user(request.user, pk)
    if (refused := editable(draft, request)) is not None:
        return refused
    plan = draft.plan if isinstance(draft.plan, dict) else {}
    context = _context(request, draft, plan, step=step)
    if request.method == "GET":
        step_forms = build_step(step, None, plan=plan, context=context)
        # A step the user has been past shows its findings again; the furthest one waits for its first post.
        if STEPS.index(step) < STEPS.index(reached(draft)):
            step_forms.attach(selectors.check_plan(draft)[1])
        return _render_step(request, draft=draft, scenario=draft.scenario, step=step, step_forms=step_forms)
    return _save_step(request, draft, step, context)


def _save_step(
    request: HttpRequest, draft: ConnectionRequest, step: str, context: StepContext
) -> HttpResponse:
    """Save whatever was typed, then go back, stay (branch added/removed, saved) or go on when clean."""
    plan = draft.plan if isinstance(draft.plan, dict) else {}
    step_forms = build_step(step, request.POST, plan=plan, context=context)
    valid = step_forms.is_valid()
    new_plan = step_forms.apply(plan)
    index = STEPS.index(step)
    action = _action(request.POST)
    stay = action in ("save", "add_branch") or action.startswith("remove_branch_")
    if action == "add_branch" and len(new_plan.get("sites", [])) < MAX_BRANCHES:
        new_plan["sites"].append(
            {
                "name": "",
                "gateway_ips": [],
                "bgp_asn": None,
                "platform": "strongswan",
                "subnets": [],
                "outside_interface": "",
            }
        )
    if action.startswith("remove_branch_"):
        position = action.removeprefix("remove_branch_")
        sites = new_plan.get("sites", [])
        if position.isdigit() and int(position) < len(sites) and len(sites) > 1:
            del sites[int(position)]
    updates: dict[str, Any] = {}
    if step == "cloud":
        form = step_forms.forms[0]
        if valid:
            updates["team"] = form.cleaned_data["team"]
            if "existing_hub" in form.fields:
                updates["hub"] = form.cleaned_data.get("existing_hub")
    psk: str | None = None
    if step == "security":
        form = step_forms.forms[0]
        assert isinstance(form, SecurityForm)
        mode = form.raw("psk_mode")
        psk = generate_psk() if mode == GENERATE else form.new_psk() if mode == ENTER else None
    target = STEPS[index - 1] if action == "back" and index > 0 else step
    try:
        draft = draft_update(
            draft=draft,
            plan=new_plan,
            current_step=max(target, reached(draft), key=STEPS.index),
            psk=psk,
            **updates,
        )
    except DraftLocked as locked:
        messages.error(request, str(locked))
        return redirect("wizard:request_detail", draft.pk)
    if action == "back":
        return redirect(step_url(draft, target))
    if stay:
        if action == "save":
            messages.success(request, "Draft saved.")
        return redirect(step_url(draft, step) + ("#branches" if "branch" in action else ""))
    _, findings = selectors.check_plan(draft, new_plan)
    step_forms.attach(findings)
    if valid and not step_forms.has_errors:
        following = STEPS[index + 1]
        draft_update(draft=draft, plan=new_plan, current_step=max(following, reached(draft), key=STEPS.index))
        return redirect(step_url(draft, following))
    return _render_step(
        request, draft=draft, scenario=draft.scenario, step=step, step_forms=step_forms, status=422
    )


def _action(data: Any) -> str:
    """Which submit button was used: back, save, next, add_branch or remove_branch_N."""
    for key in data:
        if key in ("back", "save", "add_branch") or key.startswith("remove_branch_"):
            return key
    return "next"


@sensitive_post_parameters("psk")
@login_required
@require_POST
@rate_limited("validate")
def validate(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    step = _step_or_404(step)
    draft = selectors.request_for_user(request.user, pk)
    if (refused := editable(draft, request)) is not None:
        return refused
    plan = draft.plan if isinstance(draft.plan, dict) else {}
    step_forms = build_step(step, request.POST, plan=plan, context=_context(request, draft, plan, step=step))
    step_forms.is_valid()
    new_plan = step_forms.apply(plan)
    psk = None
    if step == "security":
        form = step_forms.forms[0]
        assert isinstance(form, SecurityForm)
        psk = form.new_psk()
    _, findings = selectors.check_plan(draft, new_plan, psk=psk)
    step_forms.attach(findings)
    return _validation_response(request, step_forms, draft.scenario)


@login_required
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    draft = selectors.request_for_user(request.user, pk)
    if draft.status != RequestStatus.DRAFT:
        return redirect("wizard:request_detail", pk)
    return redirect(step_url(draft, reached(draft)))


@login_required
@require_POST
def reveal_psk(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the saved key in full: only to the draft's owner, only before submission."""
    draft = selectors.request_for_user(request.user, pk)
    if draft.owner_id != request.user.pk:
        raise Http404("Only the owner of a draft can reveal its key.")
    if (refused := editable(draft, request)) is not None:
        return refused
    if request.htmx:
        return render(request, "wizard/step.html#psk", {"draft": draft, "revealed_psk": draft.psk})
    plan = draft.plan if isinstance(draft.plan, dict) else {}
    step_forms = build_step(
        "security", None, plan=plan, context=_context(request, draft, plan, step="security")
    )
    return _render_step(
        request,
        draft=draft,
        scenario=draft.scenario,
        step="security",
        step_forms=step_forms,
        revealed_psk=draft.psk,
    )
