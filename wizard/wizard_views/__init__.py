"""The wizard's pages: steps with live validation, review and submission, a team's requests, plan files."""

from wizard.wizard_views.plan_files import export, import_plan
from wizard.wizard_views.requests import delete, my_requests, request_detail
from wizard.wizard_views.steps import new, resume, reveal_psk, start, step_view, validate, validate_new
from wizard.wizard_views.submission import review

__all__ = [
    "delete",
    "export",
    "import_plan",
    "my_requests",
    "new",
    "request_detail",
    "resume",
    "reveal_psk",
    "review",
    "start",
    "step_view",
    "validate",
    "validate_new",
]
