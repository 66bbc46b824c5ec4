"""Reads for device configurations: who may download them, and what changed since the last download."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from wizard.choices import Platform
from wizard.models import ConnectionRequest, DeviceConfig
from wizard.rendering.context import DEFAULT_OUTSIDE_INTERFACE

User = AbstractBaseUser | AnonymousUser


def downloadable_request(user: User, pk: int) -> ConnectionRequest:
    """A request whose configs `user` may download: their team's, or any for staff; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    requests = ConnectionRequest.objects.select_related("team")
    if not user.is_staff:
        requests = requests.filter(team__members=user.pk)
    return get_object_or_404(requests, pk=pk)


def request_configs(request: ConnectionRequest, *, filename: str | None = None) -> list[DeviceConfig]:
    """The request's configs in download order (or only the one called `filename`, if it has one)."""
    configs = DeviceConfig.objects.filter(request=request).order_by("peer", "platform", "filename")
    if filename is not None:
        configs = configs.filter(filename=filename)
    return list(configs)


# What each kind of file is, by the end of its name (the platform's own files say the platform).
ARTIFACTS = {
    "swanctl.conf": "strongSwan IPsec connections (swanctl.conf; load with `swanctl --load-all`)",
    "frr.conf": "FRRouting BGP configuration (frr.conf) to run beside strongSwan",
    "parameters.txt": "Parameter sheet (text): every value to enter by hand on any other device",
    "parameters.json": "Parameter sheet (JSON): the same values for scripts",
}


@dataclass(frozen=True)
class ReadmeEntry:
    filename: str
    what: str
    device: str
    outside_interface: str
    checksum: str


def readme_entries(request: ConnectionRequest, configs: Sequence[DeviceConfig]) -> list[ReadmeEntry]:
    """Per file of a zip: what it is, for which device, and the outside interface it assumes."""
    sites = request.plan.get("sites") if isinstance(request.plan, dict) else None
    interfaces = {
        site.get("name"): site.get("outside_interface") or ""
        for site in (sites if isinstance(sites, list) else [])
        if isinstance(site, dict)
    }
    entries = []
    for config in configs:
        what = next(
            (text for suffix, text in ARTIFACTS.items() if config.filename.endswith(suffix)),
            f"{Platform(config.platform).label} configuration (paste in configuration mode)",
        )
        if config.peer not in interfaces:
            interface = "none: this is a cloud gateway's side (cross-region), set up by the cloud"
        elif config.platform in ("strongswan", "generic"):
            interface = "whichever interface routes to the cloud gateway IPs (no name in the file)"
        elif interfaces[config.peer]:
            interface = f"{interfaces[config.peer]} (as entered in the wizard)"
        else:
            default = DEFAULT_OUTSIDE_INTERFACE.get(config.platform, "")
            interface = f"{default} (the platform default: replace it if your device's differs)"
        entries.append(
            ReadmeEntry(
                filename=config.filename,
                what=what,
                device=config.peer,
                outside_interface=interface,
                checksum=config.checksum,
            )
        )
    return entries


def config_changes(config: DeviceConfig) -> str:
    """What changed since the team last downloaded the file, as a unified diff ("" if never downloaded)."""
    if not config.downloaded_content or config.downloaded_content == config.content:
        return ""
    lines = difflib.unified_diff(
        config.downloaded_content.splitlines(),
        config.content.splitlines(),
        fromfile=f"{config.filename} (as downloaded)",
        tofile=f"{config.filename} (now)",
        lineterm="",
    )
    return "\n".join(lines) + "\n"
