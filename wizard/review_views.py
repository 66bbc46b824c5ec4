"""Staff review: the queue of pending requests, the review page and the three decisions."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from wizard import review_selectors, selectors
from wizard.choices import RequestStatus
from wizard.diagram import topology_svg
from wizard.models import ConnectionRequest
from wizard.network import resolve_tunnels
from wizard.review_forms import ApproveForm, QueueFilterForm, RejectForm, SendBackForm
from wizard.services.review import (
    ReviewRefused,
    request_approve,
    request_reject,
    request_send_back,
    self_approval_allowed,
)

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Signed-in staff only: anonymous users go to the sign-in page, everyone else gets 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("Only reviewers can open the review pages.")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    requests = review_selectors.review_queue(
        scenario=filters.get("scenario", ""),
        team_id=filters["team"].pk if filters.get("team") else None,
        gateway_id=filters["gateway"].pk if filters.get("gateway") else None,
        search=filters.get("q", ""),
    )
    page = Paginator(requests, review_selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = review_selectors.finding_counts(page.object_list)
    rows = [
        {"request": item, "counts": counts[item.pk], "age": review_selectors.waiting_for(item)}
        for item in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    template = "review/queue.html#queue-results" if request.htmx else "review/queue.html"
    return render(request, template, context)


def _review_page(
    request: HttpRequest,
    connection_request: ConnectionRequest,
    bound: dict[str, forms.Form],
    status: int = 200,
) -> HttpResponse:
    report = review_selectors.review_report(connection_request)
    plan = report.plan
    decision_forms = {
        "approve_form": ApproveForm(),
        "reject_form": RejectForm(),
        "send_back_form": SendBackForm(),
    }
    decision_forms.update(bound)
    own_request = connection_request.owner_id == request.user.pk
    in_use = selectors.tunnel_addresses_in_use(
        connection_request.gateway_id, exclude_request_id=connection_request.pk
    )
    context = {
        "connection_request": connection_request,
        "report": report,
        "diagram": topology_svg(plan, resolve_tunnels(plan, used=in_use)) if plan is not None else "",
        "plan_text": json.dumps(
            {key: value for key, value in connection_request.plan.items() if key != "psk"}, indent=2
        ),
        "neighbours": review_selectors.gateway_neighbours(connection_request),
        "events": review_selectors.audit_events_for(connection_request),
        "pending": connection_request.status == RequestStatus.PENDING_REVIEW,
        "can_approve": not own_request or self_approval_allowed(),
        **decision_forms,
    }
    return render(request, "review/detail.html", context, status=status)


def _get_request(pk: int) -> ConnectionRequest:
    queryset = ConnectionRequest.objects.select_related("owner", "team", "gateway", "reviewed_by")
    return get_object_or_404(queryset.prefetch_related("sites"), pk=pk)


@staff_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, _get_request(pk), {})


def _decision(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    form_name: str,
    decide: Callable[[forms.Form], ConnectionRequest],
    done: str,
) -> HttpResponse:
    connection_request = _get_request(pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _review_page(request, connection_request, {form_name: form}, status=400)
    try:
        decided = decide(form)
    except ReviewRefused as refused:
        messages.error(request, str(refused))
        return redirect("review:detail", pk=pk)
    messages.success(request, done.format(name=decided.name, pk=decided.pk))
    return redirect("review:queue")


@staff_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        ApproveForm,
        "approve_form",
        lambda form: request_approve(
            request_id=pk, reviewer=request.user, comment=form.cleaned_data["comment"], http_request=request
        ),
        "Approved {name} (#{pk}); provisioning starts now.",
    )


@staff_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        RejectForm,
        "reject_form",
        lambda form: request_reject(
            request_id=pk, reviewer=request.user, reason=form.cleaned_data["reason"], http_request=request
        ),
        "Rejected {name} (#{pk}); the requester has been told why.",
    )


@staff_required
@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        SendBackForm,
        "send_back_form",
        lambda form: request_send_back(
            request_id=pk, reviewer=request.user, comments=form.cleaned_data["comments"], http_request=request
        ),
        "Sent {name} (#{pk}) back to its team for changes.",
    )
