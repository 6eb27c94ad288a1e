"""The CPython baseline: Heston Monte Carlo as a per-path, per-step scalar loop.

Shaped like the seed's loop (docs/references.md: per path, per step, two scalar normal
draws per step) but correct: full-truncation Euler (Lord, Koekkoek & van Dijk, "A comparison of
biased simulation schemes for stochastic volatility models", Quantitative Finance 10(2), 2010:
``max(v, 0)`` in both the drift and the diffusion of the variance). The spot step uses the
variance at the *start* of the step, so its shock is not correlated with the variance it is
scaled by (the seed's bug); the log-spot is stepped (exact for constant variance), so ``E[S_T]``
is the forward up to discretisation error.

Pure Python (``math`` and ``random`` only): the same source runs under CPython (engine
``cpython-loop-stdlib``) and inside Pyodide (``pyodide-python``), which has no NumPy unless
loaded. The draws come from ``random.gauss``. The baseline of the speed goals, ``cpython-loop``,
is the same loop with the seed's scalar ``np.random.standard_normal()`` draws
(:mod:`benchmarks.heston_loop_numpy`); both are timed, side by side.
"""

from __future__ import annotations

import math
import random


def heston_mc_loop(
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
    rng = random.Random(seed)
    gauss = rng.gauss
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
            z1 = gauss(0.0, 1.0)
            z2 = gauss(0.0, 1.0)
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
