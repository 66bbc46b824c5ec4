"""One render function: Jinja2 with StrictUndefined, autoescape off, template errors as ConfigError."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from wizard.network.plan import Plan
from wizard.network.tunnels import ResolvedTunnel, resolve_tunnels
from wizard.rendering.context import PlanIndex, cloud_context, cross_region_context, site_context
from wizard.rendering.errors import ConfigError
from wizard.rendering.platforms import PLATFORM_NAMES, platform_spec

TEMPLATE_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedConfig:
    """One generated file for one device."""

    device: str  # site name, or the gateway name for cloud-side configs
    platform: str
    artifact: str  # file name suffix, e.g. "swanctl.conf"
    filename: str
    text: str


def _mikrotik_quote(value: str) -> str:
    """RouterOS expands `$name` inside double quotes; escape it so a PSK stays literal."""
    return '"' + value.replace("\\", "\\\\").replace("$", "\\$").replace('"', '\\"') + '"'


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # Device configs are plain text, not HTML: escaping would corrupt them (values are checked in context.py).
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["routeros_quote"] = _mikrotik_quote
    env.filters["pretty_json"] = lambda value: json.dumps(value, indent=2, sort_keys=False)
    return env


def render_template(template: str, context: dict[str, Any]) -> str:
    """Render one template; any template problem becomes a ConfigError naming the template."""
    try:
        text = environment().get_template(template).render(context)
    except jinja2.TemplateError as error:
        raise ConfigError(f"Template {template} could not be rendered: {error}") from error
    # Exactly one trailing newline, LF only.
    return text.rstrip("\n").replace("\r\n", "\n") + "\n"


def now_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _artifacts(context: dict[str, Any], *, device: str) -> list[RenderedConfig]:
    spec = platform_spec(context["platform"])
    rendered = []
    for artifact in spec.artifacts:
        if context["mode"] not in artifact.modes:
            continue
        rendered.append(
            RenderedConfig(
                device=device,
                platform=spec.name,
                artifact=artifact.suffix,
                filename=f"{context['request']}-{device}-{artifact.suffix}",
                text=render_template(artifact.template, context),
            )
        )
    return rendered


def _tunnels(plan: Plan, tunnels: tuple[ResolvedTunnel, ...] | None) -> tuple[ResolvedTunnel, ...]:
    return resolve_tunnels(plan) if tunnels is None else tunnels


def render_config(
    plan: Plan,
    *,
    site: str,
    platform: str | None = None,
    generated_at: str | None = None,
    tunnels: tuple[ResolvedTunnel, ...] | None = None,
    index: PlanIndex | None = None,
    other_branches: Sequence[str] = (),
) -> list[RenderedConfig]:
    """Every file for one on-premises device (cross-region: one cloud gateway, by name).

    `platform` defaults to the site's own; `generated_at` (UTC, "YYYY-MM-DDTHH:MM:SSZ") to now;
    `tunnels` to `resolve_tunnels(plan)` (pass the stored ones when the gateway already has addresses);
    `other_branches` are the subnets of a hub's branches that belong to other requests.
    """
    resolved = _tunnels(plan, tunnels)
    stamp = generated_at or now_timestamp()
    if plan.scenario == "cross_region":
        names = [gateway.name for gateway in plan.gateways]
        if site not in names:
            raise ConfigError(f"The plan has no gateway named {site!r}.", path="gateways")
        context = cross_region_context(
            plan, resolved, side=names.index(site), platform=platform or "generic", generated_at=stamp
        )
        return _artifacts(context, device=site)
    index = index or PlanIndex(plan, resolved, other_branches)
    _, match = index.site(plan, site)
    context = site_context(
        plan, resolved, site=site, platform=platform or match.platform, generated_at=stamp, index=index
    )
    return _artifacts(context, device=site)


def devices(plan: Plan) -> list[str]:
    """The devices a plan configures: its sites, or both gateways of a cross-region pair."""
    if plan.scenario == "cross_region":
        return [gateway.name for gateway in plan.gateways]
    return [site.name for site in plan.sites]


def render_all(
    plan: Plan,
    *,
    platform: str | None = None,
    generated_at: str | None = None,
    tunnels: tuple[ResolvedTunnel, ...] | None = None,
    other_branches: Sequence[str] = (),
) -> list[RenderedConfig]:
    """Every file of every device of the plan: each site's own platform, or `platform` for all of them.

    Cross-region renders a parameter sheet for each cloud side plus strongSwan configs for both (lab use)
    unless a platform is named. `other_branches`: see `render_config`.
    """
    resolved = _tunnels(plan, tunnels)
    stamp = generated_at or now_timestamp()
    index = None if plan.scenario == "cross_region" else PlanIndex(plan, resolved, other_branches)
    both_sides = plan.scenario == "cross_region" and platform is None
    rendered: list[RenderedConfig] = []
    for device in devices(plan):
        for name in ("generic", "strongswan") if both_sides else (platform,):
            rendered += render_config(
                plan, site=device, platform=name, generated_at=stamp, tunnels=resolved, index=index
            )
    return rendered


def render_cloud_side(
    plan: Plan,
    *,
    site: str,
    generated_at: str | None = None,
    tunnels: tuple[ResolvedTunnel, ...] | None = None,
) -> str:
    """The cloud gateway's connections to `site` as strongSwan swanctl.conf (local = the gateway IPs).

    Used to emulate the cloud in live tests and by the strongSwan provider. Cross-region plans have no
    separate cloud side: render each gateway with `render_config(..., platform="strongswan")`.
    """
    if plan.scenario == "cross_region":
        raise ConfigError("Cross-region plans have a configuration per gateway; render each gateway instead.")
    context = cloud_context(
        plan, _tunnels(plan, tunnels), site=site, generated_at=generated_at or now_timestamp()
    )
    return render_template("strongswan/swanctl.conf.j2", context)


__all__ = ["PLATFORM_NAMES", "RenderedConfig", "devices", "render_all", "render_cloud_side", "render_config"]
