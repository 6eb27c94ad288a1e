"""Rough Heston path scheme of the pure-Python Monte Carlo (:mod:`pricinglab.reference_mc`).

A port of the Rust engine's scheme (``wasm_core/src/monte_carlo/rough_heston.rs`` and
``kernel.rs``, where the derivation is written out), with Python's random streams. Only
:mod:`math` and :mod:`random` are used.

Model (El Euch & Rosenbaum, "The characteristic function of rough Heston models", Math.
Finance 29 (2019)), ``a = hurst + 1/2``, ``K(t) = t^(a-1)/Gamma(a)``, ``Kbar(t) = t^a/Gamma(a+1)``::

    V_t = v0 + kappa theta Kbar(t) + int_0^t K(t - s) dY_s,   dY = -kappa V dt + xi sqrt(V) dB
    d ln S = (r - q - V/2) dt + sqrt(V) dW,                   d<W, B> = rho dt

Scheme: the integrated variance ``X`` and ``Z = int sqrt(V) dB`` step by step, after
E. Abi Jaber & E. Attal, "Simulating integrated Volterra square-root processes and Volterra
Heston models via Inverse Gaussian", arXiv:2504.19885 (2025) ("iVi"). Step ``k``'s increment
``dY_k`` is collocated at ``t_k + (1 - c) dt`` with ``c^a = 1/(a + 1)``; with ``Omega =
Kbar(c dt)`` and ``alpha_k = G_k + (memory of earlier steps)``, ``(1 + kappa Omega) dX_k -
xi Omega dZ_k = alpha_k`` makes ``dX_k`` an Inverse Gaussian with mean ``alpha_k/(1 + kappa
Omega)`` and shape ``(alpha_k/(xi Omega))^2``, drawn exactly (Michael, Schucany & Haas, Amer.
Statist. 30 (1976)); then ``dZ_k = ((1 + kappa Omega) dX_k - alpha_k)/(xi Omega)`` and
``ln S += (r - q) dt - dX/2 + rho dZ + sqrt((1 - rho^2) dX) N``, a martingale step (Wald's
identity). A step whose ``alpha_k <= 0`` accrues no variance.

Memory: ``Kbar(t_{k+1} - s) - Kbar(t_k - s) ~ sum_i c_i b_i e^{-x_i (t_k - s)}``,
``b_i = (1 - e^{-x_i dt})/x_i``, from a quadrature of the kernel's Laplace measure
``mu(dx) = sin(pi a)/pi x^(-a) dx`` (Abi Jaber & El Euch, "Multifactor approximation of rough
volatility models", SIAM J. Financial Math. 10 (2019)): a two-point Gauss rule for the weight
``x^(-a)`` on ``[0, 1/(2T)]``, then 4-point Gauss-Legendre rules in ``ln x`` on intervals of
log-width 2 up to ``40/dt``. At ``hurst = 1/2`` one factor ``(c, x) = (1, 0)``: Heston.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from operator import mul
from typing import Final

from ._mc_schemes import XI_DETERMINISTIC, one_minus_exp_over

__all__ = ["RoughHeston", "collocation", "inverse_gaussian", "kernel_factors"]

_GL_POINTS: Final = 4
_LOG_WIDTH: Final = 2.0
_LOWEST_EDGE: Final = 0.5
_DROP_RATE: Final = 40.0
# 4-point Gauss-Legendre abscissae and weights on [-1, 1] (Abramowitz & Stegun, Table 25.4).
_GL4_X: Final = (
    -0.8611363115940526,
    -0.3399810435848563,
    0.3399810435848563,
    0.8611363115940526,
)
_GL4_W: Final = (0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538)


def kernel_factors(a: float, expiry: float, dt: float) -> tuple[list[float], list[float]]:
    """``(c, x)`` with ``t^(a-1)/Gamma(a) ~ sum_i c_i e^{-x_i t}`` on ``[dt, expiry]``."""
    if a >= 1.0:
        return [1.0], [0.0]
    density = math.sin(math.pi * a) / math.pi
    c: list[float] = []
    x: list[float] = []
    # [0, L]: two-point Gauss for the weight y^(-a) on [0, 1] (x = L y), from its moments
    # m_k = 1/(k + 1 - a): the nodes are the roots of y^2 + p y + q orthogonal to 1 and y.
    edge = _LOWEST_EDGE / expiry
    m = [1.0 / (k + 1.0 - a) for k in range(4)]
    det = m[1] * m[1] - m[0] * m[2]
    p = (m[0] * m[3] - m[1] * m[2]) / det
    q = (m[2] * m[2] - m[1] * m[3]) / det
    disc = math.sqrt(p * p - 4.0 * q)
    y1, y2 = 0.5 * (-p - disc), 0.5 * (-p + disc)
    w2 = (m[1] - y1 * m[0]) / (y2 - y1)
    w1 = m[0] - w2
    scale = density * edge ** (1.0 - a)
    for y, w in ((y1, w1), (y2, w2)):
        c.append(w * scale)
        x.append(y * edge)
    # [L, 40/dt]: Gauss-Legendre in u = ln x, where mu(dx) = density e^{(1-a) u} du.
    u_lo = math.log(edge)
    u_hi = math.log(_DROP_RATE / dt)
    intervals = max(math.ceil((u_hi - u_lo) / _LOG_WIDTH), 0)
    for k in range(intervals):
        mid = u_lo + (k + 0.5) * _LOG_WIDTH
        for gx, gw in zip(_GL4_X, _GL4_W, strict=True):
            u = mid + 0.5 * _LOG_WIDTH * gx
            c.append(gw * 0.5 * _LOG_WIDTH * density * math.exp((1.0 - a) * u))
            x.append(math.exp(u))
    return c, x


def collocation(a: float) -> float:
    """The collocation point ``c``, ``c^a = 1/(a + 1)`` (1/2 for Heston): it makes the step's
    ``Cov(dX, dZ)`` exact, ``Kbar(c dt) = int_0^dt Kbar(u) du / dt``."""
    return float((a + 1.0) ** (-1.0 / a))


def inverse_gaussian(mu: float, ratio: float, nu: float, u: float) -> float:
    """An Inverse Gaussian draw with mean ``mu > 0`` and ``mu/shape = ratio >= 0`` from a
    chi-square(1) variate ``nu`` and a uniform ``u`` (Michael, Schucany & Haas 1976): the smaller
    root ``y = mu / (1 + s/2 + sqrt(s (s + 4))/2)``, ``s = ratio nu``, with probability
    ``mu/(mu + y)``, else ``mu^2/y``."""
    s = ratio * nu
    y = mu / (1.0 + 0.5 * s + 0.5 * math.sqrt(s * (s + 4.0)))
    return y if u * (mu + y) <= mu else mu * (mu / y)


class RoughHeston:
    """Rough Heston lanes (module docs); one ``(v0, theta)`` per variant."""

    def __init__(
        self, kappa: float, xi: float, rho: float, hurst: float,
        v0_theta: Sequence[tuple[float, float]], antithetic: bool, expiry: float, rate: float,
        dividend: float, steps: int,
    ) -> None:  # fmt: skip
        a = hurst + 0.5
        dt = expiry / steps
        c_factors, x_factors = kernel_factors(a, expiry, dt) if expiry > 0.0 else ([1.0], [0.0])
        c = collocation(a)
        self._decay = [math.exp(-x * dt) for x in x_factors]
        self._decay_own = [math.exp(-x * c * dt) for x in x_factors]
        self._weight = [
            ci * one_minus_exp_over(x, dt) for ci, x in zip(c_factors, x_factors, strict=True)
        ]
        ga1 = math.gamma(a + 1.0)

        def kbar2(t: float) -> float:  # int_0^t Kbar = t^(a+1) / Gamma(a+2)
            return float(t ** (a + 1.0)) / (ga1 * (a + 1.0))

        # G_k = int over step k of (v0 + kappa theta Kbar(t)) dt, per variant.
        self._g = [
            [v0 * dt + kappa * theta * (kbar2((k + 1) * dt) - kbar2(k * dt)) for k in range(steps)]
            for v0, theta in v0_theta
        ]
        self._signs = (1.0, -1.0) if antithetic else (1.0,)
        self._steps = steps
        self._dt = dt
        self._drift_dt = (rate - dividend) * dt
        self._rho = rho
        self._deterministic = xi < XI_DETERMINISTIC
        self._omega = float((c * dt) ** a) / ga1
        self._one_k_omega = 1.0 + kappa * self._omega
        self._xi_omega = xi * self._omega
        self._ratio_num = self._xi_omega * self._xi_omega / self._one_k_omega
        self._sqrt_1mr2 = math.sqrt(max(1.0 - rho * rho, 0.0))

    def simulate(self, rng: random.Random) -> list[float]:
        gauss, uniform = rng.gauss, rng.random
        draws = []
        for _ in range(self._steps):
            nv = gauss()
            draws.append((nv * nv, uniform(), gauss()))
        return [self._path(g, s, draws) for g in self._g for s in self._signs]

    def _path(self, g: list[float], sign: float, draws: list[tuple[float, float, float]]) -> float:
        decay, decay_own, weight = self._decay, self._decay_own, self._weight
        one_k_omega, xi_omega, omega = self._one_k_omega, self._xi_omega, self._omega
        ratio_num, rho, drift_dt = self._ratio_num, self._rho, self._drift_dt
        deterministic, sqrt_1mr2 = self._deterministic, self._sqrt_1mr2
        sqrt = math.sqrt
        factors = [0.0] * len(decay)
        x = 0.0
        for g_k, (nu, u, z) in zip(g, draws, strict=True):
            alpha = g_k + sum(map(mul, factors, weight))
            if not alpha > 0.0:  # also NaN: the memory predicts no variance over this step
                x += drift_dt
                dy = 0.0
            else:
                if deterministic:
                    dx, dz = alpha / one_k_omega, 0.0
                    diffusion = sqrt(dx)
                else:
                    u_s = u if sign > 0.0 else 1.0 - u
                    dx = inverse_gaussian(alpha / one_k_omega, ratio_num / alpha, nu, u_s)
                    dz = (one_k_omega * dx - alpha) / xi_omega
                    diffusion = sqrt_1mr2 * sqrt(dx)
                x += drift_dt - 0.5 * dx + rho * dz + diffusion * sign * z
                dy = (dx - alpha) / omega  # = -kappa dX + xi dZ
            factors = [
                d * f + d_own * dy for f, d, d_own in zip(factors, decay, decay_own, strict=True)
            ]
        return x
