"""The Celery application: configuration comes from Django settings (CELERY_*), queues and schedule here."""

import os

from celery import Celery
from kombu import Exchange, Queue

from wizard import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wizard.settings")

# A worker must outlive a Redis that goes away (see wizard/broker.py).
broker.install()
app = Celery("wizard")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks running when the broker is lost finish: provisioning holds its lease in the database, and a
# redelivered task finds its request done or taken.
app.conf.worker_cancel_long_running_tasks_on_connection_loss = False
# One queue per concern; a worker started without -Q consumes all of them.
app.conf.task_queues = tuple(
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in ("default", "provisioning", "configs", "status", "maintenance")
)
app.conf.task_routes = {
    "wizard.provision_request": {"queue": "provisioning"},
    "wizard.decommission_request": {"queue": "provisioning"},
    "wizard.reconcile_provisioning": {"queue": "maintenance"},
    "wizard.refresh_tunnel_status": {"queue": "status"},
    "wizard.refresh_all_tunnel_status": {"queue": "status"},
    "wizard.generate_configs": {"queue": "configs"},
    "wizard.refresh_hub_configs": {"queue": "configs"},
}
app.conf.beat_schedule = {
    "reconcile-provisioning": {"task": "wizard.reconcile_provisioning", "schedule": 30.0},
    "refresh-tunnel-status": {"task": "wizard.refresh_all_tunnel_status", "schedule": 300.0},
}
app.autodiscover_tasks()
