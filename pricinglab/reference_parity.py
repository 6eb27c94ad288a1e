"""Pure-Python put-call parity fit: the reference backend's :func:`parity_forward` and the tests'
oracle for the engine's (``wasm_core/src/parity.rs``), written independently from the same
method.

``C(K) - P(K) = D (F - K)`` at every strike (Merton 1973), so over the strikes quoted on both
sides the points ``(K, C - P)`` lie on a line of slope ``-D`` and intercept ``D F``. First the
least-median-of-squares line over the lines through every two points (P. J. Rousseeuw, "Least
median of squares regression", JASA 79 (1984)); then least squares over the points within
``OUTLIER_MADS`` median absolute deviations of it (plus ``1e-9 (max |C - P| + 1)`` for
rounding). With ``discount`` given the slope is fixed: a median, then a mean.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from ._errors import PricingError

__all__ = ["parity_forward"]

OUTLIER_MADS = 5.0
MIN_PAIRS = 2


def _line(
    pairs: Sequence[tuple[float, float]], keep: Sequence[int], slope: float | None
) -> tuple[float, float]:
    xs = [pairs[i][0] for i in keep]
    ys = [pairs[i][1] for i in keep]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    if slope is None:
        sxx = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my - slope * mx, slope


def _robust_line(pairs: Sequence[tuple[float, float]], slope: float | None) -> tuple[float, float]:
    if slope is not None:
        return statistics.median(y - slope * x for x, y in pairs), slope
    best = (math.inf, 0.0, 0.0)
    for i, (x1, y1) in enumerate(pairs):
        for x2, y2 in pairs[i + 1 :]:
            if x2 == x1:
                continue
            b = (y2 - y1) / (x2 - x1)
            a = y1 - b * x1
            score = statistics.median((y - a - b * x) ** 2 for x, y in pairs)
            if score < best[0]:
                best = (score, a, b)
    return best[1], best[2]


def parity_forward(
    strike: Sequence[float],
    call: Sequence[float],
    put: Sequence[float],
    discount: float | None = None,
) -> dict[str, Any]:
    """``{forward, discount, pairs, used_pairs, used}`` (see :func:`pricinglab.parity_forward`)."""
    strikes, calls, puts = ([float(v) for v in c] for c in (strike, call, put))
    for name, column in (("call", calls), ("put", puts)):
        if len(column) != len(strikes):
            raise PricingError(
                f"{name} must have one price per strike ({len(strikes)}); got {len(column)}"
            )
    rows = [i for i in range(len(strikes)) if not (math.isnan(calls[i]) or math.isnan(puts[i]))]
    pairs = [(strikes[i], calls[i] - puts[i]) for i in rows]
    if len({x for x, _ in pairs}) < MIN_PAIRS:
        raise PricingError(
            f"strike must have at least {MIN_PAIRS} distinct strikes quoted with both a call "
            f"and a put price; got {len({x for x, _ in pairs})}"
        )
    fixed = None if discount is None else -float(discount)
    a, b = _robust_line(pairs, fixed)
    residuals = [y - (a + b * x) for x, y in pairs]
    mad = statistics.median(abs(e) for e in residuals)
    level = max(abs(y) for _, y in pairs) + 1.0
    keep = [i for i, e in enumerate(residuals) if abs(e) <= OUTLIER_MADS * mad + 1e-9 * level]
    if len({pairs[i][0] for i in keep}) >= MIN_PAIRS or (fixed is not None and keep):
        a, b = _line(pairs, keep, fixed)
    else:
        keep = list(range(len(pairs)))
    d = -b
    forward = a / d if d != 0 else math.nan
    if not (d > 0 and math.isfinite(d) and forward > 0 and math.isfinite(forward)):
        raise PricingError(
            f"call and put prices imply a discount factor {d} and a forward {forward} by "
            "put-call parity (C - P = D (F - K)); both must be > 0"
        )
    used = [False] * len(strikes)
    for i in keep:
        used[rows[i]] = True
    return {
        "forward": forward,
        "discount": d,
        "pairs": len(pairs),
        "used_pairs": len(keep),
        "used": used,
    }
