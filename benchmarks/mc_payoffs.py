"""Monte Carlo path payoffs side by side with QuantLib-Python's Monte Carlo engines (a benchmark:
ratios from one run, no assertions).

One contract per payoff (S = K = 100, T = 1, r = 5 %, q = 2 %, vol 25 %, GBM), the same number
of paths and time steps in each engine, and each engine's own variance reduction (QuantLib:
antithetic paths, and its control variate where it has one; ours: antithetic pairs and the
payoff's control variate, docs/api.md):

- arithmetic Asian, 12 fixings: ``MCDiscreteArithmeticAPEngine`` (geometric control variate);
- up-and-out call, barrier 130, 50 steps: ``MCBarrierEngine`` (Brownian-bridge correction on);
- American put, 50 exercise steps: ``MCAmericanEngine`` (Longstaff-Schwartz, monomials of
  order 3, 2^15 calibration paths: our training count).

Ours runs on one thread and on every core. Printed: seconds, price, standard error, and the
work-normalised speed, ``(t s.e.^2)_QuantLib / (t s.e.^2)_ours`` (the time each would need for
the same standard error), next to the plain time ratio.

    .venv/bin/python -m benchmarks.mc_payoffs [--paths 100000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import pricinglab as pl

SPOT, STRIKE, RATE, DIVIDEND, VOL = 100.0, 100.0, 0.05, 0.02, 0.25
BARRIER = 130.0
DAYS = 360  # fixings every 30 days: whole days for QuantLib's dates
STEPS = 50
TRAINING_PATHS = 2**15


def _quantlib(payoff: str, paths: int) -> Callable[[], tuple[float, float]]:
    import QuantLib as ql  # type: ignore[import-untyped]

    today = ql.Date(1, 6, 2022)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(SPOT)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, DIVIDEND, dc, ql.Continuous)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, RATE, dc, ql.Continuous)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), VOL, dc)),
    )
    expiry = today + DAYS
    samples = paths // 2  # antithetic: QuantLib counts a pair as one sample
    option: Any
    if payoff == "asian_arithmetic":
        fixings = [today + 30 * i for i in range(1, 13)]
        option = ql.DiscreteAveragingAsianOption(
            ql.Average.Arithmetic, 0.0, 0, fixings,
            ql.PlainVanillaPayoff(ql.Option.Call, STRIKE), ql.EuropeanExercise(expiry),
        )  # fmt: skip
        engine = ql.MCDiscreteArithmeticAPEngine(
            process, "pseudorandom", False, True, True, samples, ql.nullDouble(), ql.nullInt(), 42
        )
    elif payoff == "up_and_out":
        option = ql.BarrierOption(
            ql.Barrier.UpOut, BARRIER, 0.0, ql.PlainVanillaPayoff(ql.Option.Call, STRIKE),
            ql.EuropeanExercise(expiry),
        )  # fmt: skip
        engine = ql.MCBarrierEngine(
            process, "pseudorandom", timeSteps=STEPS, brownianBridge=True,
            antitheticVariate=True, requiredSamples=samples, seed=42,
        )  # fmt: skip
    else:
        option = ql.VanillaOption(
            ql.PlainVanillaPayoff(ql.Option.Put, STRIKE), ql.AmericanExercise(today, expiry)
        )
        engine = ql.MCAmericanEngine(
            process, "pseudorandom", timeSteps=STEPS, antitheticVariate=True,
            requiredSamples=samples, seed=42, polynomOrder=3,
            polynomType=ql.LsmBasisSystem.Monomial, nCalibrationSamples=TRAINING_PATHS // 2,
        )  # fmt: skip
    option.setPricingEngine(engine)

    def run() -> tuple[float, float]:
        option.recalculate()
        return float(option.NPV()), float(option.errorEstimate())

    return run


def _ours(payoff: str, paths: int, threads: int | None) -> Callable[[], tuple[float, float]]:
    params: dict[str, Any] = {
        "model": "gbm", "kind": "put" if payoff == "american" else "call", "spot": SPOT,
        "strike": STRIKE, "expiry": DAYS / 365, "rate": RATE, "dividend": DIVIDEND, "vol": VOL,
        "paths": paths, "seed": 42, "payoff": payoff,
        "steps": 12 if payoff == "asian_arithmetic" else STEPS,
    }  # fmt: skip
    if payoff == "up_and_out":
        params["barrier"] = BARRIER

    def run() -> tuple[float, float]:
        r = pl.monte_carlo(params, threads=threads)
        return float(r["price"]), float(r["std_error"])

    return run


def _timed(run: Callable[[], tuple[float, float]]) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    price, se = run()
    return time.perf_counter() - t0, price, se


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--paths", type=int, default=100_000)
    args = parser.parse_args()
    try:
        import QuantLib  # noqa: F401
    except ImportError:
        print("mc_payoffs: QuantLib is not installed; no baseline")
        return 0
    print(f"Monte Carlo payoffs, {args.paths:,} paths, GBM (S = K = 100, T = {DAYS}/365)")
    header = f"{'payoff / engine':<34}{'seconds':>9}{'price':>11}{'s.e.':>10}{'time':>8}{'work':>8}"
    print(header)
    for payoff in ("asian_arithmetic", "up_and_out", "american"):
        base = _timed(_quantlib(payoff, args.paths))
        rows = [
            ("QuantLib-Python", base),
            ("native, 1 thread", _timed(_ours(payoff, args.paths, 1))),
            ("native, every core", _timed(_ours(payoff, args.paths, None))),
        ]
        print(payoff)
        for name, (seconds, price, se) in rows:
            speed = base[0] / seconds
            work = (base[0] * base[2] ** 2) / (seconds * se**2) if se > 0 else float("inf")
            cells = f"{seconds:>9.3f}{price:>11.5f}{se:>10.5f}{speed:>7.1f}x{work:>7.0f}x"
            print(f"  {name:<32}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
