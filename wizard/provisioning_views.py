"""The live provisioning status of a request: a panel that polls while work goes on, refresh, retry and
decommissioning (a confirmation page, then a plain POST: it works without JavaScript)."""

from __future__ import annotations

from datetime import datetime

from celery import current_app
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling
from kombu.exceptions import OperationalError

from wizard.provisioning_selectors import decommission_preview, request_for_status, status_panel
from wizard.services.decommissioning import DecommissionRefused, decommission_start
from wizard.services.provisioning import provisioning_retry
from wizard.services.transitions import TransitionRefused

PANEL = "provisioning/status_panel.html"
REFRESH_TASK = "wizard.refresh_tunnel_status"


def _since(value: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return parsed if parsed is None or parsed.tzinfo else None


def _panel(http_request: HttpRequest, pk: int, *, since: datetime | None = None) -> HttpResponse:
    connection_request = request_for_status(http_request.user, pk)
    panel = status_panel(http_request.user, connection_request, since=since)
    if not http_request.htmx:
        return render(http_request, "provisioning/status_page.html", {"panel": panel})
    content = render_to_string(PANEL, {"panel": panel}, request=http_request)
    # 286 tells htmx to stop polling once nothing will change any more.
    return HttpResponse(content) if panel.polling else HttpResponseStopPolling(content)


@login_required
@require_GET
def status(http_request: HttpRequest, pk: int) -> HttpResponse:
    return _panel(http_request, pk, since=_since(http_request.GET.get("since")))


@login_required
@require_POST
def refresh(http_request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a worker to read the tunnel statuses back from the provider now."""
    request_for_status(http_request.user, pk)
    asked = timezone.now()
    try:
        current_app.send_task(REFRESH_TASK, args=[pk], queue="status", ignore_result=True)
    except OperationalError:
        messages.error(http_request, "The status refresh could not be queued; the periodic refresh will run.")
        asked = None
    if not http_request.htmx:
        return redirect("provisioning:status", pk=pk)
    return _panel(http_request, pk, since=asked)


@login_required
@require_POST
def retry(http_request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed request back to provisioning (its owner or staff)."""
    request_for_status(http_request.user, pk)
    try:
        provisioning_retry(request_id=pk, actor=http_request.user, http_request=http_request)
    except TransitionRefused as refused:
        messages.error(http_request, str(refused))
    if not http_request.htmx:
        return redirect("provisioning:status", pk=pk)
    return _panel(http_request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def decommission(http_request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what decommissioning deletes and keeps, with the button; POST: start it (the team or staff)."""
    connection_request = request_for_status(http_request.user, pk)
    if http_request.method == "GET":
        preview = decommission_preview(connection_request)
        return render(http_request, "provisioning/confirm_decommission.html", {"preview": preview})
    try:
        decommission_start(request_id=pk, actor=http_request.user, http_request=http_request)
    except (TransitionRefused, DecommissionRefused) as refused:
        messages.error(http_request, str(refused))
    else:
        messages.success(
            http_request, "Decommissioning started: the tunnels and cloud resources are being deleted."
        )
    return redirect("provisioning:status", pk=pk)
