"""Form rendering through Jinja2.

Django's template language resolves every variable of every field at run time; a branch hub's customer step
has 300 fields, and rendering them cost more than everything else on the page. Jinja2 compiles templates to
Python, so this renderer draws forms, fields and widgets from Jinja2 templates: ours in
``templates/jinja2`` and Django's own widget templates. A template that exists only for Django's engine (the
admin's widget wrappers) is still found there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.conf import settings
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.template import TemplateDoesNotExist
from django.template.backends.jinja2 import Jinja2
from django.utils.functional import cached_property


class FormRenderer(BaseRenderer):
    """Jinja2 first, Django's engine for the templates Jinja2 does not have."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    @cached_property
    def engine(self) -> Jinja2:
        return Jinja2(
            {
                "APP_DIRS": False,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates" / "jinja2",
                    Path(django.forms.__file__).parent / "jinja2",
                ],
                "NAME": "forms",
                "OPTIONS": {},
            }
        )

    @cached_property
    def fallback(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self.engine.get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
