"""Semi-analytic Heston (1993) European option prices: a test oracle in pure Python.

Only :mod:`math` and :mod:`cmath` are used (no NumPy/SciPy), with our own adaptive
Gauss-Legendre quadrature, so the module imports and runs unchanged in Pyodide.

Model (Heston 1993, eqs. 1-4), under the pricing measure::

    dS_t = (r - q) S_t dt + sqrt(V_t) S_t dW_t
    dV_t = kappa (theta - V_t) dt + xi sqrt(V_t) dB_t,     d<W, B>_t = rho dt

Price (Lewis 2000, "Option Valuation under Stochastic Volatility", ch. 2; Lewis 2001,
"A simple option formula for general jump-diffusion and other exponential Levy processes"),
with ``F = S e^{(r-q)T}``, ``D = e^{-rT}``, ``k = ln(F/K)`` and ``phi`` the characteristic
function of ``X_T = ln(S_T / F)``::

    C = D * ( F - sqrt(F K) / pi * Int_0^inf Re[ e^{iuk} phi(u - i/2) ] / (u^2 + 1/4) du )

and the put by put-call parity (the same integral: ``P = C - D (F - K)``). To make the
integrand small and fast-decaying we subtract the same formula for Black-Scholes with the
Heston model's expected total variance ``w`` (a control variate, like the Black-Scholes
control variates of QuantLib's ``AnalyticHestonEngine``)::

    C = C_BS(w) + D sqrt(F K) / pi
                  * Int_0^inf Re[ e^{iuk} (phi_BS - phi)(u - i/2) ] / (u^2 + 1/4) du

The characteristic function is the "little Heston trap" form (Albrecher, Mayer, Schoutens &
Tistaert 2007: the second of their two formulations, with ``e^{-dT}`` and ``g2``), which
they prove stays on the principal branch of the complex logarithm; we rewrite it so that it
has no cancellation as ``xi -> 0`` (see :func:`heston_log_cf`).
"""

from __future__ import annotations

import cmath
import math
import numbers
from collections.abc import Callable, Sequence

__all__ = ["heston_log_cf", "heston_price"]

# Absolute tolerance on the dimensionless Lewis integral; the price error is about
# D sqrt(FK) / pi times this (3e-13 at S = K = 100).
_INTEGRAL_TOLERANCE = 1e-14
# Gauss-Legendre order of each panel of the adaptive quadrature.
_GL_ORDER = 16
# Safety limits of the adaptive quadrature: exceeding them raises instead of returning a
# silently inaccurate price.
_MAX_ROUNDS = 60
_MAX_NODES = 2_000_000
# Error estimates below this multiple of a panel's integral of |f| are rounding noise.
_ROUNDING_FLOOR = 64.0 * 2.0**-52

Integrand = Callable[[Sequence[float]], tuple[Sequence[float], Sequence[float]]]
"""Maps nodes to integrand values and the sizes of the terms they were computed from."""
LogCfBatch = Callable[[Sequence[float]], Sequence[complex]]
"""Maps nodes ``u`` to ``ln phi(u - i/2)``, the log characteristic function of ``ln(S_T/F)``."""


class ArgumentTypeError(TypeError, ValueError):
    """A wrong argument type: a ``TypeError`` that is also a ``ValueError`` (docs/api.md)."""


# ----------------------------------------------------------------------------- validation


