"""Key rotation, per-user rate limits, and the security headers of every response."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from wizard import secrets
from wizard.choices import Scenario
from wizard.models import ConnectionRequest, Team
from wizard.ratelimit import rate_limited


@pytest.mark.django_db
def test_rotate_secrets_re_encrypts_with_the_newest_key(monkeypatch, capsys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", old)
    secrets._fernet.cache_clear()
    user = get_user_model().objects.create_user("frank", password="x-long-password-1")
    row = ConnectionRequest(
        team=Team.objects.create(name="T"), owner=user, name="r", scenario=Scenario.HYBRID_CLOUD
    )
    row.psk = "Rotate-Me:12345"
    row.save()
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", f"{new},{old}")
    secrets._fernet.cache_clear()
    call_command("rotate_secrets")
    assert "Re-encrypted 1 pre-shared key" in capsys.readouterr().out
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", new)
    secrets._fernet.cache_clear()
    try:
        assert ConnectionRequest.objects.get(pk=row.pk).psk == "Rotate-Me:12345"
    finally:
        monkeypatch.delenv("FIELD_ENCRYPTION_KEYS")
        secrets._fernet.cache_clear()


def test_rate_limit_answers_429_with_a_message_after_the_limit(settings, rate_window_mid_minute):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "validate": 3}
    view = rate_limited("validate")(lambda request: HttpResponse("ok"))
    request = RequestFactory().post("/x", REMOTE_ADDR="192.0.2.9")
    request.user = AnonymousUser()
    statuses = [view(request).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = view(request)
    assert "at most 3 per minute" in response.content.decode()
    assert int(response["Retry-After"]) <= 60


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_rate_limit_lets_requests_through_when_the_cache_is_unreachable(settings, tmp_path, caplog):
    # Changing CACHES makes Django drop its cache connections (setting_changed), so the Redis one is used.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"unix://{tmp_path / 'no-redis.sock'}",
            "OPTIONS": {"socket_timeout": 0.2, "socket_connect_timeout": 0.2},
        }
    }
    view = rate_limited("validate")(lambda request: HttpResponse("ok"))
    request = RequestFactory().post("/x", REMOTE_ADDR="192.0.2.10")
    request.user = AnonymousUser()
    assert view(request).status_code == 200
    assert "rate limit cache unavailable" in caplog.text
