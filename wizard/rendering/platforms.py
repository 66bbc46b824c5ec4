"""Device platforms: what each generates, and ONE table mapping the cloud's algorithm strings to their names.

The cloud API names algorithms its own way (cloud-vpn-rules.md §5: `aes-256-gcm-16`, `sha2-256`, `group15`);
every device spells them differently. A cloud value missing from a platform's row means the platform cannot
express it, and the configuration is refused before any template runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from wizard.rendering.errors import ConfigError

AEAD_ENCRYPTIONS = frozenset({"aes-256-gcm-16", "aes-128-gcm-16"})

# What each algorithm kind means, for messages.
KIND_LABELS = MappingProxyType(
    {
        "ike_version": "IKE version",
        "ike_encryption": "IKE encryption algorithm",
        "ike_integrity": "IKE authentication (integrity) algorithm",
        "ike_prf": "IKE pseudo-random function",
        "dh_group": "IKE DH group",
        "esp_encryption": "IPsec encryption algorithm",
        "esp_integrity": "IPsec authentication algorithm",
        "pfs": "IPsec PFS group",
    }
)

# The plan field each kind comes from (for ConfigError.path).
KIND_PATHS = MappingProxyType(
    {
        "ike_version": "ike.version",
        "ike_encryption": "ike.encryption_algorithm",
        "ike_integrity": "ike.authentication_algorithm",
        "ike_prf": "ike.authentication_algorithm",
        "dh_group": "ike.dh_group",
        "esp_encryption": "ipsec.encryption_algorithm",
        "esp_integrity": "ipsec.authentication_algorithm",
        "pfs": "ipsec.pfs",
    }
)

_GROUPS = ("group1", "group2", "group5", "group14", "group15", "group16", "group19", "group20", "group21")
_MODP = ("modp768", "modp1024", "modp1536", "modp2048", "modp3072", "modp4096", "ecp256", "ecp384", "ecp521")
_SHA = ("sha2-512", "sha2-384", "sha2-256", "sha1", "md5")
_ENCRYPTIONS = ("aes-256-gcm-16", "aes-128-gcm-16", "aes-256", "aes-192", "aes-128", "3des")


def _row(keys: tuple[str, ...], values: tuple[str | None, ...]) -> dict[str, str]:
    """Pair cloud values with platform names; None marks a value the platform cannot express."""
    return {key: value for key, value in zip(keys, values, strict=True) if value is not None}


ALGORITHMS: dict[str, dict[str, dict[str, str]]] = {
    "strongswan": {
        "ike_version": {"v1": "1", "v2": "2"},
        "ike_encryption": _row(
            _ENCRYPTIONS, ("aes256gcm16", "aes128gcm16", "aes256", "aes192", "aes128", "3des")
        ),
        "ike_integrity": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        "ike_prf": _row(_SHA, ("prfsha512", "prfsha384", "prfsha256", "prfsha1", "prfmd5")),
        "dh_group": _row(_GROUPS, _MODP),
        "esp_encryption": _row(
            _ENCRYPTIONS, ("aes256gcm16", "aes128gcm16", "aes256", "aes192", "aes128", "3des")
        ),
        "esp_integrity": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        "pfs": _row(_GROUPS, _MODP),
    },
    "cisco_iosxe": {
        # IKEv1 (crypto isakmp) is not generated: IOS-XE configs here are IKEv2 route-based.
        "ike_version": {"v2": "2"},
        "ike_encryption": _row(
            _ENCRYPTIONS, ("aes-gcm-256", "aes-gcm-128", "aes-cbc-256", "aes-cbc-192", "aes-cbc-128", "3des")
        ),
        "ike_integrity": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        "ike_prf": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        "dh_group": _row(_GROUPS, ("1", "2", "5", "14", "15", "16", "19", "20", "21")),
        "esp_encryption": _row(
            _ENCRYPTIONS,
            ("esp-gcm 256", "esp-gcm 128", "esp-aes 256", "esp-aes 192", "esp-aes 128", "esp-3des"),
        ),
        "esp_integrity": _row(
            _SHA, ("esp-sha512-hmac", "esp-sha384-hmac", "esp-sha256-hmac", "esp-sha-hmac", "esp-md5-hmac")
        ),
        "pfs": _row(_GROUPS, _GROUPS),
    },
    "cisco_asa": {
        "ike_version": {"v2": "2"},
        "ike_encryption": _row(_ENCRYPTIONS, ("aes-gcm-256", "aes-gcm", "aes-256", "aes-192", "aes", "3des")),
        "ike_integrity": _row(_SHA, ("sha512", "sha384", "sha256", "sha", "md5")),
        "ike_prf": _row(_SHA, ("sha512", "sha384", "sha256", "sha", "md5")),
        # ASA has no DH group 1 for IKEv2.
        "dh_group": _row(_GROUPS, (None, "2", "5", "14", "15", "16", "19", "20", "21")),
        "esp_encryption": _row(_ENCRYPTIONS, ("aes-gcm-256", "aes-gcm", "aes-256", "aes-192", "aes", "3des")),
        "esp_integrity": _row(_SHA, ("sha-512", "sha-384", "sha-256", "sha-1", "md5")),
        "pfs": _row(
            _GROUPS,
            (None, "group2", "group5", "group14", "group15", "group16", "group19", "group20", "group21"),
        ),  # fmt: skip
    },
    "juniper_srx": {
        "ike_version": {"v1": "v1-only", "v2": "v2-only"},
        "ike_encryption": _row(
            _ENCRYPTIONS,
            ("aes-256-gcm", "aes-128-gcm", "aes-256-cbc", "aes-192-cbc", "aes-128-cbc", "3des-cbc"),
        ),
        "ike_integrity": _row(_SHA, ("sha-512", "sha-384", "sha-256", "sha1", "md5")),
        "ike_prf": _row(_SHA, ("sha-512", "sha-384", "sha-256", "sha1", "md5")),
        "dh_group": _row(_GROUPS, _GROUPS),
        "esp_encryption": _row(
            _ENCRYPTIONS,
            ("aes-256-gcm", "aes-128-gcm", "aes-256-cbc", "aes-192-cbc", "aes-128-cbc", "3des-cbc"),
        ),
        "esp_integrity": _row(
            _SHA, ("hmac-sha-512-256", "hmac-sha-384-192", "hmac-sha-256-128", "hmac-sha1-96", "hmac-md5-96")
        ),
        "pfs": _row(_GROUPS, _GROUPS),
    },
    "fortigate": {
        "ike_version": {"v1": "1", "v2": "2"},
        "ike_encryption": _row(
            _ENCRYPTIONS, ("aes256gcm", "aes128gcm", "aes256", "aes192", "aes128", "3des")
        ),
        "ike_integrity": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        # FortiOS pairs GCM in phase 1 only with SHA PRFs.
        "ike_prf": _row(_SHA, ("prfsha512", "prfsha384", "prfsha256", "prfsha1", None)),
        "dh_group": _row(_GROUPS, ("1", "2", "5", "14", "15", "16", "19", "20", "21")),
        "esp_encryption": _row(
            _ENCRYPTIONS, ("aes256gcm", "aes128gcm", "aes256", "aes192", "aes128", "3des")
        ),
        "esp_integrity": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        "pfs": _row(_GROUPS, ("1", "2", "5", "14", "15", "16", "19", "20", "21")),
    },
    "paloalto": {
        "ike_version": {"v1": "ikev1", "v2": "ikev2"},
        "ike_encryption": _row(
            _ENCRYPTIONS, ("aes-256-gcm", "aes-128-gcm", "aes-256-cbc", "aes-192-cbc", "aes-128-cbc", "3des")
        ),
        "ike_integrity": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        "ike_prf": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        "dh_group": _row(_GROUPS, _GROUPS),
        "esp_encryption": _row(
            _ENCRYPTIONS, ("aes-256-gcm", "aes-128-gcm", "aes-256-cbc", "aes-192-cbc", "aes-128-cbc", "3des")
        ),
        "esp_integrity": _row(_SHA, ("sha512", "sha384", "sha256", "sha1", "md5")),
        "pfs": _row(_GROUPS, _GROUPS),
    },
    "huawei_vrp": {
        "ike_version": {"v1": "1", "v2": "2"},
        # VRP IKE and ESP proposals here offer AES-CBC and 3DES, not AES-GCM.
        "ike_encryption": _row(_ENCRYPTIONS, (None, None, "aes-256", "aes-192", "aes-128", "3des")),
        "ike_integrity": _row(_SHA, ("sha2-512", "sha2-384", "sha2-256", "sha1", "md5")),
        "ike_prf": _row(_SHA, ("hmac-sha2-512", "hmac-sha2-384", "hmac-sha2-256", "hmac-sha1", "hmac-md5")),
        "dh_group": _row(_GROUPS, _GROUPS),
        "esp_encryption": _row(_ENCRYPTIONS, (None, None, "aes-256", "aes-192", "aes-128", "3des")),
        "esp_integrity": _row(_SHA, ("sha2-512", "sha2-384", "sha2-256", "sha1", "md5")),
        "pfs": _row(_GROUPS, tuple(f"dh-{group}" for group in _GROUPS)),
    },
    "mikrotik": {
        "ike_version": {"v1": "main", "v2": "ike2"},
        # RouterOS phase 1 has no AES-GCM, and neither phase offers SHA-384.
        "ike_encryption": _row(_ENCRYPTIONS, (None, None, "aes-256", "aes-192", "aes-128", "3des")),
        "ike_integrity": _row(_SHA, ("sha512", None, "sha256", "sha1", "md5")),
        "ike_prf": _row(_SHA, ("sha512", None, "sha256", "sha1", "md5")),
        "dh_group": _row(_GROUPS, _MODP),
        "esp_encryption": _row(
            _ENCRYPTIONS, ("aes-256-gcm", "aes-128-gcm", "aes-256-cbc", "aes-192-cbc", "aes-128-cbc", "3des")
        ),
        "esp_integrity": _row(_SHA, ("sha512", None, "sha256", "sha1", "md5")),
        "pfs": _row(_GROUPS, _MODP),
    },
    "generic": {
        "ike_version": {"v1": "IKEv1", "v2": "IKEv2"},
        "ike_encryption": _row(
            _ENCRYPTIONS,
            (
                "AES-GCM-256 (16-octet ICV)",
                "AES-GCM-128 (16-octet ICV)",
                "AES-CBC-256",
                "AES-CBC-192",
                "AES-CBC-128",
                "3DES-CBC",
            ),
        ),  # fmt: skip
        "ike_integrity": _row(
            _SHA,
            ("HMAC-SHA2-512-256", "HMAC-SHA2-384-192", "HMAC-SHA2-256-128", "HMAC-SHA1-96", "HMAC-MD5-96"),
        ),
        "ike_prf": _row(
            _SHA,
            ("PRF-HMAC-SHA2-512", "PRF-HMAC-SHA2-384", "PRF-HMAC-SHA2-256", "PRF-HMAC-SHA1", "PRF-HMAC-MD5"),
        ),  # fmt: skip
        "dh_group": _row(
            _GROUPS,
            (
                "1 (MODP-768)",
                "2 (MODP-1024)",
                "5 (MODP-1536)",
                "14 (MODP-2048)",
                "15 (MODP-3072)",
                "16 (MODP-4096)",
                "19 (ECP-256)",
                "20 (ECP-384)",
                "21 (ECP-521)",
            ),
        ),  # fmt: skip
        "esp_encryption": _row(
            _ENCRYPTIONS,
            (
                "AES-GCM-256 (16-octet ICV)",
                "AES-GCM-128 (16-octet ICV)",
                "AES-CBC-256",
                "AES-CBC-192",
                "AES-CBC-128",
                "3DES-CBC",
            ),
        ),  # fmt: skip
        "esp_integrity": _row(
            _SHA,
            ("HMAC-SHA2-512-256", "HMAC-SHA2-384-192", "HMAC-SHA2-256-128", "HMAC-SHA1-96", "HMAC-MD5-96"),
        ),
        "pfs": _row(
            _GROUPS,
            (
                "1 (MODP-768)",
                "2 (MODP-1024)",
                "5 (MODP-1536)",
                "14 (MODP-2048)",
                "15 (MODP-3072)",
                "16 (MODP-4096)",
                "19 (ECP-256)",
                "20 (ECP-384)",
                "21 (ECP-521)",
            ),
        ),  # fmt: skip
    },
}


@dataclass(frozen=True)
class Artifact:
    """One generated file: the template that renders it and the file name suffix."""

    template: str
    suffix: str
    modes: frozenset[str] = frozenset({"static", "bgp", "policy"})


@dataclass(frozen=True)
class PlatformSpec:
    """What a platform is called and which files it gets."""

    name: str
    label: str
    artifacts: tuple[Artifact, ...]


_ALL_MODES = frozenset({"static", "bgp", "policy"})

PLATFORMS: dict[str, PlatformSpec] = {
    spec.name: spec
    for spec in (
        PlatformSpec(
            "strongswan",
            "strongSwan",
            (
                Artifact("strongswan/swanctl.conf.j2", "swanctl.conf"),
                Artifact("strongswan/frr.conf.j2", "frr.conf", frozenset({"bgp"})),
            ),
        ),
        PlatformSpec("cisco_iosxe", "Cisco IOS-XE", (Artifact("cisco_iosxe/config.j2", "cisco-iosxe.txt"),)),
        PlatformSpec("cisco_asa", "Cisco ASA", (Artifact("cisco_asa/config.j2", "cisco-asa.txt"),)),
        PlatformSpec("juniper_srx", "Juniper SRX", (Artifact("juniper_srx/config.j2", "juniper-srx.set"),)),
        PlatformSpec("fortigate", "Fortinet FortiGate", (Artifact("fortigate/config.j2", "fortigate.conf"),)),
        PlatformSpec("paloalto", "Palo Alto PAN-OS", (Artifact("paloalto/config.j2", "paloalto.set"),)),
        PlatformSpec(
            "huawei_vrp", "Huawei USG/AR (VRP)", (Artifact("huawei_vrp/config.j2", "huawei-vrp.txt"),)
        ),
        PlatformSpec("mikrotik", "MikroTik RouterOS", (Artifact("mikrotik/config.j2", "mikrotik.rsc"),)),
        PlatformSpec(
            "generic",
            "vendor-neutral parameter sheet",
            (
                Artifact("generic/sheet.txt.j2", "parameters.txt"),
                Artifact("generic/sheet.json.j2", "parameters.json"),
            ),
        ),
    )
}

PLATFORM_NAMES: tuple[str, ...] = tuple(PLATFORMS)


def platform_spec(platform: str) -> PlatformSpec:
    """The platform named, or a ConfigError listing the ones that exist."""
    try:
        return PLATFORMS[platform]
    except KeyError:
        raise ConfigError(
            f"Unknown device platform {platform!r}.",
            path="platform",
            suggestion=f"Choose one of: {', '.join(PLATFORM_NAMES)}.",
        ) from None


def translate(platform: str, kind: str, value: str) -> str:
    """The platform's name for one cloud algorithm value; ConfigError when the platform cannot express it."""
    row = ALGORITHMS[platform_spec(platform).name][kind]
    try:
        return row[value]
    except KeyError:
        supported = ", ".join(row) or "none"
        raise ConfigError(
            f"{PLATFORMS[platform].label} cannot express the {KIND_LABELS[kind]} {value!r} "
            "chosen for this request.",
            path=KIND_PATHS[kind],
            suggestion=f"Choose one it supports ({supported}) or another device platform.",
        ) from None


