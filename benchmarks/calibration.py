"""Heston calibration side by side (a benchmark: ratios from one run, no assertions).

One 66-quote surface (6 expiries x 11 strikes, out-of-the-money puts and calls) priced by
QuantLib's AnalyticHestonEngine from known parameters, then calibrated by

- ``quantlib``: QuantLib-Python's ``HestonModel.calibrate`` (one ``HestonModelHelper`` per quote
  at its implied vol, ``AnalyticHestonEngine``, Levenberg-Marquardt), from the usual start
  ``v0 = theta = 0.1, kappa = 1, xi = 0.5, rho = -0.5``;
- ``pricinglab-native``: ``pl.calibrate_heston`` (the Rust engine through PyO3), its own start;
- ``wasm-chromium``: the same engine as WebAssembly in Chromium (``calibrate_heston``), against
  the real server.

Each prints its best time of ``--repeat`` runs and how far its fit is from the true parameters.

    .venv/bin/python -m benchmarks.calibration [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import pricinglab as pl
from benchmarks.lab_page import available, lab_page

ROOT = Path(__file__).resolve().parents[1]
TRUE = {"v0": 0.04, "kappa": 1.5, "theta": 0.06, "xi": 0.5, "rho": -0.6}
SPOT, RATE, DIVIDEND = 100.0, 0.02, 0.01
DAYS = (30, 91, 182, 365, 730, 1095)
STRIKES = (70.0, 80.0, 90.0, 95.0, 100.0, 105.0, 110.0, 120.0, 130.0, 140.0, 150.0)


def _quantlib() -> Any:
    import QuantLib as ql  # type: ignore[import-untyped]

    return ql


def _setup(ql: Any) -> tuple[Any, Any, Any, Any]:
    today = ql.Date(2, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    rates = ql.YieldTermStructureHandle(ql.FlatForward(today, RATE, dc, ql.Continuous))
    divs = ql.YieldTermStructureHandle(ql.FlatForward(today, DIVIDEND, dc, ql.Continuous))
    return today, dc, rates, divs


def surface() -> dict[str, Any]:
    """The quotes, priced by QuantLib's AnalyticHestonEngine at the true parameters."""
    ql = _quantlib()
    today, _, rates, divs = _setup(ql)
    p = TRUE
    process = ql.HestonProcess(rates, divs, ql.QuoteHandle(ql.SimpleQuote(SPOT)),
                               p["v0"], p["kappa"], p["theta"], p["xi"], p["rho"])  # fmt: skip
    engine = ql.AnalyticHestonEngine(ql.HestonModel(process))
    kind, strike, expiry, price = [], [], [], []
    for days in DAYS:
        for k in STRIKES:
            option_type = ql.Option.Put if k < SPOT else ql.Option.Call
            option = ql.VanillaOption(ql.PlainVanillaPayoff(option_type, k),
                                      ql.EuropeanExercise(today + days))  # fmt: skip
            option.setPricingEngine(engine)
            kind.append("put" if k < SPOT else "call")
            strike.append(k)
            expiry.append(days / 365)
            price.append(option.NPV())
    return {"spot": SPOT, "rate": RATE, "dividend": DIVIDEND, "kind": kind, "strike": strike,
            "expiry": expiry, "price": price}  # fmt: skip


def quantlib_calibration(quotes: dict[str, Any]) -> dict[str, float]:
    ql = _quantlib()
    _, _, rates, divs = _setup(ql)
    process = ql.HestonProcess(rates, divs, ql.QuoteHandle(ql.SimpleQuote(SPOT)),
                               0.1, 1.0, 0.1, 0.5, -0.5)  # fmt: skip
    model = ql.HestonModel(process)
    engine = ql.AnalyticHestonEngine(model)
    helpers = []
    for kind, k, t, price in zip(quotes["kind"], quotes["strike"], quotes["expiry"],
                                 quotes["price"], strict=True):  # fmt: skip
        vol = pl.implied_vol(kind, price, SPOT, k, t, RATE, DIVIDEND)
        period = ql.Period(round(t * 365), ql.Days)
        volq = ql.QuoteHandle(ql.SimpleQuote(vol))
        helper = ql.HestonModelHelper(period, ql.NullCalendar(), SPOT, k, volq, rates, divs)
        helper.setPricingEngine(engine)
        helpers.append(helper)
    model.calibrate(helpers, ql.LevenbergMarquardt(1e-8, 1e-8, 1e-8),
                    ql.EndCriteria(500, 300, 1e-8, 1e-8, 1e-8))  # fmt: skip
    theta, kappa, xi, rho, v0 = model.params()
    return {"v0": v0, "kappa": kappa, "theta": theta, "xi": xi, "rho": rho}


def _chromium_fit(quotes: dict[str, Any], repeat: int) -> tuple[float, dict[str, float]]:
    with lab_page() as page:
        out: dict[str, Any] = page.evaluate(
            """([q, repeat]) => {
                let best = Infinity, fit = null;
                for (let i = 0; i < repeat; i++) {
                    const t0 = performance.now();
                    fit = window.pricingLab.calibrate_heston(q);
                    best = Math.min(best, performance.now() - t0);
                }
                return {best, fit: {v0: fit.v0, kappa: fit.kappa, theta: fit.theta,
                                    xi: fit.xi, rho: fit.rho}};
            }""",
            [quotes, repeat],
        )
    return out["best"] / 1e3, out["fit"]


def _best(fn: Any, repeat: int) -> tuple[float, dict[str, float]]:
    times, fit = [], {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        fit = fn()
        times.append(time.perf_counter() - t0)
    return min(times), fit


def _worst_error(fit: dict[str, float]) -> float:
    rel = [abs(fit[k] / TRUE[k] - 1) for k in ("v0", "kappa", "theta", "xi")]
    return max([*rel, abs(fit["rho"] - TRUE["rho"])])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    quotes = surface()
    rows = []
    try:
        rows.append(("quantlib", *_best(lambda: quantlib_calibration(quotes), args.repeat)))
    except ImportError:
        print("quantlib: QuantLib is not installed")
    rows.append(("pricinglab-native", *_best(lambda: pl.calibrate_heston(quotes), args.repeat)))
    if available():
        rows.append(("wasm-chromium", *_chromium_fit(quotes, args.repeat)))
    base = rows[0][1]
    print(f"Heston calibration, {len(quotes['price'])} quotes, best of {args.repeat}")
    print(f"{'engine':<20}{'seconds':>10}{'speed-up':>10}   worst parameter error")
    for name, seconds, fit in rows:
        print(f"{name:<20}{seconds:>10.3f}{base / seconds:>9.1f}x   {_worst_error(fit):.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
