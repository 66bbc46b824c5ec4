"""Per-user limits on expensive endpoints (live validation, plan import, downloads)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_htmx.http import reswap, retarget

View = Callable[..., HttpResponse]
logger = logging.getLogger(__name__)


def rate_limited(scope: str) -> Callable[[View], View]:
    """Allow settings.RATE_LIMITS[scope] calls per user (or address) a minute; then 429 with a message."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            limit = settings.RATE_LIMITS[scope]
            who = (
                f"user:{request.user.pk}"
                if request.user.is_authenticated
                else f"ip:{request.META.get('REMOTE_ADDR')}"
            )
            window = int(time.time() // 60)
            key = f"ratelimit:{scope}:{who}:{window}"
            try:
                cache.add(key, 0, timeout=61)
                count = cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=61)
                count = 1
            except Exception:  # noqa: BLE001 — an unreachable cache must not take the page down.
                logger.warning("rate limit cache unavailable; %s not counted", scope, exc_info=True)
                count = 0
            if count > limit:
                message = (
                    f"Too many requests: at most {limit} per minute are allowed here. "
                    f"Wait {60 - int(time.time()) % 60} seconds and try again."
                )
                htmx = bool(getattr(request, "htmx", False))
                # A whole page for a plain request; for htmx a fragment, placed atop the page's main region
                # because the element that asked may swap nothing (live validation).
                template = "includes/rate_limited.html" if htmx else "429.html"
                body = render_to_string(template, {"message": message}, request=request)
                response = HttpResponse(body, status=429)
                response["Retry-After"] = str(60 - int(time.time()) % 60)
                if htmx:
                    response = reswap(retarget(response, "#main"), "afterbegin")
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
