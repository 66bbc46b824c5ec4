"""Device configurations embed the pre-shared key: encrypt the stored ones, then keep them encrypted."""

from typing import Any

from django.db import migrations

import wizard.secrets


def encrypt_stored(apps: Any, schema_editor: Any) -> None:
    # Runs while the columns are still plain text fields, so rows read and write verbatim.
    for config in apps.get_model("wizard", "DeviceConfig").objects.all():
        config.content = wizard.secrets.encrypt(config.content)
        config.downloaded_content = wizard.secrets.encrypt(config.downloaded_content)
        config.save(update_fields=["content", "downloaded_content"])


def decrypt_stored(apps: Any, schema_editor: Any) -> None:
    for config in apps.get_model("wizard", "DeviceConfig").objects.all():
        config.content = wizard.secrets.decrypt(config.content)
        config.downloaded_content = wizard.secrets.decrypt(config.downloaded_content)
        config.save(update_fields=["content", "downloaded_content"])


class Migration(migrations.Migration):
    dependencies = [
        ("wizard", "0003_device_config_one_row_per_file"),
    ]

    operations = [
        migrations.RunPython(encrypt_stored, decrypt_stored),
        migrations.AlterField(
            model_name="deviceconfig",
            name="content",
            field=wizard.secrets.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="deviceconfig",
            name="downloaded_content",
            field=wizard.secrets.EncryptedTextField(
                blank=True, help_text="The content as last downloaded, for the diff."
            ),
        ),
    ]
