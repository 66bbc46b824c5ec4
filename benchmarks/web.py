"""Web tier benchmark: the site under gunicorn (2 sync workers), loaded by wrk from a second process.

A fresh database (SQLite in a temporary WIZARD_VAR_DIR, or a new database beside the one DATABASE_URL names)
gets a user, a team and two draft branch hubs made through the services: one with five branches, one with
fifty, of the same shape. A signed-in session and a CSRF cookie are written directly. Server and seeding use
the settings module benchmarks._web_settings: the project's own settings and URLs plus one signed-in
one-line view at /bench/signed-in (benchmarks/_web_urls.py).

Targets, each a single request repeated:

- the live validation endpoint of the five-branch hub's customer (branches) step: POST, htmx headers, the
  whole form, X-CSRFToken;
- every step page of that draft (GET), and its review step;
- the signed-in one-line view (GET): the session and user lookups and nothing else, the ceiling of any
  endpoint that must know the user, live validation included;
- the fifty-branch hub: live validation of its customer step (built like the five-branch one), its customer
  and routing step pages;
- /healthz, the one-line bare view of the same project and server, as the baseline.

For every target:

1. In-process CPU per request, before gunicorn starts: Django's WSGI handler called in this process with
   the target's request (no sockets, no server), 20 calls to warm up, then the process CPU time of 200
   calls. With SQLite the database work is in that figure; PostgreSQL's server is not.
2. Under gunicorn, wrk with 50 connections: an unmeasured warm-up of BENCH_WARMUP_SECONDS (default 3),
   a wait until the server has served what that run left queued, then the measured run of BENCH_SECONDS
   (default 30). The measured run gives throughput, p50/p99 latency, failures, and the CPU time the
   workers used during it (from /proc) per request.

Goals: the live validation p99 and its throughput relative to /healthz (five-branch hub), no failed
responses, and the peak resident memory (VmHWM) of the web workers after the load; every other figure is
informational. Prints one JSON line per figure (see benchmarks/run.py). Run with
``.venv/bin/python benchmarks/web.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._web_load import (  # noqa: E402
    CONNECTIONS,
    IN_PROCESS_CALLS,
    IN_PROCESS_WARMUP_CALLS,
    WORKERS,
    WRK,
    Load,
    fetch,
    gunicorn,
    in_process_cpu_ms,
    measure,
)
from benchmarks._web_seed import SETTINGS_MODULE, seed  # noqa: E402
from benchmarks.run import emit  # noqa: E402
from tests.processes import descendants, free_port, peak_resident_mb  # noqa: E402

P99_GOAL_MS = 50.0
RATIO_GOAL = 0.5
MEMORY_GOAL_MB = 200.0


# Figures to three decimals.
figure = partial(emit, digits=3)


@contextmanager
def fresh_database(var_dir: Path) -> Iterator[str]:
    """The URL of an empty database: SQLite in var_dir, or a new PostgreSQL database, dropped afterwards."""
    given = os.environ.get("DATABASE_URL", "").strip()
    if not given.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{var_dir / 'db.sqlite3'}"
        return
    import psycopg

    name = f"vpnwizard_bench_{os.getpid()}"
    url = urllib.parse.urlsplit(given)
    with psycopg.connect(given, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(url._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(given, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def informational(name: str, value: float, unit: str) -> None:
    figure(name, value, unit, "informational", None)


def main() -> int:
    seconds = int(os.environ.get("BENCH_SECONDS", "30"))
    warmup = int(os.environ.get("BENCH_WARMUP_SECONDS", "3"))
    if not Path(WRK).exists():
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="wizard-web-bench-") as temporary:
        var_dir = Path(temporary)
        with fresh_database(var_dir) as database_url:
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
                "WIZARD_VAR_DIR": str(var_dir),
                "DATABASE_URL": database_url,
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
                # One benchmark user sends far more than a person could; the limiter still runs on every call.
                "RATE_LIMIT_VALIDATE": "100000",
            }
            os.environ.update(env)
            targets, described = seed()
            from django.core.handlers.wsgi import WSGIHandler
            from django.db import connections

            # In this process and before the server starts, so that nothing else competes for the CPU.
            handler = WSGIHandler()
            in_process = {target.name: in_process_cpu_ms(handler, target) for target in targets.all()}
            connections.close_all()
            load_before = Path("/proc/loadavg").read_text().split()[0]
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with gunicorn(env, port, var_dir / "gunicorn.log") as server:
                for target in targets.all():
                    status, body = fetch(base, target)
                    if status != 200 or target.expect not in body:
                        raise RuntimeError(f"{target.name}: HTTP {status}, expected {target.expect!r}")
                workers = sorted(descendants(server.pid))
                loads: dict[str, Load] = {}
                cpu_per_request: dict[str, float] = {}
                for target in targets.all():
                    loads[target.name], cpu_per_request[target.name] = measure(
                        base, target, seconds, warmup, workers, var_dir
                    )
                worker_memory = max(peak_resident_mb(pid) for pid in workers)
            engine = "postgresql" if database_url.startswith("postgres") else "sqlite"
            load_after = Path("/proc/loadavg").read_text().split()[0]
    print(
        f"{engine}; gunicorn {WORKERS} sync workers; wrk {CONNECTIONS} connections, 2 threads, "
        f"{warmup} s warm-up then {seconds} s measured per URL; in process {IN_PROCESS_WARMUP_CALLS} + "
        f"{IN_PROCESS_CALLS} calls per URL; {described}; 1-minute load average {load_before} before, "
        f"{load_after} after on {os.cpu_count()} CPUs"
    )
    validation, baseline = loads[targets.validation.name], loads[targets.healthz.name]
    signed_in = loads[targets.signed_in.name]
    figure(
        "live validation p99 latency",
        validation.p99_ms,
        "ms",
        f"<= {P99_GOAL_MS:g}",
        validation.p99_ms <= P99_GOAL_MS,
    )
    informational("live validation p50 latency", validation.p50_ms, "ms")
    informational("live validation throughput", validation.requests_per_second, "req/s")
    informational("bare view /healthz throughput", baseline.requests_per_second, "req/s")
    informational("bare view /healthz p99 latency", baseline.p99_ms, "ms")
    informational("live validation server CPU per request", cpu_per_request[targets.validation.name], "ms")
    informational("bare view /healthz server CPU per request", cpu_per_request[targets.healthz.name], "ms")
    ratio = validation.requests_per_second / baseline.requests_per_second
    figure("live validation / bare view throughput", ratio, "x", f">= {RATIO_GOAL:g}", ratio >= RATIO_GOAL)
    # The signed-in view pays only for the session and user lookups: the most live validation could reach.
    informational(
        "signed-in one-line view / bare view throughput",
        signed_in.requests_per_second / baseline.requests_per_second,
        "x",
    )
    for target in [
        *targets.steps,
        targets.signed_in,
        targets.large_validation,
        *targets.large_steps,
    ]:
        load = loads[target.name]
        informational(f"{target.name} p99 latency", load.p99_ms, "ms")
        informational(f"{target.name} throughput", load.requests_per_second, "req/s")
        informational(f"{target.name} server CPU per request", cpu_per_request[target.name], "ms")
    for target in targets.all():
        informational(f"{target.name} in-process CPU per request", in_process[target.name], "ms")
    failures = sum(load.failures for load in loads.values())
    figure("failed responses (non-2xx, socket errors)", failures, "", "0", failures == 0)
    figure(
        "web worker peak RSS (VmHWM) after load",
        worker_memory,
        "MB",
        f"<= {MEMORY_GOAL_MB:g}",
        worker_memory <= MEMORY_GOAL_MB,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
