"""The seed's CPython Heston loop, as the write-up this project answers printed it: timing only.

Per path, per step: two scalar ``np.random.standard_normal()`` draws, an Euler step of the
variance floored at 1e-8, then the spot step with the *new* variance, through ``np.sqrt`` and
``np.exp`` on Python floats. That ordering correlates the variance used with the step's own
spot shock, so the scheme is biased (on the benchmark's contract E[S_T] is ~95 instead of the
forward ~105, and the put ~9.5 instead of the analytic 5.49): it is here only so the speed
goals can be stated against the code as written. :mod:`benchmarks.heston_loop_numpy` is the same
loop shape with a correct scheme, and the suite's baseline.
"""

from __future__ import annotations

import math

import numpy as np


def heston_mc_loop_seed(
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
    """The discounted mean payoff and its standard error, by the seed's biased loop."""
    np.random.seed(seed)
    dt = expiry / steps
    sign = 1.0 if kind == "call" else -1.0
    discount = math.exp(-rate * expiry)
    total = 0.0
    total_sq = 0.0
    for _ in range(paths):
        s = spot
        v = v0
        for _ in range(steps):
            z1 = np.random.standard_normal()
            z2 = rho * z1 + np.sqrt(1 - rho**2) * np.random.standard_normal()
            v = max(v + kappa * (theta - v) * dt + xi * np.sqrt(v * dt) * z2, 1e-8)
            s = s * np.exp((rate - dividend - 0.5 * v) * dt + np.sqrt(v * dt) * z1)
        payoff = discount * max(sign * (s - strike), 0.0)
        total += payoff
        total_sq += payoff * payoff
    mean = total / paths
    var = max(total_sq / paths - mean * mean, 0.0) * paths / (paths - 1)
    return float(mean), math.sqrt(var / paths)
