"""URLs of the wizard: start, steps, live validation, review, requests and plan files."""

from django.urls import path

from wizard import wizard_views as views

app_name = "wizard"

urlpatterns = [
    path("", views.my_requests, name="my_requests"),
    path("start/", views.start, name="start"),
    path("import/", views.import_plan, name="import"),
    path("new/<slug:scenario>/", views.new, name="new"),
    path("new/<slug:scenario>/validate/", views.validate_new, name="validate_new"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/step/<slug:step>/", views.step_view, name="step"),
    path("<int:pk>/step/<slug:step>/validate/", views.validate, name="validate"),
    path("<int:pk>/key/", views.reveal_psk, name="reveal_psk"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/export/", views.export, name="export"),
]
