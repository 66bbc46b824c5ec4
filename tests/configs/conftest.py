"""Teams, users and provisioned requests for the device-configuration tests (RFC 5737 / RFC 1918 only)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from celery import current_app
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

from tests.people import make_user
from tests.provisioning.conftest import create_request, plan_for
from wizard.models import ConnectionRequest, Team
from wizard.providers.sandbox import SandboxProvider
from wizard.services import provisioning


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def owner(db: None) -> AbstractBaseUser:
    return make_user("dana")


@pytest.fixture
def team(owner: AbstractBaseUser) -> Team:
    team = Team.objects.create(name="Network")
    team.members.add(owner)
    return team


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[int], str]]:
    """Tasks handed to the broker: recorded, then run in place (real workers: see tests/provisioning)."""
    import wizard.tasks  # noqa: F401 - registers the tasks

    calls: list[tuple[str, list[int], str]] = []

    def send_task(name: str, args: list[int] | None = None, **options: Any) -> None:
        calls.append((name, list(args or []), str(options.get("queue", ""))))
        current_app.tasks[name].apply(args=args)

    monkeypatch.setattr(current_app, "send_task", send_task)
    return calls


def provision(request: ConnectionRequest) -> ConnectionRequest:
    outcome = provisioning.provision(
        request_id=request.pk,
        owner=f"task-{request.pk}",
        provider=SandboxProvider(delay_seconds=0, failure_rate=0),
    )
    assert outcome.result == "active", outcome.reason
    request.refresh_from_db()
    return request


@pytest.fixture
def active_request(owner: AbstractBaseUser, team: Team) -> Callable[..., ConnectionRequest]:
    """An approved request provisioned on the sandbox cloud: active, with its configs generated."""

    def make(index: int = 0, **changes: Any) -> ConnectionRequest:
        return provision(create_request(owner, team, index=index, **changes))

    return make


def branch_plan(name: str, site: str, subnet: str, gateway_ip: str) -> dict[str, Any]:
    """A one-branch request on hub vpngw-0 (every branch names the same hub gateway)."""
    data = plan_for(0, scenario="branch_hub")
    data["name"] = name
    data["sites"][0].update(name=site, subnets=[subnet], gateway_ips=[gateway_ip])
    return copy.deepcopy(data)
