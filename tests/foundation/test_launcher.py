"""`make run`'s launcher serves the login page and leaves no process behind when stopped."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.processes import BASE_DIR, alive, descendants, free_port

pytestmark = pytest.mark.slow


def _start_launcher(tmp_path, port):
    env = {**os.environ, "WIZARD_VAR_DIR": str(tmp_path / "var"), "WIZARD_PORT": str(port)}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    log = open(tmp_path / "launcher.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard.launcher"], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    return process, log


def _wait_for_login_page(port, process, tmp_path):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, (tmp_path / "launcher.log").read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as response:
                return response.status, response.read().decode()
        except OSError:
            time.sleep(0.3)
    pytest.fail("the login page was not served within 120 s:\n" + (tmp_path / "launcher.log").read_text())


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_launcher_serves_login_and_stops_every_child(tmp_path, signum):
    port = free_port()
    process, log = _start_launcher(tmp_path, port)
    try:
        status, body = _wait_for_login_page(port, process, tmp_path)
        assert status == 200
        assert 'name="username"' in body
        started = descendants(process.pid)
        # redis, celery worker (+ its pool), celery beat, web server
        assert len(started) >= 4, started
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0
        time.sleep(0.5)
        assert [pid for pid in started if alive(pid)] == []
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    output = (tmp_path / "launcher.log").read_text()
    assert "all processes stopped" in output


def _log_in(port, username, password):
    """Log in through the login form as a browser would; return the page the login lands on."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"http://127.0.0.1:{port}/accounts/login/"
    page = opener.open(login_url, timeout=5).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    request = urllib.request.Request(login_url, data=form.encode(), headers={"Referer": login_url})
    with opener.open(request, timeout=10) as response:
        return response.geturl(), response.read().decode()


def test_first_run_prints_admin_credentials_once_and_they_log_in(tmp_path):
    port = free_port()
    for run in range(2):
        process, log = _start_launcher(tmp_path, port)
        try:
            _wait_for_login_page(port, process, tmp_path)
            output = (tmp_path / "launcher.log").read_text()
            found = re.search(r"user name: (\S+)\s+password:\s+(\S+)", output)
            if run == 0:
                assert found, output
                landed, body = _log_in(port, *found.groups())
                assert not landed.endswith("/accounts/login/"), "the printed credentials did not log in"
                assert found.group(1) in body
            else:
                assert found is None, "credentials must be printed only on the first run"
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
            log.close()
