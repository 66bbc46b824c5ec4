"""Address blocks already claimed on a gateway by other requests, indexed for fast overlap queries."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReservedBlock:
    """A block claimed by another request on the same gateway.

    ``owner`` is how a message names the claimant, e.g. ``"branch 'Munich' (request #12)"``.
    """

    cidr: str
    owner: str
