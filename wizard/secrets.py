"""Encryption at rest for pre-shared keys and provider credentials (Fernet, rotatable with MultiFernet).

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first). In development a key is
generated once into var/. Rotation: put a new key first, keep the old ones after it, run
`python manage.py rotate_secrets` (re-encrypts with the first key), then drop the old keys.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet() -> MultiFernet:
    raw = os.environ.get("FIELD_ENCRYPTION_KEYS", "").strip()
    if not raw:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production mode.")
        key_file = settings.VAR_DIR / "field_encryption_key"
        if not key_file.exists():
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_bytes(Fernet.generate_key())
            key_file.chmod(0o600)
        raw = key_file.read_text().strip()
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in raw.split(",")])
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes), comma-separated."
        ) from None


class Secret(str):
    """A decrypted secret: the plain text everywhere it is used, masked wherever it is repr()-ed.

    Debug logs and error reports print objects with repr() (template context dumps, frame locals,
    dataclass reprs of a plan), so a key held as a Secret never reaches them.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(mask(self))


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return Secret(_fernet().decrypt(ciphertext.encode()).decode())
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS: "
            "the key that encrypted it is missing."
        ) from None


def rotate(ciphertext: str) -> str:
    """Re-encrypt with the newest key."""
    return _fernet().rotate(ciphertext.encode()).decode() if ciphertext else ""


def mask(secret: str) -> str:
    """What pages and logs show instead of a secret."""
    return "••••••••" if secret else ""


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain in Python, for content that embeds a secret.

    Device configurations carry the pre-shared key, so they are encrypted at rest like the key itself.
    Saving a row re-encrypts with the newest key (that is how `rotate_secrets` rotates them).
    """

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
