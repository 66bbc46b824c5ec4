"""Device configuration downloads (one file, or every file as a zip) and the on-demand generation button."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from wizard.config_selectors import downloadable_request, readme_entries, request_configs
from wizard.models import ConnectionRequest
from wizard.ratelimit import rate_limited
from wizard.services.configs import GenerationRefused, configs_generation_request, configs_record_download

CONTENT_TYPES = {".json": "application/json"}


def _back(http_request: HttpRequest, target: ConnectionRequest) -> HttpResponseRedirect:
    """The page this user sees the request on: its team's request page, or the review page for staff."""
    if target.team.members.filter(pk=http_request.user.pk).exists():
        return HttpResponseRedirect(reverse("wizard:request_detail", args=[target.pk]))
    return HttpResponseRedirect(reverse("review:detail", args=[target.pk]))


def _attachment(body: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@rate_limited("download")
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """Every config of the request as one zip with a README, or with `?file=NAME` that one file."""
    target = downloadable_request(request.user, pk)
    # The method is checked after the lookup, so that a 405 never tells an outsider the request exists.
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    filename = request.GET.get("file")
    configs = request_configs(target, filename=filename)
    if filename is not None:
        if not configs:
            raise Http404("The request has no configuration of that name.")
        config = configs[0]
        configs_record_download(request=target, configs=configs, actor=request.user, http_request=request)
        suffix = config.filename[config.filename.rfind(".") :]
        content_type = CONTENT_TYPES.get(suffix, "text/plain; charset=utf-8")
        # Configs are written with LF line endings; this keeps them so whatever was stored.
        return _attachment(config.content.replace("\r\n", "\n").encode(), config.filename, content_type)
    if not configs:
        messages.info(request, "This request has no device configurations yet: they come with provisioning.")
        return _back(request, target)
    readme = render_to_string(
        "configs/README.txt",
        {"request": target, "entries": readme_entries(target, configs), "downloaded_at": timezone.now()},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme.replace("\r\n", "\n"))
        for config in configs:
            archive.writestr(config.filename, config.content.replace("\r\n", "\n"))
    name = f"{target.name}-configs.zip"
    configs_record_download(
        request=target, configs=configs, actor=request.user, http_request=request, archive=name
    )
    return _attachment(buffer.getvalue(), name, "application/zip")


@login_required
@require_POST
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a fresh generation of the request's configs (owner or staff)."""
    target = downloadable_request(request.user, pk)
    try:
        configs_generation_request(request_id=target.pk, actor=request.user, http_request=request)  # type: ignore[arg-type]
    except GenerationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The configurations are being generated; reload this page in a moment.")
    return _back(request, target)
