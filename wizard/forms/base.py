"""Common ground of the step forms: each form owns one part of the plan and writes it back from raw input."""

from __future__ import annotations

from typing import Any

from django import forms

from wizard.forms.values import list_text


class PlanForm(forms.Form):
    """A form for one part of the plan.

    ``to_plan`` writes what the user typed into the plan even when the form is invalid, so nothing is lost
    on back/forward; the network rules judge the values afterwards.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # "This field is required." says nothing once the error is read out of context.
            label = str(field.label or name.replace("_", " ").capitalize())
            field.error_messages["required"] = f"{label}: required."

    def raw(self, name: str) -> str:
        """The submitted text of a field, '' when absent (never raises, whatever was posted)."""
        value = self.data.get(self.add_prefix(name), "")
        return value if isinstance(value, str) else ""

    def to_plan(self, plan: dict[str, Any]) -> None:
        """Write this form's part of the plan; rows that their step gathers (rules, tunnels) write nothing."""


def initial_values(source: object, names: tuple[str, ...], lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """Initial form values from a plan object (a dict from JSON; anything else gives no initial values)."""
    if not isinstance(source, dict):
        return {}
    initial: dict[str, Any] = {}
    for name in names:
        if name not in source or source[name] is None:
            continue
        value = source[name]
        initial[name] = list_text(value) if name in lists else value
    return initial


def plan_list(plan: dict[str, Any], key: str) -> list[Any]:
    """plan[key] as a list of objects, repaired in place when a stored plan holds another shape."""
    value = plan.get(key)
    if not isinstance(value, list):
        value = []
        plan[key] = value
    return value


def plan_object(container: dict[str, Any] | list[Any], key: str | int) -> dict[str, Any]:
    """container[key] as an object, created (or repaired) in place."""
    if isinstance(container, list):
        assert isinstance(key, int)
        while len(container) <= key:
            container.append({})
        if not isinstance(container[key], dict):
            container[key] = {}
        return container[key]
    value = container.get(key)  # type: ignore[call-overload]
    if not isinstance(value, dict):
        value = {}
        container[key] = value  # type: ignore[index]
    return value
