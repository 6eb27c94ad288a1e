"""Pure-Python reference formulas: the native oracle and the CPython baseline.

Only :mod:`math` from the standard library is used, so this module runs unchanged in
Pyodide. It is a second implementation, independent of the Rust crate (which uses Cody's
erfcx and Jäckel's "Let's Be Rational"): tests compare the two, and both with mpmath, SciPy
and QuantLib. :func:`monte_carlo` (GBM, Heston, rough Heston) lives in
:mod:`pricinglab.reference_mc` and is re-exported here.

Model: Black-Scholes-Merton with a continuous dividend yield. With ``D = e^{-rT}``,
``F = S e^{(r-q)T}``, ``x = ln(F/K)``, ``s = vol·√T``,
``d1 = x/s + s/2``, ``d2 = d1 - s`` (Merton 1973; Haug, "The Complete Guide to Option
Pricing Formulas", 2nd ed. 2007, ch. 1, the generalized formula with cost of carry
``b = r - q``)::

    call = D (F N(d1) - K N(d2)),     put = D (K N(-d2) - F N(-d1))

How the price stays accurate far out of the money
-------------------------------------------------
Written as above, an out-of-the-money price is a difference of two nearly equal numbers
when ``s`` is small next to ``max(1, |x|/s)``: ``F N(d1)/(K N(d2)) -> 1`` and the
subtraction loses up to ``log10(|x|/s²)`` digits. Instead we price the out-of-the-money
option (the call if ``F < K``, else the put; the in-the-money one adds the intrinsic value
of the forward by put-call parity) from the exact identity, with ``z = -d2 > 0`` of the
out-of-the-money option and ``B`` its discounted strike-side amount::

    OTM = B φ(z) I(z, s),   I(z, s) = ∫_0^∞ (e^{su} - 1) e^{-zu - u²/2} du
                                    = m(z - s) - m(z)          (m = Mills ratio)
                                    = Σ_{k>=1} s^k J_k(z) / k!,  J_k(z) = ∫_0^∞ u^k e^{-zu-u²/2} du

(substitute ``Z = z + u`` in the risk-neutral expectation). Every term of the series is
positive, so where the difference ``m(z - s) - m(z)`` would cancel (``s < max(1, z)/4``)
the series sums it without cancellation. The ``J_k`` obey
``J_{k+1} = k J_{k-1} - z J_k`` (integration by parts), used forwards for ``z <= 2`` and,
where that is unstable, as the backward ratio recurrence ``J_k/J_{k-1} = k/(z + J_{k+1}/J_k)``
(Miller's algorithm; Gautschi, "Computational aspects of three-term recurrence relations",
SIAM Review 9 (1967)), whose ``k = 0`` step is Laplace's continued fraction for ``m``.

The normal tail uses the Mills ratio ``m(z) = Φ(-z)/φ(z)``: from ``math.erfc`` with the
rounding of ``z/√2`` corrected to first order for ``z < 5``, and from Laplace's continued
fraction ``m(z) = 1/(z+ 1/(z+ 2/(z+ 3/(z+ ...))))`` (Abramowitz & Stegun 26.2.14) beyond.
``e^{-z²/2}`` is evaluated from an exact split of ``z²`` (Dekker 1971), so it is as accurate
as ``math.exp``.

Remaining error: the price is computed to a few ulps of the exact value *of the computed*
``x`` and ``s``; those carry one or two roundings, which far out of the money (price
``~ e^{-z²/2}``) move the price by about ``z² ·`` 1e-16 relative, as perturbing the inputs
by an ulp would.
"""

from __future__ import annotations

import math
from typing import Any, Final

from ._args import fill
from ._engine import TABLES, validate
from ._errors import PricingError
from .heston import heston_price
from .reference_mc import monte_carlo

__all__ = [
    "GREEK_NAMES",
    "black_scholes",
    "greeks",
    "heston_price",
    "implied_vol",
    "monte_carlo",
    "norm_cdf",
    "norm_pdf",
    "rough_heston_price",
]


def rough_heston_price(
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
    hurst: float,
    **options: int,
) -> float:
    """Rough Heston semi-analytic price: :func:`pricinglab.rough.rough_heston_price` (the
    fractional Riccati equation, El Euch & Rosenbaum 2019). It needs NumPy, so it is imported
    on first use and the rest of this module stays ``math``-only (it also runs in Pyodide)."""
    from .rough import rough_heston_price as price

    return price(
        kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho, hurst, **options
    )


