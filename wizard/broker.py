"""The Redis broker transport of our Celery app: kombu's, with one failure mode turned into what it means.

When Redis goes away while a worker runs tasks and waits for more, the loss may first be noticed on the
pub/sub socket (remote control, gossip). Celery then collects the broken connection, which detaches kombu's
transport from it, and closes it; but the channel's close had stopped half-way (its pending BRPOP failed), so
it runs again and restores the unacknowledged messages through a new Redis client built from the detached
transport's parameters, which are gone. kombu raises AttributeError, Celery takes that for an unrecoverable
error and the worker process exits: nothing consumes any more, although Redis comes back. The acks of the
tasks still running hit the same wall. Here a channel whose connection was detached says so with a connection
error, which Celery and kombu already handle: the close is finished quietly, an ack that cannot reach Redis is
logged, the worker reconnects. Nothing is lost: the messages stay in Redis's unacknowledged set (or went with
Redis), and the provisioning reconciler sends again every request whose task did not finish.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        # A detached channel cannot open new Redis connections: that is a lost connection, not a bug.
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection of this channel was already closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel


def install() -> None:
    """Make `redis://`, `rediss://` and `redis+socket://` broker URLs use this transport."""
    for scheme in ("redis", "rediss"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
