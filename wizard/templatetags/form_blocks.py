"""Tags that draw wizard forms through the form renderer's templates (Jinja2, see wizard/forms/renderer.py).

``{% live_field field %}`` one field in the block live validation replaces (``oob=True`` in an htmx answer,
``field_class="field--mono"`` for addresses); ``{% live_form form %}`` every field of a form that way;
``{% form_errors form %}`` the alert for errors of the whole form or of its hidden fields.
"""

from __future__ import annotations

from django import template
from django.forms import BaseForm, BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def live_field(field: BoundField, *, oob: bool = False, field_class: str = "") -> SafeString:
    return field.render("forms/live_field.html", {"field": field, "oob": oob, "field_class": field_class})


@register.simple_tag
def live_form(form: BaseForm) -> SafeString:
    return form.render("forms/live_form.html", {"form": form})


@register.simple_tag
def form_errors(form: BaseForm) -> SafeString:
    return form.render("forms/errors.html", {"form": form})
