from django.urls import path

from wizard import provisioning_views

app_name = "provisioning"

urlpatterns = [
    path("", provisioning_views.status, name="status"),
    path("refresh/", provisioning_views.refresh, name="refresh"),
    path("retry/", provisioning_views.retry, name="retry"),
    path("decommission/", provisioning_views.decommission, name="decommission"),
]
