"""The Celery application: configuration comes from Django settings (CELERY_*), queues and schedule here."""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wizard.settings")

app = Celery("wizard")
app.config_from_object("django.conf:settings", namespace="CELERY")
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
