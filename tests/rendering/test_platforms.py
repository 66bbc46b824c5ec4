"""The algorithm table: every cloud value is either mapped or refused with a message, before rendering."""

from __future__ import annotations

import pytest

from tests.rendering.plans import GENERATED_AT, make_plan, plan_dict
from wizard.rendering import PLATFORM_NAMES, ConfigError, render_config
from wizard.rendering.platforms import ALGORITHMS, KIND_LABELS, map_policy, translate

CLOUD_VALUES = {
    "ike_version": ("v1", "v2"),
    "ike_encryption": ("aes-256-gcm-16", "aes-128-gcm-16", "aes-256", "aes-192", "aes-128", "3des"),
    "ike_integrity": ("sha2-512", "sha2-384", "sha2-256", "sha1", "md5"),
    "ike_prf": ("sha2-512", "sha2-384", "sha2-256", "sha1", "md5"),
    "dh_group": (
        "group1",
        "group2",
        "group5",
        "group14",
        "group15",
        "group16",
        "group19",
        "group20",
        "group21",
    ),
    "esp_encryption": ("aes-256-gcm-16", "aes-128-gcm-16", "aes-256", "aes-192", "aes-128", "3des"),
    "esp_integrity": ("sha2-512", "sha2-384", "sha2-256", "sha1", "md5"),
    "pfs": ("group1", "group2", "group5", "group14", "group15", "group16", "group19", "group20", "group21"),
}


def test_every_platform_row_covers_only_cloud_values() -> None:
    assert set(ALGORITHMS) == set(PLATFORM_NAMES)
    for platform, table in ALGORITHMS.items():
        assert set(table) == set(KIND_LABELS), platform
        for kind, row in table.items():
            assert set(row) <= set(CLOUD_VALUES[kind]), (platform, kind)
            assert all(row.values()), (platform, kind)


@pytest.mark.parametrize("platform", ["strongswan", "generic", "juniper_srx", "paloalto"])
def test_full_platforms_express_every_cloud_value(platform: str) -> None:
    for kind, values in CLOUD_VALUES.items():
        for value in values:
            assert translate(platform, kind, value)


@pytest.mark.parametrize(
    ("platform", "kind", "value", "expected"),
    [
        ("strongswan", "ike_encryption", "aes-256-gcm-16", "aes256gcm16"),
        ("strongswan", "dh_group", "group19", "ecp256"),
        ("cisco_iosxe", "esp_encryption", "aes-128", "esp-aes 128"),
        ("cisco_asa", "esp_integrity", "sha1", "sha-1"),
        ("juniper_srx", "esp_integrity", "sha2-256", "hmac-sha-256-128"),
        ("fortigate", "ike_prf", "sha2-384", "prfsha384"),
        ("paloalto", "pfs", "group20", "group20"),
        ("huawei_vrp", "pfs", "group15", "dh-group15"),
        ("mikrotik", "dh_group", "group14", "modp2048"),
    ],
)
def test_translations(platform: str, kind: str, value: str, expected: str) -> None:
    assert translate(platform, kind, value) == expected


@pytest.mark.parametrize(
    ("platform", "section", "field", "value", "path"),
    [
        ("mikrotik", "ike", "authentication_algorithm", "sha2-384", "ike.authentication_algorithm"),
        ("mikrotik", "ike", "encryption_algorithm", "aes-256-gcm-16", "ike.encryption_algorithm"),
        ("huawei_vrp", "ipsec", "encryption_algorithm", "aes-128-gcm-16", "ipsec.encryption_algorithm"),
        ("cisco_asa", "ike", "dh_group", "group1", "ike.dh_group"),
        ("cisco_iosxe", "ike", "version", "v1", "ike.version"),
    ],
)
def test_inexpressible_algorithm_is_refused_before_rendering(
    platform: str, section: str, field: str, value: str, path: str
) -> None:
    data = plan_dict("hybrid_cloud", "static")
    data[section][field] = value
    if value == "v1":
        data["ike"]["encryption_algorithm"] = "aes-256"
    with pytest.raises(ConfigError) as raised:
        render_config(make_plan(data), site="Berlin", platform=platform, generated_at=GENERATED_AT)
    assert raised.value.path == path
    assert repr(value) in raised.value.message
    assert "Choose one it supports" in raised.value.suggestion


def test_aead_needs_no_integrity_and_pfs_can_be_disabled() -> None:
    policy = map_policy(
        "strongswan",
        ike={"version": "v2", "negotiation_mode": "main", "authentication_algorithm": "sha2-384",
             "encryption_algorithm": "aes-256-gcm-16", "dh_group": "group20", "lifetime_seconds": 86400},
        ipsec={"authentication_algorithm": "sha2-256", "encryption_algorithm": "aes-128-gcm-16",
               "pfs": "disable", "lifetime_seconds": 3600},
    )  # fmt: skip
    assert (policy["ike"]["integrity"], policy["ike"]["prf"]) == ("", "prfsha384")
    assert (policy["ipsec"]["integrity"], policy["ipsec"]["pfs"], policy["ipsec"]["pfs_group"]) == (
        "",
        False,
        "",
    )


def test_unknown_gateway_ips_are_refused() -> None:
    data = plan_dict("hybrid_cloud", "bgp")
    data["gateways"][0]["ip_addresses"] = []
    with pytest.raises(ConfigError) as raised:
        render_config(make_plan(data), site="Berlin", platform="cisco_iosxe", generated_at=GENERATED_AT)
    assert raised.value.path == "gateways[0].ip_addresses"
    assert "not known yet" in raised.value.message


def test_unknown_platform_is_refused() -> None:
    with pytest.raises(ConfigError) as raised:
        render_config(make_plan(plan_dict("hybrid_cloud", "static")), site="Berlin", platform="vyos")
    assert "strongswan" in raised.value.suggestion
