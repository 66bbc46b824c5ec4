"""People, URL enumeration and a recorder for Celery sends, shared by the security tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.people import make_user
from tests.wizard.scenarios import scenario_steps
from wizard.choices import Scenario
from wizard.models import ConnectionRequest, Team

ROLES = ("anonymous", "owner", "teammate", "outsider", "staff", "superuser")


@dataclass(frozen=True)
class Route:
    """One named URL of the site: its qualified name, argument names and route text."""

    name: str
    arguments: tuple[str, ...]
    route: str


def site_routes(*, admin: bool = False) -> list[Route]:
    """Every named URL routed by the URLconf (Django's admin only when `admin`), sorted by name."""

    def walk(patterns: list[Any], namespace: str, prefix: str, arguments: tuple[str, ...]) -> Iterator[Route]:
        for entry in patterns:
            own = tuple(getattr(entry.pattern, "converters", {}))
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin" and not admin:
                    continue
                inner = (
                    f"{namespace}:{entry.namespace}"
                    if entry.namespace and namespace
                    else entry.namespace or namespace
                )
                yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern), arguments + own)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield Route(name, arguments + own, prefix + str(entry.pattern))

    return sorted(set(walk(get_resolver().url_patterns, "", "", ())), key=lambda route: route.name)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Password hashing is deliberately slow; these tests create users but test no password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Rate limits count per user and minute in the cache; every test starts with none used."""
    cache.clear()


@pytest.fixture(autouse=True)
def sent_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Tasks the site sends to the broker, recorded instead of sent (no broker in these tests)."""
    from celery import current_app

    sent: list[tuple[str, Any]] = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args=(), **options: sent.append((name, args)))
    return sent


@pytest.fixture
def team(db: None) -> Team:
    return Team.objects.create(name="network-ops")


@pytest.fixture
def other_team(db: None) -> Team:
    return Team.objects.create(name="network-branch")


@pytest.fixture
def people(team: Team, other_team: Team) -> dict[str, AbstractBaseUser | None]:
    """A user per role: owner and teammate in `team`, an outsider in `other_team`, staff, a superuser."""
    owner, teammate, outsider = make_user("olivia"), make_user("tom"), make_user("mallory")
    team.members.add(owner, teammate)
    other_team.members.add(outsider)
    return {
        "anonymous": None,
        "owner": owner,
        "teammate": teammate,
        "outsider": outsider,
        "staff": make_user("rita", staff=True),
        "superuser": make_user("root", superuser=True),
    }


@pytest.fixture
def draft(people: dict[str, AbstractBaseUser | None], team: Team) -> ConnectionRequest:
    """The owner's hybrid-cloud draft, its first step posted through the wizard."""
    client = Client()
    client.force_login(people["owner"])
    steps, _ = scenario_steps(Scenario.HYBRID_CLOUD, team)
    assert client.post(reverse("wizard:new", args=[Scenario.HYBRID_CLOUD]), steps["cloud"]).status_code == 302
    return ConnectionRequest.objects.get()
