"""Create the first administrator with a generated password, printed once."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from wizard.models import Team


class Command(BaseCommand):
    help = "Create an administrator account on first run and print its credentials once."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--username", default="admin")

    def handle(self, *args: object, username: str, **options: object) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(18)
        user = user_model.objects.create_superuser(username=username, email="", password=password)
        team, _ = Team.objects.get_or_create(name="Network operations")
        team.members.add(user)
        self.stdout.write(
            "\n  Administrator account created (shown once, change it after logging in):\n"
            f"    user name: {username}\n    password:  {password}\n"
        )
