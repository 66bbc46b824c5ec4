"""Provider drivers behind one small interface; settings.WIZARD_PROVIDER chooses the one in use."""

from __future__ import annotations

from django.conf import settings

from wizard.providers.base import (
    ConnectionSpec,
    ConnectionState,
    CustomerGatewaySpec,
    GatewaySpec,
    GatewayState,
    PermanentProviderError,
    Provider,
    ProviderError,
    TransientProviderError,
)


def get_provider(name: str | None = None) -> Provider:
    """The configured driver (or the one named); imported lazily, as each driver needs its own client."""
    chosen = name or settings.WIZARD_PROVIDER
    if chosen == "sandbox":
        from wizard.providers.sandbox import SandboxProvider

        return SandboxProvider()
    if chosen == "huaweicloud":
        from wizard.providers.huaweicloud import HuaweiCloudProvider

        return HuaweiCloudProvider.from_settings()
    if chosen == "strongswan":
        from wizard.providers.strongswan import StrongSwanProvider

        return StrongSwanProvider.from_settings()
    raise ValueError(f"Unknown provider {chosen!r}; choose sandbox, huaweicloud or strongswan.")


__all__ = [
    "ConnectionSpec",
    "ConnectionState",
    "CustomerGatewaySpec",
    "GatewaySpec",
    "GatewayState",
    "PermanentProviderError",
    "Provider",
    "ProviderError",
    "TransientProviderError",
    "get_provider",
]
