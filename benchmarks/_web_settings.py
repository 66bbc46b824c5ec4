"""The project's settings with the web benchmark's URLconf (benchmarks/_web_urls.py); nothing else differs."""

from wizard.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks._web_urls"
