"""Re-encrypt every stored secret with the newest key of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from wizard import secrets
from wizard.models import ConnectionRequest, DeviceConfig


class Command(BaseCommand):
    help = (
        "Re-encrypt pre-shared keys and device configurations with the first (newest) key of "
        "FIELD_ENCRYPTION_KEYS."
    )

    def handle(self, *args: object, **options: object) -> None:
        rotated = configs = 0
        with transaction.atomic():
            rows = (
                ConnectionRequest.objects.exclude(psk_ciphertext="")
                .select_for_update()
                .only("psk_ciphertext")
            )
            for row in rows.iterator():
                row.psk_ciphertext = secrets.rotate(row.psk_ciphertext)
                row.save(update_fields=["psk_ciphertext"])
                rotated += 1
            # Saving decrypts with any listed key and encrypts with the newest (EncryptedTextField).
            for config in DeviceConfig.objects.select_for_update().only("content", "downloaded_content"):
                config.save(update_fields=["content", "downloaded_content"])
                configs += 1
        self.stdout.write(
            f"Re-encrypted {rotated} pre-shared key(s) and {configs} device configuration(s) "
            "with the newest key."
        )
