from django.apps import AppConfig


class WizardConfig(AppConfig):
    name = "wizard"
    verbose_name = "VPN Wizard"
    default_auto_field = "django.db.models.BigAutoField"
