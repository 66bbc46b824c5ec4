"""Pre-shared key rules (§3.4, console character set) and generator."""

from __future__ import annotations

import secrets
import string

from wizard.network.findings import Finding, error

PSK_MIN_LENGTH = 8
PSK_MAX_LENGTH = 128
# The console's set; the API also takes "*", but a key with "*" could not be typed into the console.
PSK_SPECIALS = "~!@#$%^()-_+={},./:;"
PSK_CLASSES: tuple[tuple[str, str], ...] = (
    ("upper-case letters", string.ascii_uppercase),
    ("lower-case letters", string.ascii_lowercase),
    ("digits", string.digits),
    ("special characters", PSK_SPECIALS),
)
PSK_ALPHABET = "".join(chars for _, chars in PSK_CLASSES)
PSK_REQUIRED_CLASSES = 3


def generate_psk(length: int = 32) -> str:
    """A random pre-shared key that satisfies the cloud's rules, with every character class present."""
    if not PSK_MIN_LENGTH <= length <= PSK_MAX_LENGTH:
        raise ValueError(
            f"A pre-shared key has {PSK_MIN_LENGTH} to {PSK_MAX_LENGTH} characters, not {length}."
        )
    chars = [secrets.choice(chars) for _, chars in PSK_CLASSES]
    chars += [secrets.choice(PSK_ALPHABET) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def check_psk(psk: str, path: str = "psk") -> list[Finding]:
    """Findings for a pre-shared key; messages never quote the key or any of its characters."""
    findings = []
    # The cloud refuses keys outside 8-128 characters.
    if not PSK_MIN_LENGTH <= len(psk) <= PSK_MAX_LENGTH:
        findings.append(
            error(
                "psk.length",
                path,
                f"The pre-shared key has {len(psk)} characters; the cloud accepts "
                f"{PSK_MIN_LENGTH} to {PSK_MAX_LENGTH}.",
                "Generate one with the wizard's key generator.",
            )
        )
    # Only letters, digits and the console's special characters are accepted.
    outside = sum(1 for char in psk if char not in PSK_ALPHABET)
    if outside:
        findings.append(
            error(
                "psk.characters",
                path,
                f"The pre-shared key contains {outside} character(s) the cloud does not accept "
                "(spaces, '*', quotes and non-ASCII letters are refused).",
                f"Use only letters, digits and {PSK_SPECIALS}",
            )
        )
    # At least three of the four character classes are required.
    present = [name for name, chars in PSK_CLASSES if any(char in chars for char in psk)]
    if len(present) < PSK_REQUIRED_CLASSES:
        missing = [name for name, _ in PSK_CLASSES if name not in present]
        findings.append(
            error(
                "psk.classes",
                path,
                f"The pre-shared key uses {len(present)} of the four character classes; the cloud requires "
                f"{PSK_REQUIRED_CLASSES}.",
                f"Add {' or '.join(missing)}.",
            )
        )
    return findings
