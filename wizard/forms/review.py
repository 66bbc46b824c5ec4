"""The review step's acknowledgement, and the plan-file import form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wizard.models import Team

MAX_PLAN_BYTES = 1024 * 1024


class SubmitForm(forms.Form):
    acknowledge_warnings = forms.BooleanField(
        label="I have read the warnings above and want to submit anyway",
        required=False,
        help_text="Warnings do not block a request, but a reviewer will see that you accepted them.",
    )

    def __init__(self, data: Any = None, *, warnings: int) -> None:
        super().__init__(data)
        self.warnings = warnings
        if not warnings:
            del self.fields["acknowledge_warnings"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Warnings need an explicit acknowledgement before the request reaches a reviewer.
        if self.warnings and not cleaned.get("acknowledge_warnings"):
            self.add_error(
                "acknowledge_warnings", f"Tick this box to confirm you accept the {self.warnings} warning(s)."
            )
        return cleaned


class ImportPlanForm(forms.Form):
    """A plan file (JSON, the format of the export) to start a new draft from."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), empty_label=None, help_text="Owner of the draft."
    )
    plan_file = forms.FileField(
        label="Plan file",
        help_text="A JSON plan, for example one exported from another request (at most 1 MB). "
        "Exports never contain the pre-shared key: a new key is generated (or enter one)."
        "",
    )

    def __init__(self, data: Any = None, files: Any = None, *, teams: QuerySet[Team]) -> None:
        super().__init__(data, files)
        self.fields["team"].queryset = teams
        if len(teams) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = teams[0].pk

    def clean_plan_file(self) -> str:
        upload = self.cleaned_data["plan_file"]
        # A plan is small; a large upload is a mistake or abuse, refused before reading it.
        if upload.size > MAX_PLAN_BYTES:
            raise forms.ValidationError(
                f"The file has {upload.size:,} bytes; a plan file may have at most "
                f"{MAX_PLAN_BYTES:,} bytes (1 MB)."
            )
        raw = upload.read(MAX_PLAN_BYTES + 1)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            # Plans are JSON text; anything else is the wrong file.
            raise forms.ValidationError(
                "The file is not a JSON text file (it is not UTF-8 text). Choose a .json plan file."
            ) from None