# The Greeks in docs/api.md order (after "price"), and the engine's texts of the errors this
# module reaches by its own computation: the argument rules themselves are the engine's
# (`validate`), so both backends reject the same inputs with the same messages.
GREEK_NAMES: Final[tuple[str, ...]] = tuple(TABLES["greek_names"])
_MESSAGES: Final[dict[str, dict[str, Any]]] = TABLES["messages"]


def _error(name: str, **numbers: float) -> PricingError:
    """The engine's error ``name`` (``api_tables()["messages"]``) with these numbers."""
    message = _MESSAGES[name]
    return PricingError(fill(message["template"], **numbers), message["status"])


_EPS: Final = 2.0**-52
_SQRT1_2: Final = 0.7071067811865476  # 1/√2 rounded to double
_SQRT1_2_LO: Final = -4.833646656726457e-17  # 1/√2 - _SQRT1_2
_SQRT2: Final = 1.4142135623730951
_INV_SQRT_2PI: Final = 0.3989422804014327  # 1/√(2π)
_LN_SQRT_2PI: Final = 0.9189385332046728  # ln √(2π)
_SPLIT: Final = 134217729.0  # 2^27 + 1: Veltkamp/Dekker split into 26-bit halves

# Mills ratio: erfc route below this, continued fraction at and above it (both ~1-2 ulp).
_MILLS_CF_FROM: Final = 5.0
# Out-of-the-money price by the series when s < _SERIES_RATIO * max(1, z); elsewhere the
# difference m(z - s) - m(z) loses at most a factor ~1/_SERIES_RATIO (measured: <= 5 ulp).
_SERIES_RATIO: Final = 0.25
# J_k recurrence: forwards for z <= this (measured against mpmath: <= 1.7e-15 relative up to
# z = 2, 0.8e-15 up to z = 1), backward ratios above it, where the forward recurrence loses
# more and the backward one needs a depth ~400/z² that is affordable.
_FORWARD_RECURRENCE_UP_TO: Final = 2.0
_SERIES_MAX_TERMS: Final = 60
# Backward branch: z > 2 and s < z/4, so terms shrink at least 4-fold: 30 reach 1e-18.
_BACKWARD_TERMS: Final = 30
# Below this many multiples of φ's smallest normal value, φ(z) is rescaled through logs.
_PDF_UNDERFLOW: Final = 1e-290


# ----------------------------------------------------------------------------- helpers


def _exp(x: float) -> float:
    """``e^x``, with ``inf`` instead of an OverflowError (absurd rates times expiries)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _mul_exp(x: float, a: float) -> float:
    """``x e^a`` without a spurious overflow or underflow of ``e^a`` alone (``K e^{-rT}`` with
    ``rT = 1000`` and ``K = 1e300`` is about 1e-134, although ``e^{-1000}`` underflows)."""
    y = x * _exp(a)
    if (y == 0.0 or math.isinf(y)) and x > 0.0:
        y = _exp(math.log(x) + a)
    return y


def _finite_or_raise(value: float, what: str) -> float:
    """``value`` if finite; else the error of docs/api.md's "never NaN/inf" rule (status 13)."""
    if math.isfinite(value):
        return value
    raise _error("out_of_double_range")


# ----------------------------------------------------------------------------- normal law


def _exp_neg_half_square(z: float) -> float:
    """``e^{-z²/2}`` to the accuracy of ``math.exp``: ``z = hi + lo`` with ``hi`` of 26 bits,
    so ``hi²`` is exact and ``z² - hi² = lo (z + hi)`` is small (Dekker 1971)."""
    z = abs(z)
    if z < 1.0:
        return math.exp(-0.5 * z * z)
    if z > 40.0:  # below the smallest subnormal
        return 0.0
    c = _SPLIT * z
    hi = c - (c - z)
    lo = z - hi
    return math.exp(-0.5 * hi * hi) * math.exp(-0.5 * lo * (z + hi))


