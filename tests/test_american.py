"""American options in the native engine, against QuantLib's QdFpAmericanEngine.

QuantLib-Python's high-precision QD+ fixed-point engine (Andersen, Lake & Offengenden's method,
tanh-sinh quadrature at 1e-10) on the issue's grid: moneyness 0.6-1.4, a week to five years,
vols 5-80 %, rates and yields 0-12 %. Its own accuracy is about 1e-6 relative here
(wasm_core/tests/american_reference.rs holds the engine to the PDE at 1e-8-1e-10), so the
agreement asserted is 1e-5 relative, with a floor for prices far below a cent. Also: the Python
interface's shapes and the batch agreeing with the scalar function.
"""

from __future__ import annotations

import itertools
import math

import pytest
import QuantLib as ql

import pricinglab as pl

QUANTLIB_REL_TOL = 1e-5
QUANTLIB_ABS_TOL = 1e-7  # on a strike of 100


@pytest.fixture(autouse=True)
def native_backend() -> None:
    assert pl.backend == "native"


def quantlib_american(
    kind: str, s: float, k: float, days: int, r: float, q: float, v: float
) -> float:
    today = ql.Date(1, ql.June, 2022)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(s)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc, ql.Continuous)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc, ql.Continuous)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), v, dc)),
    )
    option_type = ql.Option.Call if kind == "call" else ql.Option.Put
    option = ql.VanillaOption(
        ql.PlainVanillaPayoff(option_type, k), ql.AmericanExercise(today, today + days)
    )
    option.setPricingEngine(
        ql.QdFpAmericanEngine(process, ql.QdFpAmericanEngine.highPrecisionScheme())
    )
    return float(option.NPV())


GRID = list(
    itertools.product(
        ("call", "put"), (0.6, 0.9, 1.0, 1.1, 1.4), (7, 91, 365, 1825), (0.05, 0.3, 0.8),
        ((0.0, 0.06), (0.05, 0.02), (0.12, 0.12), (0.03, 0.1)),
    )
)  # fmt: skip


@pytest.mark.parametrize(("kind", "moneyness", "days", "vol", "rates"), GRID)
def test_agrees_with_quantlib_qdfp(
    kind: str, moneyness: float, days: int, vol: float, rates: tuple[float, float]
) -> None:
    r, q = rates
    s, k = 100.0 * moneyness, 100.0
    expected = quantlib_american(kind, s, k, days, r, q, vol)
    price = pl.american(kind, s, k, days / 365, r, q, vol)
    assert abs(price - expected) <= max(QUANTLIB_REL_TOL * expected, QUANTLIB_ABS_TOL), (
        price,
        expected,
    )


def test_shapes_and_batch() -> None:
    args = ("put", 95.0, 100.0, 1.0, 0.06, 0.01, 0.3)
    g = pl.american_greeks(*args, accuracy="fast")
    assert list(g) == ["price", "delta", "gamma", "theta", "vega", "rho", "epsilon"]
    assert g["price"] == pl.american(*args, accuracy="fast")
    assert -1 < g["delta"] < 0 < g["gamma"] and g["vega"] > 0 and g["rho"] < 0
    spots = [80.0, 95.0, 110.0, -1.0]
    out = pl.american_many("put", spots, 100.0, 1.0, 0.06, 0.01, 0.3)
    for spot, price, status in zip(spots[:3], out["price"][:3], out["status"][:3], strict=True):
        assert price == pl.american("put", spot, 100.0, 1.0, 0.06, 0.01, 0.3)
        assert status == 0
    assert math.isnan(out["price"][3]) and out["status"][3] == 2
    b = pl.american_boundary(*args)
    assert b["time"][0] == 0.0 and b["time"][-1] == 1.0
    # A put's boundary rises towards expiry, to K min(1, r/q) = K.
    assert all(x <= y for x, y in zip(b["boundary"], b["boundary"][1:], strict=False))
    assert b["boundary"][-1] == 100.0
    # Never exercised: 0 for a put with rate <= 0, infinity for a call with dividend <= 0.
    assert set(pl.american_boundary("put", 100, 100, 1, 0.0, 0.02, 0.3)["boundary"]) == {0.0}
    assert set(pl.american_boundary("call", 100, 100, 1, 0.05, 0.0, 0.3)["boundary"]) == {math.inf}


def test_implied_vol_round_trip() -> None:
    for kind, spot in (("put", 95.0), ("call", 110.0)):
        price = pl.american(kind, spot, 100.0, 0.5, 0.05, 0.03, 0.27)
        vol = pl.american_implied_vol(kind, price, spot, 100.0, 0.5, 0.05, 0.03)
        assert vol == pytest.approx(0.27, rel=1e-8)
