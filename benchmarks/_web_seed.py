"""The web benchmark's database and requests: a user, a team, draft hubs, a signed-in session, and the
requests (targets) wrk and the in-process measurement repeat. Used by benchmarks/web.py."""

from __future__ import annotations

import json
import sys
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from wizard.forms import StepContext
    from wizard.models import ConnectionRequest, Team

SETTINGS_MODULE = "benchmarks._web_settings"
BRANCHES = 5
LARGE_BRANCHES = 50
PLATFORMS = ("strongswan", "cisco_iosxe", "fortigate", "juniper_srx", "mikrotik")


@dataclass(frozen=True)
class Target:
    """One URL to load: its method, headers (cookies included) and form body."""

    name: str
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    expect: str = ""

    def lua(self) -> str:
        """A wrk script sending this request on every connection."""
        lines = [f"wrk.method = {json.dumps(self.method)}"]
        if self.body:
            lines.append(f"wrk.body = {json.dumps(self.body)}")
        lines += [f"wrk.headers[{json.dumps(key)}] = {json.dumps(value)}" for key, value in self.headers]
        return "\n".join(lines) + "\n"

    def wsgi_environ(self) -> dict[str, Any]:
        """The WSGI environ of this request as a server on 127.0.0.1 would pass it; wsgi.input is left to the
        caller, since each call consumes its own."""
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(self.body.encode())),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        for key, value in self.headers:
            name = key.upper().replace("-", "_")
            environ[name if name == "CONTENT_TYPE" else f"HTTP_{name}"] = value
        return environ


@dataclass(frozen=True)
class Targets:
    """Everything the benchmark loads, by role."""

    validation: Target
    steps: tuple[Target, ...]
    signed_in: Target
    large_validation: Target
    large_steps: tuple[Target, ...]
    healthz: Target

    def all(self) -> list[Target]:
        return [
            self.validation,
            *self.steps,
            self.signed_in,
            self.large_validation,
            *self.large_steps,
            self.healthz,
        ]


def hub_draft(*, owner: AbstractBaseUser, team: Team, name: str, branches: int) -> ConnectionRequest:
    """A draft BGP branch hub, interconnected branches of two private subnets each; its plan checks clean."""
    from wizard import selectors
    from wizard.choices import Scenario
    from wizard.services.drafts import default_plan, draft_create

    plan = default_plan(Scenario.BRANCH_HUB)
    plan["name"] = name
    plan["routing"] |= {"mode": "bgp", "branch_interconnection": True}
    plan["gateways"][0] |= {
        "name": "vpngw-hub",
        "region": "eu-de",
        "vpc": "vpc-hub",
        "vpc_cidrs": ["192.168.0.0/16"],
        "local_subnets": ["192.168.1.0/24", "192.168.2.0/24", "192.168.10.0/23"],
        "flavor": "Professional1",
    }
    plan["sites"] = [
        {
            "name": f"branch-{index}",
            "gateway_ips": [f"203.0.113.{10 + index}"],
            "bgp_asn": 65010 + index,
            "platform": PLATFORMS[index % len(PLATFORMS)],
            # Sixteen /20s per 172.16-31 /16 keep every branch's second block private and disjoint.
            "subnets": [f"10.{index + 1}.0.0/16", f"172.{16 + index % 16}.{index // 16 * 16}.0/20"],
            "outside_interface": "",
        }
        for index in range(branches)
    ]
    draft = draft_create(
        owner=owner, team=team, scenario=Scenario.BRANCH_HUB, plan=plan, current_step="review"
    )
    parsed, findings = selectors.check_plan(draft)
    errors = [finding for finding in findings if finding.severity == "error"]
    assert parsed is not None and not errors, errors
    return draft


def validation_target(
    *, name: str, draft: ConnectionRequest, context: StepContext, cookie: str, csrf: str
) -> Target:
    """Live validation of the draft's customer step as the page sends it: the whole form, htmx headers."""
    from django.forms import CheckboxInput
    from django.urls import reverse

    from wizard.forms import build_step

    data: list[tuple[str, str]] = []
    for form in build_step("customer", None, plan=draft.plan, context=context).forms:
        for field_name, field in form.fields.items():
            value = form[field_name].value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data.append((form[field_name].html_name, "on"))
            elif value is not None:
                data.append((form[field_name].html_name, str(value)))
    trigger = "site-2-subnets"
    return Target(
        name=name,
        path=reverse("wizard:validate", args=[draft.pk, "customer"]),
        method="POST",
        headers=(
            ("Cookie", cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("HX-Request", "true"),
            ("HX-Current-URL", reverse("wizard:step", args=[draft.pk, "customer"])),
            ("HX-Trigger-Name", trigger),
            ("X-CSRFToken", csrf),
        ),
        body=urllib.parse.urlencode(data),
        expect=f'id="live-{trigger}" hx-swap-oob="true"',
    )


def page_target(name: str, path: str, cookie: str) -> Target:
    return Target(name=name, path=path, headers=(("Cookie", cookie),), expect="<html")


def seed() -> tuple[Targets, str]:
    """Migrate, then a user, a team, the two draft hubs, a session and a CSRF cookie.

    Returns the targets and a description of the drafts.
    """
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.core.management import call_command
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.urls import reverse
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    from wizard import selectors
    from wizard.forms import FORM_STEPS, StepContext
    from wizard.models import Team

    assert settings.ROOT_URLCONF == "benchmarks._web_urls", settings.ROOT_URLCONF
    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model().objects.create_user("bench", password=get_random_string(24))
    team = Team.objects.create(name="network-ops")
    team.members.add(user)
    draft = hub_draft(owner=user, team=team, name="hub-frankfurt", branches=BRANCHES)
    large = hub_draft(owner=user, team=team, name="hub-amsterdam", branches=LARGE_BRANCHES)

    session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    context = StepContext(
        teams=selectors.user_teams(user), hubs=selectors.team_hubs(user), team=team, has_psk=True
    )

    steps = [
        page_target(f"step page {step} (GET)", reverse("wizard:step", args=[draft.pk, step]), cookie)
        for step in FORM_STEPS
    ]
    steps.append(page_target("step page review (GET)", reverse("wizard:review", args=[draft.pk]), cookie))
    targets = Targets(
        validation=validation_target(
            name="live validation (branches step, POST)",
            draft=draft,
            context=context,
            cookie=cookie,
            csrf=csrf,
        ),
        steps=tuple(steps),
        signed_in=Target(
            name="signed-in one-line view (GET)",
            path=reverse("bench-signed-in"),
            headers=(("Cookie", cookie),),
            expect="ok",
        ),
        large_validation=validation_target(
            name=f"live validation, {LARGE_BRANCHES} branches (customer step, POST)",
            draft=large,
            context=context,
            cookie=cookie,
            csrf=csrf,
        ),
        large_steps=tuple(
            page_target(
                f"step page {step}, {LARGE_BRANCHES} branches (GET)",
                reverse("wizard:step", args=[large.pk, step]),
                cookie,
            )
            for step in ("customer", "routing")
        ),
        healthz=Target(name="bare view /healthz (GET)", path=reverse("healthz"), expect="ok"),
    )
    described = (
        f"draft branch hubs, BGP, {BRANCHES} and {LARGE_BRANCHES} branches of 2 subnets, 4 local subnets"
    )
    return targets, described