def norm_pdf(z: float) -> float:
    """Standard normal density ``φ(z) = e^{-z²/2}/√(2π)``, accurate in the tails.

    Examples
    --------
    >>> round(norm_pdf(0.0), 15)
    0.398942280401433
    """
    return _INV_SQRT_2PI * _exp_neg_half_square(z)


def _scaled_pdf(scale: float, z: float) -> float:
    """``scale · φ(z)`` without losing digits when ``φ(z)`` alone would be subnormal."""
    p = norm_pdf(z)
    if p > _PDF_UNDERFLOW or scale <= 0.0:
        return scale * p
    z = abs(z)
    if z > 60.0:  # e^{-1800}: zero even times the largest double
        return 0.0
    c = _SPLIT * z
    hi = c - (c - z)
    lo = z - hi
    return math.exp(math.log(scale) - _LN_SQRT_2PI - 0.5 * hi * hi) * math.exp(-0.5 * lo * (z + hi))


def _two_product_error(a: float, b: float, p: float) -> float:
    """The rounding error ``a·b - p`` of ``p = fl(a·b)``, exactly (Dekker 1971)."""
    ca = _SPLIT * a
    ah = ca - (ca - a)
    al = a - ah
    cb = _SPLIT * b
    bh = cb - (cb - b)
    bl = b - bh
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _mills(z: float) -> float:
    """Mills ratio ``m(z) = Φ(-z)/φ(z)`` for ``z >= 0``, to 1-2 ulps.

    ``z < 5``: ``½ erfc(z/√2)/φ(z)`` (A&S 26.2.29). The argument ``y = fl(z/√2)`` misses
    ``z/√2`` by ``δ`` (computed exactly with Dekker's product and the low part of 1/√2), an
    error erfc would amplify about ``z²``-fold; since ``erfc'(y) = -2/√π e^{-y²}`` and
    ``e^{-y²} = √(2π) φ(z)``, the first-order correction to ``m`` is ``-√2 δ``.
    ``z >= 5``: Laplace's continued fraction (A&S 26.2.14), evaluated backwards from a depth
    that converges to double precision (depth measured against mpmath).
    """
    if z < _MILLS_CF_FROM:
        y = z * _SQRT1_2
        delta = _two_product_error(z, _SQRT1_2, y) + z * _SQRT1_2_LO  # z/√2 - y
        return 0.5 * math.erfc(y) / norm_pdf(z) - _SQRT2 * delta
    depth = 20 + int(400.0 / (z * z))
    t = 0.0
    for k in range(depth, 0, -1):
        t = k / (z + t)
    return 1.0 / (z + t)


def norm_cdf(z: float) -> float:
    """Standard normal distribution function ``Φ(z)``, relative accuracy in both tails.

    Examples
    --------
    >>> norm_cdf(0.0)
    0.5
    >>> f"{norm_cdf(-30.0):.6e}"
    '4.906714e-198'
    """
    if z < 0.0:
        return norm_pdf(z) * _mills(-z)
    return 1.0 - norm_pdf(z) * _mills(z)


def _series_i(z: float, s: float) -> float:
    """``I(z, s) = Σ_{k>=1} s^k J_k(z)/k!`` (module docstring), all terms positive.

    With ``a_k = s^k J_k/k!`` the recurrence reads ``a_{k+1} = s (s a_{k-1} - z a_k)/(k+1)``.
    """
    j0 = _mills(z)
    if z <= _FORWARD_RECURRENCE_UP_TO:
        previous, term = j0, s * (1.0 - z * j0)  # a_0, a_1 (J_1 = 1 - z J_0)
        total = term
        for k in range(1, _SERIES_MAX_TERMS):
            previous, term = term, s * (s * previous - z * term) / (k + 1)
            total += term
            if abs(term) <= 0.25 * _EPS * total:
                break
        return total
    # Backward ratios r_k = J_k / J_{k-1} = k / (z + r_{k+1}), started deep enough that the
    # first _BACKWARD_TERMS have converged (error ~ e^{-2z(√depth - √k)}).
    depth = _BACKWARD_TERMS + 20 + int(400.0 / (z * z))
    ratios = [0.0] * (_BACKWARD_TERMS + 1)
    r = 0.0
    for k in range(depth, 0, -1):
        r = k / (z + r)
        if k <= _BACKWARD_TERMS:
            ratios[k] = r
    term, total = j0, 0.0
    for k in range(1, _BACKWARD_TERMS + 1):
        term *= s * ratios[k] / k
        total += term
        if term <= 0.25 * _EPS * total:
            break
    return total


