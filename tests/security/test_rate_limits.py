"""Expensive endpoints (live validation, plan import, config downloads) are limited per user and minute.

Every routed URL whose name says validate, import or download must be limited; once a user passes the limit
they get 429 with a message saying how many calls are allowed and when to try again, as a page or, for htmx,
as a fragment placed at the top of the page's main region. Other users are not affected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from tests.security.conftest import Route, site_routes
from wizard.models import ConnectionRequest

STATIC = Path(__file__).resolve().parents[2] / "static" / "wizard"
SCOPES = {"validate": "validate", "import": "import", "download": "download"}
LIMITED = [
    (route, scope)
    for route in site_routes()
    for word, scope in SCOPES.items()
    if word in route.name.split(":")[-1]
]


def scope_of(route: Route) -> str:
    return next(scope for word, scope in SCOPES.items() if word in route.name.split(":")[-1])


def kwargs_for(route: Route, draft: ConnectionRequest) -> dict[str, Any]:
    values = {"pk": draft.pk, "step": "cloud", "scenario": draft.scenario}
    unknown = [name for name in route.arguments if name not in values]
    if unknown:
        pytest.fail(f"{route.name}: URL argument(s) {unknown} have no value here: add them to kwargs_for()")
    return {name: values[name] for name in route.arguments}


def test_the_expensive_endpoints_are_found() -> None:
    names = {route.name for route, _ in LIMITED}
    assert {"wizard:validate", "wizard:validate_new", "wizard:import"} <= names


@pytest.mark.parametrize(("route", "scope"), LIMITED, ids=[route.name for route, _ in LIMITED])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_each_expensive_endpoint_answers_429_past_the_limit(
    route: Route,
    scope: str,
    htmx: bool,
    draft: ConnectionRequest,
    people: dict[str, AbstractBaseUser | None],
    settings: Any,
    rate_window_mid_minute: None,
) -> None:
    settings.RATE_LIMITS = {name: 2 for name in SCOPES.values()}
    url = reverse(route.name, kwargs=kwargs_for(route, draft))
    headers = {"HX-Request": "true"} if htmx else {}
    owner, teammate = Client(), Client()
    owner.force_login(people["owner"])
    teammate.force_login(people["teammate"])
    method = "get" if "download" in route.name else "post"
    before = [getattr(owner, method)(url, headers=headers).status_code for _ in range(2)]
    assert 429 not in before and all(status < 500 for status in before)
    limited = getattr(owner, method)(url, headers=headers)
    assert limited.status_code == 429
    body = limited.content.decode()
    assert "Too many requests: at most 2 per minute are allowed here." in body
    assert re.search(r"Wait \d+ seconds and try again", body)
    assert 1 <= int(limited["Retry-After"]) <= 60
    if htmx:
        # A fragment, placed atop the page's main region whatever the asking element swaps.
        assert "<html" not in body and 'role="alert"' in body
        assert limited["HX-Retarget"] == "#main" and limited["HX-Reswap"] == "afterbegin"
    else:
        assert "<html" in body
    # The limit is per user: a teammate is not held back by the owner's calls.
    assert getattr(teammate, method)(url, headers=headers).status_code != 429


def test_htmx_is_told_to_show_a_429_answer() -> None:
    """htmx swaps no 4xx answer by default; the console script lets the rate-limit message through."""
    script = (STATIC / "app.js").read_text()
    handler = re.search(r'"htmx:beforeSwap".*?\n  \}\);', script, re.DOTALL)
    assert handler is not None
    assert "status === 429" in handler.group(0) and "shouldSwap = true" in handler.group(0)
