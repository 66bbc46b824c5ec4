"""What the worker benchmarks share: a throw-away database and embedded Redis for the sandbox provider,
sending requests to the workers and waiting until they are active."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Bench:
    """The workers' environment and who owns the requests created for them."""

    env: dict[str, str]
    owner: Any
    team: Any


@contextmanager
def sandbox_bench(prefix: str) -> Iterator[Bench]:
    """A migrated SQLite database and an embedded Redis in a temporary folder, the sandbox provider without
    delay or failures, and one owner in one team."""
    from tests.processes import embedded_redis

    with tempfile.TemporaryDirectory(prefix=prefix) as directory, embedded_redis(Path(directory)) as redis:
        env = {
            "WIZARD_VAR_DIR": directory,
            "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
            "REDIS_URL": redis,
            "WIZARD_PROVIDER": "sandbox",
            "SANDBOX_DELAY_SECONDS": "0",
            "SANDBOX_FAILURE_RATE": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "wizard.settings",
        }
        os.environ.update(env)
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from wizard.models import Team

        call_command("migrate", verbosity=0)
        yield Bench(
            env=env,
            owner=get_user_model().objects.create_user("bench"),
            team=Team.objects.create(name="Bench"),
        )


def provision_and_wait(request_ids: list[int], *, timeout: float, poll: float) -> float:
    """Send the requests to the workers; seconds until each is active with its configs, inf past `timeout`."""
    from wizard.choices import RequestStatus
    from wizard.models import ConnectionRequest, DeviceConfig
    from wizard.services import provisioning

    started = time.perf_counter()
    for request_id in request_ids:
        provisioning._send(request_id)
    while True:
        active = ConnectionRequest.objects.filter(pk__in=request_ids, status=RequestStatus.ACTIVE).count()
        configured = DeviceConfig.objects.filter(request_id__in=request_ids).values("request").distinct()
        if active == len(request_ids) and configured.count() == len(request_ids):
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            return float("inf")
        time.sleep(poll)
