"""Real Celery workers for tests: the test database and an embedded Redis, shared with the test process."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

from celery import current_app
from django.conf import settings
from kombu import pools

from wizard.env import celery_broker_url


def database_url() -> str:
    """The test database as a DATABASE_URL, for the worker processes."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = f"{quote(db['USER'])}:{quote(db['PASSWORD'])}@" if db["USER"] else ""
    return f"postgresql://{credentials}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(redis_url: str, **extra: str) -> dict[str, str]:
    """Environment of a worker on the test's Redis and database (with short provisioning leases)."""
    return {
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.provisioning.worker_settings",
        **extra,
    }


def _reset_pools() -> None:
    current_app.pool.force_close_all()
    current_app._pool = None
    current_app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def broker(redis_url: str) -> Iterator[None]:
    """Send this process's tasks to the embedded Redis of the test."""
    previous = current_app.conf.broker_url
    _reset_pools()
    current_app.conf.broker_url = celery_broker_url(redis_url)
    try:
        yield
    finally:
        _reset_pools()
        current_app.conf.broker_url = previous


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    every: Callable[[], object] | None = None,
    describe: Callable[[], str] = lambda: "",
) -> None:
    """Poll `condition` every half second; `describe` says what was seen when the time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s; {describe()}")
        if every is not None:
            every()
        time.sleep(0.5)
