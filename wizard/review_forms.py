"""Forms of staff review: the queue filter and the three decisions."""

from __future__ import annotations

from django import forms

from wizard.choices import Scenario
from wizard.models import Gateway, Team


class QueueFilterForm(forms.Form):
    q = forms.CharField(label="Search by name", required=False, max_length=64)
    scenario = forms.ChoiceField(
        label="Scenario", required=False, choices=[("", "All scenarios"), *Scenario.choices]
    )
    team = forms.ModelChoiceField(
        label="Team", required=False, queryset=Team.objects.all(), empty_label="All teams"
    )
    gateway = forms.ModelChoiceField(
        label="Gateway", required=False, queryset=Gateway.objects.all(), empty_label="All gateways"
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional; the requester sees it with the approval.",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required; the requester sees it. A rejected request cannot be reopened.",
        error_messages={"required": "Give a reason for the rejection: the requester sees it."},
    )


class SendBackForm(forms.Form):
    comments = forms.CharField(
        label="Changes needed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required; the request returns to draft and the wizard shows these comments on every step.",
        error_messages={"required": "Say what has to change: the requester sees it on the wizard steps."},
    )
