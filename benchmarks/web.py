"""Web tier benchmark: the site under gunicorn (2 sync workers), loaded by wrk from a second process.

A fresh database (SQLite in a temporary WIZARD_VAR_DIR, or a new database beside the one DATABASE_URL names)
gets a user, a team and a draft branch hub with five branches, made through the services. A signed-in
session and a CSRF cookie are written directly. wrk then drives, one after the other, 50 connections for
BENCH_SECONDS (default 30) seconds each:

- the live validation endpoint of the branches step (POST, htmx headers, the whole form, X-CSRFToken),
- every step page of the draft (GET), and the review step,
- /healthz, the one-line bare view of the same project and server, as the baseline.

Prints one JSON line per figure (see benchmarks/run.py); figures include the peak resident memory (VmHWM)
of the web workers after the load. Run with ``.venv/bin/python benchmarks/web.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.processes import descendants, free_port  # noqa: E402

CONNECTIONS = 50
WORKERS = 2
BRANCHES = 5
WRK = shutil.which("wrk") or "/usr/bin/wrk"
P99_GOAL_MS = 50.0
RATIO_GOAL = 0.5
MEMORY_GOAL_MB = 200.0


def figure(name: str, value: float, unit: str, goal: str, passed: bool | None) -> None:
    print(json.dumps({"figure": name, "value": round(value, 3), "unit": unit, "goal": goal, "pass": passed}))


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


@dataclass(frozen=True)
class Target:
    """One URL to load: its method, headers (cookies included) and form body."""

    name: str
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    expect: str = ""

    def lua(self) -> str:
        """A wrk script sending this request on every connection."""
        lines = [f"wrk.method = {json.dumps(self.method)}"]
        if self.body:
            lines.append(f"wrk.body = {json.dumps(self.body)}")
        lines += [f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}" for key, value in self.headers]
        return "\n".join(lines) + "\n"


def seed() -> tuple[list[Target], str]:
    """Migrate, then a user, a team, a draft hub with branches, a session and a CSRF cookie.

    Returns the targets (validation first, step pages, /healthz last) and a description of the draft.
    """
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.core.management import call_command
    from django.forms import CheckboxInput
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.urls import reverse
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    from wizard import selectors
    from wizard.choices import Scenario
    from wizard.forms import FORM_STEPS, StepContext, build_step
    from wizard.models import Team
    from wizard.services.drafts import default_plan, draft_create

    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model().objects.create_user("bench", password=get_random_string(24))
    team = Team.objects.create(name="network-ops")
    team.members.add(user)
    plan = default_plan(Scenario.BRANCH_HUB)
    plan["name"] = "hub-frankfurt"
    plan["routing"] |= {"mode": "bgp", "branch_interconnection": True}
    plan["gateways"][0] |= {
        "name": "vpngw-hub",
        "region": "eu-de",
        "vpc": "vpc-hub",
        "vpc_cidrs": ["192.168.0.0/16"],
        "local_subnets": ["192.168.1.0/24", "192.168.2.0/24", "192.168.10.0/23"],
        "flavor": "Professional1",
    }
    plan["sites"] = [
        {
            "name": f"branch-{index}",
            "gateway_ips": [f"203.0.113.{10 + index}"],
            "bgp_asn": 65010 + index,
            "platform": ["strongswan", "cisco_iosxe", "fortigate", "juniper_srx", "mikrotik"][index % 5],
            "subnets": [f"10.{index + 1}.0.0/16", f"172.{16 + index}.0.0/20"],
            "outside_interface": "",
        }
        for index in range(BRANCHES)
    ]
    draft = draft_create(
        owner=user, team=team, scenario=Scenario.BRANCH_HUB, plan=plan, current_step="review"
    )
    parsed, findings = selectors.check_plan(draft)
    errors = [finding for finding in findings if finding.severity == "error"]
    assert parsed is not None and not errors, errors

    session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"

    context = StepContext(
        teams=selectors.user_teams(user), hubs=selectors.team_hubs(user), team=team, has_psk=True
    )
    data: list[tuple[str, str]] = []
    for form in build_step("customer", None, plan=draft.plan, context=context).forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data.append((form[name].html_name, "on"))
            elif value is not None:
                data.append((form[name].html_name, str(value)))
    trigger = "site-2-subnets"
    validation = Target(
        name="live validation (branches step, POST)",
        path=reverse("wizard:validate", args=[draft.pk, "customer"]),
        method="POST",
        headers=(
            ("Cookie", cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("HX-Request", "true"),
            ("HX-Current-URL", reverse("wizard:step", args=[draft.pk, "customer"])),
            ("HX-Trigger-Name", trigger),
            ("X-CSRFToken", csrf),
        ),
        body=urllib.parse.urlencode(data),
        expect=f'id="live-{trigger}" hx-swap-oob="true"',
    )
    steps = [
        Target(
            name=f"step page {step} (GET)",
            path=reverse("wizard:step", args=[draft.pk, step]),
            headers=(("Cookie", cookie),),
            expect="<html",
        )
        for step in FORM_STEPS
    ]
    steps.append(
        Target(
            name="step page review (GET)",
            path=reverse("wizard:review", args=[draft.pk]),
            headers=(("Cookie", cookie),),
            expect="<html",
        )
    )
    healthz = Target(name="bare view /healthz (GET)", path=reverse("healthz"), expect="ok")
    described = f"draft branch hub, BGP, {BRANCHES} branches of 2 subnets, 4 local subnets"
    return [validation, *steps, healthz], described


@contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving wizard.wsgi with two sync workers; stopped with its workers when the block ends."""
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


