"""`{% provisioning_status connection_request %}`: the live status panel, for the request page."""

from __future__ import annotations

from typing import Any

from django import template

from wizard.models import ConnectionRequest
from wizard.provisioning_selectors import status_panel

register = template.Library()


@register.inclusion_tag("provisioning/status_panel.html", takes_context=True)
def provisioning_status(context: template.Context, connection_request: ConnectionRequest) -> dict[str, Any]:
    return {
        "panel": status_panel(context["request"].user, connection_request),
        "csrf_token": context.get("csrf_token"),
    }
