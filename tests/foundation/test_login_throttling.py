"""Failed logins are throttled per user name and address, with a clear page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sixth_failed_login_is_locked_out_even_with_the_right_password(client, settings):
    get_user_model().objects.create_user("dave", password="the-right-password-42")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "dave", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "dave", "password": "wrong"})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    response = client.post(reverse("login"), {"username": "dave", "password": "the-right-password-42"})
    assert response.status_code == 429


def test_a_lockout_of_one_user_does_not_lock_out_another(client, settings):
    get_user_model().objects.create_user("erin", password="erins-right-password-42")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "mallory", "password": "guess"})
    response = client.post(reverse("login"), {"username": "erin", "password": "erins-right-password-42"})
    assert response.status_code == 302
