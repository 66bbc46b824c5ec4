"""Settings for the Celery workers of the reliability tests: leases short enough to see a takeover."""

from wizard.settings import *  # noqa: F403

PROVISIONING_LEASE_SECONDS = 3
PROVISIONING_REQUEUE_SECONDS = 3
PROVISIONING_WAIT_SECONDS = 10
