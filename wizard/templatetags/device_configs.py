"""`{% device_configs connection_request configs %}`: the downloads section of the request page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from wizard.choices import RequestStatus
from wizard.config_selectors import config_changes
from wizard.models import ConnectionRequest, DeviceConfig

register = template.Library()


@register.inclusion_tag("configs/downloads.html", takes_context=True)
def device_configs(
    context: template.Context, connection_request: ConnectionRequest, configs: Sequence[DeviceConfig]
) -> dict[str, Any]:
    """Download links, the diff of every changed file against its last download, and (owner or staff) the
    generation button. Uses the configs already loaded: no query per file."""
    user = context["request"].user
    changed = [
        {"config": config, "diff": config_changes(config), "viewer_id": f"config-diff-{config.pk}"}
        for config in configs
        if config.changed
    ]
    return {
        "detail": connection_request,
        "configs": configs,
        "changed": changed,
        "can_generate": connection_request.status == RequestStatus.ACTIVE
        and (user.is_staff or connection_request.owner_id == user.pk),
        "csrf_token": context.get("csrf_token"),
    }
