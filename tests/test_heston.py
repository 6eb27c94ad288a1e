"""Tests of pricinglab.heston against independent references.

- Alan Lewis's published reference prices (docs/references.md; QuantLib's own
  test-suite checks them at 1e-12);
- QuantLib's AnalyticHestonEngine (adaptive Gauss-Lobatto, optimal control variate) over a
  grid with Feller-violating, strongly skewed, 1-week and 10-year cases;
- a 30-digit mpmath implementation of Heston's original two-probability formula (Heston
  1993, eqs. 10-18, with the characteristic function in the "little trap" form) for edge
  cases QuantLib's adaptive engines reject or misprice (rho = +-1, xi -> 0, kappa = 0,
  v0 = 0, theta = 0, fast mean reversion over 10 years);
- closed forms: Black-Scholes when xi = 0, intrinsic values, put-call parity.
"""

from __future__ import annotations

import cmath
import math
import time

import mpmath as mp  # type: ignore[import-untyped]
import pytest
from oracles.quantlib_heston import quantlib_heston

from pricinglab.heston import heston_log_cf, heston_price

# Tolerances (absolute, in price units unless stated).
LEWIS_TOL = 1e-10  # vs Lewis's 15-digit reference table
QUANTLIB_TOL = 1e-8  # vs QuantLib's adaptive AnalyticHestonEngine (its own tolerance 1e-14)
MPMATH_TOL = 1e-11  # vs the 30-digit mpmath oracle
CF_TOL = 1e-13  # relative, characteristic function vs mpmath
QUOTED_TOL = 5e-4  # a value quoted to 3 decimals in docs/references.md
PARITY_TOL = 1e-11
SLOW_PRICE_SECONDS = 2.0  # generous: a price takes ~2-40 ms on the test machine

# Alan Lewis's reference prices (docs/references.md): S=100, r=0.01, q=0.02, v0=0.04, kappa=4,
# theta=0.25, xi=1, rho=-0.5, T=1.
LEWIS_TABLE = {
    80: (26.774758743998854, 7.958878113256768),
    90: (20.933349000596710, 12.017966707346305),
    100: (16.070154917028834, 17.055270961270109),
    110: (12.132211516709845, 23.017825898442801),
    120: (9.024913483457836, 29.811026202682472),
}


@pytest.mark.parametrize("strike", sorted(LEWIS_TABLE))
def test_lewis_reference_table(strike: int) -> None:
    call, put = LEWIS_TABLE[strike]
    args = (100.0, strike, 1.0, 0.01, 0.02, 0.04, 4.0, 0.25, 1.0, -0.5)
    assert heston_price("call", *args) == pytest.approx(call, abs=LEWIS_TOL)
    assert heston_price("put", *args) == pytest.approx(put, abs=LEWIS_TOL)


def test_quoted_put_from_references() -> None:
    # docs/references.md: S=K=100, T=1, r=0.05, v0=theta=0.04, kappa=1.5, xi=0.3, rho=-0.7:
    # put = 5.485
    price = heston_price("put", 100, 100, 1, 0.05, 0.0, 0.04, 1.5, 0.04, 0.3, -0.7)
    assert price == pytest.approx(5.485, abs=QUOTED_TOL)


# ------------------------------------------------------------------------------ QuantLib


# (v0, kappa, theta, xi, rho)
QUANTLIB_MODELS = {
    "lewis": (0.04, 4.0, 0.25, 1.0, -0.5),
    "references-fact": (0.04, 1.5, 0.04, 0.3, -0.7),
    "feller-violated-strong-skew": (0.09, 0.5, 0.04, 1.5, -0.9),
    "feller-violated-extreme": (0.01, 2.0, 0.02, 2.0, -0.95),
    "positive-rho": (0.04, 3.0, 0.06, 0.4, 0.6),
    "slow-reversion": (0.2, 0.1, 0.1, 0.8, 0.0),
    "low-v0": (0.0025, 5.0, 0.09, 1.0, -0.3),
}
QUANTLIB_DAYS = (7, 73, 365, 3650)  # 1 week, 0.2 y, 1 y, 10 y
QUANTLIB_STRIKES = (60.0, 90.0, 100.0, 110.0, 150.0)


@pytest.mark.parametrize("model", sorted(QUANTLIB_MODELS))
@pytest.mark.parametrize("days", QUANTLIB_DAYS)
def test_quantlib_grid(model: str, days: int) -> None:
    params = QUANTLIB_MODELS[model]
    for strike in QUANTLIB_STRIKES:
        for kind in ("call", "put"):
            expected = quantlib_heston(kind, 100.0, strike, days, 0.03, 0.01, *params)
            start = time.perf_counter()
            price = heston_price(kind, 100.0, strike, days / 365, 0.03, 0.01, *params)
            assert time.perf_counter() - start < SLOW_PRICE_SECONDS
            assert price == pytest.approx(expected, abs=QUANTLIB_TOL), (kind, strike)


# -------------------------------------------------------------------------------- mpmath


