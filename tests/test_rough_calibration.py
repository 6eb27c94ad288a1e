"""rough_heston_price and calibrate_rough_heston in the engine, against independent references:
QuantLib's AnalyticHestonEngine at hurst 1/2 (where rough Heston is Heston), the NumPy oracle
pricinglab.rough (the same fractional Adams scheme written independently, no extrapolation)
elsewhere, and parameter recovery from surfaces that oracle prices."""

from __future__ import annotations

import functools

import pytest
import QuantLib as ql  # type: ignore[import-untyped]
from oracles.quantlib_heston import european_price

import pricinglab as pl
from pricinglab import rough

# At hurst 1/2 the scheme is the trapezoidal rule and its Richardson companion removes the
# dt^2 term: measured within 2e-9 of QuantLib at the default steps; 1e-7 leaves room.
HESTON_ABS_TOL = 1e-7
# The oracle at 1600 steps is within 2.5e-6 of the converged price at hurst >= 0.1 (its module
# docs' convergence table; ours at the default steps within 1.2e-6 on the hardest case).
ORACLE_STEPS = 1600
ORACLE_ABS_TOL = 4e-6
# The surfaces below are priced by the oracle at SURFACE_STEPS: its discretisation error
# (about 1e-5 in price) is what the fit sees as market noise, so recovery is to this.
SURFACE_STEPS = 800
RECOVERY_REL_TOL = 2e-2
RECOVERY_RHO_ABS_TOL = 1e-2

MODEL = {"v0": 0.04, "kappa": 1.5, "theta": 0.06, "xi": 0.5, "rho": -0.7}


def _ql_engine(process: object) -> object:
    return ql.AnalyticHestonEngine(ql.HestonModel(process), 1e-14, 100_000)


@pytest.mark.parametrize(
    ("kind", "strike", "days"), [("call", 100, 365), ("put", 80, 730), ("call", 125, 91)]
)
def test_hurst_one_half_is_quantlib_heston(kind: str, strike: float, days: int) -> None:
    m = MODEL
    expected = european_price(kind, 100, strike, days, 0.02, 0.01, *m.values(), engine=_ql_engine)
    got = pl.rough_heston_price(kind, 100, strike, days / 365, 0.02, 0.01, *m.values(), 0.5)
    assert got == pytest.approx(expected, abs=HESTON_ABS_TOL)


@pytest.mark.parametrize(
    ("kind", "strike", "expiry", "hurst"),
    [("put", 90, 1.0, 0.1), ("call", 110, 0.5, 0.3), ("call", 100, 2.0, 0.15)],
)
def test_matches_the_numpy_oracle(kind: str, strike: float, expiry: float, hurst: float) -> None:
    args = (kind, 100, strike, expiry, 0.02, 0.01, *MODEL.values(), hurst)
    expected = rough.rough_heston_price(*args, steps=ORACLE_STEPS)
    assert pl.rough_heston_price(*args) == pytest.approx(expected, abs=ORACLE_ABS_TOL)


@functools.cache
def oracle_surface(hurst: float) -> dict[str, object]:
    kinds, strikes, expiries, prices = [], [], [], []
    for expiry in (0.25, 0.5, 1.0, 2.0):
        for strike in (85.0, 95.0, 100.0, 105.0, 115.0):
            kind = "put" if strike < 100 else "call"
            price = rough.rough_heston_price(
                kind, 100, strike, expiry, 0.02, 0.01, *MODEL.values(), hurst,
                steps=SURFACE_STEPS,
            )  # fmt: skip
            kinds.append(kind)
            strikes.append(strike)
            expiries.append(expiry)
            prices.append(price)
    return {
        "spot": 100.0, "rate": 0.02, "dividend": 0.01, "kind": kinds,
        "strike": strikes, "expiry": expiries, "price": prices,
    }  # fmt: skip


@pytest.mark.parametrize("hurst", [0.1, 0.3])
def test_calibration_recovers_the_oracle_parameters(hurst: float) -> None:
    fit = pl.calibrate_rough_heston(oracle_surface(hurst))
    assert fit["converged"], fit
    assert fit["steps"] == 100
    for key in ("v0", "kappa", "theta", "xi"):
        assert fit[key] == pytest.approx(MODEL[key], rel=RECOVERY_REL_TOL), (key, fit)
    assert fit["rho"] == pytest.approx(MODEL["rho"], abs=RECOVERY_RHO_ABS_TOL), fit
    assert fit["hurst"] == pytest.approx(hurst, rel=RECOVERY_REL_TOL), fit
    assert len(fit["model_price"]) == 20
    assert fit["rmse_vol"] < 1e-4


def test_bad_input_is_named() -> None:
    args = ("put", 100, 90, 1.0, 0.02, 0.01, *MODEL.values())
    with pytest.raises(pl.PricingError, match=r"hurst must be in \(0, 0.5\] \(got 0.6\)"):
        pl.rough_heston_price(*args, 0.6)
    with pytest.raises(pl.PricingError, match=r"steps must be an integer in \[1, 20000\]"):
        pl.rough_heston_price(*args, 0.1, steps=0)
    surface = dict(oracle_surface(0.3))
    with pytest.raises(pl.PricingError, match="at least 6 quotes"):
        pl.calibrate_rough_heston(
            {**surface, **{k: surface[k][:5] for k in ("kind", "strike", "expiry", "price")}}  # type: ignore[index]
        )
    with pytest.raises(pl.PricingError, match="hurst must be in"):
        pl.calibrate_rough_heston(surface, initial={**MODEL, "hurst": 0.9})
    with pytest.raises(pl.PricingError, match="hurst is required"):
        pl.calibrate_rough_heston(surface, initial=MODEL)
    with pytest.raises(pl.PricingError, match="strikes is not a field"):
        pl.calibrate_rough_heston(surface, strikes=[1.0])
    with pytest.raises(pl.PricingError, match="steps must be an integer"):
        pl.calibrate_rough_heston(surface, steps=1.5)


def test_the_reference_backend_prices_with_the_oracle_and_refuses_to_calibrate() -> None:
    args = ("put", 100, 90, 1.0, 0.02, 0.01, *MODEL.values(), 0.3)
    surface = oracle_surface(0.3)
    pl.use_backend("reference")
    try:
        assert pl.rough_heston_price(*args, steps=200) == rough.rough_heston_price(*args, steps=200)
        with pytest.raises(NotImplementedError, match="engine only"):
            pl.calibrate_rough_heston(surface)
    finally:
        pl.use_backend("native")
