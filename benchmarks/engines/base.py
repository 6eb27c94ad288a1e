"""What every engine returns, and the timing loop of the in-process (Python) engines."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

T = TypeVar("T")


class EngineUnavailable(RuntimeError):
    """The engine cannot run here (a missing tool or package); the reason is the message."""


@dataclass
class Measurement:
    """One engine's run of one task.

    ``times``: seconds of each timed repeat (warm-up runs excluded). ``price``/``std_error``: the
    Monte Carlo estimate (Heston). ``values``: the output column (batch tasks). ``info``: what the
    engine ran (scheme, threads, ...), copied into the record.
    """

    times: list[float]
    price: float | None = None
    std_error: float | None = None
    values: NDArray[np.float64] | None = None
    info: dict[str, Any] = field(default_factory=dict)


def time_calls(fn: Callable[[], T], repeats: int, warmup: int) -> tuple[list[float], T]:
    """Runs ``fn`` ``warmup`` times untimed, then ``repeats`` times timed; returns the times and
    the last result (all runs compute the same thing)."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1 (got {repeats})")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result