# ----------------------------------------------------------------------------- the market


def _log_moneyness(
    spot: float, strike: float, expiry: float, rate: float, dividend: float
) -> float:
    """``x = ln(F/K) = ln(S/K) + (r - q)T`` with ``ln(S/K)`` to a relative ulp or two.

    Near ``S = K``, ``S - K`` is exact (Sterbenz) and ``log1p`` keeps the relative accuracy
    that ``log(S/K)`` would lose to the rounding of ``S/K``.
    """
    ratio = spot / strike
    if 0.5 <= ratio <= 2.0:
        lm = math.log1p((spot - strike) / strike)
    elif 0.0 < ratio < math.inf:
        lm = math.log(ratio)
    else:  # S/K under- or overflowed
        lm = math.log(spot) - math.log(strike)
    return lm + (rate - dividend) * expiry


def _forward_intrinsic(x: float, df: float, dk: float) -> float:
    """``|D (F - K)| = |S e^{-qT} - K e^{-rT}|`` as accurately as the inputs allow:
    ``K e^{-rT} |e^x - 1|`` near the money (no cancellation), the difference elsewhere."""
    if abs(x) < 0.5:
        return dk * abs(math.expm1(x))
    return abs(df - dk)


def _otm_value(a: float, s: float, small: float) -> float:
    """Value of the out-of-the-money option with ``a = |x|``, ``s > 0``.

    ``small = A`` is its discounted forward-side amount (``S e^{-qT}`` for the OTM call,
    ``K e^{-rT}`` for the OTM put), so ``OTM = A (Φ(d) - φ(d) m(z))`` with ``d = s/2 - a/s``
    (its ``d1``) and ``z = s/2 + a/s`` (its ``-d2``); ``A φ(d) = B φ(z)``.
    """
    z = 0.5 * s + a / s
    d = 0.5 * s - a / s
    if s < _SERIES_RATIO * max(1.0, z):
        return _scaled_pdf(small, d) * _series_i(z, s)
    if d < 0.0:
        return _scaled_pdf(small, d) * (_mills(-d) - _mills(z))
    return small * (norm_cdf(d) - norm_pdf(d) * _mills(z))


def _price(
    theta: float,
    spot: float,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
    vol: float,
) -> float:
    """Black-Scholes-Merton price of a validated contract; ``theta`` = +1 call, -1 put."""
    if expiry == 0.0:
        return max(theta * (spot - strike), 0.0)
    x = _log_moneyness(spot, strike, expiry, rate, dividend)
    df = _mul_exp(spot, -dividend * expiry)
    dk = _mul_exp(strike, -rate * expiry)
    s = vol * math.sqrt(expiry)
    itm = theta * x > 0.0
    intrinsic = _forward_intrinsic(x, df, dk) if itm else 0.0
    if s == 0.0:
        return _finite_or_raise(intrinsic, "price")
    small = df if x < 0.0 else dk  # the OTM option's forward-side amount
    return _finite_or_raise(intrinsic + _otm_value(abs(x), s, small), "price")


# ----------------------------------------------------------------------------- Greeks


