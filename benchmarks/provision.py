"""Provisioning speed on the sandbox provider (no delay) with real Celery workers on an embedded Redis.

Figures: approval → active with configs ready (median of single requests, one warm worker), and 200 requests
approved at once until all are active (two worker processes). Runs on its own throw-away database.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._sandbox import provision_and_wait, sandbox_bench  # noqa: E402
from benchmarks.run import emit  # noqa: E402

SINGLE_RUNS = 15
BATCH = 200


def main() -> None:
    from tests.processes import celery_worker

    with sandbox_bench("vw-bench-") as bench:
        from tests.provisioning.conftest import create_request

        owner, team, env = bench.owner, bench.team, bench.env

        def provision_all(request_ids: list[int], timeout: float, poll: float = 0.01) -> float:
            return provision_and_wait(request_ids, timeout=timeout, poll=poll)

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
            emit("approval to active with configs (median)", median, "s", "<= 2 s", median <= 2.0, digits=3)

        with celery_worker(env, concurrency=2):
            warm = create_request(owner, team, index=index)
            index += 1
            provision_all([warm.pk], timeout=60)
            batch = [create_request(owner, team, index=index + n).pk for n in range(BATCH)]
            # Polling less often leaves the database to the workers.
            total = provision_all(batch, timeout=120, poll=0.25)
            emit(f"{BATCH} approved at once, all active", total, "s", "<= 30 s", total <= 30.0, digits=3)


if __name__ == "__main__":
    main()
