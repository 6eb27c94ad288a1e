"""Heston Monte Carlo in pure Python (no NumPy): the Python lane of the lab page's race.

The same scheme as the wasm engine (wasm_core/src/monte_carlo/heston.rs), step for step:
Andersen's quadratic-exponential (QE) variance step with the martingale-corrected log-spot step
(L. Andersen, "Efficient Simulation of the Heston Stochastic Volatility Model", J. Comput. Finance
11(3), 2008: eqs. 17-18 for the moments, 23-30 for the QE sample, 33 for the spot with central
weights 1/2, and the martingale correction K0* built from the moment generating function of the
sampled variance), antithetic pairs (U, Z) and (1 - U, -Z), ``paths`` rounded up to an even number
of paths in ``paths / 2`` pairs. Random numbers come from Python's Mersenne Twister, so the price
agrees with the engine's within standard errors, not digit for digit.

Written as a careful Python programmer would (locals hoisted out of the loops, no tricks), so the
race compares languages, not effort.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from statistics import NormalDist
from typing import Any

PSI_C = 1.5  # Andersen's switch between the quadratic and exponential samples
XI_DETERMINISTIC = 1e-7  # below this vol of variance the variance path is deterministic
PSI_NEGLIGIBLE = 1e-24  # below this s^2/m^2 the quadratic sample's noise is dropped
Z_95 = 1.959963984540054  # two-sided 95% normal quantile
PROGRESS_EVERY = 256  # pairs between progress calls


def _qe(m: float, s2: float, u: float, a_coef: float, inv_cdf: Callable[[float], float]) -> tuple[float, float | None]:
    """Andersen's QE draw with mean ``m`` and variance ``s2`` from the uniform ``u``, and
    ``ln E[exp(a_coef V)]`` of the sampled law (None when infinite)."""
    if m <= 0.0 or not math.isfinite(m):
        return 0.0, 0.0
    psi = s2 / (m * m)
    if psi <= PSI_NEGLIGIBLE:
        return m, a_coef * m
    if psi <= PSI_C:
        two_over = 2.0 / psi
        b2 = two_over - 1.0 + math.sqrt(two_over) * math.sqrt(two_over - 1.0)
        a = m / (1.0 + b2)
        b = math.sqrt(b2)
        z = inv_cdf(u)
        v_next = a * (b + z) * (b + z)
        denom = 1.0 - 2.0 * a_coef * a
        log_mgf = a_coef * b2 * a / denom - 0.5 * math.log1p(-2.0 * a_coef * a) if denom > 0.0 else None
        return v_next, log_mgf
    one_minus_p = 2.0 / (psi + 1.0)
    p = 1.0 - one_minus_p
    beta = one_minus_p / m
    v_next = 0.0 if (u <= p or beta <= 0.0) else math.log(one_minus_p / (1.0 - u)) / beta
    if a_coef < beta:
        log_mgf: float | None = math.log(p + beta * one_minus_p / (beta - a_coef))
    elif beta <= 0.0 and a_coef <= 0.0:
        log_mgf = math.log(p)
    else:
        log_mgf = None
    return v_next, log_mgf


def heston_qe_mc(p: dict[str, Any], progress: Callable[[float], Any] | None = None) -> dict[str, Any]:
    """Prices a European option under Heston by QE Monte Carlo; ``p`` as the engine's params
    (``kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho, paths, steps, seed``)."""
    sign = 1.0 if p["kind"] == "call" else -1.0
    spot, strike, expiry = float(p["spot"]), float(p["strike"]), float(p["expiry"])
    rate, dividend = float(p["rate"]), float(p["dividend"])
    v0, kappa, theta, xi, rho = (float(p[k]) for k in ("v0", "kappa", "theta", "xi", "rho"))
    steps = int(p["steps"])
    pairs = (int(p["paths"]) + 1) // 2
    rng = random.Random(int(p["seed"]))
    inv_cdf = NormalDist().inv_cdf

    dt = expiry / steps
    decay = math.exp(-kappa * dt)
    b = dt if kappa == 0.0 else -math.expm1(-kappa * dt) / kappa  # (1 - e^{-kappa dt}) / kappa
    mean_shift = theta * kappa * b
    s2_v = xi * xi * decay * b
    s2_c = xi * xi * theta * kappa * b * b * 0.5
    deterministic = xi < XI_DETERMINISTIC
    if deterministic:
        k1, k2, k3, k4, k0_plain = -0.25 * dt, -0.25 * dt, 0.5 * dt, 0.5 * dt, 0.0
    else:
        r = rho / xi
        k1 = 0.5 * dt * (kappa * r - 0.5) - r
        k2 = 0.5 * dt * (kappa * r - 0.5) + r
        k3 = k4 = 0.5 * dt * (1.0 - rho * rho)
        k0_plain = -rho * kappa * theta * dt / xi
    a_coef = k2 + 0.5 * k4
    drift_dt = (rate - dividend) * dt
    discount = math.exp(-rate * expiry)
    uniform, gauss, sqrt = rng.random, rng.gauss, math.sqrt

    mean = 0.0
    m2 = 0.0
    for n in range(1, pairs + 1):
        payoff = 0.0
        xa = xb = 0.0
        va = vb = v0
        for _ in range(steps):
            u = uniform()
            while u == 0.0:  # QE needs u in (0, 1), as the engine's uniforms are
                u = uniform()
            z = gauss(0.0, 1.0)
            # lane a: (u, z); lane b: (1 - u, -z)
            for lane in (0, 1):
                v_now = va if lane == 0 else vb
                m = v_now * decay + mean_shift
                if deterministic:
                    v_next, k0 = m, 0.0
                else:
                    v_next, log_mgf = _qe(m, v_now * s2_v + s2_c, u if lane == 0 else 1.0 - u, a_coef, inv_cdf)
                    k0 = k0_plain if log_mgf is None else -log_mgf - (k1 + 0.5 * k3) * v_now
                var_dt = k3 * v_now + k4 * v_next
                shock = sqrt(var_dt) * z if var_dt > 0.0 else 0.0
                dx = drift_dt + k0 + k1 * v_now + k2 * v_next + (shock if lane == 0 else -shock)
                if lane == 0:
                    xa += dx
                    va = v_next
                else:
                    xb += dx
                    vb = v_next
        for x in (xa, xb):
            payoff += 0.5 * max(sign * (spot * math.exp(x) - strike), 0.0)
        delta = payoff - mean
        mean += delta / n
        m2 += delta * (payoff - mean)
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n / pairs)
    price = discount * mean
    std_error = discount * math.sqrt(m2 / (pairs - 1) / pairs) if pairs > 1 else math.nan
    return {
        "price": price,
        "std_error": std_error,
        "ci_low": price - Z_95 * std_error,
        "ci_high": price + Z_95 * std_error,
        "paths": 2 * pairs,
        "steps": steps,
    }
