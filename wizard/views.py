"""Thin views: bind a form, call a service or selector, choose a template."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_required
def home(request: HttpRequest) -> HttpResponse:
    teams = request.user.teams.all()
    return render(request, "wizard/home.html", {"teams": teams})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the bare-view baseline of the web benchmark."""
    return HttpResponse("ok", content_type="text/plain")