def _limit_greeks(
    theta: float, spot: float, strike: float, expiry: float, rate: float, dividend: float
) -> dict[str, float]:
    """The Greeks as ``vol·√expiry -> 0+`` (docs/api.md, "Limits").

    The value is the deterministic ``max(±(S e^{-qT} - K e^{-rT}), 0)``; away from the kink
    ``F = K`` its Greeks are those of ``±(S e^{-qT} - K e^{-rT})`` in the money and 0 out of
    it. Exactly at the kink, delta, theta, charm, rho and epsilon take the mean of the two
    sides (the smooth part; delta: half its jump), vega-type Greeks keep their finite limits
    as ``vol -> 0`` at fixed ``expiry > 0`` (vega ``S e^{-qT}√T φ(0)``, vanna
    ``e^{-qT}√T φ(0)/2``, volga 0, veta ``vega (q + (r-q)/2 - 1/(2T))``), and the Greeks whose
    limit is infinite (gamma, speed, zomma, color; veta at ``T = 0``) are 0.
    """
    eq = _exp(-dividend * expiry)
    df = spot * eq
    dk = _mul_exp(strike, -rate * expiry)
    x = (
        _log_moneyness(spot, strike, expiry, rate, dividend)
        if expiry > 0.0
        else _log_moneyness(spot, strike, 0.0, 0.0, 0.0)
    )
    g = dict.fromkeys(("price", *GREEK_NAMES), 0.0)
    if x == 0.0:
        weight = 0.5
    elif theta * x > 0.0:
        weight = 1.0
        g["price"] = _forward_intrinsic(x, df, dk) if expiry > 0.0 else theta * (spot - strike)
    else:
        return g
    g["delta"] = weight * theta * eq
    g["theta"] = weight * theta * (dividend * df - rate * dk)
    g["charm"] = weight * theta * dividend * eq
    g["rho"] = weight * theta * expiry * dk
    g["epsilon"] = -weight * theta * expiry * df
    if x == 0.0 and expiry > 0.0:
        root_t = math.sqrt(expiry)
        g["vega"] = df * root_t * _INV_SQRT_2PI
        g["vanna"] = 0.5 * eq * root_t * _INV_SQRT_2PI
        g["veta"] = g["vega"] * (dividend + 0.5 * (rate - dividend) - 0.5 / expiry)
    return g


def _greeks(
    theta: float,
    spot: float,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
    vol: float,
) -> dict[str, float]:
    """Price and the 13 Greeks of a validated contract (docs/api.md conventions).

    Closed forms of Haug (2007), ch. 2 ("Black-Scholes-Merton Greeks"; his names in
    brackets), with cost of carry ``b = r - q``, ``A = e^{-qT} φ(d1)``,
    ``Δ = ±e^{-qT} N(±d1)``; the signs of the time Greeks are those of calendar time
    (``-d/d expiry``), checked against mpmath in tests/test_reference.py::

        gamma = A/(S s)                         speed = -gamma (1 + d1/s)/S   [DgammaDspot]
        vega  = S A √T                          vanna = -A d2/vol             [DdeltaDvol]
        volga = vega d1 d2/vol       [DvegaDvol] zomma = gamma (d1 d2 - 1)/vol [DgammaDvol]
        charm = q Δ - A (b/s - d2/(2T))                                       [DdeltaDtime]
        color = gamma (q + b d1/s + (1 - d1 d2)/(2T))                         [DgammaDtime]
        veta  = vega (q + b d1/s - (1 + d1 d2)/(2T))                          [DvegaDtime]
        rho   = ±T K e^{-rT} N(±d2)             epsilon = ∓T S e^{-qT} N(±d1) [Phi/Rho-2]

    Theta comes from the Black-Scholes-Merton PDE applied to the out-of-the-money option
    (``theta = r V - b S Δ - ½ vol² S² gamma`` with its accurate price and delta: Haug's
    theta rearranged by the PDE), plus, for the in-the-money one, the theta
    ``±(q S e^{-qT} - r K e^{-rT})`` of the forward it holds by parity. The PDE form has no
    spurious cancellation between the ``N(d1)`` and ``N(d2)`` terms far out of the money, the
    parity term none deep in it.
    A value that overflows (``s`` tiny at the money) is replaced by its ``s -> 0`` limit
    (:func:`_limit_greeks`).
    """
    s = vol * math.sqrt(expiry)
    if s == 0.0:
        limits = _limit_greeks(theta, spot, strike, expiry, rate, dividend)
        for name, value in limits.items():
            _finite_or_raise(value, name)
        return limits
    root_t = math.sqrt(expiry)
    x = _log_moneyness(spot, strike, expiry, rate, dividend)
    d1 = x / s + 0.5 * s
    d2 = d1 - s
    eq = _exp(-dividend * expiry)
    df = spot * eq
    dk = _mul_exp(strike, -rate * expiry)
    carry = rate - dividend
    small = df if x < 0.0 else dk  # the OTM option's forward-side amount
    otm_price = _otm_value(abs(x), s, small)
    itm = theta * x > 0.0
    price = otm_price + (_forward_intrinsic(x, df, dk) if itm else 0.0)
    if theta > 0.0:
        n1, n2 = norm_cdf(d1), norm_cdf(d2)
    else:
        n1, n2 = norm_cdf(-d1), norm_cdf(-d2)
    delta = theta * eq * n1
    pdf_term = _scaled_pdf(eq, d1)  # A = e^{-qT} φ(d1)
    g: dict[str, float] = {"price": price, "delta": delta}
    if pdf_term == 0.0:
        # Far from the money every density term vanishes (and 0·inf must not make a NaN).
        gamma = speed = vega = volga = vanna = zomma = charm_density = color = veta = 0.0
        half_var_gamma = 0.0
    else:
        gamma = pdf_term / spot / s
        speed = -gamma * (1.0 + d1 / s) / spot
        vega = spot * pdf_term * root_t
        vanna = -pdf_term * d2 / vol
        volga = vega * d1 * d2 / vol
        zomma = gamma * (d1 * d2 - 1.0) / vol
        charm_density = pdf_term * (carry / s - d2 / (2.0 * expiry))
        color = gamma * (dividend + carry * d1 / s + (1.0 - d1 * d2) / (2.0 * expiry))
        veta = vega * (dividend + carry * d1 / s - (1.0 + d1 * d2) / (2.0 * expiry))
        half_var_gamma = 0.5 * vol * spot * pdf_term / root_t  # ½ vol² S² gamma
    g["gamma"] = gamma
    g["speed"] = speed
    g["vega"] = vega
    g["volga"] = volga
    g["vanna"] = vanna
    g["zomma"] = zomma
    otm_delta = eq * norm_cdf(d1) if x < 0.0 else -eq * norm_cdf(-d1)
    g["theta"] = rate * otm_price - carry * spot * otm_delta - half_var_gamma
    if itm:
        g["theta"] += theta * (dividend * df - rate * dk)
    g["charm"] = dividend * delta - charm_density
    g["color"] = color
    g["veta"] = veta
    g["rho"] = theta * expiry * dk * n2
    g["epsilon"] = -theta * expiry * df * n1
    if not all(math.isfinite(v) for v in g.values()):
        limits = _limit_greeks(theta, spot, strike, expiry, rate, dividend)
        g = {k: (v if math.isfinite(v) else limits[k]) for k, v in g.items()}
        for name, value in g.items():
            _finite_or_raise(value, name)
    return g


