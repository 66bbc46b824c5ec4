"""Reads for device configurations: who may download them, and what changed since the last download."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from wizard.models import ConnectionRequest, DeviceConfig

User = AbstractBaseUser | AnonymousUser


def downloadable_request(user: User, pk: int) -> ConnectionRequest:
    """A request whose configs `user` may download: their team's, or any for staff; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    requests = ConnectionRequest.objects.select_related("team")
    if not user.is_staff:
        requests = requests.filter(team__members=user.pk)
    return get_object_or_404(requests, pk=pk)


def request_configs(request: ConnectionRequest, *, config_id: int | None = None) -> list[DeviceConfig]:
    """The request's configs in download order (or just `config_id`, 404 if it is not the request's)."""
    configs = DeviceConfig.objects.filter(request=request).order_by("peer", "platform", "filename")
    if config_id is not None:
        return [get_object_or_404(configs, pk=config_id)]
    return list(configs)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "header", "hunk", "added", "removed" or "context"
    text: str


def config_changes(config: DeviceConfig) -> list[DiffLine]:
    """What changed since the team last downloaded the file, as a unified diff ([] if never downloaded)."""
    if not config.downloaded_content or config.downloaded_content == config.content:
        return []
    lines = difflib.unified_diff(
        config.downloaded_content.splitlines(),
        config.content.splitlines(),
        fromfile=f"{config.filename} (as downloaded)",
        tofile=f"{config.filename} (now)",
        lineterm="",
    )
    kinds = {"+": "added", "-": "removed", "@": "hunk"}
    return [
        DiffLine("header" if line.startswith(("+++", "---")) else kinds.get(line[:1], "context"), line)
        for line in lines
    ]
