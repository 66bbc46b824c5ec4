"""The one exception the renderer raises."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration cannot be generated; `message` is shown to the user as is.

    `path` points at the plan field responsible (e.g. "ike.dh_group"), "" when no single field is.
    """

    def __init__(self, message: str, *, path: str = "", suggestion: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.suggestion = suggestion

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" {self.suggestion}" if self.suggestion else ""
        return f"{where}{self.message}{hint}"
