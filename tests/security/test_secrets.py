"""A known pre-shared key, followed from the wizard to the devices: it may surface in two places only.

The owner types a unique key on the security step, reveals it once, submits; staff approve; the sandbox
provisions and configs are generated. Then the key is searched for in the database (rows, and the SQLite file
itself after a WAL checkpoint), in every log record at DEBUG (SQL included), in every mail, and in every page
the owner, a teammate, a member of another team, a staff reviewer and a superuser can open — every routed
URL, plain and htmx, and the admin's index, lists and object pages for every model. It must appear only in
the owner's reveal before submission and in the team's configuration downloads.
"""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Iterator
from itertools import product
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tests.security.conftest import ROLES, Route, site_routes
from tests.wizard.scenarios import scenario_steps
from wizard import secrets
from wizard.choices import RequestStatus, Scenario
from wizard.forms.steps import FORM_STEPS
from wizard.models import ConnectionRequest, DeviceConfig, Team
from wizard.tasks import provision_request

# Unique keys that satisfy the cloud's rules; nothing else in the product could contain them by chance.
KEY = "Quokka7-Vault:Pine42x"
DRAFT_KEY = "Otter9-Marble:Fig31q"
TYPED_KEY = "Heron5-Copper:Oak88z"  # typed into live validation only, never saved
KEYS = (KEY, DRAFT_KEY, TYPED_KEY)

# Where a key may legitimately be shown: configuration downloads, to the request's own team and staff.
DOWNLOAD_ROLES = {"owner", "teammate", "staff", "superuser"}


def spellings(key: str) -> tuple[bytes, ...]:
    """The key as it would appear in a body or a URL; its middle part catches a truncated leak."""
    middle = key[4:-4]
    return (key.encode(), quote(key, safe="").encode(), middle.encode())


def leaks(blob: bytes | str) -> list[str]:
    data = blob.encode("utf-8", "replace") if isinstance(blob, str) else blob
    return [key for key in KEYS if any(spelling in data for spelling in spellings(key))]


def mail_text(message: Any) -> str:
    """Subject, body and any HTML alternative of a sent mail."""
    return message.subject + message.body + repr(getattr(message, "alternatives", []))


