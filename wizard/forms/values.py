"""Raw form input to plan values, tolerant of anything typed, so a draft never loses what the user entered."""

from __future__ import annotations

import re

from django import forms

_SEPARATORS = re.compile(r"[\s,;]+")


def text_list(raw: object) -> list[str]:
    """'10.1.0.0/16, 10.2.0.0/16' or one per line -> ['10.1.0.0/16', '10.2.0.0/16']."""
    if not isinstance(raw, str):
        return []
    return [item for item in _SEPARATORS.split(raw) if item]


def list_text(values: object) -> str:
    """A plan list shown in a textarea, one item per line."""
    if not isinstance(values, list):
        return ""
    return "\n".join(str(value) for value in values)


def int_or_raw(raw: object) -> int | str | None:
    """A whole number when the text is one; else the text itself (the validator reports it); None if empty."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 12:
        return int(text)
    return text


def checked(raw: object) -> bool:
    """A checkbox: present and not an explicit 'off' value."""
    return isinstance(raw, str) and raw.lower() not in ("", "0", "false", "off")


class CidrListField(forms.CharField):
    """Address blocks, one per line or comma-separated. The network rules check each block later."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": "false"})

    def __init__(self, *, max_items: int = 50, **kwargs: object) -> None:
        self.max_items = max_items
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def clean(self, value: object) -> list[str]:  # type: ignore[override]
        text = super().clean(value)
        items = text_list(text)
        # The cloud accepts at most 50 subnets per list (rules C6, C9).
        if len(items) > self.max_items:
            raise forms.ValidationError(
                f"{len(items)} blocks entered; at most {self.max_items} are accepted here.",
                code="too_many",
            )
        if self.required and not items:
            raise forms.ValidationError("Enter at least one address block, for example 10.1.0.0/16.")
        return items