# ----------------------------------------------------------------------------- implied vol

# Prices this many ulps (of the larger discounted amount) below the lower bound are taken
# to be at it: the bound itself is computed with a few roundings (docs/references.md: deep ITM
# prices that carry ~1e-15 of time value must not be "below intrinsic").
_LOWER_BOUND_SLACK_ULPS: Final = 4.0
_IV_MAX_ITERATIONS: Final = 100
# Newton/Halley stop when the step is below this many ulps of s.
_IV_STEP_ULPS: Final = 2.0


def _bound_error(below: bool, price: float, bound: float) -> PricingError:
    """The error of a price outside the no-arbitrage bounds, as the engine's
    ``PriceBelowLowerBound`` / ``PriceAtOrAboveUpperBound`` (batch status 9 / 10)."""
    name = "price_below_lower_bound" if below else "price_at_or_above_upper_bound"
    return _error(name, bound=bound, price=price)


class _Objective:
    """``f(s)`` increasing in ``s``, zero at the implied ``s``, with ``f'`` and ``f''``.

    For the out-of-the-money option normalised by its forward-side amount,
    ``o(s) = OTM/A = Φ(d) - φ(d) m(z)``, ``d = s/2 - a/s``, ``z = s/2 + a/s``, ``o' = φ(d)`` and
    ``o''/o' = z (a/s² - ½)``. Two objectives, chosen by the target ``o*``:

    - lower, ``o* < ½``: ``f = ln o(s) - ln o*`` (nearly ``-a²/(2s²)`` far out of the money);
      ``f' = o'/o``, ``f'' = c f' - f'²``;
    - upper, ``o* >= ½``: ``f = ln(1 - o*) - ln(1 - o(s))`` with
      ``1 - o = Φ(-d) + φ(d) m(z)`` (no cancellation) and ``1 - o*`` exact (Sterbenz);
      ``f' = o'/(1 - o)``, ``f'' = c f' + f'²``;

    with ``c = z (a/s² - ½)``. Both are evaluated in logarithms, so a target of 1e-300 is no
    harder than 0.1.
    """

    def __init__(self, a: float, target: float, log_target: float) -> None:
        self.a = a
        self.upper = target >= 0.5
        self.log_target = math.log1p(-target) if self.upper else log_target

    def __call__(self, s: float) -> tuple[float, float, float]:
        a = self.a
        z = 0.5 * s + a / s
        d = 0.5 * s - a / s
        log_pdf = -0.5 * d * d - _LN_SQRT_2PI
        c = z * (a / s / s - 0.5)
        if not self.upper:
            if s < _SERIES_RATIO * max(1.0, z) or d < 0.0:
                i = _series_i(z, s) if s < _SERIES_RATIO * max(1.0, z) else _mills(-d) - _mills(z)
                log_o = log_pdf + math.log(i)
                slope = 1.0 / i
            else:
                o = norm_cdf(d) - norm_pdf(d) * _mills(z)
                log_o = math.log(o)
                slope = norm_pdf(d) / o
            return log_o - self.log_target, slope, c * slope - slope * slope
        if d >= 0.0:
            sum_mills = _mills(d) + _mills(z)
            log_rest = log_pdf + math.log(sum_mills)
            slope = 1.0 / sum_mills
        else:
            rest = norm_cdf(-d) + norm_pdf(d) * _mills(z)
            log_rest = math.log(rest)
            slope = norm_pdf(d) / rest
        return self.log_target - log_rest, slope, c * slope + slope * slope