def client_for(user: AbstractBaseUser | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def walk_wizard(client: Client, team: Team, *, name: str, psk: str) -> ConnectionRequest:
    """The owner's clicks through every step of the hybrid-cloud wizard, entering their own key."""
    steps, _ = scenario_steps(Scenario.HYBRID_CLOUD, team)
    response = client.post(
        reverse("wizard:new", args=[Scenario.HYBRID_CLOUD]), steps["cloud"] | {"request_name": name}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = ConnectionRequest.objects.get(name=name)
    for step in ("customer", "routing"):
        response = client.post(reverse("wizard:step", args=[draft.pk, step]), steps[step])
        assert response.status_code == 302, f"{step}: {response.content.decode()[:2000]}"
    security = steps["security"] | {"psk_mode": "enter", "psk": psk}
    # Live validation of a key typed but not saved: the answer checks it without echoing it.
    validate_url = reverse("wizard:validate", args=[draft.pk, "security"])
    typed = client.post(
        validate_url,
        security | {"psk": TYPED_KEY},
        headers={"HX-Request": "true", "HX-Trigger-Name": "psk"},
    )
    assert typed.status_code == 200 and not leaks(typed.content)
    response = client.post(reverse("wizard:step", args=[draft.pk, "security"]), security)
    assert response["Location"] == reverse("wizard:review", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.psk == psk and psk not in draft.psk_ciphertext
    return draft


def url_kwargs(route: Route, pks: tuple[int, ...]) -> Iterator[dict[str, Any]]:
    """Every argument combination worth opening for `route`."""
    values: dict[str, tuple[Any, ...]] = {
        "pk": pks,
        "step": FORM_STEPS,
        "scenario": (Scenario.HYBRID_CLOUD,),
    }
    unknown = [name for name in route.arguments if name not in values]
    if unknown:
        pytest.fail(f"{route.name}: URL argument(s) {unknown} have no value here: add them to url_kwargs()")
    for combination in product(*(values[name] for name in route.arguments)):
        yield dict(zip(route.arguments, combination, strict=True))


def admin_urls() -> Iterator[str]:
    """The admin's index and app pages; per registered model its list, add page and each object's pages."""
    yield reverse("admin:index")
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse("admin:app_list", args=[model._meta.app_label])
        yield reverse(f"{prefix}_changelist")
        yield reverse(f"{prefix}_add")
        for pk in model.objects.values_list("pk", flat=True):
            for view in ("change", "history", "delete"):
                yield reverse(f"{prefix}_{view}", args=[pk])


def database_rows() -> Iterator[tuple[str, str]]:
    """(table, row text) of every row of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # The table names come from the database itself, quoted.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                yield table, repr(row)


@pytest.mark.django_db(transaction=True)
def test_a_pre_shared_key_reaches_only_its_owner(
    people: dict[str, AbstractBaseUser | None],
    team: Team,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    mailoutbox: list[Any],
    settings: Any,
) -> None:
    settings.DEBUG = False
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):  # "django" and others set their own level
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True  # every SQL statement and its parameters reach the log
    owner_client = client_for(people["owner"])

    request = walk_wizard(owner_client, team, name="fra-datacenter", psk=KEY)
    draft = walk_wizard(owner_client, team, name="fra-draft", psk=DRAFT_KEY)

    # The owner may reveal the key before submission, as a page and as an htmx part.
    reveal_url = reverse("wizard:reveal_psk", args=[request.pk])
    assert KEY.encode() in owner_client.post(reveal_url).content
    assert KEY.encode() in owner_client.post(reveal_url, headers={"HX-Request": "true"}).content
    for role in ROLES:
        if role != "owner":
            refused = client_for(people[role]).post(reveal_url)
            assert refused.status_code in (302, 403, 404) and not leaks(refused.content), role

    response = owner_client.post(reverse("wizard:review", args=[request.pk]), {"acknowledge_warnings": "on"})
    assert response.status_code == 302
    # After submission not even the owner can reveal it.
    assert not leaks(owner_client.post(reveal_url, follow=True).content)

    staff_client = client_for(people["staff"])
    approved = staff_client.post(reverse("review:approve", args=[request.pk]), {"comment": "Looks right."})
    assert approved.status_code == 302
    provision_request.apply(args=[request.pk])
    request.refresh_from_db()
    assert request.status == RequestStatus.ACTIVE, request.failure_reason
    configs = list(DeviceConfig.objects.filter(request=request))
    # The key must really be in the configs: otherwise the searches below prove nothing.
    assert configs and all(KEY in config.content for config in configs if config.platform != "generic")

    pages = 0
    for role in ROLES:
        client = client_for(people[role])
        for route, htmx in product(site_routes(), (False, True)):
            for kwargs in url_kwargs(route, (request.pk, draft.pk)):
                url = reverse(route.name, kwargs=kwargs)
                response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
                assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
                body = response.content if not response.streaming else b"".join(response.streaming_content)
                found = leaks(body + str(response.headers).encode())
                if "download" in route.name and role in DOWNLOAD_ROLES:
                    found = [key for key in found if key != KEY]
                assert not found, f"{role} GET {url} (htmx={htmx}) shows {found}"
                pages += 1
        if role in ("staff", "superuser"):
            for url in admin_urls():
                response = client.get(url)
                assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
                assert not leaks(response.content), f"{role} GET {url} shows a key"
                pages += 1
    assert pages > 200

    # Mails (decisions, notifications) and every log record, formatted with its traceback.
    for message in mailoutbox:
        assert not leaks(mail_text(message)), message.subject
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    assert any(record.name == "django.db.backends" for record in caplog.records)
    for record in caplog.records:
        assert not leaks(formatter.format(record)), f"log record of {record.name} shows a key"
    out, err = capfd.readouterr()
    assert not leaks(out + err)
    connection.force_debug_cursor = False

    # The database holds the keys only encrypted: in every row of every table ...
    for table, row in database_rows():
        assert not leaks(row), f"table {table} holds a key in clear"
    stored = ConnectionRequest.objects.filter(pk__in=[request.pk, draft.pk]).order_by("pk")
    assert [secrets.decrypt(row.psk_ciphertext) for row in stored] == [KEY, DRAFT_KEY]
    # ... and in the SQLite file's bytes, free pages and write-ahead log included.
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connections.close_all()
        with sqlite3.connect(path) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        files = [path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-journal"))]
        for file in files:
            if file.exists():
                assert not leaks(file.read_bytes()), f"{file.name} holds a key in clear"


@pytest.mark.django_db
def test_a_server_error_shows_and_mails_no_key(
    people: dict[str, AbstractBaseUser | None],
    team: Team,
    settings: Any,
    mailoutbox: list[Any],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unexpected error while a key is posted: the 500 page, the log and the admins' error mail omit it."""
    settings.DEBUG = False
    settings.ADMINS = [("Operations", "ops@example.com")]
    caplog.set_level(logging.DEBUG)
    client = client_for(people["owner"])
    client.raise_request_exception = False
    draft = walk_wizard(client, team, name="fra-error", psk=DRAFT_KEY)
    steps, _ = scenario_steps(Scenario.HYBRID_CLOUD, team)
    mailoutbox.clear()

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("wizard.wizard_views.steps.draft_update", broken)
    for url in (
        reverse("wizard:step", args=[draft.pk, "security"]),
        reverse("wizard:reveal_psk", args=[draft.pk]),
    ):
        response = client.post(url, steps["security"] | {"psk_mode": "enter", "psk": KEY})
        if url.endswith("/key/"):
            assert response.status_code == 200  # reveal does not save: it works, and shows the saved key
            continue
        assert response.status_code == 500
        assert not leaks(response.content)
    # The report lists the posted fields, the key among them, with its value hidden.
    assert any("psk = '********************'" in message.body for message in mailoutbox)
    for message in mailoutbox:
        assert not leaks(mail_text(message)), message.body[:3000]
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    assert not [record.name for record in caplog.records if leaks(formatter.format(record))]


@pytest.mark.django_db
def test_rotation_re_encrypts_keys_and_stored_configs(
    people: dict[str, AbstractBaseUser | None], team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.fernet import Fernet
    from django.utils import timezone

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()

    def use_keys(keys: str) -> None:
        monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", keys)
        secrets._fernet.cache_clear()

    use_keys(old)
    request = ConnectionRequest(team=team, owner=people["owner"], name="fra", scenario=Scenario.HYBRID_CLOUD)
    request.psk = KEY
    request.save()
    config = DeviceConfig.objects.create(
        request=request,
        peer="Berlin",
        platform="strongswan",
        filename="Berlin.swanctl.conf",
        content=f"secret = {KEY}\n",
        checksum="0" * 64,
        generated_at=timezone.now(),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM wizard_deviceconfig WHERE id = %s", [config.pk])
        assert KEY not in cursor.fetchone()[0]  # stored encrypted
    use_keys(f"{new},{old}")
    call_command("rotate_secrets", stdout=io.StringIO())
    use_keys(new)
    try:
        assert ConnectionRequest.objects.get(pk=request.pk).psk == KEY
        assert DeviceConfig.objects.get(pk=config.pk).content == f"secret = {KEY}\n"
    finally:
        monkeypatch.delenv("FIELD_ENCRYPTION_KEYS")
        secrets._fernet.cache_clear()
