"""Crypto combinations, ranges, weak-crypto warnings, presets, and policy-based mode rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.network.conftest import coded, findings_for, plan_data
from wizard.network import crypto
from wizard.network.plan import IkePolicy, IpsecPolicy


def _crypto(section: str, **values: Any) -> dict[str, Any]:
    data = plan_data()
    if section == "dpd":
        data["ike"]["dpd"].update(values)
    else:
        data[section].update(values)
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_crypto("ike", version="v1"), ("error", "crypto.gcm_requires_ikev2", "ike.encryption_algorithm")),
        (
            _crypto("ike", negotiation_mode="aggressive"),
            ("error", "crypto.aggressive_requires_ikev1", "ike.negotiation_mode"),
        ),
        (_crypto("ike", lifetime_seconds=59), ("error", "crypto.range", "ike.lifetime_seconds")),
        (_crypto("ike", lifetime_seconds=604801), ("error", "crypto.range", "ike.lifetime_seconds")),
        (_crypto("ipsec", lifetime_seconds=29), ("error", "crypto.range", "ipsec.lifetime_seconds")),
        (_crypto("ipsec", lifetime_seconds=604801), ("error", "crypto.range", "ipsec.lifetime_seconds")),
        (_crypto("dpd", timeout=1), ("error", "crypto.range", "ike.dpd.timeout")),
        (_crypto("dpd", timeout=61), ("error", "crypto.range", "ike.dpd.timeout")),
        (_crypto("dpd", interval=9), ("error", "crypto.range", "ike.dpd.interval")),
        (_crypto("dpd", interval=3601), ("error", "crypto.range", "ike.dpd.interval")),
        (_crypto("dpd", msg="notify"), ("error", "crypto.value", "ike.dpd.msg")),
        (_crypto("ike", dh_group="group24"), ("error", "crypto.value", "ike.dh_group")),
        (_crypto("ipsec", pfs="group24"), ("error", "crypto.value", "ipsec.pfs")),
        (_crypto("ipsec", transform_protocol="ah"), ("error", "crypto.value", "ipsec.transform_protocol")),
        (
            _crypto("ipsec", encapsulation_mode="transport"),
            ("error", "crypto.value", "ipsec.encapsulation_mode"),
        ),
        (
            _crypto("ike", authentication_algorithm="sha3"),
            ("error", "crypto.value", "ike.authentication_algorithm"),
        ),
        (
            _crypto("ike", encryption_algorithm="chacha20"),
            ("error", "crypto.value", "ike.encryption_algorithm"),
        ),
    ],
)
def test_crypto_rules(data: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert expected in coded(findings_for(data))


def test_range_edges_are_accepted() -> None:
    data = _crypto("ike", lifetime_seconds=60)
    data["ipsec"]["lifetime_seconds"] = 604800
    data["ike"]["dpd"] = {"timeout": 2, "interval": 3600, "msg": "seq-notify-hash"}
    assert findings_for(data) == []


def test_aggressive_mode_with_ikev1_and_cbc_is_accepted_with_warnings() -> None:
    data = _crypto("ike", version="v1", negotiation_mode="aggressive", encryption_algorithm="aes-256")
    assert {f.severity for f in findings_for(data)} == {"warning"}


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("ike", "version", "v1"),
        ("ike", "authentication_algorithm", "md5"),
        ("ike", "authentication_algorithm", "sha1"),
        ("ike", "encryption_algorithm", "3des"),
        ("ike", "encryption_algorithm", "aes-128"),
        ("ike", "dh_group", "group14"),
        ("ike", "dh_group", "group1"),
        ("ipsec", "authentication_algorithm", "md5"),
        ("ipsec", "encryption_algorithm", "aes-192"),
        ("ipsec", "pfs", "disable"),
        ("ipsec", "pfs", "group5"),
    ],
)
def test_weak_values_warn_with_a_reason(section: str, field: str, value: str) -> None:
    data = _crypto(section, **{field: value})
    if field == "version":
        data["ike"]["encryption_algorithm"] = "aes-256"
    warnings = [f for f in findings_for(data) if f.code == "crypto.weak" and f.path == f"{section}.{field}"]
    assert len(warnings) == 1
    assert warnings[0].severity == "warning" and value in warnings[0].message and ":" in warnings[0].message


def test_presets_and_defaults_use_only_catalog_values() -> None:
    assert crypto.weaknesses(crypto.PRESETS["recommended"].ike, crypto.PRESETS["recommended"].ipsec) == []
    for policy in (IkePolicy(), crypto.PRESETS["compatible"].ike):
        assert policy.encryption_algorithm in crypto.ENCRYPTION_ALGORITHMS
        assert policy.dh_group in crypto.DH_GROUPS
    assert IpsecPolicy().pfs == "group15" and IkePolicy().encryption_algorithm == "aes-128"


# --- policy-based mode ---------------------------------------------------------------------------------


def _policy(*rules: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = plan_data(routing={"mode": "policy"}, policy_rules=list(rules), **changes)
    data["gateways"][0]["local_subnets"] = ["192.168.1.0/24", "192.168.2.0/24"]
    data["sites"][0]["subnets"] = ["10.1.0.0/16", "10.2.0.0/16"]
    return data


def _rule(source: str, *destinations: str) -> dict[str, Any]:
    return {"source": source, "destinations": list(destinations)}


ALL = ("10.1.0.0/16", "10.2.0.0/16")


def test_policy_base_is_clean() -> None:
    assert findings_for(_policy(_rule("192.168.1.0/24", *ALL), _rule("192.168.2.0/24", "10.0.0.0/8"))) == []


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ((), ("error", "policy.count", "policy_rules")),
        (
            tuple(_rule(f"192.168.1.{i * 32}/27", "10.0.0.0/8") for i in range(6)),
            ("error", "policy.count", "policy_rules"),
        ),
        (
            (_rule("192.168.1.0/24", *ALL), _rule("192.168.1.0/24", "10.0.0.0/8")),
            ("error", "policy.duplicate_source", "policy_rules[1].source"),
        ),
        ((_rule("172.16.0.0/16", *ALL),), ("error", "policy.source_not_local", "policy_rules[0].source")),
        ((_rule("192.168.1.0/24"),), ("error", "policy.destinations_count", "policy_rules[0].destinations")),
        (
            (_rule("192.168.1.0/24", *[f"10.{i}.0.0/16" for i in range(51)]),),
            ("error", "policy.destinations_count", "policy_rules[0].destinations"),
        ),
        (
            (_rule("192.168.1.0/24", "10.1.0.0/16"),),
            ("error", "policy.destination_missing", "policy_rules[0].destinations"),
        ),
        (
            (_rule("192.168.1.0/24", "10.1.0.0/17", "10.2.0.0/16"),),
            ("error", "policy.destination_missing", "policy_rules[0].destinations"),
        ),
        ((_rule("192.168.1.1/24", *ALL),), ("error", "cidr.host_bits", "policy_rules[0].source")),
        (
            (_rule("192.168.1.0/24", "10.1.0.0", "10.2.0.0/16"),),
            ("error", "cidr.mask_required", "policy_rules[0].destinations[0]"),
        ),
        # Sources and destinations of different rules must not overlap, whichever rule comes first.
        (
            (_rule("192.168.0.0/16", *ALL), _rule("192.168.2.0/24", "10.0.0.0/8")),
            ("error", "policy.overlap", "policy_rules[1].source"),
        ),
        (
            (_rule("192.168.2.0/24", "10.0.0.0/8"), _rule("192.168.0.0/16", *ALL)),
            ("error", "policy.overlap", "policy_rules[1].source"),
        ),
        (
            (_rule("192.168.1.0/24", *ALL), _rule("192.168.2.0/24", "10.0.0.0/8")),
            ("warning", "never", "never"),
        ),
    ],
)
def test_policy_rules(rules: tuple[dict[str, Any], ...], expected: tuple[str, str, str]) -> None:
    found = coded(findings_for(_policy(*rules)))
    if expected[1] == "never":
        assert found == set()
    else:
        assert expected in found


def test_rules_with_overlapping_sources_collide_and_identical_sources_are_duplicates() -> None:
    data = _policy(_rule("192.168.0.0/16", *ALL), _rule("192.168.2.0/24", "10.0.0.0/8"))
    data["sites"][0]["subnets"] = ["10.1.0.0/16"]
    data["policy_rules"][0]["destinations"] = ["10.1.0.0/16"]
    data["policy_rules"][1]["destinations"] = ["10.1.0.0/16"]
    assert ("error", "policy.overlap", "policy_rules[1].source") in coded(findings_for(data))
    data["policy_rules"][1]["source"] = "192.168.0.0/16"
    assert ("error", "policy.duplicate_source", "policy_rules[1].source") in coded(findings_for(data))


def test_policy_rules_outside_policy_mode() -> None:
    data = plan_data(policy_rules=[_rule("192.168.1.0/24", "10.1.0.0/16")])
    assert ("error", "policy.not_policy_mode", "policy_rules") in coded(findings_for(data))
