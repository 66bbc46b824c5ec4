"""No user-supplied string changes the structure of a rendered config, on any platform.

Names reach configs only through values the validator restricts to [A-Za-z0-9_.-]; the renderer re-checks
every string against a per-field safe set. Property: for any string placed in any user-controlled field,
rendering either refuses with ConfigError or produces a config with the same shape (line count, command
keyword and token count of every line) as a baseline.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rendering.plans import GENERATED_AT, scenario_plan
from wizard.network import Plan
from wizard.rendering import PLATFORM_NAMES, ConfigError, render_all

FIELDS = ("request", "site", "gateway", "outside_interface", "psk")

hostile = st.one_of(
    st.text(min_size=0, max_size=70),
    st.text(alphabet=st.sampled_from("abc;\"'\\\n\r\t #!{}$`|&<>%?*"), min_size=1, max_size=20),
    st.from_regex(r"[A-Za-z0-9_.-]{1,64}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9~!@#$%^()\-_+={},./:;]{8,40}", fullmatch=True),
)


def with_value(plan: Plan, field: str, value: str) -> Plan:
    site, gateway = plan.sites[0], plan.gateways[0]
    if field == "request":
        return dataclasses.replace(plan, name=value)
    if field == "psk":
        return dataclasses.replace(plan, psk=value)
    if field == "gateway":
        return dataclasses.replace(plan, gateways=(dataclasses.replace(gateway, name=value),))
    changed = dataclasses.replace(
        site, **({"name": value} if field == "site" else {"outside_interface": value})
    )
    return dataclasses.replace(plan, sites=(changed,))


def shape(text: str, artifact: str) -> object:
    if artifact.endswith(".json"):
        data = json.loads(text)
        return sorted(data), [sorted(row) for row in data["tunnels"]]
    return [(line.split()[0] if line.split() else "", len(line.split())) for line in text.splitlines()]


def shapes(plan: Plan, platform: str) -> dict[str, object]:
    return {
        config.artifact: shape(config.text, config.artifact)
        for config in render_all(plan, platform=platform, generated_at=GENERATED_AT)
    }


@pytest.mark.parametrize("mode", ["static", "bgp", "policy"])
@pytest.mark.parametrize("platform", PLATFORM_NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=hostile)
def test_no_input_changes_config_structure(platform: str, mode: str, field: str, value: str) -> None:
    plan = scenario_plan("hybrid_cloud", mode)
    # An outside interface entered in the wizard is named as such in the header: compare like with like.
    entered = field == "outside_interface" and value != ""
    baseline = shapes(with_value(plan, field, "eth0") if entered else plan, platform)
    try:
        changed = shapes(with_value(plan, field, value), platform)
    except ConfigError as error:
        assert error.path, "a refused value names the field it came from"
        return
    assert changed == baseline


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("request", "fra\nenable secret 0 x"),
        ("site", 'Berlin" ; rm'),
        ("gateway", "gw}\nconnections {"),
        ("outside_interface", "Gi1\n!"),
        ("psk", 'Example-Key-2024"\nsecret'),
        ("psk", "short"),
    ],
)
def test_line_breaking_values_are_refused(field: str, value: str) -> None:
    plan = with_value(scenario_plan("hybrid_cloud", "static"), field, value)
    with pytest.raises(ConfigError):
        render_all(plan, platform="cisco_iosxe", generated_at=GENERATED_AT)
