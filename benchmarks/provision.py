"""Provisioning speed on the sandbox provider (no delay) with real Celery workers on an embedded Redis.

Figures: approval → active with configs ready (median of single requests, one warm worker), and 200 requests
approved at once until all are active (two worker processes). Runs on its own throw-away database.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SINGLE_RUNS = 15
BATCH = 200


def emit(figure: str, value: float, unit: str, goal: str, passed: bool) -> None:
    row = {"figure": figure, "value": round(value, 3), "unit": unit, "goal": goal, "pass": passed}
    print(json.dumps(row), flush=True)


def main() -> None:
    from tests.processes import celery_worker, embedded_redis

    with (
        tempfile.TemporaryDirectory(prefix="vw-bench-") as directory,
        embedded_redis(Path(directory)) as redis,
    ):
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

        from tests.provisioning.conftest import create_request
        from wizard.choices import RequestStatus
        from wizard.models import ConnectionRequest, DeviceConfig, Team
        from wizard.services import provisioning

        call_command("migrate", verbosity=0)
        owner = get_user_model().objects.create_user("bench")
        team = Team.objects.create(name="Bench")

        def ready(request_ids: list[int]) -> bool:
            active = ConnectionRequest.objects.filter(pk__in=request_ids, status=RequestStatus.ACTIVE).count()
            configured = DeviceConfig.objects.filter(request_id__in=request_ids).values("request").distinct()
            return active == len(request_ids) and configured.count() == len(request_ids)

        def provision_all(request_ids: list[int], timeout: float, poll: float = 0.01) -> float:
            started = time.perf_counter()
            for request_id in request_ids:
                provisioning._send(request_id)
            while not ready(request_ids):
                if time.perf_counter() - started > timeout:
                    return float("inf")
                time.sleep(poll)
            return time.perf_counter() - started

        index = 0
        with celery_worker(env, concurrency=1):
            durations = []
            for run in range(SINGLE_RUNS + 1):
                request = create_request(owner, team, index=index)
                index += 1
                duration = provision_all([request.pk], timeout=60)
                if run:  # the first run warms the worker up
                    durations.append(duration)
            median = statistics.median(durations)
            emit("approval to active with configs (median)", median, "s", "<= 2 s", median <= 2.0)

        with celery_worker(env, concurrency=2):
            warm = create_request(owner, team, index=index)
            index += 1
            provision_all([warm.pk], timeout=60)
            batch = [create_request(owner, team, index=index + n).pk for n in range(BATCH)]
            # Polling less often leaves the database to the workers.
            total = provision_all(batch, timeout=120, poll=0.25)
            emit(f"{BATCH} approved at once, all active", total, "s", "<= 30 s", total <= 30.0)


if __name__ == "__main__":
    main()
