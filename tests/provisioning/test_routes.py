"""Every task reaches the queue of its concern through task_routes (a task's `queue` is deprecated)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.processes import BASE_DIR
from wizard.celery import app

EXPECTED = {
    "wizard.ping": "default",
    "wizard.provision_request": "provisioning",
    "wizard.decommission_request": "provisioning",
    "wizard.reconcile_provisioning": "maintenance",
    "wizard.refresh_tunnel_status": "status",
    "wizard.refresh_all_tunnel_status": "status",
    "wizard.generate_configs": "configs",
    "wizard.refresh_hub_configs": "configs",
}


@pytest.mark.parametrize(("name", "queue"), EXPECTED.items())
def test_each_task_is_routed_to_the_queue_of_its_concern(name: str, queue: str) -> None:
    app.loader.import_default_modules()
    task = app.tasks[name]
    assert getattr(task, "queue", None) is None
    route = app.amqp.router.route({}, name)
    assert route["queue"].name == queue
    assert route["queue"].name in {declared.name for declared in app.conf.task_queues}


def test_every_project_task_is_listed_here() -> None:
    app.loader.import_default_modules()
    assert {name for name in app.tasks if name.startswith("wizard.")} == set(EXPECTED)


LOAD_EVERY_TASK = """
import warnings
import django
from celery.exceptions import CDeprecationWarning
warnings.simplefilter("error", CDeprecationWarning)
django.setup()
from wizard.celery import app
app.loader.import_default_modules()
app.finalize(auto=True)
print(sorted(name for name in app.tasks if name.startswith("wizard.")))
"""


def test_binding_the_tasks_raises_no_deprecation_warning() -> None:
    result = subprocess.run(
        [sys.executable, "-c", LOAD_EVERY_TASK],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "wizard.settings"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wizard.refresh_hub_configs" in result.stdout
