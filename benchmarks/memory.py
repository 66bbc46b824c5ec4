"""Peak resident memory of a Celery worker that provisions 200 requests (sandbox provider, embedded Redis).

One real worker (prefork, two pool processes) on a throw-away SQLite database: one request first to warm
it up, then 200 approved at once, until all are active with their device configs. Prints the peak resident
memory (VmHWM from /proc) of the worker's main process and of its largest pool process, after the warm-up
and after the 200. The web worker's figure comes from benchmarks/web.py, after its load test.
Run with ``.venv/bin/python benchmarks/memory.py``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 200
GOAL_MB = 200.0
TIMEOUT_SECONDS = 300


def emit(figure: str, value: float, unit: str, goal: str, passed: bool | None) -> None:
    row = {"figure": figure, "value": round(value, 1), "unit": unit, "goal": goal, "pass": passed}
    print(json.dumps(row), flush=True)


def peak_resident_mb(pid: int) -> float:
    """VmHWM of one process, in MiB."""
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def main() -> None:
    from tests.processes import celery_worker, descendants, embedded_redis

    with (
        tempfile.TemporaryDirectory(prefix="vw-memory-") as directory,
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

        def provision(request_ids: list[int]) -> None:
            """Send the requests to the worker and wait until each is active with its configs."""
            for request_id in request_ids:
                provisioning._send(request_id)
            deadline = time.monotonic() + TIMEOUT_SECONDS
            while True:
                active = ConnectionRequest.objects.filter(
                    pk__in=request_ids, status=RequestStatus.ACTIVE
                ).count()
                configured = (
                    DeviceConfig.objects.filter(request_id__in=request_ids).values("request").distinct()
                )
                if active == len(request_ids) and configured.count() == len(request_ids):
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"only {active} of {len(request_ids)} requests became active")
                time.sleep(0.25)

        def peaks(worker_pid: int) -> tuple[float, float]:
            """VmHWM of the worker's main process and of its largest pool process."""
            pool = descendants(worker_pid)
            return peak_resident_mb(worker_pid), max(peak_resident_mb(pid) for pid in pool)

        with celery_worker(env, concurrency=2) as worker:
            provision([create_request(owner, team, index=0).pk])
            warm_main, warm_pool = peaks(worker.pid)
            provision([create_request(owner, team, index=1 + n).pk for n in range(BATCH)])
            main_mb, pool_mb = peaks(worker.pid)

    emit("celery worker main process peak RSS after 1 request", warm_main, "MB", "informational", None)
    emit("celery pool process peak RSS after 1 request", warm_pool, "MB", "informational", None)
    goal = f"<= {GOAL_MB:g}"
    emit(
        f"celery worker main process peak RSS after {BATCH} requests", main_mb, "MB", goal, main_mb <= GOAL_MB
    )
    emit(f"celery pool process peak RSS after {BATCH} requests", pool_mb, "MB", goal, pool_mb <= GOAL_MB)


if __name__ == "__main__":
    main()
