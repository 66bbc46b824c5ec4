"""The console shell: base layout, sign-in pages, form and findings partials, error pages, stylesheet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import permission_denied, server_error
from playwright.sync_api import Browser, Dialog, Page, expect

from wizard.choices import GatewayStatus, RequestStatus, TunnelStatus
from wizard.models import Team

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
STATIC_DIR = Path(settings.BASE_DIR) / "static" / "wizard"
PASSWORD = "plan-the-tunnels-7"

# Pages of the shell: each either extends the base layout or is a complete HTML document of its own.
PAGE_TEMPLATES = [
    "registration/login.html",
    "registration/password_change_form.html",
    "registration/password_change_done.html",
    "registration/locked_out.html",
    "wizard/home.html",
    "403.html",
    "404.html",
    "500.html",
]

STYLESHEET = '<link rel="stylesheet" href="/static/wizard/app.css">'
HTMX_SCRIPT = '<script src="/static/wizard/htmx.min.js" defer></script>'


@dataclass(frozen=True)
class SampleFinding:
    severity: str
    code: str
    path: str
    message: str
    suggestion: str


class SampleForm(forms.Form):
    """Every widget shape that the field template (templates/jinja2/forms/field.html) distinguishes."""

    name = forms.CharField(label="Connection name", help_text="Letters, digits and dashes.")
    routing = forms.ChoiceField(
        label="Routing mode",
        choices=[("static", "Static"), ("bgp", "BGP")],
        widget=forms.RadioSelect,
        help_text="BGP is needed for branch interconnection.",
    )
    owns_addresses = forms.BooleanField(label="I own the customer gateway IPs")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)


def member(*, superuser: bool = False) -> AbstractUser:
    user = get_user_model().objects.create_user(
        "alice", password=PASSWORD, is_staff=superuser, is_superuser=superuser
    )
    Team.objects.create(name="Network Berlin").members.add(user)
    Team.objects.create(name="Branch Rollout").members.add(user)
    return user


def template_files() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


def render_field(form: forms.Form, name: str) -> str:
    return form[name].as_field_group()


# ---------- Template files: what the Content-Security-Policy and the no-CDN rule demand ----------


def test_every_page_of_the_shell_extends_the_base_layout_or_is_a_whole_document() -> None:
    for name in PAGE_TEMPLATES:
        source = (TEMPLATES_DIR / name).read_text()
        extends_base = source.startswith('{% extends "base.html" %}')
        self_contained = "<!DOCTYPE html>" in source and "{% extends" not in source
        assert extends_base or self_contained, name


@pytest.mark.parametrize("path", template_files(), ids=lambda path: str(path.relative_to(TEMPLATES_DIR)))
def test_template_has_no_inline_script_or_style_and_no_external_resource(path: Path) -> None:
    source = path.read_text()
    # A strict Content-Security-Policy blocks inline scripts, inline event handlers and inline styles.
    assert not re.search(r"<script\b(?![^>]*\bsrc=)", source), "inline <script>"
    assert not re.search(r"<style\b", source), "<style> element"
    assert not re.search(r"\sstyle\s*=", source), "style= attribute"
    assert not re.search(r"\son[a-z]+\s*=", source), "inline event handler"
    # Everything is served from our own static files: no CDN, no web fonts.
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", source), "external resource"


def test_stylesheet_styles_every_status_and_loads_nothing_external() -> None:
    css = (STATIC_DIR / "app.css").read_text()
    assert len(css) > 10_000
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    statuses = {"changes_requested", "submitted"} | {
        value.lower() for choices in (RequestStatus, TunnelStatus, GatewayStatus) for value in choices.values
    }
    missing = sorted(status for status in statuses if f".badge--{status}" not in css)
    assert missing == []
    for component in (
        ".btn--primary",
        ".btn--secondary",
        ".btn--danger",
        ".steps__item--current",
        ".alert--error",
    ):
        assert component in css


def test_script_is_small_and_framework_free() -> None:
    script = (STATIC_DIR / "app.js").read_text()
    assert len(script) < 8_000
    assert "data-confirm" in script and "data-copy-target" in script
    assert "eval(" not in script and "innerHTML" not in script


# ---------- Sign-in pages ----------


@pytest.mark.django_db
def test_login_page_is_styled_loads_htmx_from_our_static_files_and_labels_its_fields(client: Client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert STYLESHEET in body
    assert HTMX_SCRIPT in body
    assert f'hx-headers=\'{{"X-CSRFToken": "{response.context["csrf_token"]}"}}\'' in body
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in body
    for field in ("username", "password"):
        assert f'<label class="field__label" for="id_{field}">' in body
        assert f'id="id_{field}"' in body
    assert f'action="{reverse("login")}"' in body


@pytest.mark.django_db
def test_failed_login_shows_the_reason_as_an_alert_above_the_fields(client: Client) -> None:
    member()
    response = client.post(reverse("login"), {"username": "alice", "password": "not-the-password"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div class="alert alert--error form-errors" role="alert">' in body
    assert "Please enter a correct username and password" in body


@pytest.mark.django_db
def test_password_change_errors_sit_next_to_the_field_they_belong_to(client: Client) -> None:
    client.force_login(member())
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "tunnel-subnets-42",
            "new_password2": "something-else-42",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-describedby="id_new_password2_helptext id_new_password2_error"' in body
    assert '<ul class="field__errors" id="id_new_password2_error"><li>' in body
    assert "Change password</li>" in body  # breadcrumb


@pytest.mark.django_db
def test_password_change_done_page_confirms(client: Client) -> None:
    client.force_login(member())
    response = client.get(reverse("password_change_done"))
    assert response.status_code == 200
    assert "Your password has been changed." in response.content.decode()


def test_locked_out_page_says_how_long_sign_in_is_paused() -> None:
    html = render_to_string("registration/locked_out.html", {"cooloff_timedelta": timedelta(minutes=15)})
    assert "sign-in is\n        paused for 15 minutes." in html
    assert STYLESHEET in html


# ---------- The shell around every signed-in page ----------


@pytest.mark.django_db
def test_signed_in_shell_shows_teams_account_actions_and_marks_the_current_page(client: Client) -> None:
    client.force_login(member())
    body = client.get(reverse("home")).content.decode()
    assert STYLESHEET in body
    assert body.count("csrfmiddlewaretoken") == 1  # the sign-out form; htmx gets the token from hx-headers
    assert re.search(r'<form method="post" action="/accounts/logout/">\s*<input type="hidden"', body)
    assert f'href="{reverse("password_change")}"' in body
    assert "<li>Branch Rollout</li><li>Network Berlin</li>" in body
    assert f'href="{reverse("home")}" aria-current="page">Dashboard</a>' in body
    assert reverse("admin:index") not in body
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in body


@pytest.mark.django_db
def test_superusers_get_the_admin_link(client: Client) -> None:
    client.force_login(member(superuser=True))
    body = client.get(reverse("home")).content.decode()
    assert f'<a class="sidenav__link" href="{reverse("admin:index")}">Admin</a>' in body


@pytest.mark.django_db
def test_dashboard_without_a_team_says_how_to_get_one(client: Client) -> None:
    client.force_login(get_user_model().objects.create_user("bob", password=PASSWORD))
    body = client.get(reverse("home")).content.decode()
    assert "You are not in a team yet." in body
    assert '<li class="muted">No team yet</li>' in body


@pytest.mark.django_db
def test_sign_out_is_a_post_and_returns_to_the_login_page(client: Client) -> None:
    client.force_login(member())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


# ---------- Error pages ----------


@pytest.mark.django_db
def test_unknown_address_gets_the_styled_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert STYLESHEET in body
    assert "<code>/no-such-page/</code>" in body


@pytest.mark.django_db
def test_403_page_is_styled_and_leads_back_to_the_console(rf: RequestFactory) -> None:
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied("reviewers only"))
    assert response.status_code == 403
    body = response.content.decode()
    assert STYLESHEET in body and "You cannot open this page" in body


def test_500_page_renders_without_any_request_context(rf: RequestFactory) -> None:
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert STYLESHEET in body
    assert "Something went wrong on our side" in body


# ---------- Partials ----------


def test_field_links_input_to_its_help_and_its_error() -> None:
    form = SampleForm(data={"name": "", "routing": "static"})
    html = render_field(form, "name")
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<div class="field__help" id="id_name_helptext">Letters, digits and dashes.</div>' in html
    assert '<ul class="field__errors" id="id_name_error"><li>This field is required.</li></ul>' in html
    assert '<label class="field__label" for="id_name">Connection name<span class="field__required"' in html


def test_field_without_errors_has_no_error_list_and_marks_optional_fields() -> None:
    form = SampleForm(data={"name": "dc-frankfurt", "routing": "static", "owns_addresses": "on"})
    html = render_field(form, "notes")
    assert "field__errors" not in html and "aria-invalid" not in html
    assert '<span class="field__optional">(optional)</span>' in html


def test_radio_group_is_a_fieldset_described_by_its_help_and_error() -> None:
    form = SampleForm(data={"name": "dc-frankfurt"})
    html = render_field(form, "routing")
    assert html.strip().startswith('<fieldset class="field field--choices field--invalid')
    assert 'aria-describedby="id_routing_helptext id_routing_error"' in html
    assert '<legend class="field__label">Routing mode' in html
    assert 'id="id_routing_error"' in html


def test_checkbox_puts_its_label_after_the_box() -> None:
    form = SampleForm(data={"name": "dc-frankfurt", "routing": "static"})
    html = render_field(form, "owns_addresses")
    assert re.search(r'<input type="checkbox"[^>]*id="id_owns_addresses"[^>]*><label', html)
    assert 'id="id_owns_addresses_error"' in html


def test_findings_list_errors_first_with_code_path_and_suggestion() -> None:
    findings = [
        SampleFinding("warning", "crypto.weak_dh", "ike_policy.dh_group", "DH group 14 is weak.", ""),
        SampleFinding(
            "error",
            "subnet.overlap",
            "sites[1].subnets[0]",
            "192.168.10.0/24 overlaps 192.168.0.0/16 of site hq.",
            "Use 192.168.32.0/24.",
        ),
    ]
    html = render_to_string("includes/findings.html", {"findings": findings})
    assert html.index("subnet.overlap") < html.index("crypto.weak_dh")
    assert "<code>sites[1].subnets[0]</code>" in html
    assert '<span class="visually-hidden">Suggestion: </span>Use 192.168.32.0/24.' in html
    assert "1 error</span>" in html and "1 warning</span>" in html
    assert html.count('class="finding__suggestion"') == 1


def test_empty_findings_read_as_a_clean_result() -> None:
    html = render_to_string("includes/findings.html", {"findings": []})
    assert "No problems found" in html and "finding--" not in html


@pytest.mark.parametrize(
    ("status", "css_class"),
    [
        (RequestStatus.PENDING_REVIEW, "badge--pending_review"),
        (TunnelStatus.PENDING_CREATE, "badge--pending_create"),
    ],
)
def test_status_badge_class_follows_the_status_value(status: str, css_class: str) -> None:
    html = render_to_string("includes/status_badge.html", {"status": status, "label": status.label})
    assert html == f'<span class="badge {css_class}">{status.label}</span>\n'


def test_steps_mark_done_current_and_todo() -> None:
    steps = [
        {"label": "Scenario", "state": "done", "url": "/requests/7/scenario/"},
        {"label": "Sites", "state": "current"},
        {"label": "Review", "state": "todo"},
    ]
    html = render_to_string("includes/steps.html", {"steps": steps})
    assert '<a href="/requests/7/scenario/">Scenario</a>' in html
    assert 'class="steps__item steps__item--current" aria-current="step"' in html
    assert html.count("steps__item--todo") == 1


def test_config_viewer_escapes_the_text_and_offers_copy() -> None:
    html = render_to_string(
        "includes/config_viewer.html",
        {"title": "hq.swanctl.conf", "text": "secret = <psk>", "viewer_id": "config-hq"},
    )
    assert '<pre id="config-hq" tabindex="0" aria-label="hq.swanctl.conf">' in html
    assert "<code>secret = &lt;psk&gt;</code></pre>" in html
    assert 'data-copy-target="config-hq" hidden' in html
    assert "Download" not in html


# ---------- app.js in a real browser ----------

ORIGIN = "http://localhost:8123"  # localhost is a secure context, so the Clipboard API is available
FIXTURE_PAGE = """<!DOCTYPE html><html><head><script src="/app.js" defer></script></head><body>
<details data-menu id="menu"><summary>Account</summary><a href="#">Change password</a></details>
<form id="delete" method="post" action="/deleted" data-confirm="Delete this request?">
<button>Delete</button></form>
<button type="button" data-copy-target="config" hidden>Copy</button>
<pre id="config">conn hq-to-cloud-1
  right=203.0.113.21</pre>
