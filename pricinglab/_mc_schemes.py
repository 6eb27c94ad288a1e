"""Path schemes of the pure-Python Monte Carlo (:mod:`pricinglab.reference_mc`): GBM and Heston.

A scheme simulates one *sample*: its lanes in lockstep on the same random numbers. A lane is
one model *variant* (the base model, and with Greeks the two vega-bumped models) times one
*sign* (the path, and with antithetic sampling its mirror). ``simulate(rng)`` returns every
lane's terminal log-return ``x = ln(S_T / S_0)``, lane ``variant * signs + s``. The log-return
does not depend on ``S_0``, so the spot bumps of delta and gamma need no lanes of their own.

This is an independent implementation of the schemes of the Rust engine
(``wasm_core/src/monte_carlo/``), with Python's :class:`random.Random` streams instead of
Philox: the two agree in law, not draw for draw, and the tests compare them statistically.
Only :mod:`math` and :mod:`random` are used, so this module also runs in Pyodide.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Final, Protocol

__all__ = ["PSI_C", "XI_DETERMINISTIC", "Gbm", "Heston", "Scheme", "one_minus_exp_over"]

# Andersen's switching level between the quadratic and exponential samples (any value in
# [1, 2] works; 1.5 is his choice).
PSI_C: Final = 1.5
# Below this xi the variance is simulated as deterministic: the error is O(xi^2) in the price,
# while the scheme's rho/xi terms would cancel in rounding (as in heston.rs).
XI_DETERMINISTIC: Final = 1e-7
# Below this psi = s^2/m^2 the quadratic sample's noise (relative size sqrt(psi) = 1e-12) is
# dropped: b^2 ~ 4/psi would overflow before reaching the smallest doubles.
PSI_NEGLIGIBLE: Final = 1e-24
# Central discretisation of the integrated variance (Andersen's gamma_1 = gamma_2 = 1/2).
_GAMMA1: Final = 0.5
_GAMMA2: Final = 0.5
_SQRT_HALF: Final = math.sqrt(0.5)


class Scheme(Protocol):
    """One sample's lanes: ``simulate(rng)[variant * signs + s] = ln(S_T / S_0)``."""

    def simulate(self, rng: random.Random) -> list[float]: ...


def one_minus_exp_over(k: float, t: float) -> float:
    """``(1 - e^{-k t}) / k``, equal to ``t`` at ``k = 0`` (no cancellation for small ``k t``)."""
    return t if k == 0.0 else -math.expm1(-k * t) / k


class Gbm:
    """Geometric Brownian motion by its exact log-normal step (no discretisation bias)::

        ln S_{t+dt} = ln S_t + (r - q - vol^2/2) dt + vol sqrt(dt) Z

    (P. Glasserman, "Monte Carlo Methods in Financial Engineering", 2003, eq. 3.3). The
    ``steps`` normals of a path are summed, since every step adds the same drift; the mirror
    path uses ``-Z``. One volatility per variant.
    """

    def __init__(
        self, vols: Sequence[float], antithetic: bool, expiry: float, rate: float,
        dividend: float, steps: int,
    ) -> None:  # fmt: skip
        self._steps = steps
        self._signs = (1.0, -1.0) if antithetic else (1.0,)
        self._drift = [(rate - dividend - 0.5 * v * v) * expiry for v in vols]
        self._vol_sqrt_dt = [v * math.sqrt(expiry / steps) for v in vols]

    def simulate(self, rng: random.Random) -> list[float]:
        gauss = rng.gauss
        total = 0.0
        for _ in range(self._steps):
            total += gauss()
        return [
            drift + s * vol_dt * total
            for drift, vol_dt in zip(self._drift, self._vol_sqrt_dt, strict=True)
            for s in self._signs
        ]


