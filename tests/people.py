"""Users for tests that need people with roles: one password, so a browser journey can sign any of them in."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

PASSWORD = "test-passphrase-2024"


def make_user(username: str, *, staff: bool = False, superuser: bool = False) -> AbstractBaseUser:
    return get_user_model().objects.create_user(
        username,
        email=f"{username}@example.com",
        password=PASSWORD,
        is_staff=staff or superuser,
        is_superuser=superuser,
    )
