"""A real Celery worker consumes from a real (embedded) Redis and answers."""

from __future__ import annotations

import pytest

from tests.processes import celery_worker, embedded_redis
from wizard.env import celery_broker_url

pytestmark = pytest.mark.slow


def test_task_round_trip_through_a_real_worker(tmp_path, settings):
    from celery import Celery

    with embedded_redis(tmp_path) as redis_url:
        broker = celery_broker_url(redis_url)
        client = Celery("wizard", broker=broker, backend=broker)
        with celery_worker({"REDIS_URL": redis_url}, log=tmp_path / "worker.log"):
            result = client.send_task("wizard.ping", args=["hello"], queue=settings.CELERY_TASK_DEFAULT_QUEUE)
            assert result.get(timeout=60) == "pong:hello"
