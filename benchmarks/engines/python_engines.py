"""The in-process engines: the CPython loop, NumPy, the Let's-Be-Rational package, QuantLib."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..heston_loop import heston_mc_loop
from ..heston_loop_numpy import heston_mc_loop_numpy
from ..workload import F64, BatchWork, HestonWork, bs_prices
from .base import EngineUnavailable, Measurement, time_calls


def cpython_loop(work: HestonWork, repeats: int, warmup: int) -> Measurement:
    """``cpython-loop``, the baseline of the speed goals: the seed's loop shape (two scalar
    ``np.random.standard_normal()`` draws a step), correct scheme
    (:func:`benchmarks.heston_loop_numpy.heston_mc_loop_numpy`)."""
    times, (price, se) = time_calls(
        lambda: heston_mc_loop_numpy(
            **work.contract, paths=work.paths, steps=work.steps, seed=work.seed
        ),
        repeats,
        warmup,
    )
    return Measurement(
        times, price, se, info={"rng": "numpy RandomState.standard_normal, one scalar per call"}
    )


def cpython_loop_stdlib(work: HestonWork, repeats: int, warmup: int) -> Measurement:
    """``cpython-loop-stdlib``: the same loop with ``random.gauss`` draws
    (:func:`benchmarks.heston_loop.heston_mc_loop`, also what ``pyodide-python`` runs)."""
    times, (price, se) = time_calls(
        lambda: heston_mc_loop(**work.contract, paths=work.paths, steps=work.steps, seed=work.seed),
        repeats,
        warmup,
    )
    return Measurement(times, price, se, info={"rng": "random.gauss (Mersenne Twister)"})


def _numpy_heston(work: HestonWork) -> tuple[float, float]:
    """The CPython loop's scheme, vectorised over paths (one loop over the steps)."""
    c = work.contract
    rng = np.random.default_rng(work.seed)
    n = work.paths
    dt = c["expiry"] / work.steps
    sqrt_dt = math.sqrt(dt)
    rho, rho_bar = c["rho"], math.sqrt(1.0 - c["rho"] ** 2)
    x = np.zeros(n)
    v = np.full(n, float(c["v0"]))
    for _ in range(work.steps):
        z = rng.standard_normal((2, n))
        vp = np.maximum(v, 0.0)
        sv = np.sqrt(vp) * sqrt_dt
        x += (c["rate"] - c["dividend"]) * dt - 0.5 * vp * dt + sv * z[0]
        v += c["kappa"] * (c["theta"] - vp) * dt + c["xi"] * sv * (rho * z[0] + rho_bar * z[1])
    sign = 1.0 if c["kind"] == "call" else -1.0
    values = math.exp(-c["rate"] * c["expiry"]) * np.maximum(
        sign * (c["spot"] * np.exp(x) - c["strike"]), 0.0
    )
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(n))


def numpy_heston(work: HestonWork, repeats: int, warmup: int) -> Measurement:
    times, (price, se) = time_calls(lambda: _numpy_heston(work), repeats, warmup)
    return Measurement(times, price, se, info={"rng": "numpy PCG64"})


def numpy_bs(work: BatchWork, repeats: int, warmup: int) -> Measurement:
    """``numpy``: vectorised Black-Scholes-Merton with SciPy's ``ndtr``."""
    c = work.columns

    def run() -> F64:
        return bs_prices(
            work.kind, c["spot"], c["strike"], c["expiry"], work.rate, work.dividend, c["vol"]
        )

    times, values = time_calls(run, repeats, warmup)
    return Measurement(times, values=values, info={"normal_cdf": "scipy.special.ndtr"})


