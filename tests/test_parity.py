"""``pricinglab.parity_forward`` (wasm_core/src/parity.rs): the forward and discount factor of
an expiry from its call and put quotes by put-call parity.

- Prices from QuantLib's analytic European engine at a known rate and dividend yield recover
  ``F = S e^{(r-q)T}`` and ``D = e^{-rT}``.
- Noisy quotes with stale and mis-keyed ones: the engine agrees with the pure-Python oracle
  (``pricinglab.reference_parity``, written separately from the same method), and the outliers
  are the ones left out.
- The reference backend and the engine give the same fit; bad input names its parameter.
"""

from __future__ import annotations

import math
import random

import pytest
import QuantLib as ql  # type: ignore[import-untyped]
from tolerances import REL_TOL

import pricinglab as pl
from pricinglab import reference_parity

SPOT, RATE, DIVIDEND = 100.0, 0.04, 0.015


def quantlib_prices(kind: str, strikes: list[float], days: int) -> list[float]:
    today = ql.Date(1, ql.June, 2022)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(SPOT)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, DIVIDEND, dc, ql.Continuous)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, RATE, dc, ql.Continuous)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), 0.25, dc)),
    )
    engine = ql.AnalyticEuropeanEngine(process)
    out = []
    for k in strikes:
        option = ql.EuropeanOption(
            ql.PlainVanillaPayoff(ql.Option.Call if kind == "call" else ql.Option.Put, k),
            ql.EuropeanExercise(today + days),
        )
        option.setPricingEngine(engine)
        out.append(float(option.NPV()))
    return out


@pytest.mark.parametrize("days", [30, 365, 1095])
def test_recovers_the_forward_and_discount_of_quantlib_prices(days: int) -> None:
    strikes = [70.0 + 5.0 * i for i in range(13)]
    calls, puts = quantlib_prices("call", strikes, days), quantlib_prices("put", strikes, days)
    t = days / 365
    fit = pl.parity_forward(strikes, calls, puts)
    assert fit["forward"] == pytest.approx(SPOT * math.exp((RATE - DIVIDEND) * t), rel=1e-12)
    assert fit["discount"] == pytest.approx(math.exp(-RATE * t), rel=1e-12)
    assert fit["pairs"] == fit["used_pairs"] == 13 and all(fit["used"])
    fixed = pl.parity_forward(strikes, calls, puts, math.exp(-RATE * t))
    assert fixed["forward"] == pytest.approx(fit["forward"], rel=1e-12)


def noisy_chain(seed: int) -> tuple[list[float], list[float], list[float], set[int]]:
    """Parity quotes `C - P = D (F - K)` with half-cent noise, one-sided strikes and a few
    stale quotes a dollar or more off; returns the strikes, calls, puts and the stale rows."""
    rng = random.Random(seed)
    f, d = rng.uniform(80, 120), rng.uniform(0.9, 1.0)
    n = rng.randint(8, 40)
    strikes = sorted(rng.uniform(0.7 * f, 1.3 * f) for _ in range(n))
    calls, puts, stale = [], [], set()
    for i, k in enumerate(strikes):
        put = max(d * (k - f), 0.0) + rng.uniform(0.5, 5.0)
        call = put + d * (f - k) + rng.gauss(0.0, 0.005)
        if rng.random() < 0.1:
            call += rng.choice([-1.0, 1.0]) * rng.uniform(1.0, 3.0)
            stale.add(i)
        call = max(call, 0.0)
        if rng.random() < 0.15:  # one side only
            call, put = (math.nan, put) if i % 2 else (call, math.nan)
            stale.discard(i)
        calls.append(call)
        puts.append(put)
    return strikes, calls, puts, stale


@pytest.mark.parametrize("seed", range(40))
def test_agrees_with_the_python_oracle_and_leaves_out_stale_quotes(seed: int) -> None:
    strikes, calls, puts, stale = noisy_chain(seed)
    try:
        expected = reference_parity.parity_forward(strikes, calls, puts)
    except pl.PricingError as e:
        with pytest.raises(pl.PricingError, match=str(e).split(";")[0][:30]):
            pl.parity_forward(strikes, calls, puts)
        return
    fit = pl.parity_forward(strikes, calls, puts)
    for key in ("forward", "discount"):
        assert fit[key] == pytest.approx(expected[key], rel=REL_TOL), key
    assert fit["used"] == expected["used"] and fit["pairs"] == expected["pairs"]
    assert not any(fit["used"][i] for i in stale), (stale, fit["used"])


def test_reference_backend_gives_the_same_fit() -> None:
    strikes, calls, puts, _ = noisy_chain(7)
    native = pl.parity_forward(strikes, calls, puts)
    pl.use_backend("reference")
    try:
        ref = pl.parity_forward(strikes, calls, puts)
    finally:
        pl.use_backend("native")
    assert ref["forward"] == pytest.approx(native["forward"], rel=REL_TOL)
    assert ref["used"] == native["used"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([100, 110], [1.0], [1.0, 2.0]), "call must have one price per strike (2); got 1"),
        (([100, 110], [1.0, 2.0], [1.0]), "put must have one price per strike (2); got 1"),
        (([100, math.nan], [1.0, 2.0], [1.0, 2.0]), "strike must be a finite number"),
        (([100, 110], [1.0, math.nan], [1.0, 2.0]),
         "strike must have at least 2 distinct strikes quoted with both a call and a put price;"
         " got 1"),
        (([100, 110], [1.0, -2.0], [1.0, 2.0]),
         "call prices must be finite and >= 0, or NaN where not quoted; got -2"),
        (([100, 110], [1.0, 2.0], [1.0, 2.0], 0.0), "discount must be > 0 (got 0)"),
    ],
)  # fmt: skip
def test_bad_input_names_its_parameter(args: tuple, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(pl.PricingError) as info:
        pl.parity_forward(*args)
    assert str(info.value) == message


def test_parity_that_rises_with_the_strike_is_an_error() -> None:
    with pytest.raises(pl.PricingError, match="both must be > 0"):
        pl.parity_forward([100, 110, 120], [1.0, 5.0, 9.0], [1.0, 1.0, 1.0])


def test_the_sample_chain_gives_its_market() -> None:
    """web/examples/chain_heston.csv was generated at r = 3 %, q = 1 % (scripts/sample_chain.py).
    With the rate known, its quotes (rounded to cents, with bid/ask spreads) give the forward to
    a few cents and so the dividend yield. Without it the 30-day expiry's four pairs, a few
    strikes apart, cannot pin the discount factor (the slope): cent rounding moves it by 1e-2."""
    from pathlib import Path

    path = Path(__file__).parents[1] / "web/examples/chain_heston.csv"
    chain = pl.read_chain(path, spot=100.0, rate=0.03)
    assert len(chain.expiries) >= 3
    for t, info in chain.expiries.items():
        assert info["forward"] == pytest.approx(100 * math.exp(0.02 * t), abs=0.05), (t, info)
        assert info["dividend"] == pytest.approx(0.01, abs=0.05 / 100 / t), (t, info)
