"""QuantLib's Heston-family engines as test oracles: a European option priced on a flat
continuously-compounded curve, expiry = days / 365 exactly (Actual/365 Fixed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import QuantLib as ql  # type: ignore[import-untyped]


def european_price(
    kind: str,
    spot: float,
    strike: float,
    days: int,
    rate: float,
    dividend: float,
    v0: float,
    kappa: float,
    theta: float,
    xi: float,
    rho: float,
    engine: Callable[[Any], Any],
) -> float:
    """The NPV under the engine that ``engine(process)`` builds on the Heston process."""
    today = ql.Date(2, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.HestonProcess(
        ql.YieldTermStructureHandle(ql.FlatForward(today, rate, dc, ql.Continuous)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, dividend, dc, ql.Continuous)),
        ql.QuoteHandle(ql.SimpleQuote(spot)),
        v0,
        kappa,
        theta,
        xi,
        rho,
    )
    payoff = ql.PlainVanillaPayoff(ql.Option.Call if kind == "call" else ql.Option.Put, strike)
    option = ql.VanillaOption(payoff, ql.EuropeanExercise(today + days))
    option.setPricingEngine(engine(process))
    return float(option.NPV())


def analytic_engine(process: Any) -> Any:
    """AnalyticHestonEngine, control-variate form, adaptive Gauss-Lobatto to 1e-14."""
    return ql.AnalyticHestonEngine(
        ql.HestonModel(process),
        ql.AnalyticHestonEngine.OptimalCV,
        ql.FourierIntegration.gaussLobatto(1e-14, 1e-14, 1_000_000),
    )


def quantlib_heston(
    kind: str,
    spot: float,
    strike: float,
    days: int,
    rate: float,
    dividend: float,
    v0: float,
    kappa: float,
    theta: float,
    xi: float,
    rho: float,
) -> float:
    """QuantLib's AnalyticHestonEngine price."""
    return european_price(
        kind, spot, strike, days, rate, dividend, v0, kappa, theta, xi, rho, analytic_engine
    )