def map_policy(platform: str, *, ike: dict[str, Any], ipsec: dict[str, Any]) -> dict[str, Any]:
    """The request's IKE and IPsec policy in the platform's own names (plan JSON names in, plain dict out).

    AEAD (GCM) ciphers carry their own integrity: IKE then needs only a PRF, ESP no integrity algorithm.
    """
    ike_aead = ike["encryption_algorithm"] in AEAD_ENCRYPTIONS
    esp_aead = ipsec["encryption_algorithm"] in AEAD_ENCRYPTIONS
    pfs_enabled = ipsec["pfs"] != "disable"
    return {
        "ike": {
            "version": translate(platform, "ike_version", ike["version"]),
            "version_number": 1 if ike["version"] == "v1" else 2,
            "aggressive": ike["negotiation_mode"] == "aggressive",
            "aead": ike_aead,
            "encryption": translate(platform, "ike_encryption", ike["encryption_algorithm"]),
            "integrity": ""
            if ike_aead
            else translate(platform, "ike_integrity", ike["authentication_algorithm"]),
            "prf": translate(platform, "ike_prf", ike["authentication_algorithm"]),
            "dh_group": translate(platform, "dh_group", ike["dh_group"]),
            "lifetime": int(ike["lifetime_seconds"]),
        },
        "ipsec": {
            "aead": esp_aead,
            "encryption": translate(platform, "esp_encryption", ipsec["encryption_algorithm"]),
            "integrity": ""
            if esp_aead
            else translate(platform, "esp_integrity", ipsec["authentication_algorithm"]),
            "pfs": pfs_enabled,
            "pfs_group": translate(platform, "pfs", ipsec["pfs"]) if pfs_enabled else "",
            "lifetime": int(ipsec["lifetime_seconds"]),
        },
    }
