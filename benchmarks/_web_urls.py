"""The project's URLconf plus one signed-in one-line view: the web benchmark's ceiling for signed-in views.

Any view that must know who asks pays for the session and user lookups before it does its own work; this
view does nothing else, so its throughput bounds every signed-in endpoint, live validation included.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from wizard.urls import urlpatterns as project_urlpatterns


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [*project_urlpatterns, path("bench/signed-in", signed_in, name="bench-signed-in")]
