"""The lab skips where it cannot run, except in CI, where a missing prerequisite is a failure."""

from __future__ import annotations

import pytest

from tests import strongswan_lab


def test_missing_prerequisite_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(strongswan_lab, "missing_prerequisites", lambda: ["root privileges"])
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="root privileges"):
        strongswan_lab.require_lab()


def test_missing_prerequisite_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(strongswan_lab, "missing_prerequisites", lambda: ["the `ip` command"])
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="`ip` command"):
        strongswan_lab.require_lab()
