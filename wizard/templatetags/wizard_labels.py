"""`{{ value|label_of:"platform" }}`: the words for a plan's raw values (cisco_iosxe: Cisco IOS-XE)."""

from __future__ import annotations

from django import template
from django.db.models import TextChoices

from wizard.choices import Attachment, GatewayFlavor, HaMode, NetworkType, Platform, RoutingMode

register = template.Library()

KINDS: dict[str, type[TextChoices]] = {
    "attachment": Attachment,
    "flavor": GatewayFlavor,
    "ha_mode": HaMode,
    "network_type": NetworkType,
    "platform": Platform,
    "routing": RoutingMode,
}


@register.filter
def label_of(value: object, kind: str) -> str:
    """The choice's label, or the value itself when it is not one of the choices (the findings say why)."""
    choices = KINDS[kind]
    return str(choices(value).label) if value in choices.values else str(value)
