"""People, teams and requests for the review tests (RFC 5737 / RFC 1918 addresses only)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from tests.people import make_user
from tests.plans import PSK, base_plan
from wizard.choices import RequestStatus, Scenario
from wizard.models import ConnectionRequest, Gateway, Team

PLAN: dict[str, Any] = base_plan(gateway={"flavor": "Basic"}, site={"bgp_asn": None})


@pytest.fixture
def team() -> Team:
    return Team.objects.create(name="Network Berlin")


@pytest.fixture
def other_team() -> Team:
    return Team.objects.create(name="Network Munich")


@pytest.fixture
def member(team: Team) -> AbstractBaseUser:
    user = make_user("alice")
    team.members.add(user)
    return user


@pytest.fixture
def outsider(other_team: Team) -> AbstractBaseUser:
    user = make_user("mallory")
    other_team.members.add(user)
    return user


@pytest.fixture
def reviewer() -> AbstractBaseUser:
    return make_user("rita", staff=True)


@pytest.fixture
def second_reviewer() -> AbstractBaseUser:
    return make_user("rolf", staff=True)


@pytest.fixture
def superuser() -> AbstractBaseUser:
    return make_user("root", superuser=True)


@pytest.fixture
def gateway(team: Team) -> Gateway:
    return Gateway.objects.create(
        team=team,
        name="vpngw-fra",
        region="eu-de",
        vpc="vpc-prod",
        vpc_cidrs=["192.168.0.0/16"],
        local_subnets=["192.168.1.0/24"],
        flavor="Basic",
        ip_addresses=["198.51.100.10", "198.51.100.11"],
    )


RequestFactory = Callable[..., ConnectionRequest]


@pytest.fixture
def make_request(team: Team, member: AbstractBaseUser) -> RequestFactory:
    """A request of `team` owned by `member`, pending review unless told otherwise."""

    def build(
        *,
        name: str = "fra-datacenter",
        status: str = RequestStatus.PENDING_REVIEW,
        owner: AbstractBaseUser | None = None,
        request_team: Team | None = None,
        gateway: Gateway | None = None,
        subnets: tuple[str, ...] = ("10.1.0.0/16",),
        changes: dict[str, Any] | None = None,
    ) -> ConnectionRequest:
        plan = copy.deepcopy(PLAN)
        plan["name"] = name
        plan["sites"][0]["subnets"] = list(subnets)
        plan.update(changes or {})
        request = ConnectionRequest(
            team=request_team or team,
            owner=owner or member,
            name=name,
            scenario=Scenario.HYBRID_CLOUD,
            status=status,
            gateway=gateway,
            plan=plan,
            submitted_at=timezone.now() if status != RequestStatus.DRAFT else None,
        )
        request.psk = PSK
        request.save()
        return request

    return build


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Password hashing is deliberately slow; these tests create many users and test no password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sent_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """(task name, request id) of every task sent to the broker; nothing reaches a real broker."""
    from celery import current_app

    sent: list[tuple[str, int]] = []

    def send_task(name: str, args: list[int], **options: object) -> None:
        sent.append((name, args[0]))

    monkeypatch.setattr(current_app, "send_task", send_task)
    return sent
