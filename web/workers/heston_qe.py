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
MIN_SAMPLES_FOR_CONTROL = 64  # as the engine: fewer pairs report the plain mean


def _qe(
    m: float, s2: float, u: float, a_coef: float, inv_cdf: Callable[[float], float]
) -> tuple[float, float | None]:
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
        if denom <= 0.0:
            return v_next, None
        return v_next, a_coef * b2 * a / denom - 0.5 * math.log1p(-2.0 * a_coef * a)
    one_minus_p = 2.0 / (psi + 1.0)
    p = 1.0 - one_minus_p
    beta = one_minus_p / m
    v_next = 0.0 if (u <= p or beta <= 0.0) else math.log(one_minus_p / (1.0 - u)) / beta
    if a_coef < beta:
        return v_next, math.log(p + beta * one_minus_p / (beta - a_coef))
    if beta <= 0.0 and a_coef <= 0.0:
        return v_next, math.log(p)
    return v_next, None


def heston_qe_mc(
    p: dict[str, Any], progress: Callable[[float], Any] | None = None
) -> dict[str, Any]:
    """Prices a European option under Heston by QE Monte Carlo.

    ``p`` as the engine's params: ``kind, spot, strike, expiry, rate, dividend, v0, kappa, theta,
    xi, rho, paths, steps, seed``. ``progress(fraction)`` is called every few hundred pairs.
    Returns ``{price, std_error, ci_low, ci_high, paths, steps}``.
    """
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
    uniform, gauss, sqrt, qe = rng.random, rng.gauss, math.sqrt, _qe
    k1_k3 = k1 + 0.5 * k3

    # Per pair: the discounted payoff Y and the control C = e^{-rT} S_T - S e^{-qT} (mean 0: the
    # scheme is martingale-corrected), running means and co-moments (Welford / Chan et al.).
    forward_pv = spot * math.exp(-dividend * expiry)
    mean_y = mean_c = 0.0
    m2_y = m2_c = c_yc = 0.0
    for n in range(1, pairs + 1):
        xa = xb = 0.0
        va = vb = v0
        for _ in range(steps):
            u = uniform()
            while u == 0.0:  # QE needs u in (0, 1), as the engine's uniforms are
                u = uniform()
            z = gauss(0.0, 1.0)
            # The antithetic pair: lane a draws (u, z), lane b (1 - u, -z).
            if deterministic:
                na, nb, k0a, k0b = va * decay + mean_shift, vb * decay + mean_shift, 0.0, 0.0
            else:
                na, la = qe(va * decay + mean_shift, va * s2_v + s2_c, u, a_coef, inv_cdf)
                nb, lb = qe(vb * decay + mean_shift, vb * s2_v + s2_c, 1.0 - u, a_coef, inv_cdf)
                k0a = k0_plain if la is None else -la - k1_k3 * va
                k0b = k0_plain if lb is None else -lb - k1_k3 * vb
            wa = k3 * va + k4 * na
            wb = k3 * vb + k4 * nb
            xa += drift_dt + k0a + k1 * va + k2 * na + (sqrt(wa) * z if wa > 0.0 else 0.0)
            xb += drift_dt + k0b + k1 * vb + k2 * nb - (sqrt(wb) * z if wb > 0.0 else 0.0)
            va, vb = na, nb
        y = c = 0.0
        for x in (xa, xb):
            s_t = spot * math.exp(x)
            y += 0.5 * discount * max(sign * (s_t - strike), 0.0)
            c += 0.5 * (discount * s_t - forward_pv)
        dy = y - mean_y
        dc = c - mean_c
        mean_y += dy / n
        mean_c += dc / n
        m2_y += dy * (y - mean_y)
        m2_c += dc * (c - mean_c)
        c_yc += dy * (c - mean_c)
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n / pairs)
    # The regression (control variate) estimator, as the engine reports it (Glasserman 2003,
    # sec. 4.1.1): price = mean(Y) - beta mean(C), beta = Cov(Y, C) / Var(C), standard error from
    # the residuals (n - 2); the plain mean below MIN_SAMPLES_FOR_CONTROL pairs.
    n = pairs
    if n >= MIN_SAMPLES_FOR_CONTROL and m2_c > 0.0:
        beta = c_yc / m2_c
        price = mean_y - beta * mean_c
        residual = max(m2_y - beta * c_yc, 0.0)
        std_error = math.sqrt(residual / (n - 2) / n)
    else:
        price = mean_y
        std_error = math.sqrt(m2_y / (n - 1) / n) if n > 1 else 0.0
    return {
        "price": price,
        "std_error": std_error,
        "ci_low": price - Z_95 * std_error,
        "ci_high": price + Z_95 * std_error,
        "paths": 2 * pairs,
        "steps": steps,
    }
