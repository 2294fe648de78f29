"""Shared benchmark helpers: alternate runs, medians, the RESULT line."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def alternate(citycourse: Callable[[], object], reference: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Run both `rounds` times, alternating, and return the two medians in seconds."""
    ours, refs = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        reference()
        refs.append(time.perf_counter() - start)
        start = time.perf_counter()
        citycourse()
        ours.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(refs)


def result(name: str, ours: float, ref: float, size: int, **extra: object) -> str:
    tail = "".join(f" {k}={v}" for k, v in extra.items())
    return f"RESULT {name} ratio={ours / ref:.2f} citycourse_s={ours:.4f} reference_s={ref:.4f} size={size}{tail}"
