"""Device configuration rendering: per-platform templates fed with a plain dict built from a plan."""

from wizard.rendering.engine import RenderedConfig, devices, render_all, render_cloud_side, render_config
from wizard.rendering.errors import ConfigError
from wizard.rendering.platforms import PLATFORM_NAMES, PLATFORMS

__all__ = [
    "PLATFORMS",
    "PLATFORM_NAMES",
    "ConfigError",
    "RenderedConfig",
    "devices",
    "render_all",
    "render_cloud_side",
    "render_config",
]