def lets_be_rational_iv(work: BatchWork, repeats: int, warmup: int) -> Measurement:
    """``py_lets_be_rational``: the pure-Python Let's Be Rational package from PyPI (vollib),
    one call per row. Its function takes undiscounted prices on the forward, so the discounting
    (vectorised) is part of the timed work."""
    try:
        import py_lets_be_rational as lbr  # type: ignore[import-untyped]
    except ImportError as e:
        raise EngineUnavailable(
            "py_lets_be_rational is not installed (pip install '.[bench]')"
        ) from e
    solve = lbr.implied_volatility_from_a_transformed_rational_guess
    c = work.columns
    q = 1.0 if work.kind == "call" else -1.0

    def run() -> F64:
        t = c["expiry"]
        discount = np.exp(-work.rate * t)
        forward = c["spot"] * np.exp((work.rate - work.dividend) * t)
        prices = (c["price"] / discount).tolist()
        rows = zip(prices, forward.tolist(), c["strike"].tolist(), t.tolist(), strict=True)
        return np.array([solve(p, f, k, tt, q) for p, f, k, tt in rows])

    times, values = time_calls(run, repeats, warmup)
    return Measurement(
        times,
        values=values,
        info={"package": f"py_lets_be_rational {_version('py_lets_be_rational')}"},
    )


def quantlib_heston(work: HestonWork, repeats: int, warmup: int) -> Measurement:
    """``quantlib``: QuantLib's C++ ``MCEuropeanHestonEngine`` ("pseudorandom" traits: Mersenne
    Twister uniforms through the inverse normal CDF, ql/math/randomnumbers/rngtraits.hpp),
    ``timeSteps = steps``,
    ``requiredSamples = paths``, no antithetic variates, the process's default discretisation
    (Andersen's quadratic-exponential scheme with martingale correction)."""
    try:
        import QuantLib as ql  # type: ignore[import-untyped]
    except ImportError as e:
        raise EngineUnavailable("QuantLib is not installed") from e
    c = work.contract
    today = ql.Date(1, 1, 2025)
    ql.Settings.instance().evaluationDate = today
    day_count = ql.Actual365Fixed()
    maturity = today + round(365 * c["expiry"])
    expiry = day_count.yearFraction(today, maturity)
    if abs(expiry - c["expiry"]) > 1e-12:
        raise EngineUnavailable(f"expiry {c['expiry']} is not a whole number of days")

    def curve(rate: float) -> Any:
        return ql.YieldTermStructureHandle(ql.FlatForward(today, rate, day_count))

    process = ql.HestonProcess(
        curve(c["rate"]),
        curve(c["dividend"]),
        ql.QuoteHandle(ql.SimpleQuote(c["spot"])),
        c["v0"],
        c["kappa"],
        c["theta"],
        c["xi"],
        c["rho"],
    )
    kind = ql.Option.Call if c["kind"] == "call" else ql.Option.Put
    option = ql.VanillaOption(
        ql.PlainVanillaPayoff(kind, c["strike"]), ql.EuropeanExercise(maturity)
    )

    def run() -> tuple[float, float]:
        # A fresh engine each time: QuantLib caches results per instrument/engine.
        option.setPricingEngine(
            ql.MCEuropeanHestonEngine(
                process,
                "pseudorandom",
                timeSteps=work.steps,
                requiredSamples=work.paths,
                antitheticVariate=False,
                seed=work.seed,
            )
        )
        return option.NPV(), option.errorEstimate()

    times, (price, se) = time_calls(run, repeats, warmup)
    return Measurement(
        times,
        price,
        se,
        info={"version": ql.__version__},
    )


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------- pricinglab


def _pricinglab() -> Any:
    try:
        import pricinglab
    except ImportError as e:
        raise EngineUnavailable(f"pricinglab's native engine is not importable: {e}") from e
    if pricinglab.backend != "native":
        raise EngineUnavailable(f"pricinglab's backend is {pricinglab.backend!r}, not native")
    return pricinglab


def cpython_loop_seed(work: HestonWork, repeats: int, warmup: int) -> Measurement:
    """``cpython-loop-seed``: the seed's loop as printed (biased; timing only), see
    :mod:`benchmarks.heston_loop_seed`."""
    from ..heston_loop_seed import heston_mc_loop_seed

    times, (price, se) = time_calls(
        lambda: heston_mc_loop_seed(
            **work.contract, paths=work.paths, steps=work.steps, seed=work.seed
        ),
        repeats,
        warmup,
    )
    return Measurement(times, price, se, info={"rng": "np.random.standard_normal, scalar"})


