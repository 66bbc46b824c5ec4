"""Providers are built from settings; the cloud secret key may be kept encrypted."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from wizard import secrets
from wizard.providers.huaweicloud import HuaweiCloudProvider


@pytest.mark.parametrize("encrypted", [False, True])
def test_huaweicloud_provider_uses_the_plain_or_encrypted_secret_key(settings, monkeypatch, encrypted):
    settings.HUAWEICLOUD_ENDPOINT = "https://vpn.example.test"
    settings.HUAWEICLOUD_PROJECT_ID = "0123456789abcdef"
    settings.HUAWEICLOUD_AK = "AK-EXAMPLE"
    settings.HUAWEICLOUD_SK = "" if encrypted else "SK-PLAIN"
    settings.HUAWEICLOUD_SK_ENCRYPTED = secrets.encrypt("SK-SEALED") if encrypted else ""
    seen = {}
    monkeypatch.setattr(
        HuaweiCloudProvider,
        "for_endpoint",
        classmethod(lambda cls, endpoint, **keys: seen.update(keys, url=endpoint)),
    )
    HuaweiCloudProvider.from_settings()
    assert seen == {
        "url": "https://vpn.example.test",
        "project_id": "0123456789abcdef",
        "access_key": "AK-EXAMPLE",
        "secret_key": "SK-SEALED" if encrypted else "SK-PLAIN",
    }


def test_encrypt_secret_prints_a_token_that_decrypts_to_the_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("SK-FROM-STDIN\n"))
    out = io.StringIO()
    call_command("encrypt_secret", stdout=out)
    token = out.getvalue().strip()
    assert "SK-FROM-STDIN" not in token
    assert secrets.decrypt(token) == "SK-FROM-STDIN"
