"""The pure-Python reference (pricinglab.reference) against independent oracles.

- mpmath at 50 digits: prices from the textbook formula, Greeks as ``mpmath.diff`` of that
  price (tests/oracles/mp_bsm.py), over a deterministic grid of 600 contracts: both kinds,
  strikes from 12 standard deviations in the money to 12 out, expiries from one hour to 30
  years, vols from 0.5 % to 300 %, dividends, negative rates.
- SciPy (``scipy.stats.norm``) and QuantLib (``BlackCalculator``) on a subset where their
  double-precision textbook formulas are themselves accurate.
- Implied volatility: round trips where the price determines the volatility, and the
  published edge cases of docs/references.md as named tests.
- Monte Carlo: tests/test_reference_mc.py.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

import mpmath as mp
import pytest
from cases import KINDS, Case, describe, determined, grid
from oracles import mp_bsm
from tolerances import (
    IV_ROUND_TRIP_REL_TOL,
    LIBRARY_REL_TOL,
    PUBLISHED_REL_TOL,
    close,
)

from pricinglab import GREEK_NAMES, PricingError, reference

PRICE_CASES = grid(600, seed=20240601)
GREEK_CASES = grid(500, seed=20240602)
QUICK_GREEK_CASES = GREEK_CASES[:40]


def _sign(kind: str) -> float:
    return 1.0 if kind == "call" else -1.0


# ---------------------------------------------------------------------------- prices


def test_grid_covers_the_domain() -> None:
    """The grid reaches the corners it claims to (so the tests below mean something)."""
    expiries = [c[3] for c in PRICE_CASES]
    vols = [c[6] for c in PRICE_CASES]
    assert min(expiries) < 2.0 / 8760.0 and max(expiries) > 25.0
    assert min(vols) < 0.007 and max(vols) > 2.5
    assert any(c[4] < 0.0 for c in PRICE_CASES) and any(c[5] != 0.0 for c in PRICE_CASES)
    prices = [mp_bsm.price_float(*c) / max(c[1], c[2]) for c in PRICE_CASES]
    assert min(p for p in prices if p > 0.0) < 1e-25  # far out of the money
    assert sum(p > 0.5 for p in prices) > 10  # far in the money


@pytest.mark.parametrize("start", range(0, len(PRICE_CASES), 100))
def test_price_matches_mpmath(start: int) -> None:
    failures = []
    for case in PRICE_CASES[start : start + 100]:
        exact = mp_bsm.price_float(*case)
        got = reference.black_scholes(*case)
        if not close(got, exact):
            failures.append(f"{describe(case)}: {got!r} vs {exact!r}")
    assert not failures, "\n".join(failures)


def _greek_failures(cases: list[Case]) -> Iterator[str]:
    for case in cases:
        exact = mp_bsm.all_greeks(*case)
        got = reference.greeks(*case)
        for name in ("price", *GREEK_NAMES):
            if not close(got[name], exact[name]):
                yield f"{name} of {describe(case)}: {got[name]!r} vs {exact[name]!r}"


def test_greeks_match_mpmath_diff_quick() -> None:
    failures = list(_greek_failures(QUICK_GREEK_CASES))
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_greeks_match_mpmath_diff_fullgrid() -> None:
    """All 13 Greeks on 500 contracts (about 30 s: mpmath differentiates at 50 digits)."""
    failures = list(_greek_failures(GREEK_CASES))
    assert not failures, "\n".join(failures)


def test_greek_keys_follow_the_docs_order() -> None:
    assert list(reference.greeks("call", 100, 100, 1, 0.05, 0, 0.2)) == ["price", *GREEK_NAMES]


def _textbook_price(kind: str, s: float, k: float, t: float, r: float, q: float, v: float) -> float:
    """D (F N(d1) - K N(d2)) in doubles, the way most libraries write it."""
    w = _sign(kind)
    sd = v * math.sqrt(t)
    d1 = (math.log(s / k) + (r - q) * t) / sd + sd / 2.0
    d2 = d1 - sd

    def n(z: float) -> float:
        return 0.5 * math.erfc(-z / math.sqrt(2.0))

    return w * (s * math.exp(-q * t) * n(w * d1) - k * math.exp(-r * t) * n(w * d2))


@pytest.mark.parametrize("kind, strike", [("call", 100.3), ("put", 99.7), ("call", 100.05)])
def test_far_out_of_the_money_price_keeps_relative_accuracy(kind: str, strike: float) -> None:
    """One hour, vol 0.94 %: F N(d1) - K N(d2) cancels (the textbook formula in doubles
    loses 8 digits here); the reference keeps 1e-12."""
    case: Case = (kind, 100.0, strike, 1.0 / 8760.0, 0.0, 0.0, 0.00936)
    exact = mp_bsm.price_float(*case)
    assert abs(_textbook_price(*case) - exact) > 1e-11 * exact  # the trap is real
    assert close(reference.black_scholes(*case), exact)


def test_deep_in_the_money_greeks_of_tiny_size() -> None:
    """A deep ITM call's vega is 1e-77 next to a price of 42: relative accuracy holds."""
    case: Case = ("call", 372.934477760045, 4.993540512174791e-73, 29.763066953659575,
                  0.06053240058863317, 0.07310981155067955, 2.7062836009361284)  # fmt: skip
    exact = mp_bsm.all_greeks(*case)
    got = reference.greeks(*case)
    assert 0.0 < exact["vega"] < 1e-70
    for name in ("price", *GREEK_NAMES):
        assert close(got[name], exact[name]), name


