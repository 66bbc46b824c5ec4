"""Peak resident memory of a Celery worker that provisions 200 requests (sandbox provider, embedded Redis).

One real worker (prefork, two pool processes) on a throw-away SQLite database: one request first to warm
it up, then 200 approved at once, until all are active with their device configs. Prints the peak resident
memory (VmHWM from /proc) of the worker's main process and of its largest pool process, after the warm-up
and after the 200. The web worker's figure comes from benchmarks/web.py, after its load test.
Run with ``.venv/bin/python benchmarks/memory.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._sandbox import provision_and_wait, sandbox_bench  # noqa: E402
from benchmarks.run import emit  # noqa: E402

BATCH = 200
GOAL_MB = 200.0
TIMEOUT_SECONDS = 300


def main() -> None:
    from tests.processes import celery_worker, descendants, peak_resident_mb

    def provision(request_ids: list[int]) -> None:
        """Send the requests to the worker and wait until each is active with its configs."""
        if provision_and_wait(request_ids, timeout=TIMEOUT_SECONDS, poll=0.25) == float("inf"):
            raise RuntimeError(f"not all of {len(request_ids)} requests became active in {TIMEOUT_SECONDS} s")

    def peaks(worker_pid: int) -> tuple[float, float]:
        """VmHWM of the worker's main process and of its largest pool process."""
        pool = descendants(worker_pid)
        return peak_resident_mb(worker_pid), max(peak_resident_mb(pid) for pid in pool)

    with sandbox_bench("vw-memory-") as bench:
        from tests.provisioning.conftest import create_request

        owner, team = bench.owner, bench.team
        with celery_worker(bench.env, concurrency=2) as worker:
            provision([create_request(owner, team, index=0).pk])
            warm_main, warm_pool = peaks(worker.pid)
            provision([create_request(owner, team, index=1 + n).pk for n in range(BATCH)])
            main_mb, pool_mb = peaks(worker.pid)

    emit(
        "celery worker main process peak RSS after 1 request",
        warm_main,
        "MB",
        "informational",
        None,
        digits=1,
    )
    emit("celery pool process peak RSS after 1 request", warm_pool, "MB", "informational", None, digits=1)
    goal = f"<= {GOAL_MB:g}"
    emit(
        f"celery worker main process peak RSS after {BATCH} requests",
        main_mb,
        "MB",
        goal,
        main_mb <= GOAL_MB,
        digits=1,
    )
    emit(
        f"celery pool process peak RSS after {BATCH} requests",
        pool_mb,
        "MB",
        goal,
        pool_mb <= GOAL_MB,
        digits=1,
    )


if __name__ == "__main__":
    main()
