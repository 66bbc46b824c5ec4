"""Celery tasks: each takes ids, re-fetches, and calls one service."""

from celery import shared_task


@shared_task(name="wizard.ping", ignore_result=False, acks_late=False)
def ping(value: str) -> str:
    """Round trip used by health checks: proves a worker consumes from the broker."""
    return f"pong:{value}"
