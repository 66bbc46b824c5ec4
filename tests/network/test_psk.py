"""Pre-shared key rules and generator."""

from __future__ import annotations

import pytest

from wizard.network import generate_psk
from wizard.network.psk import PSK_ALPHABET, check_psk


@pytest.mark.parametrize("length", [8, 9, 32, 128])
def test_generated_keys_satisfy_the_rules(length: int) -> None:
    for _ in range(50):
        psk = generate_psk(length)
        assert len(psk) == length
        assert check_psk(psk) == []
        assert set(psk) <= set(PSK_ALPHABET)


@pytest.mark.parametrize("length", [7, 129, 0])
def test_generator_refuses_lengths_the_cloud_refuses(length: int) -> None:
    with pytest.raises(ValueError, match="8 to 128"):
        generate_psk(length)


@pytest.mark.parametrize(
    ("psk", "codes"),
    [
        ("Abcdef1!", []),
        ("abcdef1!", []),
        ("ABCDEF1!", []),
        ("Abcdefg!", []),
        ("Abcdefg1", []),
        ("Abc1!", ["psk.length"]),
        ("A" * 126 + "b1!", ["psk.length"]),
        ("abcdefgh", ["psk.classes"]),
        ("abcdefg1", ["psk.classes"]),
        ("Abcdef1 x", ["psk.characters"]),
        ("Abcdef1*x", ["psk.characters"]),
        ("Abcdéf1!x", ["psk.characters"]),
        ("", ["psk.length", "psk.classes"]),
    ],
)
def test_psk_rules(psk: str, codes: list[str]) -> None:
    findings = check_psk(psk)
    assert [f.code for f in findings] == codes
    for finding in findings:
        assert finding.path == "psk"
        if len(psk) > 3:
            assert psk not in finding.message and psk not in finding.suggestion
