"""The app's broker connections use the Redis transport that reports a collected connection as lost (the
worker surviving Redis going away is tested with a real worker in test_reliability.py)."""

from __future__ import annotations

import pytest

from wizard.broker import Transport
from wizard.celery import app


@pytest.mark.parametrize(
    "url", ["redis+socket:///run/wizard/redis.sock", "redis://127.0.0.1:6379/0", "rediss://127.0.0.1:6380/0"]
)
def test_the_app_uses_the_transport_for_redis_urls(url: str) -> None:
    with app.connection_for_read(url) as connection:
        assert isinstance(connection.transport, Transport)