def mp_log_cf(
    u: mp.mpc, expiry: float, v0: float, kappa: float, theta: float, xi: float, rho: float
) -> mp.mpc:
    """ln E[exp(iu ln(S_T/F))]: Albrecher et al. (2007), 2nd formulation, as published."""
    b = kappa - rho * xi * 1j * u
    d = mp.sqrt(b * b + xi * xi * (u * u + 1j * u))
    g = (b - d) / (b + d)
    e = mp.exp(-d * expiry)
    big_d = (b - d) / xi**2 * (1 - e) / (1 - g * e)
    big_c = kappa / xi**2 * ((b - d) * expiry - 2 * mp.log((1 - g * e) / (1 - g)))
    return theta * big_c + v0 * big_d


def mp_heston(
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
    """Heston (1993) eq. 10: C = S e^{-qT} P1 - K e^{-rT} P2, P_j by Gil-Pelaez at 30 digits."""
    with mp.workdps(30):
        s, k, t = mp.mpf(spot), mp.mpf(strike), mp.mpf(expiry)
        r, q = mp.mpf(rate), mp.mpf(dividend)
        model = [mp.mpf(x) for x in (v0, kappa, theta, xi, rho)]
        log_moneyness = mp.log(s / k) + (r - q) * t  # ln(F/K)

        def cf(u: mp.mpc) -> mp.mpc:
            return mp.exp(mp_log_cf(u, t, *model))

        # P2 = P(S_T > K); P1 the same under the share measure: phi1(u) = phi(u - i)
        def p2_integrand(u: mp.mpf) -> mp.mpf:
            return mp.re(mp.exp(1j * u * log_moneyness) * cf(u) / (1j * u))

        def p1_integrand(u: mp.mpf) -> mp.mpf:
            return mp.re(mp.exp(1j * u * log_moneyness) * cf(u - 1j) / (1j * u))

        points = [0, 0.5, 2, 8, 32, 128, 512, 2048, 8192, mp.inf]
        p1 = mp.mpf(1) / 2 + mp.quad(p1_integrand, points) / mp.pi
        p2 = mp.mpf(1) / 2 + mp.quad(p2_integrand, points) / mp.pi
        call = s * mp.exp(-q * t) * p1 - k * mp.exp(-r * t) * p2
        price = call if kind == "call" else call - s * mp.exp(-q * t) + k * mp.exp(-r * t)
        return float(price)


MPMATH_CASES = [
    # (kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho)
    ("call", 100, 100, 1.0, 0.03, 0.01, 0.04, 1.5, 0.04, 0.3, -1.0),  # rho = -1
    ("call", 100, 125, 1.0, 0.03, 0.01, 0.04, 1.5, 0.04, 0.3, 1.0),  # rho = +1
    ("call", 100, 100, 1.0, 0.03, 0.01, 0.04, 1.5, 0.04, 1e-6, -0.7),  # xi -> 0
    ("call", 100, 100, 1.0, 0.03, 0.01, 0.04, 0.0, 0.04, 0.5, -0.7),  # kappa = 0
    ("put", 100, 80, 1.0, 0.03, 0.01, 0.0, 2.0, 0.04, 0.5, -0.7),  # v0 = 0
    ("call", 100, 125, 1.0, 0.03, 0.01, 0.04, 1.5, 0.0, 0.5, -0.7),  # theta = 0
    ("put", 100, 90, 7 / 365, 0.03, 0.01, 0.04, 1.5, 0.0, 0.5, -0.7),  # 1 week, far OTM
    # fast mean reversion, small xi, 10 y: QuantLib's adaptive engines are off by ~1e-3 here
    ("call", 100, 89.405, 10.0, 0.0587, 0.0442, 1.619, 10.0, 0.04, 0.05, -0.587),
    ("put", 100, 73.865, 5.0, 0.0078, 0.0189, 0.138, 10.0, 0.005, 0.05, -0.136),
]


@pytest.mark.parametrize("case", MPMATH_CASES)
def test_mpmath_edge_cases(
    case: tuple[str, float, float, float, float, float, float, float, float, float, float],
) -> None:
    assert heston_price(*case) == pytest.approx(mp_heston(*case), abs=MPMATH_TOL)


@pytest.mark.parametrize("u", [0.3, 2.0, 17.0, 150.0])
@pytest.mark.parametrize("shift", [0.0, -0.5, -1.0])
def test_characteristic_function_matches_mpmath(u: float, shift: float) -> None:
    model = (3.0, 0.09, 0.5, 0.04, 1.5, -0.9)  # (T, v0, kappa, theta, xi, rho), Feller violated
    z = complex(u, shift)
    with mp.workdps(30):
        expected = complex(mp.exp(mp_log_cf(mp.mpc(u, shift), *model)))
    got = cmath.exp(heston_log_cf(z, *model))
    assert abs(got - expected) <= CF_TOL * max(abs(expected), 1e-300) + 1e-300


def test_characteristic_function_normalisation_and_martingale() -> None:
    model = (1.0, 0.04, 1.5, 0.04, 0.3, -0.7)
    assert heston_log_cf(0j, *model) == 0
    assert heston_log_cf(-1j, *model) == 0  # E[S_T / F] = 1


# ------------------------------------------------------------------- limits and identities


def black_scholes_mp(
    kind: str, s: float, k: float, t: float, r: float, q: float, w: float
) -> float:
    """Black-Scholes-Merton with total variance w, evaluated in mpmath."""
    with mp.workdps(30):
        f = mp.mpf(s) * mp.exp((mp.mpf(r) - q) * t)
        sd = mp.sqrt(w)
        d1 = mp.log(f / k) / sd + sd / 2
        d2 = d1 - sd
        call = mp.exp(-mp.mpf(r) * t) * (f * mp.ncdf(d1) - k * mp.ncdf(d2))
        put = call - mp.exp(-mp.mpf(r) * t) * (f - k)
        return float(call if kind == "call" else put)


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize("kappa", [0.0, 2.0])
def test_zero_vol_of_vol_is_black_scholes(kind: str, kappa: float) -> None:
    # xi = 0: V_t = theta + (v0 - theta) e^{-kappa t} is deterministic; the total variance is
    # its integral, computed here by quadrature.
    v0, theta, t = 0.09, 0.04, 2.0
    with mp.workdps(30):
        w = float(mp.quad(lambda s: theta + (v0 - theta) * mp.exp(-kappa * s), [0, t]))
    expected = black_scholes_mp(kind, 100, 110, t, 0.03, 0.01, w)
    got = heston_price(kind, 100, 110, t, 0.03, 0.01, v0, kappa, theta, 0.0, -0.5)
    assert got == pytest.approx(expected, abs=MPMATH_TOL)


@pytest.mark.parametrize("kind,expected", [("call", 5.0), ("put", 0.0)])
def test_zero_expiry_is_intrinsic(kind: str, expected: float) -> None:
    assert heston_price(kind, 105, 100, 0.0, 0.03, 0.01, 0.04, 1.5, 0.04, 0.3, -0.7) == expected


def test_variance_that_stays_zero_gives_discounted_forward_intrinsic() -> None:
    s, k, t, r, q = 100.0, 90.0, 2.0, 0.03, 0.01
    forward = s * math.exp((r - q) * t)
    expected = math.exp(-r * t) * (forward - k)
    assert heston_price("call", s, k, t, r, q, 0.0, 1.5, 0.0, 0.3, -0.7) == pytest.approx(
        expected, abs=PARITY_TOL
    )
    assert heston_price("put", s, k, t, r, q, 0.0, 0.0, 0.04, 0.3, -0.7) == 0.0


@pytest.mark.parametrize("strike", [50.0, 100.0, 200.0])
def test_put_call_parity(strike: float) -> None:
    s, t, r, q = 100.0, 3.0, 0.04, 0.015
    args = (s, strike, t, r, q, 0.05, 2.0, 0.06, 0.7, -0.6)
    call, put = heston_price("call", *args), heston_price("put", *args)
    assert call - put == pytest.approx(
        s * math.exp(-q * t) - strike * math.exp(-r * t), abs=PARITY_TOL
    )


def test_prices_respect_no_arbitrage_bounds() -> None:
    # a far out-of-the-money option's price is tiny; rounding must not make it negative
    for kind, strike in (("call", 400.0), ("put", 25.0)):
        assert (
            heston_price(kind, 100, strike, 7 / 365, 0.03, 0.01, 0.04, 1.5, 0.04, 0.3, -0.7) >= 0.0
        )


# ------------------------------------------------------------------------------ validation

GOOD = {
    "kind": "call",
    "spot": 100.0,
    "strike": 100.0,
    "expiry": 1.0,
    "rate": 0.01,
    "dividend": 0.0,
    "v0": 0.04,
    "kappa": 1.5,
    "theta": 0.04,
    "xi": 0.3,
    "rho": -0.7,
}


@pytest.mark.parametrize(
    "name,value",
    [
        ("kind", "Call"),
        ("spot", 0.0),
        ("spot", -1.0),
        ("strike", 0.0),
        ("expiry", -0.5),
        ("rate", math.inf),
        ("dividend", math.nan),
        ("v0", -0.01),
        ("kappa", -1.0),
        ("theta", -0.04),
        ("xi", -0.3),
        ("rho", 1.0001),
        ("rho", -1.5),
        ("rho", math.nan),
    ],
)
def test_invalid_values_name_the_parameter(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        heston_price(**{**GOOD, name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("name,value", [("spot", "100"), ("rho", None), ("xi", True), ("kind", 1)])
def test_wrong_types_are_type_and_value_errors(name: str, value: object) -> None:
    with pytest.raises(TypeError, match=name) as info:
        heston_price(**{**GOOD, name: value})  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


def test_positional_order_is_the_api_order() -> None:
    assert heston_price(*GOOD.values()) == heston_price(**GOOD)  # type: ignore[arg-type]
