"""Settings come from the environment and fail loudly on nonsense; production mode passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.processes import BASE_DIR


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "WIZARD_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
    )


PRODUCTION = {
    "WIZARD_MODE": "production",
    "SECRET_KEY": "x7#kQ2!mZ9pL4$wR8vT1&nB6yH3^cJ5*eG0@fD2%aS7(uI9)oP4-lK8_jM1+hN6=",
    "ALLOWED_HOSTS": "vpn.example.com",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"WIZARD_MODE": "staging"}, "WIZARD_MODE='staging' is not valid"),
        ({"WIZARD_PROVIDER": "aws"}, "WIZARD_PROVIDER='aws' is not valid"),
        ({"DATABASE_URL": "nonsense://x"}, "DATABASE_URL is not a database URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL='localhost:6379' must start with"),
        ({"ALLOWED_HOSTS": "a,,b"}, "ALLOWED_HOSTS='a,,b' has an empty entry"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"SANDBOX_DELAY_SECONDS": "-1"}, "SANDBOX_DELAY_SECONDS=-1.0 is out of range"),
        ({"WIZARD_PROVIDER": "huaweicloud"}, "WIZARD_PROVIDER=huaweicloud needs HUAWEICLOUD_ENDPOINT"),
        (
            {
                "WIZARD_PROVIDER": "huaweicloud",
                "HUAWEICLOUD_ENDPOINT": "vpn.example.test",
                "HUAWEICLOUD_PROJECT_ID": "p",
                "HUAWEICLOUD_AK": "a",
                "HUAWEICLOUD_SK": "s",
            },
            "HUAWEICLOUD_ENDPOINT must be a URL",
        ),
        ({"WIZARD_PROVIDER": "strongswan"}, "needs STRONGSWAN_GATEWAY_IPS"),
        ({"PROVISIONING_LEASE_SECONDS": "5"}, "PROVISIONING_LEASE_SECONDS=5 is out of range"),
        ({**PRODUCTION, "SECRET_KEY": ""}, "SECRET_KEY must be set in production mode"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set in production mode"),
        ({**PRODUCTION, "DEBUG": "true"}, "DEBUG must be false in production mode"),
    ],
)
def test_nonsense_in_the_environment_stops_start_up_with_a_clear_message(env, message):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_mode_passes_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_secret_key_is_generated_once_into_var(tmp_path):
    first = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        WIZARD_VAR_DIR=str(tmp_path),
        SECRET_KEY="",
    )
    second = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        WIZARD_VAR_DIR=str(tmp_path),
        SECRET_KEY="",
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
