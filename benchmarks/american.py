"""American options side by side (a benchmark: ratios from one run, no assertions).

The same contracts (puts and calls over moneyness 0.8-1.2, expiries of a month to three years,
vols 15-45 %, r = 5 %, q = 2 %) priced by

- ``quantlib-qdfp-high`` / ``quantlib-qdfp-accurate``: QuantLib-Python's ``QdFpAmericanEngine``
  (Andersen-Lake-Offengenden, its high-precision and accurate schemes), one ``NPV()`` per
  contract (the engine recomputes on every call);
- ``native-<accuracy>``: ``pl.american`` (the Rust engine through PyO3), one call per contract;
- ``wasm-chromium-<accuracy>``: ``american`` in WebAssembly in Chromium on the real server.

Each prints microseconds per option (best of ``--repeat``) and the ratio to QuantLib's
high-precision engine, with the largest relative difference from it.

    .venv/bin/python -m benchmarks.american [--repeat 3]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from typing import Any, Literal

import pricinglab as pl
from benchmarks.lab_page import available, lab_page

RATE, DIVIDEND = 0.05, 0.02
CONTRACTS = [
    (kind, 100.0 * m, 100.0, days, vol)
    for kind, m, days, vol in itertools.product(
        ("put", "call"), (0.8, 0.9, 1.0, 1.1, 1.2), (30, 182, 365, 1095), (0.15, 0.3, 0.45)
    )
]
ACCURACIES: tuple[Literal["fast", "accurate", "high"], ...] = ("fast", "accurate", "high")


def _quantlib(scheme: str) -> list[float]:
    import QuantLib as ql  # type: ignore[import-untyped]

    today = ql.Date(1, 6, 2022)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    spot = ql.SimpleQuote(100.0)
    vol = ql.SimpleQuote(0.2)
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(spot),
        ql.YieldTermStructureHandle(ql.FlatForward(today, DIVIDEND, dc, ql.Continuous)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, RATE, dc, ql.Continuous)),
        ql.BlackVolTermStructureHandle(
            ql.BlackConstantVol(today, ql.NullCalendar(), ql.QuoteHandle(vol), dc)
        ),
    )
    schemes = {
        "high": ql.QdFpAmericanEngine.highPrecisionScheme(),
        "accurate": ql.QdFpAmericanEngine.accurateScheme(),
    }
    engine = ql.QdFpAmericanEngine(process, schemes[scheme])
    out = []
    for kind, s, k, days, v in CONTRACTS:
        option_type = ql.Option.Call if kind == "call" else ql.Option.Put
        option = ql.VanillaOption(
            ql.PlainVanillaPayoff(option_type, k), ql.AmericanExercise(today, today + days)
        )
        option.setPricingEngine(engine)
        spot.setValue(s)
        vol.setValue(v)
        out.append(option.NPV())
    return out


def _native(accuracy: Literal["fast", "accurate", "high"]) -> list[float]:
    return [
        pl.american(kind, s, k, days / 365, RATE, DIVIDEND, v, accuracy)
        for kind, s, k, days, v in CONTRACTS
    ]


def _chromium(repeat: int) -> dict[str, tuple[float, list[float]]]:
    with lab_page() as page:
        out: dict[str, Any] = page.evaluate(
            """([contracts, rate, dividend, accuracies, repeat]) => {
                const out = {};
                for (const a of accuracies) {
                    let best = Infinity, prices = null;
                    for (let i = 0; i < repeat; i++) {
                        const t0 = performance.now();
                        const lab = window.pricingLab;
                        prices = contracts.map(([kind, s, k, days, v]) =>
                            lab.american(kind, s, k, days / 365, rate, dividend, v, a));
                        best = Math.min(best, performance.now() - t0);
                    }
                    out[a] = [best / 1e3, prices];
                }
                return out;
            }""",
            [CONTRACTS, RATE, DIVIDEND, list(ACCURACIES), repeat],
        )
    return {a: (float(t), list(p)) for a, (t, p) in out.items()}


def _best(fn: Any, arg: Any, repeat: int) -> tuple[float, list[float]]:
    times, prices = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        prices = fn(arg)
        times.append(time.perf_counter() - t0)
    return min(times), prices


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: list[tuple[str, float, list[float]]] = []
    try:
        for scheme in ("high", "accurate"):
            rows.append((f"quantlib-qdfp-{scheme}", *_best(_quantlib, scheme, args.repeat)))
    except ImportError:
        print("quantlib: QuantLib is not installed; no baseline")
        return 0
    for a in ACCURACIES:
        rows.append((f"native-{a}", *_best(_native, a, args.repeat)))
    if available():
        for name, (seconds, prices) in _chromium(args.repeat).items():
            rows.append((f"wasm-chromium-{name}", seconds, prices))
    n = len(CONTRACTS)
    base_time, base = rows[0][1], rows[0][2]
    print(f"American options, {n} contracts, best of {args.repeat}")
    print(f"{'engine':<26}{'us/option':>11}{'vs QdFp high':>14}   max rel. diff from QdFp high")
    for name, seconds, prices in rows:
        diff = max(abs(p / b - 1) for p, b in zip(prices, base, strict=True))
        print(f"{name:<26}{seconds / n * 1e6:>11.1f}{base_time / seconds:>13.1f}x   {diff:.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
