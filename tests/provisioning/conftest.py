"""Requests ready for provisioning (RFC 5737 public addresses, RFC 1918 private ones)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tests.plans import PSK, base_plan
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest, Team

PLAN: dict[str, Any] = base_plan(gateway={"ip_addresses": []})


def plan_for(index: int = 0, **changes: Any) -> dict[str, Any]:
    """The base plan with a gateway name of its own (`index`) and top-level keys replaced."""
    data = copy.deepcopy(PLAN)
    data["name"] = f"fra-{index}"
    data["gateways"][0]["name"] = f"vpngw-{index}"
    data.update(copy.deepcopy(changes))
    return data


def cross_region_gateways(index: int = 0) -> list[dict[str, Any]]:
    """The gateway of plan_for(index) in region A and a second one in region B, for a cross-region plan."""
    first = plan_for(index)["gateways"][0]
    second = {
        **first,
        "name": "vpngw-ams",
        "region": "eu-nl",
        "vpc": "vpc-ams",
        "vpc_cidrs": ["172.16.0.0/16"],
        "local_subnets": ["172.16.1.0/24"],
        "bgp_asn": 64513,
    }
    return [first, second]


def create_request(
    owner: Any, team: Team, *, index: int = 0, status: str = RequestStatus.APPROVED, **changes: Any
) -> ConnectionRequest:
    plan = plan_for(index, **changes)
    request = ConnectionRequest(
        team=team,
        owner=owner,
        name=plan["name"],
        scenario=plan["scenario"],
        routing_mode=plan["routing"]["mode"],
        status=status,
        plan=plan,
    )
    request.psk = PSK
    request.save()
    return request


@pytest.fixture
def owner(db: None) -> Any:
    return get_user_model().objects.create_user("dana", password="x-long-password-1")


@pytest.fixture
def team(owner: Any) -> Team:
    team = Team.objects.create(name="Network")
    team.members.add(owner)
    return team


@pytest.fixture
def make_request(owner: Any, team: Team) -> Callable[..., ConnectionRequest]:
    def make(index: int = 0, **changes: Any) -> ConnectionRequest:
        return create_request(owner, team, index=index, **changes)

    return make


@pytest.fixture
def sent_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Tasks sent to the broker, recorded instead of sent."""
    from celery import current_app

    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args, **options: sent.append((name, args[0])))
    return sent