def _number(name: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ArgumentTypeError(f"{name} must be a number (got {type(x).__name__})")
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    return value


def _positive(name: str, x: object) -> float:
    value = _number(name, x)
    if value <= 0.0:
        raise ValueError(f"{name} must be > 0 (got {value})")
    return value


def _non_negative(name: str, x: object) -> float:
    value = _number(name, x)
    if value < 0.0:
        raise ValueError(f"{name} must be >= 0 (got {value})")
    return value


def _validate(
    kind: object,
    spot: object,
    strike: object,
    expiry: object,
    rate: object,
    dividend: object,
    v0: object,
    kappa: object,
    theta: object,
    xi: object,
    rho: object,
) -> tuple[str, float, float, float, float, float, float, float, float, float, float]:
    """Checks the Heston arguments in API order; the first broken rule raises ValueError."""
    if not isinstance(kind, str):
        raise ArgumentTypeError(f'kind must be "call" or "put" (got {type(kind).__name__})')
    if kind not in ("call", "put"):
        raise ValueError('kind must be "call" or "put"')
    out = (
        kind,
        _positive("spot", spot),
        _positive("strike", strike),
        _non_negative("expiry", expiry),
        _number("rate", rate),
        _number("dividend", dividend),
        _non_negative("v0", v0),
        _non_negative("kappa", kappa),
        _non_negative("theta", theta),
        _non_negative("xi", xi),
        _number("rho", rho),
    )
    if not -1.0 <= out[10] <= 1.0:
        raise ValueError(f"rho must be in [-1, 1] (got {out[10]})")
    return out


# ------------------------------------------------------------------ characteristic function


def _expm1(z: complex) -> complex:
    """``e^z - 1`` without cancellation for small ``|z|`` (cmath has no expm1)."""
    x, y = z.real, z.imag
    # e^{x+iy} - 1 = (e^x - 1) cos y - 2 sin^2(y/2) + i e^x sin y
    s = math.sin(0.5 * y)
    return complex(math.expm1(x) * math.cos(y) - 2.0 * s * s, math.exp(x) * math.sin(y))


def _log1p_over(w: complex) -> complex:
    """``ln(1 + w) / w`` (principal branch), accurate for small ``|w|``, 1 at ``w = 0``."""
    if abs(w) < 1e-4:
        # Taylor series: 1 - w/2 + w^2/3 - w^3/4 + w^4/5; remainder < |w|^5/6 < 2e-21
        return 1.0 - w * (0.5 - w * (1.0 / 3.0 - w * (0.25 - w * 0.2)))
    return cmath.log(1.0 + w) / w


def deterministic_variance(expiry: float, v0: float, kappa: float, theta: float) -> float:
    """Expected total variance ``w = E[int_0^T V_t dt]``.

    ``w = theta T + (v0 - theta)(1 - e^{-kappa T}) / kappa``, the integral of the mean of the
    CIR variance, ``theta + (v0 - theta) e^{-kappa t}`` (Cox, Ingersoll & Ross 1985);
    ``w = v0 T`` when ``kappa = 0``.
    """
    if kappa == 0.0:
        return v0 * expiry
    return theta * expiry - (v0 - theta) * math.expm1(-kappa * expiry) / kappa


def heston_log_cf(
    z: complex, expiry: float, v0: float, kappa: float, theta: float, xi: float, rho: float
) -> complex:
    """``ln E[exp(i z X_T)]`` for ``X_T = ln(S_T / F)`` under Heston, ``F`` the forward.

    Albrecher, Mayer, Schoutens & Tistaert (2007), "The little Heston trap", their second
    formulation; equivalently Gatheral, "The Volatility Surface" (2006), ch. 2::

        s  = z^2 + i z,   b = kappa - i rho xi z,   d = sqrt(b^2 + xi^2 s)   (Re d >= 0)
        r- = (b - d) / xi^2,   g = (b - d) / (b + d)
        D  = r- (1 - e^{-dT}) / (1 - g e^{-dT})
        C  = kappa ( r- T - 2/xi^2 ln[(1 - g e^{-dT}) / (1 - g)] )
        ln phi = theta C + v0 D

    Rewritten without cancellation as ``xi -> 0`` using ``b^2 - d^2 = -xi^2 s``:
    ``r- = -s / (b + d)``, ``g = -xi^2 s / (b + d)^2`` and, with
    ``w = g (1 - e^{-dT}) / (1 - g)``, ``ln[(1 - g e^{-dT})/(1 - g)] / xi^2 =
    (w / xi^2) ln(1 + w) / w``. At ``xi = 0`` the variance is deterministic and
    ``ln phi = -s w_det / 2`` with ``w_det`` from :func:`deterministic_variance`.
    """
    s = z * z + 1j * z
    if s == 0:  # z = 0 or z = -i: phi = 1 (normalisation and martingale property)
        return 0j
    if xi == 0.0:
        return -0.5 * s * deterministic_variance(expiry, v0, kappa, theta)
    b = kappa - 1j * rho * xi * z
    d = cmath.sqrt(b * b + xi * xi * s)
    bd = b + d  # never 0 here: b + d = 0 would need xi^2 s = 0
    r_minus = -s / bd
    g = xi * xi * r_minus / bd
    one_minus_e = -_expm1(-d * expiry)  # 1 - e^{-dT}
    e = 1.0 - one_minus_e
    big_d = r_minus * one_minus_e / (1.0 - g * e)
    w_over_xi2 = r_minus * one_minus_e / (bd * (1.0 - g))
    w = xi * xi * w_over_xi2
    big_c = kappa * (r_minus * expiry - 2.0 * w_over_xi2 * _log1p_over(w))
    return theta * big_c + v0 * big_d


# ------------------------------------------------------------------------ quadrature


def _gauss_legendre(n: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Nodes and weights of the n-point Gauss-Legendre rule on [-1, 1].

    Newton's method on the Legendre recurrence (Press et al., "Numerical Recipes", 3rd ed.,
    sec. 4.6, routine ``gauleg``), started at Tricomi's approximation of the roots.
    """
    nodes: list[float] = []
    weights: list[float] = []
    for i in range(1, n + 1):
        x = math.cos(math.pi * (i - 0.25) / (n + 0.5))
        for _ in range(100):
            p0, p1 = 1.0, x
            for j in range(2, n + 1):
                p0, p1 = p1, ((2 * j - 1) * x * p1 - (j - 1) * p0) / j
            dp = n * (x * p1 - p0) / (x * x - 1.0)
            dx = p1 / dp
            x -= dx
            if abs(dx) < 1e-16:
                break
        p0, p1 = 1.0, x
        for j in range(2, n + 1):
            p0, p1 = p1, ((2 * j - 1) * x * p1 - (j - 1) * p0) / j
        dp = n * (x * p1 - p0) / (x * x - 1.0)
        nodes.append(x)
        weights.append(2.0 / ((1.0 - x * x) * dp * dp))
    return tuple(nodes), tuple(weights)


_GL_NODES, _GL_WEIGHTS = _gauss_legendre(_GL_ORDER)


def _panel_nodes(a: float, b: float) -> list[float]:
    c, h = 0.5 * (a + b), 0.5 * (b - a)
    return [c + h * x for x in _GL_NODES]


def _panel_sum(a: float, b: float, values: Sequence[float]) -> float:
    """Gauss-Legendre integral over [a, b] of ``f`` given its values at the panel's nodes."""
    return 0.5 * (b - a) * math.fsum(w * v for w, v in zip(_GL_WEIGHTS, values, strict=True))


def integrate_to_infinity(f: Integrand, scale: float, tolerance: float) -> float:
    """``Int_0^inf f(u) du`` for a smooth integrand decaying at least like ``1/u^2``.

    ``f`` maps a batch of nodes to ``(values, sizes)``: ``sizes`` bounds the magnitude of the
    terms each value was computed from, so ``eps * size`` is the value's rounding error.

    Adaptive Gauss-Legendre bisection (each panel's error estimated as the difference
    between one ``_GL_ORDER``-point rule and the same rule on its two halves; the halves are
    kept), refined level by level so that ``f`` is called on whole batches of nodes (cheap
    for vectorised integrands). The domain is covered by octaves ``[0, scale]``,
    ``[scale, 2 scale]``, ``[2 scale, 4 scale]``, ... and extended while the last octave still
    holds more than ``tolerance / 100`` of ``Int |f|``. A panel is accepted once its error
    estimate is below ``tolerance`` times its share of the covered length, so the accepted
    errors sum to at most ``tolerance``, or below ``_ROUNDING_FLOOR`` times its integral of
    ``sizes`` (rounding noise, which refining cannot remove).

    Raises ``ArithmeticError`` if the limits ``_MAX_ROUNDS``/``_MAX_NODES`` are reached.
    """
    # a panel: (a, b, whole) where whole is the one-rule estimate (None until computed)
    active: list[tuple[float, float, float | None]] = []

    def add_octave(lo: float, hi: float) -> None:
        pieces = 4
        for i in range(pieces):
            active.append((lo + (hi - lo) * i / pieces, lo + (hi - lo) * (i + 1) / pieces, None))

    end = scale
    add_octave(0.0, end)
    add_octave(end, 2.0 * end)
    end *= 2.0
    accepted: list[float] = []
    nodes_used = 0
    n = _GL_ORDER
    for _ in range(_MAX_ROUNDS):
        nodes: list[float] = []
        for a, b, whole in active:
            m = 0.5 * (a + b)
            if whole is None:
                nodes += _panel_nodes(a, b)
            nodes += _panel_nodes(a, m)
            nodes += _panel_nodes(m, b)
        nodes_used += len(nodes)
        if nodes_used > _MAX_NODES:
            break
        values, sizes = f(nodes)
        pos = 0
        refine: list[tuple[float, float, float | None]] = []
        last_octave_abs = 0.0
        for a, b, whole in active:
            m = 0.5 * (a + b)
            if whole is None:
                whole = _panel_sum(a, b, values[pos : pos + n])
                pos += n
            left = _panel_sum(a, m, values[pos : pos + n])
            right = _panel_sum(m, b, values[pos + n : pos + 2 * n])
            noise = _ROUNDING_FLOOR * (
                _panel_sum(a, m, sizes[pos : pos + n])
                + _panel_sum(m, b, sizes[pos + n : pos + 2 * n])
            )
            if b > 0.5 * end:
                last_octave_abs += _panel_sum(a, m, [abs(v) for v in values[pos : pos + n]])
                last_octave_abs += _panel_sum(m, b, [abs(v) for v in values[pos + n : pos + 2 * n]])
            pos += 2 * n
            if abs(whole - (left + right)) <= max(tolerance * (b - a) / end, noise):
                accepted.append(left + right)
            else:
                refine.append((a, m, left))
                refine.append((m, b, right))
        active = refine
        if last_octave_abs > 0.01 * tolerance:
            add_octave(end, 2.0 * end)
            end *= 2.0
        if not active:
            return math.fsum(accepted)
    raise ArithmeticError("the Fourier integral did not converge within the quadrature limits")


# ----------------------------------------------------------------------------- pricing


def black_total_variance_price(
    kind: str, forward: float, strike: float, discount: float, w: float
) -> float:
    """Black (1976) price with total variance ``w = sigma^2 T``.

    ``w = 0`` gives the discounted intrinsic value of the forward, ``D max(±(F - K), 0)``.
    """
    sign = 1.0 if kind == "call" else -1.0
    if w <= 0.0:
        return discount * max(sign * (forward - strike), 0.0)
    sd = math.sqrt(w)
    d1 = math.log(forward / strike) / sd + 0.5 * sd
    d2 = d1 - sd
    # N(x) = erfc(-x / sqrt 2) / 2, accurate in both tails
    n1 = 0.5 * math.erfc(-sign * d1 / math.sqrt(2.0))
    n2 = 0.5 * math.erfc(-sign * d2 / math.sqrt(2.0))
    return discount * sign * (forward * n1 - strike * n2)


def lewis_price(
    kind: str,
    spot: float,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
    log_cf: LogCfBatch,
    control_variance: float,
    tolerance: float = _INTEGRAL_TOLERANCE,
) -> float:
    """European price from the log characteristic function of ``ln(S_T/F)`` (Lewis 2000).

    Implements the control-variate form in the module docstring; ``control_variance`` is the
    total variance of the Black-Scholes control (any value > 0 gives the same price, a close
    one makes the integrand small). ``expiry > 0`` assumed.
    """
    discount = math.exp(-rate * expiry)
    forward = spot * math.exp((rate - dividend) * expiry)
    k = math.log(forward / strike)
    w = control_variance

    def integrand(us: Sequence[float]) -> tuple[list[float], list[float]]:
        values = []
        sizes = []
        for u, lcf in zip(us, log_cf(us), strict=True):
            # z = u - i/2: s = z^2 + iz = u^2 + 1/4, so ln phi_BS(z) = -w (u^2 + 1/4) / 2
            q = u * u + 0.25
            bs = cmath.exp(complex(-0.5 * w * q, u * k))
            model = cmath.exp(lcf + 1j * u * k)
            values.append((bs - model).real / q)
            sizes.append((abs(bs) + abs(model)) / q)
        return values, sizes

    scale = 4.0 / math.sqrt(w)
    integral = integrate_to_infinity(integrand, scale, tolerance)
    base = black_total_variance_price(kind, forward, strike, discount, w)
    price = base + discount * math.sqrt(forward * strike) / math.pi * integral
    # Rounding (~1e-15 of the spot) must not take a far out-of-the-money price below the
    # no-arbitrage bound D max(±(F - K), 0), which it exceeds for any positive variance.
    sign = 1.0 if kind == "call" else -1.0
    return max(price, discount * max(sign * (forward - strike), 0.0))


def heston_price(
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
) -> float:
    """European option price under Heston (1993), semi-analytically.

    Lewis (2000) single-integral formula with a Black-Scholes control variate, the
    characteristic function of :func:`heston_log_cf` (Albrecher et al. 2007), and adaptive
    Gauss-Legendre quadrature; about 1e-12 absolute accuracy at ``S = K = 100``.

    Parameters follow docs/api.md: ``v0`` initial variance, ``kappa`` mean-reversion speed,
    ``theta`` long-run variance, ``xi`` volatility of variance, ``rho`` the correlation of
    spot and variance shocks.

    ``expiry = 0`` gives the intrinsic value; a variance that stays 0 (``v0 = 0`` and
    ``kappa theta = 0``) gives the discounted intrinsic value of the forward.

    Raises ``ValueError`` naming the parameter: spot, strike > 0; expiry, v0, kappa, theta,
    xi >= 0; rate, dividend finite; rho in [-1, 1]; kind "call" or "put".
    """
    kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho = _validate(
        kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho
    )
    sign = 1.0 if kind == "call" else -1.0
    if expiry == 0.0:
        return max(sign * (spot - strike), 0.0)
    w = deterministic_variance(expiry, v0, kappa, theta)
    if w == 0.0:  # v0 = 0 and kappa theta = 0: the variance stays 0
        discount = math.exp(-rate * expiry)
        forward = spot * math.exp((rate - dividend) * expiry)
        return discount * max(sign * (forward - strike), 0.0)

    def log_cf(us: Sequence[float]) -> list[complex]:
        return [heston_log_cf(complex(u, -0.5), expiry, v0, kappa, theta, xi, rho) for u in us]

    return lewis_price(kind, spot, strike, expiry, rate, dividend, log_cf, w)
