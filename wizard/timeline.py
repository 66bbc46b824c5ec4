"""A request's status timeline in plain words, from its audit trail: submitted, reviewed, provisioned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from wizard.choices import RequestStatus
from wizard.models import AuditEvent

# What each recorded change means to the requester; other events (downloads, ...) stay in the audit trail.
MILESTONES = {
    "draft.created": "Draft started",
    "draft.imported": "Imported from a plan file",
    f"status.{RequestStatus.PENDING_REVIEW}": "Submitted for review",
    f"status.{RequestStatus.DRAFT}": "Sent back for changes",
    f"status.{RequestStatus.APPROVED}": "Approved",
    f"status.{RequestStatus.REJECTED}": "Rejected",
    f"status.{RequestStatus.PROVISIONING}": "Provisioning started",
    f"status.{RequestStatus.ACTIVE}": "Active: the tunnels are provisioned",
    f"status.{RequestStatus.FAILED}": "Provisioning failed",
    f"status.{RequestStatus.DECOMMISSIONING}": "Removal started",
    f"status.{RequestStatus.DECOMMISSIONED}": "Removed: the tunnels are gone",
}
# The step still to come while a request waits in each status.
NEXT = {
    RequestStatus.PENDING_REVIEW: "a reviewer approves, sends back or rejects it",
    RequestStatus.APPROVED: "provisioning starts",
    RequestStatus.PROVISIONING: "the cloud side is being created",
    RequestStatus.FAILED: "retry provisioning once the cause is fixed",
    RequestStatus.DECOMMISSIONING: "the cloud side is being removed",
}
STATES = {
    f"status.{RequestStatus.REJECTED}": "failed",
    f"status.{RequestStatus.FAILED}": "failed",
    f"status.{RequestStatus.DRAFT}": "warning",
}


@dataclass(frozen=True)
class Milestone:
    label: str
    when: datetime | None
    actor: str
    note: str
    state: str  # "done", "failed", "warning" or "next"


def status_timeline(events: Sequence[AuditEvent], status: str) -> list[Milestone]:
    """Oldest first; repeated provisioning records count once; the step still to come last."""
    milestones: list[Milestone] = []
    for event in events:
        label = MILESTONES.get(event.action)
        if label is None or (milestones and milestones[-1].label == label):
            continue
        actor = ""
        if event.actor is not None:
            actor = event.actor.get_full_name() or event.actor.get_username()
        note = event.detail.get("comment", "") if isinstance(event.detail, dict) else ""
        state = STATES.get(event.action, "done")
        milestones.append(Milestone(label, event.created_at, actor, str(note or ""), state))
    if not milestones:  # a request from before the audit trail: its status is all there is to say
        milestones.append(Milestone(RequestStatus(status).label, None, "", "", "done"))
    if status in NEXT:
        milestones.append(Milestone(NEXT[status], None, "", "", "next"))
    return milestones
