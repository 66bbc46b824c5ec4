"""Crypto catalog of the cloud VPN (§5): the API's values, defaults, weak choices and why, and presets.

Shared by the validator, the wizard's forms and the device-config renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.network.plan import DeadPeerDetection, IkePolicy, IpsecPolicy

IKE_VERSIONS = ("v2", "v1")
NEGOTIATION_MODES = ("main", "aggressive")
AUTHENTICATION_ALGORITHMS = ("sha2-512", "sha2-384", "sha2-256", "sha1", "md5")
ENCRYPTION_ALGORITHMS = ("aes-256-gcm-16", "aes-128-gcm-16", "aes-256", "aes-192", "aes-128", "3des")
GCM_ALGORITHMS = ("aes-256-gcm-16", "aes-128-gcm-16")
DH_GROUPS = ("group1", "group2", "group5", "group14", "group15", "group16", "group19", "group20", "group21")
PFS_GROUPS = (*DH_GROUPS, "disable")
DPD_MESSAGES = ("seq-hash-notify", "seq-notify-hash")
TRANSFORM_PROTOCOLS = ("esp",)
ENCAPSULATION_MODES = ("tunnel",)

IKE_LIFETIME_RANGE = (60, 604800)
IPSEC_LIFETIME_RANGE = (30, 604800)
DPD_TIMEOUT_RANGE = (2, 60)
DPD_INTERVAL_RANGE = (10, 3600)

DEFAULT_IKE = IkePolicy()
DEFAULT_IPSEC = IpsecPolicy()

# Why each value is flagged "Insecure. Not recommended." by the cloud (§5.1, §5.2; AES-CBC per UMN-CONN).
WEAK_IKE_VERSIONS = {"v1": "IKEv1 is the older protocol with known weaknesses; IKEv2 is recommended"}
WEAK_NEGOTIATION_MODES = {"aggressive": "aggressive mode exposes the key hash to offline guessing"}
WEAK_AUTHENTICATION = {
    "md5": "MD5 is broken (collisions are practical)",
    "sha1": "SHA-1 is deprecated (collisions are practical)",
}
WEAK_ENCRYPTION = {
    "3des": "3DES has a 64-bit block (Sweet32) and is deprecated",
    "aes-128": "the cloud flags AES-CBC as not recommended; AES-GCM is preferred",
    "aes-192": "the cloud flags AES-CBC as not recommended; AES-GCM is preferred",
    "aes-256": "the cloud flags AES-CBC as not recommended; AES-GCM is preferred",
}
WEAK_DH_GROUPS = {
    "group1": "768-bit MODP is breakable",
    "group2": "1024-bit MODP is too short",
    "group5": "1536-bit MODP is too short",
    "group14": "the cloud flags 2048-bit MODP as not recommended",
}
WEAK_PFS = {**WEAK_DH_GROUPS, "disable": "without PFS one stolen key decrypts every later session"}


@dataclass(frozen=True)
class CryptoPreset:
    """A named IKE + IPsec policy the wizard offers as a starting point."""

    name: str
    label: str
    description: str
    ike: IkePolicy
    ipsec: IpsecPolicy


PRESETS: dict[str, CryptoPreset] = {
    "recommended": CryptoPreset(
        "recommended",
        "Recommended",
        "IKEv2, AES-256-GCM, SHA2-256, ECP-384 (group 20) with PFS: nothing the cloud flags as weak.",
        IkePolicy(
            version="v2",
            negotiation_mode="main",
            authentication_algorithm="sha2-256",
            encryption_algorithm="aes-256-gcm-16",
            dh_group="group20",
            lifetime_seconds=86400,
            dpd=DeadPeerDetection(),
        ),
        IpsecPolicy(
            authentication_algorithm="sha2-256",
            encryption_algorithm="aes-256-gcm-16",
            pfs="group20",
            lifetime_seconds=3600,
        ),
    ),
    "compatible": CryptoPreset(
        "compatible",
        "Compatible",
        "IKEv2, AES-256-CBC, SHA2-256, MODP-3072 (group 15) with PFS: for devices without AES-GCM or ECP.",
        IkePolicy(
            version="v2",
            negotiation_mode="main",
            authentication_algorithm="sha2-256",
            encryption_algorithm="aes-256",
            dh_group="group15",
            lifetime_seconds=86400,
            dpd=DeadPeerDetection(),
        ),
        IpsecPolicy(
            authentication_algorithm="sha2-256",
            encryption_algorithm="aes-256",
            pfs="group15",
            lifetime_seconds=3600,
        ),
    ),
}


def weaknesses(ike: IkePolicy, ipsec: IpsecPolicy) -> list[tuple[str, str, str]]:
    """(field path, value, reason) for every value of the policies the cloud flags as weak."""
    checks = (
        ("ike.version", ike.version, WEAK_IKE_VERSIONS),
        ("ike.negotiation_mode", ike.negotiation_mode, WEAK_NEGOTIATION_MODES),
        ("ike.authentication_algorithm", ike.authentication_algorithm, WEAK_AUTHENTICATION),
        ("ike.encryption_algorithm", ike.encryption_algorithm, WEAK_ENCRYPTION),
        ("ike.dh_group", ike.dh_group, WEAK_DH_GROUPS),
        ("ipsec.authentication_algorithm", ipsec.authentication_algorithm, WEAK_AUTHENTICATION),
        ("ipsec.encryption_algorithm", ipsec.encryption_algorithm, WEAK_ENCRYPTION),
        ("ipsec.pfs", ipsec.pfs, WEAK_PFS),
    )
    return [(path, value, table[value]) for path, value, table in checks if value in table]