# ---------------------------------------------------------------------------- limits


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("strike", [90.0, 100.0, 110.0])
def test_zero_expiry_is_intrinsic(kind: str, strike: float) -> None:
    got = reference.black_scholes(kind, 100.0, strike, 0.0, 0.05, 0.02, 0.3)
    assert got == max(_sign(kind) * (100.0 - strike), 0.0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("strike", [80.0, 100.0, 125.0])
def test_zero_vol_is_discounted_forward_intrinsic(kind: str, strike: float) -> None:
    case: Case = (kind, 100.0, strike, 2.0, 0.04, 0.01, 0.0)
    assert close(reference.black_scholes(*case), mp_bsm.price_float(*case))


def _limit(name: str, case: Case) -> float:
    """The docs/api.md limit as vol -> 0 at fixed expiry, from the smooth mpmath Greeks at
    a vol small enough that the limit is reached to 1e-9 (away from the kink F = K)."""
    small = (*case[:6], 1e-12)
    with mp.workdps(mp_bsm.DPS):
        return float(mp_bsm.greek(name, *small))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("strike", [80.0, 125.0])
def test_zero_vol_greeks_are_the_limits(kind: str, strike: float) -> None:
    case: Case = (kind, 100.0, strike, 2.0, 0.04, 0.01, 0.0)
    got = reference.greeks(*case)
    for name in GREEK_NAMES:
        assert got[name] == pytest.approx(_limit(name, case), rel=1e-9, abs=1e-12), name


@pytest.mark.parametrize("kind", KINDS)
def test_zero_vol_greeks_at_the_kink(kind: str) -> None:
    """At F = K (here S = K, r = q): delta half its jump, vega and vanna their finite limits,
    gamma-type Greeks (infinite limits) 0."""
    s, t, q = 100.0, 0.5, 0.03
    g = reference.greeks(kind, s, s, t, q, q, 0.0)
    eq = math.exp(-q * t)
    root_2pi = math.sqrt(2.0 * math.pi)
    assert g["price"] == 0.0
    assert g["delta"] == pytest.approx(_sign(kind) * eq / 2.0, rel=1e-15)
    assert g["vega"] == pytest.approx(s * eq * math.sqrt(t) / root_2pi, rel=1e-15)
    assert g["vanna"] == pytest.approx(eq * math.sqrt(t) / (2.0 * root_2pi), rel=1e-15)
    for name in ("gamma", "speed", "zomma", "color", "volga"):
        assert g[name] == 0.0, name
    # the smooth formulas approach these as vol -> 0 (checked at vol 1e-15)
    near = mp_bsm.all_greeks(kind, s, s, t, q, q, 1e-15)
    for name in ("delta", "vega", "vanna", "theta", "rho", "epsilon"):
        assert g[name] == pytest.approx(near[name], rel=1e-12, abs=1e-12), name


def test_greeks_never_overflow_at_the_money_with_tiny_vol() -> None:
    """vol·√T = 1e-320 at the money: gamma would be 1e318; the limit (0) is reported."""
    g = reference.greeks("call", 100.0, 100.0, 1.0, 0.0, 0.0, 1e-320)
    assert all(math.isfinite(v) for v in g.values())


# ---------------------------------------------------------------------------- SciPy / QuantLib


def _library_subset() -> list[Case]:
    """Contracts where the double-precision textbook formulas are accurate: s >= 0.02 and
    |d1|, |d2| <= 3, so neither N(±d1) nor N(±d2) is small (QuantLib writes a put's
    N(-d1) as N(d1) - 1)."""
    out = []
    for case in PRICE_CASES:
        _, spot, strike, expiry, rate, dividend, vol = case
        s = vol * math.sqrt(expiry)
        d1 = (math.log(spot / strike) + (rate - dividend) * expiry) / s + s / 2.0
        if s >= 0.02 and abs(d1) <= 3.0 and abs(d1 - s) <= 3.0:
            out.append(case)
    return out


LIBRARY_CASES = _library_subset()


def test_library_subset_is_large_enough() -> None:
    assert len(LIBRARY_CASES) >= 50


def test_matches_scipy() -> None:
    norm = pytest.importorskip("scipy.stats").norm
    for case in LIBRARY_CASES:
        kind, spot, strike, expiry, rate, dividend, vol = case
        w = _sign(kind)
        s = vol * math.sqrt(expiry)
        d1 = (math.log(spot / strike) + (rate - dividend) * expiry) / s + s / 2.0
        d2 = d1 - s
        df, dk = spot * math.exp(-dividend * expiry), strike * math.exp(-rate * expiry)
        expected = {
            "price": w * (df * norm.cdf(w * d1) - dk * norm.cdf(w * d2)),
            "delta": w * math.exp(-dividend * expiry) * norm.cdf(w * d1),
            "gamma": math.exp(-dividend * expiry) * norm.pdf(d1) / (spot * s),
            "vega": df * norm.pdf(d1) * math.sqrt(expiry),
            "rho": w * expiry * dk * norm.cdf(w * d2),
            "epsilon": -w * expiry * df * norm.cdf(w * d1),
        }
        got = reference.greeks(*case)
        for name, value in expected.items():
            assert got[name] == pytest.approx(value, rel=LIBRARY_REL_TOL), (name, case)


def test_matches_quantlib_black_calculator() -> None:
    ql = pytest.importorskip("QuantLib")
    for case in LIBRARY_CASES:
        kind, spot, strike, expiry, rate, dividend, vol = case
        option = ql.Option.Call if kind == "call" else ql.Option.Put
        forward = spot * math.exp((rate - dividend) * expiry)
        calc = ql.BlackCalculator(
            ql.PlainVanillaPayoff(option, strike),
            forward,
            vol * math.sqrt(expiry),
            math.exp(-rate * expiry),
        )
        expected = {
            "price": calc.value(),
            "delta": calc.delta(spot),
            "gamma": calc.gamma(spot),
            "vega": calc.vega(expiry),
            "theta": calc.theta(spot, expiry),
            "rho": calc.rho(expiry),
            "epsilon": calc.dividendRho(expiry),
            "vanna": calc.vanna(spot, expiry),
            # QuantLib 1.44 computes volga as vega d1 d2 / (vol √T) (blackcalculator.cpp,
            # "Volga = Vega * d1 * d2 / stdDev_"): d²V/dvol² is vega d1 d2 / vol, so its value
            # is ours divided by √T. We compare on that basis.
            "volga": calc.volga(expiry) * math.sqrt(expiry),
        }
        got = reference.greeks(*case)
        for name, value in expected.items():
            assert got[name] == pytest.approx(value, rel=LIBRARY_REL_TOL), (name, case)


# ---------------------------------------------------------------------------- implied vol


IV_CASES = [c for c in PRICE_CASES if determined(c)]


def test_implied_vol_cases_span_the_domain() -> None:
    assert len(IV_CASES) >= 300
    assert min(mp_bsm.price_float(*c) / c[1] for c in IV_CASES) < 1e-30


@pytest.mark.parametrize("start", range(0, len(IV_CASES), 150))
def test_implied_vol_round_trip(start: int) -> None:
    """Invert both the reference price and the correctly rounded mpmath price."""
    failures = []
    for case in IV_CASES[start : start + 150]:
        kind, spot, strike, expiry, rate, dividend, vol = case
        for price in (reference.black_scholes(*case), mp_bsm.price_float(*case)):
            got = reference.implied_vol(kind, price, spot, strike, expiry, rate, dividend)
            if abs(got - vol) > IV_ROUND_TRIP_REL_TOL * vol:
                failures.append(f"{describe(case)} price {price!r}: vol {got!r}")
    assert not failures, "\n".join(failures)


def test_implied_vol_rustquant_doctest() -> None:
    """RustQuant's doctest (docs/references.md): price 12.3, S=100, K=110, T=0.89, r=0.03, call."""
    got = reference.implied_vol("call", 12.3, 100.0, 110.0, 0.89, 0.03, 0.0)
    assert got == pytest.approx(0.40269973285787297, rel=PUBLISHED_REL_TOL)


def test_implied_vol_at_intrinsic_with_zero_rates_is_zero() -> None:
    """Price exactly at intrinsic, zero rates: vol 0 (QuantLib once returned 0.349)."""
    assert reference.implied_vol("call", 10.0, 100.0, 90.0, 1.0, 0.0, 0.0) == 0.0
    assert reference.implied_vol("put", 10.0, 90.0, 100.0, 1.0, 0.0, 0.0) == 0.0
    assert reference.implied_vol("call", 0.0, 100.0, 110.0, 1.0, 0.0, 0.0) == 0.0


def test_implied_vol_truly_below_intrinsic_is_an_error() -> None:
    """S=4127.83, K=2600, t=133/252, r=0.01, call at 1529.75 (docs/references.md): below the
    discounted intrinsic value of the forward, S - K e^{-rT} = 1541.52..."""
    spot, strike, expiry, rate = 4127.83, 2600.0, 133.0 / 252.0, 0.01
    with mp.workdps(mp_bsm.DPS):
        bound = float(mp.mpf(spot) - mp.mpf(strike) * mp.exp(-mp.mpf(rate) * mp.mpf(expiry)))
    with pytest.raises(PricingError, match="lower bound") as info:
        reference.implied_vol("call", 1529.75, spot, strike, expiry, rate, 0.0)
    message = str(info.value)
    assert message.startswith("price must be >= the no-arbitrage lower bound 1541.5")
    assert message.endswith("got 1529.75")
    reported = float(message.split("lower bound ")[1].split(" ")[0])
    assert reported == pytest.approx(bound, rel=PUBLISHED_REL_TOL)


def test_implied_vol_deep_in_the_money_with_tiny_time_value() -> None:
    """A deep ITM call whose put-parity price is ~1e-15 (docs/references.md: QuantLib threw,
    vollib reported 'below intrinsic'). Its price carries time value below an ulp: any vol
    that reproduces the price is right, and it must not raise."""
    case: Case = ("call", 100.0, 68.5, 0.25, 0.05, 0.0, 0.1)
    put = mp_bsm.price_float("put", *case[1:])
    assert 1e-16 < put < 1e-14
    call = mp_bsm.price_float(*case)
    vol = reference.implied_vol("call", call, *case[1:6])
    assert vol >= 0.0
    assert reference.black_scholes("call", *case[1:6], vol) == pytest.approx(call, rel=2**-52)
    # The out-of-the-money side pins the vol down.
    assert reference.implied_vol("put", put, *case[1:6]) == pytest.approx(0.1, rel=1e-10)


@pytest.mark.parametrize("kind", KINDS)
def test_implied_vol_at_or_above_upper_bound_is_an_error(kind: str) -> None:
    spot, strike, expiry, rate, dividend = 100.0, 90.0, 1.0, 0.05, 0.02
    upper = spot * math.exp(-dividend * expiry) if kind == "call" else strike * math.exp(-rate)
    with pytest.raises(PricingError, match="upper bound") as info:
        reference.implied_vol(kind, upper, spot, strike, expiry, rate, dividend)
    assert info.value.status == 10


def test_implied_vol_with_zero_expiry() -> None:
    assert reference.implied_vol("call", 10.0, 110.0, 100.0, 0.0, 0.05, 0.0) == 0.0
    with pytest.raises(PricingError, match="lower bound"):
        reference.implied_vol("call", 9.0, 110.0, 100.0, 0.0, 0.05, 0.0)
    with pytest.raises(PricingError, match="expiry = 0"):
        reference.implied_vol("call", 11.0, 110.0, 100.0, 0.0, 0.05, 0.0)


def test_implied_vol_extreme_targets() -> None:
    """Prices from 4e-303 to within 8e-4 of the upper bound (100) invert."""
    for vol in (0.0088, 0.02, 1.0, 5.0, 9.0):
        case: Case = ("call", 100.0, 140.0, 1.0, 0.01, 0.0, vol)
        price = mp_bsm.price_float(*case)
        got = reference.implied_vol("call", price, 100.0, 140.0, 1.0, 0.01, 0.0)
        assert got == pytest.approx(vol, rel=IV_ROUND_TRIP_REL_TOL), vol


# ---------------------------------------------------------------------------- robustness

EXTREME_SPOTS = (1e-300, 1e-10, 0.01, 1.0, 100.0, 1e10, 1e300)
EXTREME_EXPIRIES = (0.0, 1e-300, 1e-12, 1.0 / 8760.0, 1.0, 30.0, 1e3, 1e6)
EXTREME_RATES = (-1e300, -1e3, -10.0, -0.05, 0.0, 0.05, 10.0, 1e3, 1e300)
EXTREME_VOLS = (0.0, 1e-320, 1e-200, 1e-12, 1e-4, 0.2, 3.0, 100.0, 1e10, 1e300)


def test_extreme_inputs_give_numbers_or_pricing_errors() -> None:
    """Valid but absurd inputs (rates of 1e300, vols of 1e-320, spots of 1e300 ...) give
    finite numbers or a PricingError: never an OverflowError, a ZeroDivisionError, a NaN or
    an infinity (docs/api.md: "defined values, never NaN")."""
    rng = random.Random(99)
    outcomes = {"numbers": 0, "errors": 0}
    for _ in range(3000):
        kind = rng.choice(KINDS)
        args = (kind, rng.choice(EXTREME_SPOTS), rng.choice(EXTREME_SPOTS),
                rng.choice(EXTREME_EXPIRIES), rng.choice(EXTREME_RATES),
                rng.choice(EXTREME_RATES), rng.choice(EXTREME_VOLS))  # fmt: skip
        try:
            price = reference.black_scholes(*args)
            values = reference.greeks(*args)
        except PricingError as error:
            # 13: the market check at the boundary; 11: an overflow inside the formulas.
            assert error.status in (11, 13), error
            outcomes["errors"] += 1
            continue
        outcomes["numbers"] += 1
        assert math.isfinite(price) and price >= 0.0, args
        assert all(math.isfinite(v) for v in values.values()), args
        if price > 0.0:
            try:
                vol = reference.implied_vol(kind, price, *args[1:6])
            except PricingError:
                continue
            assert math.isfinite(vol) and vol >= 0.0, args
    assert outcomes["numbers"] > 1000 and outcomes["errors"] > 100
