"""Thin views: bind a form, call a service or selector, choose a template."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    teams = request.user.teams.all()
    return render(request, "wizard/home.html", {"teams": teams})