def pricinglab_heston(threads: int | None) -> Any:
    """``pricinglab-native``: ``pl.monte_carlo`` from Python (the PyO3 extension), on
    ``threads`` threads (None: every core)."""

    def run(work: HestonWork, repeats: int, warmup: int) -> Measurement:
        pl = _pricinglab()
        params = work.mc_params()
        times, result = time_calls(lambda: pl.monte_carlo(params, threads=threads), repeats, warmup)
        return Measurement(
            times,
            result["price"],
            result["std_error"],
            info={"threads": threads or pl.available_threads(), "api": "pricinglab.monte_carlo"},
        )

    return run


def pricinglab_batch(threads: int | None) -> Any:
    """``pricinglab-native``: ``pl.black_scholes_many`` / ``pl.implied_vol_many`` on the NumPy
    columns (read in place), on ``threads`` threads (None: every core)."""

    def run(work: BatchWork, repeats: int, warmup: int) -> Measurement:
        pl = _pricinglab()
        c = work.columns
        if work.name == "bs_batch":

            def call() -> F64:
                out = pl.black_scholes_many(
                    work.kind, c["spot"], c["strike"], c["expiry"], work.rate, work.dividend,
                    c["vol"], threads=threads,
                )  # fmt: skip
                return np.asarray(out["price"])
        else:

            def call() -> F64:
                out = pl.implied_vol_many(
                    work.kind, c["price"], c["spot"], c["strike"], c["expiry"], work.rate,
                    work.dividend, threads=threads,
                )  # fmt: skip
                return np.asarray(out["vol"])

        times, values = time_calls(call, repeats, warmup)
        return Measurement(
            times, values=values, info={"threads": threads or pl.available_threads()}
        )

    return run


def _scalar_contracts(work: BatchWork) -> list[tuple[float, float, float, float]]:
    c = work.columns
    return list(
        zip(c["spot"].tolist(), c["strike"].tolist(), c["expiry"].tolist(), c["vol"].tolist(),
            strict=True)
    )  # fmt: skip


def pricinglab_scalar(work: BatchWork, repeats: int, warmup: int) -> Measurement:
    """``pricinglab-native``: one ``pl.greeks`` call per contract (price and 13 Greeks)."""
    pl = _pricinglab()
    rows = _scalar_contracts(work)
    kind, r, q = work.kind, work.rate, work.dividend

    def run() -> F64:
        greeks = pl.greeks
        return np.array([greeks(kind, s, k, t, r, q, v)["price"] for s, k, t, v in rows])

    times, values = time_calls(run, repeats, warmup)
    return Measurement(times, values=values, info={"per_call": "price + 13 Greeks (dict)"})


def quantlib_scalar(work: BatchWork, repeats: int, warmup: int) -> Measurement:
    """``quantlib``: QuantLib-Python's ``AnalyticEuropeanEngine`` per contract: quotes updated
    in place (spot, vol), a new ``VanillaOption`` for each strike and maturity, then ``NPV``
    and its Greeks (delta, gamma, vega, theta, rho, dividendRho). Expiries are whole days
    (Actual/365), so both libraries price the same contracts."""
    try:
        import QuantLib as ql
    except ImportError as e:
        raise EngineUnavailable("QuantLib is not installed") from e
    today = ql.Date(1, 1, 2025)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    spot_q, vol_q = ql.SimpleQuote(100.0), ql.SimpleQuote(0.2)
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(spot_q),
        ql.YieldTermStructureHandle(ql.FlatForward(today, work.dividend, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, work.rate, dc)),
        ql.BlackVolTermStructureHandle(
            ql.BlackConstantVol(today, ql.NullCalendar(), ql.QuoteHandle(vol_q), dc)
        ),
    )
    engine = ql.AnalyticEuropeanEngine(process)
    kind = ql.Option.Call if work.kind == "call" else ql.Option.Put
    rows = [(s, k, today + round(t * 365), v) for s, k, t, v in _scalar_contracts(work)]

    def run() -> F64:
        prices = []
        for s, k, maturity, v in rows:
            spot_q.setValue(s)
            vol_q.setValue(v)
            option = ql.VanillaOption(ql.PlainVanillaPayoff(kind, k), ql.EuropeanExercise(maturity))
            option.setPricingEngine(engine)
            prices.append(option.NPV())
            option.delta(), option.gamma(), option.vega(), option.theta()
            option.rho(), option.dividendRho()
        return np.array(prices)

    times, values = time_calls(run, repeats, warmup)
    return Measurement(times, values=values, info={"version": ql.__version__})