def _solve_s(a: float, target: float, log_target: float) -> float:
    """The ``s = vol √T > 0`` with ``o(s) = target`` in (0, 1): Halley's method on
    :class:`_Objective`, safeguarded by a bracket ``[lo, hi]`` that always contains the root
    (``f`` is increasing); a step leaving the bracket is replaced by bisection (geometric
    while ``hi`` is unbounded). Stops when the step is a couple of ulps of ``s``.

    Starting point: the inflection point ``√(2a)`` of ``o``, or, far out of the money
    (``o* < o(√(2a))``), the root of the leading asymptotic term ``-a²/(2s²) = ln o*``
    moved halfway to the inflection point; at the money ``o ~ s/√(2π)``.
    """
    f = _Objective(a, target, log_target)
    s_inflection = math.sqrt(2.0 * a)
    if a == 0.0:
        s = max(target * math.sqrt(2.0 * math.pi), 5e-324) if target < 0.5 else 2.0
    elif not f.upper and target < 0.1:
        s = min(s_inflection, a / math.sqrt(-2.0 * log_target))
    else:
        s = s_inflection if target < 0.5 else 2.0 * s_inflection + 1.0
    lo, hi = 0.0, math.inf
    for _ in range(_IV_MAX_ITERATIONS):
        value, slope, curvature = f(s)
        if value == 0.0:
            return s
        if value < 0.0:
            lo = s
        else:
            hi = s
        step = -value / slope
        denominator = 1.0 + 0.5 * step * curvature / slope
        if 0.5 < denominator < math.inf:  # Halley unless it more than doubles Newton's step
            step /= denominator
        candidate = s + step
        if not lo < candidate < hi:
            if math.isinf(hi):
                candidate = 2.0 * s
            elif lo == 0.0:
                candidate = 0.5 * hi
            else:
                candidate = math.sqrt(lo * hi)
        if abs(candidate - s) <= _IV_STEP_ULPS * _EPS * s:
            return candidate
        if not candidate > 0.0:  # a subnormal target: s is as resolved as it can be
            return s
        s = candidate
        if hi < math.inf and hi - lo <= _IV_STEP_ULPS * _EPS * hi:
            return s
    return s


