from django.urls import path

from wizard import review_views

app_name = "review"

urlpatterns = [
    path("", review_views.queue, name="queue"),
    path("<int:pk>/", review_views.detail, name="detail"),
    path("<int:pk>/approve/", review_views.approve, name="approve"),
    path("<int:pk>/reject/", review_views.reject, name="reject"),
    path("<int:pk>/send-back/", review_views.send_back, name="send_back"),
]
