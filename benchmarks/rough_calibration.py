"""Rough Heston calibration: native and wasm-chromium on one 66-quote surface, side by side.

The surface is priced by the engine's ``rough_heston_price`` at 1600 Adams steps (16 times the
fit's 100, so the fit does not see its own discretisation) from known parameters, 6 expiries
(0.1-3 years) by 11 strikes (70-150). QuantLib has no rough Heston model, so there is no
QuantLib lane; for scale, ``benchmarks.calibration`` times Heston's five-parameter fit.

    .venv/bin/python -m benchmarks.rough_calibration [--repeat 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import pricinglab as pl
from benchmarks.lab_page import available, lab_page

TRUE = {"v0": 0.04, "kappa": 1.5, "theta": 0.06, "xi": 0.5, "rho": -0.7, "hurst": 0.1}
EXPIRIES = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0)
STRIKES = (70.0, 80.0, 90.0, 95.0, 100.0, 105.0, 110.0, 120.0, 130.0, 140.0, 150.0)
KEYS = tuple(TRUE)


def surface() -> dict[str, Any]:
    kinds, strikes, expiries, prices = [], [], [], []
    for t in EXPIRIES:
        for k in STRIKES:
            kind = "put" if k < 100 else "call"
            kinds.append(kind)
            strikes.append(k)
            expiries.append(t)
            model = (TRUE["v0"], TRUE["kappa"], TRUE["theta"], TRUE["xi"], TRUE["rho"])
            price = pl.rough_heston_price(kind, 100, k, t, 0.02, 0.01, *model, TRUE["hurst"], 1600)
            prices.append(price)
    return {"spot": 100.0, "rate": 0.02, "dividend": 0.01, "kind": kinds, "strike": strikes,
            "expiry": expiries, "price": prices}  # fmt: skip


def _chromium_fit(quotes: dict[str, Any], repeat: int) -> tuple[float, dict[str, float]]:
    with lab_page() as page:
        out: dict[str, Any] = page.evaluate(
            """([q, repeat, keys]) => {
                let best = Infinity, fit = null;
                for (let i = 0; i < repeat; i++) {
                    const t0 = performance.now();
                    fit = window.pricingLab.calibrate_rough_heston(q);
                    best = Math.min(best, performance.now() - t0);
                }
                return {best, fit: Object.fromEntries(keys.map((k) => [k, fit[k]]))};
            }""",
            [quotes, repeat, list(KEYS)],
        )
    return out["best"] / 1e3, out["fit"]


def _native_fit(quotes: dict[str, Any], repeat: int) -> tuple[float, dict[str, float]]:
    times, fit = [], {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        fit = pl.calibrate_rough_heston(quotes)
        times.append(time.perf_counter() - t0)
    return min(times), fit


def _worst_error(fit: dict[str, float]) -> float:
    rel = [abs(fit[k] / TRUE[k] - 1) for k in KEYS if k != "rho"]
    return max([*rel, abs(fit["rho"] - TRUE["rho"])])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    quotes = surface()
    rows = [("pricinglab-native", *_native_fit(quotes, args.repeat))]
    if available():
        rows.append(("wasm-chromium", *_chromium_fit(quotes, args.repeat)))
    print(f"Rough Heston calibration, {len(quotes['price'])} quotes, best of {args.repeat}")
    print(f"{'engine':<20}{'seconds':>10}   worst parameter error (relative; rho absolute)")
    for name, seconds, fit in rows:
        print(f"{name:<20}{seconds:>10.3f}   {_worst_error(fit):.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
