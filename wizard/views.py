"""Thin views: bind a form, call a service or selector, choose a template."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wizard import selectors
from wizard.review_selectors import review_queue
from wizard.scenarios import SCENARIO_CARDS

# How many of the user's latest requests the dashboard lists; "My requests" has them all.
RECENT_REQUESTS = 5


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "teams": request.user.teams.all(),
        "recent": list(selectors.visible_requests(request.user)[:RECENT_REQUESTS]),
        "scenarios": SCENARIO_CARDS,
        "pending_reviews": review_queue().count() if request.user.is_staff else None,
    }
    return render(request, "wizard/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the bare-view baseline of the web benchmark."""
    return HttpResponse("ok", content_type="text/plain")
