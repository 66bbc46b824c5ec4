"""Who may open what: every URL of the site (read from the resolver) for every kind of user, GET and POST.

Roles: anonymous, a member of the request's team, a member of another team, a staff reviewer and a superuser
(neither of them in the team). Expected:
- anonymous: sent to the sign-in page, everywhere but the public pages;
- review pages: staff and superusers only; every other user gets 403;
- a URL naming a request (`pk`): its team only; everyone else, staff included, gets 404 (ids reveal nothing);
  staff see other teams' requests through the review pages only;
- a request's device configurations (downloads, generation) and provisioning status: its team and staff;
  everyone else gets 404;
- every other page: any signed-in user.
A new URL is covered as soon as it is routed; a new URL argument must get a value in URL_ARGUMENTS.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.people import make_user
from wizard.choices import RequestStatus
from wizard.models import ConnectionRequest

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "logout", "healthz"}
REVIEW_NAMESPACE = "review"
TEAM_AND_STAFF_NAMESPACES = ("configs", "provisioning")
SKIPPED_NAMESPACES = {"admin"}  # Django's admin has its own permission system, tested below
ROLES = ("anonymous", "member", "outsider", "staff", "superuser")
DENIED = {401, 403, 404}


def walk(
    patterns: list, namespace: str = "", prefix: str = "", outer: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...], str]]:
    """(qualified URL name, argument names, route) of every named URL (arguments of includes too)."""
    for entry in patterns:
        own = tuple(getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = (
                f"{namespace}:{entry.namespace}"
                if entry.namespace and namespace
                else entry.namespace or namespace
            )
            yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern), outer + own)
        elif isinstance(entry, URLPattern) and entry.name:
            arguments = outer + own
            yield (
                (f"{namespace}:{entry.name}" if namespace else entry.name),
                arguments,
                prefix + str(entry.pattern),
            )


SITE_URLS = sorted(set(walk(get_resolver().url_patterns)))
PROTECTED_URLS = [url for url in SITE_URLS if url[0] not in PUBLIC]


def test_the_public_pages_are_all_routed():
    assert {name for name, _, _ in SITE_URLS} >= PUBLIC


@pytest.fixture
def world(make_request, member, outsider) -> dict[str, object]:
    cache.clear()  # rate limits count per user and minute; every test starts afresh
    draft = make_request(status=RequestStatus.DRAFT)
    users: dict[str, AbstractBaseUser | None] = {
        "anonymous": None,
        "member": member,
        "outsider": outsider,
        "staff": make_user("steve", staff=True),
        "superuser": make_user("sue", superuser=True),
    }
    return {"request": draft, "users": users}


def url_arguments(names: tuple[str, ...], request: ConnectionRequest) -> dict[str, object]:
    values = {"pk": request.pk, "scenario": request.scenario, "step": "cloud"}
    unknown = [name for name in names if name not in values]
    if unknown:
        pytest.fail(f"URL argument(s) {unknown} have no test value: add them to url_arguments()")
    return {name: values[name] for name in names}


def expectation(name: str, arguments: tuple[str, ...], role: str) -> str:
    if role == "anonymous":
        return "login"
    if name.startswith(f"{REVIEW_NAMESPACE}:"):
        return "allowed" if role in ("staff", "superuser") else "forbidden"
    if name.split(":")[0] in TEAM_AND_STAFF_NAMESPACES:
        return "allowed" if role in ("member", "staff", "superuser") else "not_found"
    if "pk" in arguments:
        return "allowed" if role == "member" else "not_found"
    return "allowed"


def outcome(response, login_url: str) -> str:
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status == 302 and response["Location"].startswith(login_url):
        return "login"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "not_found"
    assert status not in DENIED
    return "allowed"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("name", "arguments", "route"), PROTECTED_URLS, ids=[url[0] for url in PROTECTED_URLS]
)
def test_permission_matrix(world, name, arguments, route, method):
    url = reverse(name, kwargs=url_arguments(arguments, world["request"]))
    login_url = reverse("login")
    seen: dict[str, str] = {}
    wanted: dict[str, str] = {}
    member_status = None
    for role in ROLES:
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        response = getattr(client, method)(url)
        if role == "member":
            member_status = response.status_code
        seen[role] = outcome(response, login_url)
        wanted[role] = expectation(name, arguments, role)
        # A view answers a method it does not take with 405 before looking anything up: that reveals nothing.
        if response.status_code == 405 and wanted[role] == "not_found":
            wanted[role] = "allowed" if member_status == 405 else "not_found"
    assert seen == wanted, f"{method.upper()} {url}"


def test_review_pages_answer_staff_with_the_page(world):
    pending = world["request"]
    ConnectionRequest.objects.filter(pk=pending.pk).update(status=RequestStatus.PENDING_REVIEW)
    for role in ("staff", "superuser"):
        client = Client()
        client.force_login(world["users"][role])
        assert client.get(reverse("review:queue")).status_code == 200
        assert client.get(reverse("review:detail", args=[pending.pk])).status_code == 200


def test_a_request_id_that_does_not_exist_is_404_for_staff(world):
    client = Client()
    client.force_login(world["users"]["staff"])
    assert client.get(reverse("review:detail", args=[999999])).status_code == 404
    assert client.post(reverse("review:approve", args=[999999])).status_code == 404


def test_public_pages(world):
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    client.force_login(world["users"]["member"])
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


ADMIN_URLS = [
    "admin:index",
    "admin:wizard_connectionrequest_changelist",
    "admin:wizard_auditevent_changelist",
    "admin:wizard_team_changelist",
]


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_admin_is_for_staff_with_permissions(world, name):
    url = reverse(name)
    admin_login = reverse("admin:login")
    results = {}
    for role in ROLES:
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        response = client.get(url)
        redirected = response.status_code == 302 and response["Location"].startswith(admin_login)
        results[role] = "login" if redirected else response.status_code
    staff_expected = 200 if name == "admin:index" else 403  # staff without model permissions
    assert results == {
        "anonymous": "login",
        "member": "login",
        "outsider": "login",
        "staff": staff_expected,
        "superuser": 200,
    }
