from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wizard import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("review/", include("wizard.review_urls")),
    path("requests/", include("wizard.wizard_urls")),
    path("requests/<int:pk>/provisioning/", include("wizard.provisioning_urls")),
    path("requests/<int:pk>/configs/", include("wizard.config_urls")),
]