class Heston:
    """Heston's model by Andersen's quadratic-exponential (QE) scheme with martingale correction.

    L. Andersen, "Efficient Simulation of the Heston Stochastic Volatility Model", J. Comput.
    Finance 11(3), 2008 (SSRN 946405); the parts are named, not numbered, because the SSRN and
    journal versions number them differently.

    * Variance: the next ``V`` matches the exact conditional mean and variance of the CIR
      transition, ``m = theta + (V - theta) e^{-kappa dt}``, ``s^2 = V xi^2 e^{-kappa dt}
      (1 - e^{-kappa dt}) / kappa + theta xi^2 (1 - e^{-kappa dt})^2 / (2 kappa)``. With
      ``psi = s^2/m^2 <= 1.5`` the quadratic sample ``a (b + Z_V)^2``, ``b^2 = 2/psi - 1 +
      sqrt(2/psi) sqrt(2/psi - 1)``, ``a = m/(1 + b^2)``; else the exponential sample with an
      atom at 0, ``p = (psi - 1)/(psi + 1)``, ``beta = (1 - p)/m``, ``V = ln((1 - p)/(1 - U_V))
      / beta`` for ``U_V > p``, else 0. Here ``U_V = Phi(Z_V)`` of one normal ``Z_V``, so the
      draw is monotone in ``Z_V`` and the mirror path uses ``-Z_V`` (that is, ``1 - U_V``);
      ``1 - U_V = Phi(-Z_V)`` is computed directly, without cancellation.
    * Spot: ``ln S += (r - q) dt + K0 + K1 V_t + K2 V_{t+dt} + sqrt(K3 V_t + K4 V_{t+dt}) Z``,
      ``K1 = g1 dt (kappa rho/xi - 1/2) - rho/xi``, ``K2 = g2 dt (kappa rho/xi - 1/2) + rho/xi``,
      ``K3 = g1 dt (1 - rho^2)``, ``K4 = g2 dt (1 - rho^2)``, ``g1 = g2 = 1/2``.
    * Martingale correction: ``K0 = -ln M(A) - (K1 + K3/2) V_t``, ``A = K2 + K4/2``, with
      ``M(A) = E[exp(A V_{t+dt}) | V_t]`` of the *sampled* law: quadratic ``exp(A b^2 a /
      (1 - 2 A a)) / sqrt(1 - 2 A a)`` (for ``A < 1/(2a)``), exponential ``p + beta (1 - p) /
      (beta - A)`` (for ``A < beta``). Then ``E[S_{t+dt} | S_t, V_t] = S_t e^{(r-q) dt}``
      exactly. Where ``M(A)`` is infinite (large ``dt`` with ``rho > 0``) Andersen's
      uncorrected ``K0 = -rho kappa theta dt / xi`` is used.

    With ``xi < XI_DETERMINISTIC`` the variance is deterministic (``V_{t+dt} = m``) and the
    spot step ``(r - q - Vbar/2) dt + sqrt(Vbar dt) Z``, ``Vbar`` the trapezoid mean.

    ``v0_theta`` holds one ``(v0, theta)`` per variant; ``kappa, xi, rho`` are shared.
    """

    def __init__(
        self, kappa: float, xi: float, rho: float, v0_theta: Sequence[tuple[float, float]],
        antithetic: bool, expiry: float, rate: float, dividend: float, steps: int,
    ) -> None:  # fmt: skip
        dt = expiry / steps
        self._steps = steps
        self._signs = (1.0, -1.0) if antithetic else (1.0,)
        self._drift_dt = (rate - dividend) * dt
        self._deterministic = xi < XI_DETERMINISTIC
        if self._deterministic:
            k1, k2, k3, k4 = -0.5 * _GAMMA1 * dt, -0.5 * _GAMMA2 * dt, _GAMMA1 * dt, _GAMMA2 * dt
        else:
            r = rho / xi
            k1 = _GAMMA1 * dt * (kappa * r - 0.5) - r
            k2 = _GAMMA2 * dt * (kappa * r - 0.5) + r
            k3 = _GAMMA1 * dt * (1.0 - rho * rho)
            k4 = _GAMMA2 * dt * (1.0 - rho * rho)
        self._k = (k1, k2, k3, k4)
        self._decay = math.exp(-kappa * dt)
        b = one_minus_exp_over(kappa, dt)  # (1 - e^{-kappa dt}) / kappa
        # Per variant: v0, m = V decay + shift, s^2 = V s2_v + s2_c, uncorrected K0.
        self._variants = [
            (
                v0,
                theta * kappa * b,
                xi * xi * self._decay * b,
                0.5 * xi * xi * theta * kappa * b * b,
                0.0 if self._deterministic else -rho * kappa * theta * dt / xi,
            )
            for v0, theta in v0_theta
        ]

    def simulate(self, rng: random.Random) -> list[float]:
        gauss = rng.gauss
        draws = [(gauss(), gauss()) for _ in range(self._steps)]
        return [self._path(variant, s, draws) for variant in self._variants for s in self._signs]

    def _path(
        self,
        variant: tuple[float, float, float, float, float],
        sign: float,
        draws: list[tuple[float, float]],
    ) -> float:
        v, shift, s2_v, s2_c, k0_plain = variant
        k1, k2, k3, k4 = self._k
        a_coef = k2 + 0.5 * k4
        k13 = k1 + 0.5 * k3
        decay, drift_dt = self._decay, self._drift_dt
        log, sqrt, erfc = math.log, math.sqrt, math.erfc
        x = 0.0
        for z_v, z in draws:
            m = v * decay + shift
            if self._deterministic:
                v_next, k0 = m, 0.0
            else:
                z_v *= sign
                log_mgf: float | None
                s2 = v * s2_v + s2_c
                if not (m > 0.0 and math.isfinite(m)):
                    v_next, log_mgf = 0.0, 0.0  # mean 0: the variance stays at 0
                elif (psi := s2 / (m * m)) <= PSI_NEGLIGIBLE:
                    v_next, log_mgf = m, a_coef * m
                elif psi <= PSI_C:
                    two_over = 2.0 / psi
                    b2 = two_over - 1.0 + sqrt(two_over * (two_over - 1.0))
                    a = m / (1.0 + b2)
                    root = sqrt(b2) + z_v
                    v_next = a * root * root
                    denom = 1.0 - 2.0 * a_coef * a
                    log_mgf = a_coef * b2 * a / denom - 0.5 * log(denom) if denom > 0.0 else None
                else:
                    one_minus_p = 2.0 / (psi + 1.0)  # 1 - p without cancellation
                    beta = one_minus_p / m
                    one_minus_u = 0.5 * erfc(z_v * _SQRT_HALF)  # 1 - Phi(z_v)
                    v_next = (
                        log(one_minus_p / one_minus_u) / beta if one_minus_u < one_minus_p else 0.0
                    )
                    p = 1.0 - one_minus_p
                    mgf = (
                        p + beta * one_minus_p / (beta - a_coef)
                        if a_coef < beta
                        else (p if beta <= 0.0 and a_coef <= 0.0 else 0.0)
                    )
                    log_mgf = log(mgf) if mgf > 0.0 else None
                k0 = k0_plain if log_mgf is None else -log_mgf - k13 * v
            var_dt = k3 * v + k4 * v_next
            x += drift_dt + k0 + k1 * v + k2 * v_next + sqrt(max(var_dt, 0.0)) * sign * z
            v = v_next
        return x
