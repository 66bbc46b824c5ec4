"""One form per wizard step; every field error is keyed by its field."""

from wizard.forms.review import ImportPlanForm, SubmitForm
from wizard.forms.steps import (
    FORM_STEPS,
    REVIEW,
    STEPS,
    StepContext,
    StepForms,
    build_step,
    locate,
    step_label,
)

__all__ = [
    "FORM_STEPS",
    "STEPS",
    "REVIEW",
    "ImportPlanForm",
    "StepContext",
    "StepForms",
    "SubmitForm",
    "build_step",
    "locate",
    "step_label",
]