def peak_resident_mb(pid: int) -> float:
    """VmHWM of one process, in MiB."""
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def main() -> int:
    seconds = int(os.environ.get("BENCH_SECONDS", "30"))
    if not Path(WRK).exists():
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="wizard-web-bench-") as temporary:
        var_dir = Path(temporary)
        with fresh_database(var_dir) as database_url:
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "wizard.settings",
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
            load_before = Path("/proc/loadavg").read_text().split()[0]
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with gunicorn(env, port, var_dir / "gunicorn.log") as server:
                for target in targets:
                    status, body = fetch(base, target)
                    if status != 200 or target.expect not in body:
                        raise RuntimeError(f"{target.name}: HTTP {status}, expected {target.expect!r}")
                workers = sorted(descendants(server.pid))
                loads: dict[str, Load] = {}
                cpu_per_request: dict[str, float] = {}
                for target in targets:
                    before = cpu_seconds(workers)
                    loads[target.name] = run_wrk(base, target, seconds, var_dir)
                    used = cpu_seconds(workers) - before
                    cpu_per_request[target.name] = used * 1000 / max(loads[target.name].requests, 1)
                worker_memory = max(peak_resident_mb(pid) for pid in workers)
            engine = "postgresql" if database_url.startswith("postgres") else "sqlite"
            load_after = Path("/proc/loadavg").read_text().split()[0]
    print(
        f"{engine}; gunicorn {WORKERS} sync workers; wrk {CONNECTIONS} connections, 2 threads, "
        f"{seconds} s per URL; {described}; 1-minute load average {load_before} before, {load_after} after "
        f"on {os.cpu_count()} CPUs"
    )
    validation, baseline = loads[targets[0].name], loads[targets[-1].name]
    figure(
        "live validation p99 latency", validation.p99_ms, "ms", f"<= {P99_GOAL_MS:g}", validation.p99_ms <= 50
    )
    figure("live validation p50 latency", validation.p50_ms, "ms", "informational", None)
    figure("live validation throughput", validation.requests_per_second, "req/s", "informational", None)
    figure("bare view /healthz throughput", baseline.requests_per_second, "req/s", "informational", None)
    figure("bare view /healthz p99 latency", baseline.p99_ms, "ms", "informational", None)
    validation_cpu, baseline_cpu = cpu_per_request[targets[0].name], cpu_per_request[targets[-1].name]
    figure("live validation server CPU per request", validation_cpu, "ms", "informational", None)
    figure("bare view /healthz server CPU per request", baseline_cpu, "ms", "informational", None)
    ratio = validation.requests_per_second / baseline.requests_per_second
    figure("live validation / bare view throughput", ratio, "x", f">= {RATIO_GOAL:g}", ratio >= RATIO_GOAL)
    for target in targets[1:-1]:
        load = loads[target.name]
        figure(f"{target.name} p99 latency", load.p99_ms, "ms", "informational", None)
        figure(f"{target.name} throughput", load.requests_per_second, "req/s", "informational", None)
        figure(
            f"{target.name} server CPU per request", cpu_per_request[target.name], "ms", "informational", None
        )
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
