"""Encrypt a provider credential with FIELD_ENCRYPTION_KEYS, for settings such as HUAWEICLOUD_SK_ENCRYPTED."""

import sys
from getpass import getpass

from django.core.management.base import BaseCommand, CommandError

from wizard import secrets


class Command(BaseCommand):
    help = (
        "Read a secret (prompted, or from standard input) and print it encrypted with FIELD_ENCRYPTION_KEYS."
    )

    def handle(self, *args: object, **options: object) -> None:
        value = (getpass("Secret: ") if sys.stdin.isatty() else sys.stdin.readline()).strip()
        if not value:
            raise CommandError("No secret given: type it at the prompt or pipe it on standard input.")
        self.stdout.write(secrets.encrypt(value))