def _implied_vol(
    theta: float,
    price: float,
    spot: float,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
) -> float:
    """Implied volatility of a validated contract; raises :class:`PricingError` for a price
    outside the no-arbitrage bounds (docs/api.md, "Implied volatility")."""
    if expiry == 0.0:
        lower = max(theta * (spot - strike), 0.0)
        upper = spot if theta > 0.0 else strike
        if price >= upper:
            raise _bound_error(False, price, upper)
        if price < lower - _LOWER_BOUND_SLACK_ULPS * _EPS * max(spot, strike):
            raise _bound_error(True, price, lower)
        if price <= lower:
            return 0.0
        raise _error("price_not_intrinsic_at_expiry", intrinsic=lower, price=price)
    x = _log_moneyness(spot, strike, expiry, rate, dividend)
    df = _mul_exp(spot, -dividend * expiry)
    dk = _mul_exp(strike, -rate * expiry)
    _finite_or_raise(df + dk, "discounted forward or strike")
    upper = df if theta > 0.0 else dk
    if price >= upper:
        raise _bound_error(False, price, upper)
    lower = _forward_intrinsic(x, df, dk) if theta * x > 0.0 else 0.0
    time_value = price - lower
    if time_value < 0.0:
        slack = _LOWER_BOUND_SLACK_ULPS * _EPS * max(df, dk) if lower > 0.0 else 0.0
        if time_value < -slack:
            raise _bound_error(True, price, lower)
        return 0.0
    if time_value == 0.0:
        return 0.0
    small = df if x < 0.0 else dk  # the OTM option's forward-side amount (its upper bound)
    target = time_value / small
    if not target < 1.0:  # within rounding of the upper bound
        raise _bound_error(False, price, upper)
    # ln(time value / small) without the quotient, which can underflow (1e-258 / 1e120)
    log_target = math.log(time_value) - math.log(small) if target < 0.5 else math.log(target)
    s = _solve_s(abs(x), target, log_target)
    return _finite_or_raise(s / math.sqrt(expiry), "implied vol")


# ----------------------------------------------------------------------------- public API


def _sign(kind: str) -> float:
    return 1.0 if kind == "call" else -1.0


def black_scholes(
    kind: str, spot: float, strike: float, expiry: float, rate: float, dividend: float, vol: float
) -> float:
    """Black-Scholes-Merton price of a European option (pure Python).

    Parameters
    ----------
    kind : {"call", "put"}
    spot, strike : float
        > 0.
    expiry : float
        Years, >= 0 (0 gives the intrinsic value).
    rate, dividend : float
        Continuously compounded annual rates (negative allowed).
    vol : float
        Annualised volatility, >= 0 (0 gives the discounted intrinsic value of the forward).

    Returns
    -------
    float

    Raises
    ------
    PricingError
        An argument breaks a rule of docs/api.md (the message names it).

    Examples
    --------
    >>> round(black_scholes("call", 100, 100, 1, 0.05, 0, 0.2), 10)
    10.4505835722
    """
    k, *rest = validate("black_scholes", kind, spot, strike, expiry, rate, dividend, vol)
    return _price(_sign(k), *rest)


def greeks(
    kind: str, spot: float, strike: float, expiry: float, rate: float, dividend: float, vol: float
) -> dict[str, float]:
    """Price and the 13 Greeks ``{price, delta, gamma, speed, vega, volga, vanna, zomma, theta,
    charm, color, veta, rho, epsilon}`` (pure Python; conventions in docs/api.md: theta per
    year of calendar time, vega per unit of vol).

    Examples
    --------
    >>> g = greeks("call", 100, 100, 1, 0.05, 0, 0.2)
    >>> round(g["delta"], 12), round(g["vega"], 10)
    (0.636830651176, 37.5240346917)
    """
    k, *rest = validate("greeks", kind, spot, strike, expiry, rate, dividend, vol)
    return _greeks(_sign(k), *rest)


def implied_vol(
    kind: str, price: float, spot: float, strike: float, expiry: float, rate: float, dividend: float
) -> float:
    """Black-Scholes-Merton implied volatility to machine precision (pure Python).

    A safeguarded Halley iteration on a logarithmic objective (independent of Jäckel's
    "Let's Be Rational", which the WebAssembly engine uses).

    Raises
    ------
    PricingError
        ``price`` below the lower bound ``e^{-rT} max(±(F - K), 0)`` or at/above the upper
        bound ``S e^{-qT}`` (call) / ``K e^{-rT}`` (put); or an argument breaks a rule.

    Examples
    --------
    >>> round(implied_vol("call", 12.3, 100, 110, 0.89, 0.03, 0), 14)
    0.40269973285787
    """
    k, *rest = validate("implied_vol", kind, price, spot, strike, expiry, rate, dividend)
    return _implied_vol(_sign(k), *rest)
