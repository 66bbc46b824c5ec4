"""IKE / IPsec policy rules (§5, checklist 9-11)."""

from __future__ import annotations

from wizard.network import crypto
from wizard.network.findings import Finding, error, warning
from wizard.network.plan import Plan


def _choice(path: str, value: str, allowed: tuple[str, ...]) -> list[Finding]:
    # The cloud API accepts only its own value strings.
    if value in allowed:
        return []
    return [
        error(
            "crypto.value",
            path,
            f"{path} {value!r} is not a value the cloud accepts.",
            f"Use one of: {', '.join(allowed)}.",
        )
    ]


def _within(path: str, value: int, bounds: tuple[int, int], unit: str) -> list[Finding]:
    low, high = bounds
    if low <= value <= high:
        return []
    return [error("crypto.range", path, f"{path} is {value} {unit}; the cloud accepts {low} to {high}.")]


def check_crypto(plan: Plan) -> list[Finding]:
    ike, ipsec = plan.ike, plan.ipsec
    findings: list[Finding] = []
    for path, value, allowed in (
        ("ike.version", ike.version, crypto.IKE_VERSIONS),
        ("ike.negotiation_mode", ike.negotiation_mode, crypto.NEGOTIATION_MODES),
        ("ike.authentication_algorithm", ike.authentication_algorithm, crypto.AUTHENTICATION_ALGORITHMS),
        ("ike.encryption_algorithm", ike.encryption_algorithm, crypto.ENCRYPTION_ALGORITHMS),
        ("ike.dh_group", ike.dh_group, crypto.DH_GROUPS),
        ("ike.dpd.msg", ike.dpd.msg, crypto.DPD_MESSAGES),
        ("ipsec.authentication_algorithm", ipsec.authentication_algorithm, crypto.AUTHENTICATION_ALGORITHMS),
        ("ipsec.encryption_algorithm", ipsec.encryption_algorithm, crypto.ENCRYPTION_ALGORITHMS),
        ("ipsec.pfs", ipsec.pfs, crypto.PFS_GROUPS),
        ("ipsec.transform_protocol", ipsec.transform_protocol, crypto.TRANSFORM_PROTOCOLS),
        ("ipsec.encapsulation_mode", ipsec.encapsulation_mode, crypto.ENCAPSULATION_MODES),
    ):
        findings += _choice(path, value, allowed)
    # Lifetimes and DPD timers outside the API's ranges are refused (checklist 9).
    findings += _within("ike.lifetime_seconds", ike.lifetime_seconds, crypto.IKE_LIFETIME_RANGE, "seconds")
    findings += _within(
        "ipsec.lifetime_seconds", ipsec.lifetime_seconds, crypto.IPSEC_LIFETIME_RANGE, "seconds"
    )
    findings += _within("ike.dpd.timeout", ike.dpd.timeout, crypto.DPD_TIMEOUT_RANGE, "seconds")
    findings += _within("ike.dpd.interval", ike.dpd.interval, crypto.DPD_INTERVAL_RANGE, "seconds")
    # GCM for IKE exists only in IKEv2 (UMN-CONN).
    if ike.encryption_algorithm in crypto.GCM_ALGORITHMS and ike.version == "v1":
        findings.append(
            error(
                "crypto.gcm_requires_ikev2",
                "ike.encryption_algorithm",
                f"IKE encryption {ike.encryption_algorithm} needs IKEv2; this policy uses IKEv1.",
                "Set ike.version to v2, or choose aes-256 for IKEv1.",
            )
        )
    # Aggressive mode is an IKEv1 exchange; IKEv2 has none.
    if ike.negotiation_mode == "aggressive" and ike.version == "v2":
        findings.append(
            error(
                "crypto.aggressive_requires_ikev1",
                "ike.negotiation_mode",
                "Aggressive mode exists only in IKEv1; this policy uses IKEv2.",
                "Use main mode.",
            )
        )
    # The cloud marks these values "Insecure. Not recommended." (checklist 11).
    for path, value, reason in crypto.weaknesses(ike, ipsec):
        findings.append(
            warning(
                "crypto.weak",
                path,
                f"{path} {value} is weak: {reason}.",
                "The 'recommended' preset avoids every value the cloud flags as weak.",
            )
        )
    return findings
