"""Pausing the cyclic garbage collector around allocation-heavy, cycle-free work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Parsing and validating a large plan allocates hundreds of thousands of small objects and no reference
    cycles; the collector would rescan the whole growing heap many times over (turning linear work
    super-linear) without ever finding garbage. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
