"""QuantLib-Python's exotic-option engines as test oracles, on flat continuously compounded
curves with expiries and dates in days from a fixed date (Actual/365 Fixed, so `days / 365`
years exactly): Reiner & Rubinstein's closed-form barriers (AnalyticBarrierEngine), the
discrete geometric Asian closed form and QuantLib's own arithmetic Asian Monte Carlo, its
finite differences for Bermudan exercise, its QdFp American engine, and its Heston PDEs for
barriers and American puts."""

from __future__ import annotations

from typing import Any

import QuantLib as ql  # type: ignore[import-untyped]

TODAY = ql.Date(1, ql.June, 2022)
DAY_COUNT = ql.Actual365Fixed()
STYLES = {
    "up_and_out": ql.Barrier.UpOut,
    "up_and_in": ql.Barrier.UpIn,
    "down_and_out": ql.Barrier.DownOut,
    "down_and_in": ql.Barrier.DownIn,
}


def _curve(rate: float) -> Any:
    return ql.YieldTermStructureHandle(ql.FlatForward(TODAY, rate, DAY_COUNT, ql.Continuous))


def _bsm(s: float, r: float, q: float, vol: float) -> Any:
    ql.Settings.instance().evaluationDate = TODAY
    return ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(s)),
        _curve(q),
        _curve(r),
        ql.BlackVolTermStructureHandle(
            ql.BlackConstantVol(TODAY, ql.NullCalendar(), vol, DAY_COUNT)
        ),
    )


def heston_model(s: float, r: float, q: float, heston: dict[str, float]) -> Any:
    ql.Settings.instance().evaluationDate = TODAY
    h = heston
    return ql.HestonModel(
        ql.HestonProcess(
            _curve(r), _curve(q), ql.QuoteHandle(ql.SimpleQuote(s)),
            h["v0"], h["kappa"], h["theta"], h["xi"], h["rho"],
        )
    )  # fmt: skip


def _vanilla(kind: str, strike: float) -> Any:
    return ql.PlainVanillaPayoff(ql.Option.Call if kind == "call" else ql.Option.Put, strike)


def barrier_gbm(
    kind: str, payoff: str, s: float, k: float, barrier: float, days: int, r: float, q: float,
    vol: float,
) -> float:  # fmt: skip
    """The continuously monitored barrier option without rebate, in closed form."""
    process = _bsm(s, r, q, vol)
    option = ql.BarrierOption(
        STYLES[payoff], barrier, 0.0, _vanilla(kind, k), ql.EuropeanExercise(TODAY + days)
    )
    option.setPricingEngine(ql.AnalyticBarrierEngine(process))
    return float(option.NPV())


def barrier_heston(
    kind: str, payoff: str, s: float, k: float, barrier: float, days: int, r: float, q: float,
    heston: dict[str, float], grid: tuple[int, int, int],
) -> float:  # fmt: skip
    """The barrier option under Heston by FdHestonBarrierEngine on `grid` (time, spot and
    variance points)."""
    model = heston_model(s, r, q, heston)
    option = ql.BarrierOption(
        STYLES[payoff], barrier, 0.0, _vanilla(kind, k), ql.EuropeanExercise(TODAY + days)
    )
    option.setPricingEngine(ql.FdHestonBarrierEngine(model, *grid))
    return float(option.NPV())


def american_heston(
    kind: str, s: float, k: float, days: int, r: float, q: float, heston: dict[str, float],
    grid: tuple[int, int, int],
) -> float:  # fmt: skip
    """The American option under Heston by FdHestonVanillaEngine on `grid`."""
    model = heston_model(s, r, q, heston)
    option = ql.VanillaOption(_vanilla(kind, k), ql.AmericanExercise(TODAY, TODAY + days))
    option.setPricingEngine(ql.FdHestonVanillaEngine(model, *grid))
    return float(option.NPV())


def american_gbm(kind: str, s: float, k: float, days: int, r: float, q: float, vol: float) -> float:
    """The American option under Black-Scholes-Merton by QdFpAmericanEngine's high-precision
    scheme (Andersen, Lake & Offengenden 2016; about 1e-6 relative here)."""
    process = _bsm(s, r, q, vol)
    option = ql.VanillaOption(_vanilla(kind, k), ql.AmericanExercise(TODAY, TODAY + days))
    option.setPricingEngine(
        ql.QdFpAmericanEngine(process, ql.QdFpAmericanEngine.highPrecisionScheme())
    )
    return float(option.NPV())


def bermudan_gbm(
    kind: str, s: float, k: float, every_days: int, dates: int, r: float, q: float, vol: float
) -> float:
    """Exercisable every `every_days` days, `dates` times (the last at expiry): Crank-Nicolson
    finite differences, 800 time and 800 spot points."""
    process = _bsm(s, r, q, vol)
    exercise = ql.BermudanExercise([TODAY + every_days * i for i in range(1, dates + 1)])
    option = ql.VanillaOption(_vanilla(kind, k), exercise)
    option.setPricingEngine(ql.FdBlackScholesVanillaEngine(process, 800, 800))
    return float(option.NPV())


def asian_gbm(
    average: str, kind: str, s: float, k: float, every_days: int, fixings: int, r: float,
    q: float, vol: float,
) -> tuple[float, float]:  # fmt: skip
    """A discrete average-price Asian fixed every `every_days` days, `fixings` times (the last
    at expiry): (price, its standard error). Geometric: the closed form (error 0). Arithmetic:
    QuantLib's Monte Carlo with its geometric control variate, 100,000 samples, seed 42."""
    process = _bsm(s, r, q, vol)
    dates = [TODAY + every_days * i for i in range(1, fixings + 1)]
    geometric = average == "geometric"
    option = ql.DiscreteAveragingAsianOption(
        ql.Average.Geometric if geometric else ql.Average.Arithmetic,
        1.0 if geometric else 0.0, 0, dates, _vanilla(kind, k), ql.EuropeanExercise(dates[-1]),
    )  # fmt: skip
    if geometric:
        option.setPricingEngine(ql.AnalyticDiscreteGeometricAveragePriceAsianEngine(process))
        return float(option.NPV()), 0.0
    option.setPricingEngine(
        ql.MCDiscreteArithmeticAPEngine(
            process, "pseudorandom", False, False, True, 100_000, ql.nullDouble(), ql.nullInt(), 42
        )
    )
    return float(option.NPV()), float(option.errorEstimate())
