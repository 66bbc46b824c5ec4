"""URLs of a request's device configurations: downloads and the generation button."""

from django.urls import path

from wizard import config_views

app_name = "configs"

urlpatterns = [
    path("download/", config_views.download, name="download"),
    path("generate/", config_views.generate, name="generate"),
]
