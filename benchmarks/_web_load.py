"""The web benchmark's measurements: gunicorn, wrk runs with warm-up and drain, worker CPU and memory
from /proc, and requests through Django's WSGI handler in process. Used by benchmarks/web.py."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.core.handlers.wsgi import WSGIHandler

from benchmarks._web_seed import Target

ROOT = Path(__file__).resolve().parents[1]
CONNECTIONS = 50
WORKERS = 2
WRK = shutil.which("wrk") or "/usr/bin/wrk"
IN_PROCESS_WARMUP_CALLS = 20
IN_PROCESS_CALLS = 200


def call_in_process(handler: WSGIHandler, target: Target, environ: dict[str, Any]) -> tuple[str, bytes]:
    """One request through the WSGI handler: its status line and body."""
    status_line = ""

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], None]:
        nonlocal status_line
        status_line = status
        return lambda data: None

    response = handler({**environ, "wsgi.input": io.BytesIO(target.body.encode())}, start_response)
    try:
        content = b"".join(response)
    finally:
        response.close()
    return status_line, content


def in_process_cpu_ms(handler: WSGIHandler, target: Target) -> float:
    """CPU milliseconds of this process per request through Django's WSGI handler: no sockets, no server.

    The first calls load what Django loads lazily (URL resolver, templates) and are not timed.
    """
    environ = target.wsgi_environ()
    status, content = call_in_process(handler, target, environ)
    if not status.startswith("200 ") or target.expect.encode() not in content:
        raise RuntimeError(f"{target.name} in process: {status}, expected {target.expect!r}")
    for _ in range(IN_PROCESS_WARMUP_CALLS - 1):
        call_in_process(handler, target, environ)
    statuses: set[str] = set()
    started = time.process_time()
    for _ in range(IN_PROCESS_CALLS):
        statuses.add(call_in_process(handler, target, environ)[0])
    used = time.process_time() - started
    if statuses != {status}:
        raise RuntimeError(f"{target.name} in process: answers {sorted(statuses)}, expected only {status}")
    return used * 1000 / IN_PROCESS_CALLS


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving wizard.wsgi (settings from env) with two sync workers; stopped with its workers when
    the block ends."""
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "wizard.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}") from None
                    time.sleep(0.2)
            yield process
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)


def fetch(base: str, target: Target) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310
        base + target.path,
        data=target.body.encode() if target.method == "POST" else None,
        headers=dict(target.headers),
        method=target.method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def run_wrk(base: str, target: Target, seconds: int, directory: Path) -> Load:
    """wrk with 50 connections and 2 threads; failures are non-2xx/3xx answers and socket errors."""
    script = directory / "target.lua"
    script.write_text(target.lua())
    completed = subprocess.run(
        [
            WRK,
            "--threads",
            "2",
            "--connections",
            str(CONNECTIONS),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "--script",
            str(script),
            base + target.path,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    output = completed.stdout
    percentiles = dict(re.findall(r"^\s*(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk output for {target.name}:\n{output}\n{completed.stderr}")
    socket_errors = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failures = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(count) for count in socket_errors.groups()) if socket_errors else 0
    )
    return Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_milliseconds(percentiles["50"]),
        p99_ms=_milliseconds(percentiles["99"]),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        failures=failures,
    )


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far, from /proc/<pid>/stat."""
    ticks = 0
    for pid in pids:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def drain(base: str) -> None:
    """Return once the server has taken every request a finished wrk run left in its listen queue.

    wrk stops with up to one request per connection still queued; the sync workers serve them anyway, after
    wrk has gone. Requests are taken in arrival order, so a /healthz answered now comes after all of them.
    """
    with urllib.request.urlopen(f"{base}/healthz", timeout=300):  # noqa: S310
        pass


def measure(
    base: str, target: Target, seconds: int, warmup: int, workers: list[int], directory: Path
) -> tuple[Load, float]:
    """A warm-up wrk run, then the measured one: its load and the workers' CPU milliseconds per request,
    counted over the measured run only.

    The first requests a fresh gunicorn worker serves take ~170 ms while Django loads lazily (URL resolver,
    templates, each page's own on first use). Measured from a cold start they alone put /healthz's p99 at
    100-150 ms, while warm its p99 is 17 ms at 3,600 req/s; so each target first gets an unmeasured run.
    The queue that run (or the previous target's) leaves is drained before measuring: otherwise a slow page's
    leftovers (50 requests of a 50-branch page are seconds of work) would be counted against the next run.
    """
    if warmup > 0:
        run_wrk(base, target, warmup, directory)
    drain(base)
    before = cpu_seconds(workers)
    load = run_wrk(base, target, seconds, directory)
    used = cpu_seconds(workers) - before
    if load.requests == 0:
        raise RuntimeError(f"{target.name}: no request completed in {seconds} s; raise BENCH_SECONDS")
    return load, used * 1000 / load.requests
