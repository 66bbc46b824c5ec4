"""Headers on every page, CSRF on every POST (htmx included), sessions that expire, production-mode cookies.

`manage.py check --deploy` in production mode is tested in tests/foundation/test_settings.py.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.processes import BASE_DIR
from tests.security.conftest import Route, site_routes
from tests.wizard.scenarios import scenario_steps
from wizard.choices import Scenario
from wizard.models import ConnectionRequest

pytestmark = pytest.mark.django_db


def url_for(route: Route, draft: ConnectionRequest) -> str:
    values = {"pk": draft.pk, "step": "security", "scenario": draft.scenario}
    unknown = [name for name in route.arguments if name not in values]
    if unknown:
        pytest.fail(f"{route.name}: URL argument(s) {unknown} have no value here: add them to url_for()")
    return reverse(route.name, kwargs={name: values[name] for name in route.arguments})


def assert_security_headers(response: Any, where: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    directives = dict((part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip())
    assert directives.get("script-src") == ["'self'"], f"{where}: {policy!r}"
    assert directives.get("style-src") == ["'self'"], f"{where}: {policy!r}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {policy!r}"
    assert directives.get("object-src") == ["'none'"], f"{where}: {policy!r}"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Content-Type-Options"] == "nosniff", where


def test_every_page_carries_the_policy_and_headers(
    people: dict[str, AbstractBaseUser | None], draft: ConnectionRequest
) -> None:
    """Every routed URL, every role, plain and htmx, whatever the answer (page, redirect, 403, 404, 405)."""
    for role, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for route in site_routes():
            url = url_for(route, draft)
            for headers in ({}, {"HX-Request": "true"}):
                assert_security_headers(client.get(url, headers=headers), f"{role} GET {url} {headers}")
        for url in (reverse("admin:index"), "/no-such-page/"):
            assert_security_headers(client.get(url), f"{role} GET {url}")


def test_every_post_endpoint_refuses_a_request_without_csrf_token(
    people: dict[str, AbstractBaseUser | None],
    draft: ConnectionRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Posted by a user the view would serve (owner, or staff for review pages), plain and htmx: 403."""
    caplog.set_level(logging.WARNING, logger="django.security.csrf")
    steps, _ = scenario_steps(Scenario.HYBRID_CLOUD, draft.team)
    data = steps["cloud"] | steps["security"]
    checked = 0
    for route in site_routes(admin=False):
        user = people["staff"] if route.name.startswith("review:") else people["owner"]
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        url = url_for(route, draft)
        for headers in ({}, {"HX-Request": "true"}):
            caplog.clear()
            response = client.post(url, data, headers=headers)
            assert response.status_code == 403, (
                f"POST {url} {headers} without a token: {response.status_code}"
            )
            assert any("CSRF" in record.getMessage() for record in caplog.records), url
            checked += 1
    assert checked >= 2 * len(site_routes())
    draft.refresh_from_db()
    assert draft.current_step == "customer"  # nothing was saved


def test_htmx_requests_carry_the_token_and_pass(
    people: dict[str, AbstractBaseUser | None], draft: ConnectionRequest
) -> None:
    """Pages put the token in hx-headers on <body>: an htmx post with that header is accepted."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["owner"])
    page = client.get(reverse("wizard:step", args=[draft.pk, "customer"])).content.decode()
    marker = "hx-headers='"
    start = page.index(marker) + len(marker)
    token = json.loads(page[start : page.index("'", start)])["X-CSRFToken"]
    steps, _ = scenario_steps(Scenario.HYBRID_CLOUD, draft.team)
    response = client.post(
        reverse("wizard:validate", args=[draft.pk, "customer"]),
        steps["customer"],
        headers={"HX-Request": "true", "HX-Trigger-Name": "site-0-subnets", "X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_an_expired_session_signs_the_user_out(
    people: dict[str, AbstractBaseUser | None], settings: Any
) -> None:
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 300 <= settings.SESSION_COOKIE_AGE <= 30 * 86400
    client = Client()
    client.force_login(people["owner"])
    assert client.get(reverse("wizard:my_requests")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.expire_date - expected).total_seconds()) < 60
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("wizard:my_requests"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


PRODUCTION_PROBE = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
get_user_model().objects.create_user("olivia", password="Production-Probe-2024")
client = Client()
plain = client.get("/accounts/login/", HTTP_HOST="vpn.example.com")
page = client.get("/accounts/login/", HTTP_HOST="vpn.example.com", secure=True)
token = page.cookies["csrftoken"].value
signed_in = client.post("/accounts/login/", {"username": "olivia", "password": "Production-Probe-2024",
    "csrfmiddlewaretoken": token}, HTTP_HOST="vpn.example.com", secure=True)
def cookie(response, name):
    morsel = response.cookies[name]
    return {key: morsel[key] for key in ("secure", "httponly", "samesite", "max-age", "expires")}
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "hsts": page.get("Strict-Transport-Security", ""),
    "csp": page.get("Content-Security-Policy", ""),
    "frame": page.get("X-Frame-Options", ""),
    "referrer": page.get("Referrer-Policy", ""),
    "signed_in": signed_in.status_code,
    "csrf_cookie": cookie(page, "csrftoken"),
    "session_cookie": cookie(signed_in, "sessionid"),
}))
"""


def test_production_mode_sends_hsts_secure_cookies_and_redirects_to_https(tmp_path: Any) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DEBUG", "WIZARD_MODE", "DJANGO_SETTINGS_MODULE"}
    } | {
        "WIZARD_MODE": "production",
        "WIZARD_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "p4#Lm8!qZ2vR7$wK1&nX5yT9^cB3*eH6@fJ0%aS4(uI8)oG2-lD7_jN1+hM5=",
        "ALLOWED_HOSTS": "vpn.example.com",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRODUCTION_PROBE],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://vpn.example.com/accounts/login/"]
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in probe["csp"] and "'unsafe-inline'" not in probe["csp"]
    assert probe["frame"] == "DENY" and probe["referrer"] == "same-origin"
    assert probe["signed_in"] == 302
    assert probe["csrf_cookie"]["secure"] is True
    session = probe["session_cookie"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"
    # Expires with the browser: no lifetime on the cookie (the server ends it after SESSION_COOKIE_AGE).
    assert session["max-age"] == "" and session["expires"] == ""
