"""The CPython baseline of the speed goals: the seed's per-path, per-step loop, made correct.

docs/references.md describes the seed's loop: per path, per step, two scalar
``np.random.standard_normal()`` draws, an Euler variance step floored at 1e-8, then the spot step
with the *new* variance (biased: E[S_T] = 94.8 instead of the forward 105.1). This is that loop's
shape and cost (two scalar NumPy draws a step, a per-step Python body of the same size) with a
correct scheme: full-truncation Euler (Lord, Koekkoek & van Dijk, "A comparison of biased
simulation schemes for stochastic volatility models", Quantitative Finance 10(2), 2010:
``max(v, 0)`` in both the drift and the diffusion of the variance), the log spot stepped with
the variance at the *start* of the step. The scheme is the one of :mod:`benchmarks.heston_loop`
(the stdlib-``random`` variant, engine ``cpython-loop-stdlib``, which also runs in Pyodide);
only the source of the normal draws differs.

NumPy's legacy ``RandomState`` (what the module-level ``np.random.standard_normal`` uses), seeded,
its bound method held in a local: the loop pays for the scalar draw itself, not for looking up
``np.random`` twice per draw.
"""

from __future__ import annotations

import math

import numpy as np


def heston_mc_loop_numpy(
    kind: str,
    spot: float,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
    v0: float,
    kappa: float,
    theta: float,
    xi: float,
    rho: float,
    paths: int,
    steps: int,
    seed: int,
) -> tuple[float, float]:
    """The discounted mean payoff and its standard error over ``paths`` independent paths."""
    normal = np.random.RandomState(seed).standard_normal
    dt = expiry / steps
    sqrt_dt = math.sqrt(dt)
    rho_bar = math.sqrt(1.0 - rho * rho)
    drift = (rate - dividend) * dt
    sign = 1.0 if kind == "call" else -1.0
    discount = math.exp(-rate * expiry)
    total = 0.0
    total_sq = 0.0
    for _ in range(paths):
        x = 0.0  # ln(S_t / S_0)
        v = v0
        for _ in range(steps):
            z1 = normal()
            z2 = normal()
            vp = v if v > 0.0 else 0.0  # full truncation: max(v, 0) in drift and diffusion
            sv = math.sqrt(vp) * sqrt_dt
            x += drift - 0.5 * vp * dt + sv * z1
            v += kappa * (theta - vp) * dt + xi * sv * (rho * z1 + rho_bar * z2)
        payoff = sign * (spot * math.exp(x) - strike)
        value = discount * payoff if payoff > 0.0 else 0.0
        total += value
        total_sq += value * value
    mean = total / paths
    variance = max(total_sq / paths - mean * mean, 0.0) * paths / max(paths - 1, 1)
    return mean, math.sqrt(variance / paths)