<p id="outside">elsewhere</p>
</body></html>"""


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A Chromium page where ORIGIN serves FIXTURE_PAGE and our app.js, straight from the files."""
    context = chromium.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=ORIGIN)
    page = context.new_page()
    page.route(f"{ORIGIN}/", lambda route: route.fulfill(body=FIXTURE_PAGE, content_type="text/html"))
    page.route(f"{ORIGIN}/app.js", lambda route: route.fulfill(path=STATIC_DIR / "app.js"))
    page.route(f"{ORIGIN}/deleted", lambda route: route.fulfill(body="deleted", content_type="text/plain"))
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()


@pytest.mark.browser
def test_copy_button_appears_with_the_script_and_copies_the_configuration(page: Page) -> None:
    button = page.locator("[data-copy-target=config]")
    button.click()
    # The Clipboard API answers asynchronously: the label changes once the text is on the clipboard.
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "conn hq-to-cloud-1\n  right=203.0.113.21"


@pytest.mark.browser
def test_declining_the_confirmation_keeps_the_form_from_submitting(page: Page) -> None:
    questions: list[str] = []

    def decline(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    page.click("#delete button")
    assert questions == ["Delete this request?"]
    assert page.url == f"{ORIGIN}/"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#delete button")
    assert page.url == f"{ORIGIN}/deleted"


@pytest.mark.browser
def test_menu_closes_on_escape_and_on_a_click_outside(page: Page) -> None:
    page.click("#menu summary")
    assert page.evaluate("document.getElementById('menu').open")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('menu').open")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.click("#menu summary")
    page.click("#outside")
    assert not page.evaluate("document.getElementById('menu').open")


def test_form_renderer_draws_fields_and_widgets_with_jinja2_and_admin_wrappers_with_django() -> None:
    from django.forms.renderers import get_default_renderer
    from django.template.backends.django import Template as DjangoTemplate
    from django.template.backends.jinja2 import Template as JinjaTemplate

    renderer = get_default_renderer()
    assert isinstance(renderer.get_template("forms/field.html"), JinjaTemplate)
    assert isinstance(renderer.get_template("django/forms/widgets/text.html"), JinjaTemplate)
    # The admin's related-object wrapper exists only as a Django template.
    assert isinstance(renderer.get_template("admin/widgets/related_widget_wrapper.html"), DjangoTemplate)


def test_rendered_field_escapes_what_was_typed() -> None:
    form = SampleForm(data={"name": '"><script>alert(1)</script>', "notes": "</textarea><b>x</b>"})
    html = render_field(form, "name") + render_field(form, "notes")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;/textarea&gt;&lt;b&gt;" in html


@override_settings(DEBUG=True)
def test_form_templates_leave_no_placeholder_for_an_optional_value_when_debugging() -> None:
    # With DEBUG, Jinja2 prints an undefined variable as "{{ name }}": field_class and oob are optional.
    from wizard.forms.renderer import FormRenderer
    from wizard.templatetags.form_blocks import form_errors, live_field, live_form

    form = SampleForm(data={"routing": "bgp"}, renderer=FormRenderer())
    html = form.render() + live_form(form) + live_field(form["name"]) + form_errors(form)
    assert "{{" not in html and "Undefined" not in html
    assert 'id="live-name"' in html and 'class="field field--invalid "' in html
