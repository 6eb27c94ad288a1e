"""The suite: which engines run which task, how often, and the checks on their answers.

A record per (task, engine): the median of the timed repeats (``seconds``), every repeat
(``times``), the work (``work`` units of ``work_unit``), what the engine computed (Heston: price
and standard error; batches: the largest difference from the task's baseline engine) and whether
that answer agrees with the others (``agrees``). Engines that cannot run here are listed under
``skipped`` with the reason, never silently dropped.
"""

from __future__ import annotations

import math
import statistics
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .engines import processes, python_engines
from .engines.base import EngineUnavailable, Measurement
from .workload import BatchWork, HestonWork, bs_batch, iv_batch, scalar_greeks

# Heston: an engine's price must be within HESTON_Z standard errors (its own and the analytic
# price's zero) of the semi-analytic price, plus the discretisation bias we allow a 100-step
# scheme (full-truncation Euler's bias on this contract is a few cents; QE's is smaller).
HESTON_Z = 4.0
HESTON_BIAS_ALLOWANCE = 0.05
# Batches: largest absolute difference from the baseline engine's column (prices in currency
# units on spots of 50-150; vols as fractions).
BS_ABS_TOL = 1e-9
IV_ABS_TOL = 1e-9

# What each Heston engine simulates (all: the same contract, paths and steps).
FULL_TRUNCATION = (
    "full-truncation Euler on log spot (Lord, Koekkoek & van Dijk 2010), two normal draws a step"
)
OUR_MC = (
    "Andersen QE with martingale correction (wasm_core::monte_carlo); Philox4x32-10 counter-based "
    "streams; price with the control variate e^{-rT} S_T (regression estimator)"
)
SEED_LOOP = (
    "the seed's loop as printed: Euler variance first, then the spot with the new variance "
    "(biased by design; timing only)"
)
QUANTLIB_MC = (
    "Andersen QE with martingale correction (QuantLib HestonProcess default); Mersenne Twister, "
    "inverse-CDF normals; plain mean"
)

BASELINE = {
    "heston": "cpython-loop",
    "bs_batch": "numpy",
    "iv_batch": "py_lets_be_rational",
    "scalar_greeks": "quantlib",
}


@dataclass(frozen=True)
class Sizes:
    """Work sizes and repeat counts of one run.

    The engines of a task take turns: ``rounds`` rounds, each running every engine for
    ``repeats_fast`` timed repeats (``repeats_slow`` for the interpreter loops) after ``warmup``
    untimed ones. Interleaving spreads slow drifts of a shared machine's load over all engines
    instead of charging them to whichever engine ran at a bad moment.
    """

    heston_paths: int = 5000
    heston_steps: int = 100
    bs_rows: int = 1_000_000
    iv_rows: int = 100_000
    scalar_rows: int = 2_000
    rounds: int = 5
    repeats_fast: int = 5
    repeats_slow: int = 2
    warmup: int = 1


FULL = Sizes()
# The same work as the full run (so the ratios mean the same thing), one round.
QUICK = Sizes(rounds=1, repeats_fast=5, repeats_slow=1)


@dataclass
class Context:
    """Resources shared by engines, started on first use: the native binary, the browser."""

    workdir: Path
    stack: ExitStack = field(default_factory=ExitStack)
    _native: Path | None = None
    _chromium: Any = None
    _chromium_error: EngineUnavailable | None = None

    def native(self) -> Path:
        if self._native is None:
            self._native = processes.build_native()
        return self._native

    def chromium(self) -> Any:
        if self._chromium_error is not None:
            raise self._chromium_error
        if self._chromium is None:
            from .engines.chromium import Chromium

            try:
                self._chromium = self.stack.enter_context(Chromium())
            except EngineUnavailable as e:
                self._chromium_error = e
                raise
        return self._chromium

    def browser_info(self) -> dict[str, Any] | None:
        if self._chromium is None:
            return None
        return {
            "chromium": self._chromium.version,
            "hardware_concurrency": self._chromium.hardware_concurrency,
        }

    def task_dir(self, task: str) -> Path:
        return self.workdir / task


Work = HestonWork | BatchWork
Runner = Callable[[Context, Any, Path, int, int], Measurement]


@dataclass(frozen=True)
class Engine:
    name: str
    kind: str  # "heston", "bs_batch", "iv_batch" or "scalar_greeks"
    run: Runner
    slow: bool = False  # an interpreter loop: fewer repeats, no warm-up
    in_process: bool = False
    scheme: str | None = None  # Heston: the discretisation and estimator


def _py(fn: Callable[[Any, int, int], Measurement]) -> Runner:
    return lambda ctx, work, d, r, w: fn(work, r, w)


def _native(ctx: Context, work: Work, d: Path, r: int, w: int) -> Measurement:
    return processes.run_native(ctx.native(), work, d, r, w)


def _node(ctx: Context, work: Work, d: Path, r: int, w: int) -> Measurement:
    version = processes.node_available()
    m = processes.run_node(work, d, r, w)
    m.info.setdefault("node", version)
    return m


def _chromium_single(ctx: Context, work: Work, d: Path, r: int, w: int) -> Measurement:
    m: Measurement = ctx.chromium().run_single(work, d, r, w)
    return m


def _chromium_workers(ctx: Context, work: Work, d: Path, r: int, w: int) -> Measurement:
    m: Measurement = ctx.chromium().run_workers(work, d, r, w)
    return m


def _pyodide(ctx: Context, work: Work, d: Path, r: int, w: int) -> Measurement:
    m: Measurement = ctx.chromium().run_pyodide(work, d, r, w)
    return m


ENGINES: list[Engine] = [
    Engine(
        "cpython-loop",
        "heston",
        _py(python_engines.cpython_loop),
        slow=True,
        in_process=True,
        scheme=FULL_TRUNCATION,
    ),
    Engine(
        "cpython-loop-stdlib",
        "heston",
        _py(python_engines.cpython_loop_stdlib),
        slow=True,
        in_process=True,
        scheme=FULL_TRUNCATION,
    ),
    Engine(
        "numpy", "heston", _py(python_engines.numpy_heston), in_process=True, scheme=FULL_TRUNCATION
    ),
    Engine(
        "quantlib",
        "heston",
        _py(python_engines.quantlib_heston),
        in_process=True,
        scheme=QUANTLIB_MC,
    ),
    Engine(
        "cpython-loop-seed",
        "heston",
        _py(python_engines.cpython_loop_seed),
        slow=True,
        in_process=True,
        scheme=SEED_LOOP,
    ),
    Engine("pyodide-python", "heston", _pyodide, slow=True, scheme=FULL_TRUNCATION),
    Engine(
        "pricinglab-native",
        "heston",
        _py(python_engines.pricinglab_heston(1)),
        in_process=True,
        scheme=OUR_MC,
    ),
    Engine(
        "pricinglab-native-threads",
        "heston",
        _py(python_engines.pricinglab_heston(None)),
        in_process=True,
        scheme=OUR_MC,
    ),
    Engine("rust-native", "heston", _native, scheme=OUR_MC),
    Engine("wasm-node", "heston", _node, scheme=OUR_MC),
    Engine("wasm-chromium", "heston", _chromium_single, scheme=OUR_MC),
    Engine("wasm-chromium-workers", "heston", _chromium_workers, scheme=OUR_MC),
    Engine("numpy", "bs_batch", _py(python_engines.numpy_bs), in_process=True),
    Engine("rust-native", "bs_batch", _native),
    Engine(
        "pricinglab-native", "bs_batch", _py(python_engines.pricinglab_batch(1)), in_process=True
    ),
    Engine(
        "pricinglab-native-threads",
        "bs_batch",
        _py(python_engines.pricinglab_batch(None)),
        in_process=True,
    ),
    Engine("wasm-node", "bs_batch", _node),
    Engine("wasm-chromium", "bs_batch", _chromium_single),
    Engine(
        "py_lets_be_rational",
        "iv_batch",
        _py(python_engines.lets_be_rational_iv),
        slow=True,
        in_process=True,
    ),
    Engine("rust-native", "iv_batch", _native),
    Engine(
        "pricinglab-native", "iv_batch", _py(python_engines.pricinglab_batch(1)), in_process=True
    ),
    Engine(
        "pricinglab-native-threads",
        "iv_batch",
        _py(python_engines.pricinglab_batch(None)),
        in_process=True,
    ),
    Engine("wasm-node", "iv_batch", _node),
    Engine("wasm-chromium", "iv_batch", _chromium_single),
    Engine("quantlib", "scalar_greeks", _py(python_engines.quantlib_scalar), in_process=True),
    Engine(
        "pricinglab-native",
        "scalar_greeks",
        _py(python_engines.pricinglab_scalar),
        in_process=True,
    ),
]


def make_work(sizes: Sizes) -> dict[str, Work]:
    return {
        "heston": HestonWork(sizes.heston_paths, sizes.heston_steps),
        "bs_batch": bs_batch(sizes.bs_rows),
        "iv_batch": iv_batch(sizes.iv_rows),
        "scalar_greeks": scalar_greeks(sizes.scalar_rows),
    }


def describe_work(work: Work) -> dict[str, Any]:
    """What every engine of a task computes (written into the results)."""
    if isinstance(work, HestonWork):
        return {
            "what": "European option under Heston by Monte Carlo; every engine simulates the "
            "same contract, paths, steps; no antithetic paths anywhere",
            **work.contract,
            "paths": work.paths,
            "steps": work.steps,
            "antithetic": False,
        }
    cols = {k: [float(v.min()), float(v.max())] for k, v in work.columns.items()}
    what = {
        "bs_batch": "Black-Scholes-Merton prices",
        "iv_batch": "implied volatilities",
        "scalar_greeks": "one call per contract: price and Greeks (QuantLib: NPV, delta, gamma, "
        "vega, theta, rho, dividendRho; pricinglab: greeks(), price and 13 Greeks)",
    }[work.name]
    return {
        "what": what + "; every engine gets the same float64 columns (kind and rates broadcast)",
        "rows": work.rows,
        "kind": work.kind,
        "rate": work.rate,
        "dividend": work.dividend,
        "column_ranges": cols,
    }


def heston_reference(work: HestonWork) -> float:
    """The semi-analytic price (Lewis's formula, :func:`pricinglab.heston.heston_price`)."""
    from pricinglab.heston import heston_price

    return heston_price(**work.contract)


def _record(
    engine: Engine, work: Work, m: Measurement, repeats: int, warmup: int
) -> dict[str, Any]:
    seconds = statistics.median(m.times)
    rec: dict[str, Any] = {
        "task": work.task,
        "engine": engine.name,
        "seconds": seconds,
        "min_seconds": min(m.times),
        "work": work.units,
        "work_unit": work.unit_name,
        "units_per_second": work.units / seconds if seconds > 0 else None,
        "repeats": repeats,
        "warmup": warmup,
        "times": m.times,
        **({"scheme": engine.scheme} if engine.scheme else {}),
        **{k: v for k, v in m.info.items() if v is not None},
    }
    if m.price is not None:
        rec["price"] = m.price
        rec["std_error"] = m.std_error
    return rec


def _check_heston(rec: dict[str, Any], reference: float) -> None:
    se = float(rec["std_error"])
    diff = float(rec["price"]) - reference
    rec["reference_price"] = reference
    rec["z_score"] = diff / se if se > 0 else math.inf
    rec["agrees"] = abs(diff) <= HESTON_Z * se + HESTON_BIAS_ALLOWANCE


def _check_batch(
    rec: dict[str, Any], values: np.ndarray, baseline: np.ndarray | None, work: BatchWork
) -> None:
    tol = IV_ABS_TOL if work.name == "iv_batch" else BS_ABS_TOL
    ok = values.shape == (work.rows,) and bool(np.all(np.isfinite(values)))
    if baseline is not None and ok:
        diff = float(np.max(np.abs(values - baseline)))
        rec["max_abs_diff_vs_baseline"] = diff
        ok = diff <= tol
    if work.true_vol is not None and values.shape == work.true_vol.shape:
        rec["max_abs_error_vs_true_vol"] = float(np.max(np.abs(values - work.true_vol)))
    rec["agrees"] = ok
    rec["tolerance"] = tol


def run_suite(
    sizes: Sizes,
    workdir: Path,
    only: set[str] | None = None,
    in_process_only: bool = False,
    log: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
) -> dict[str, Any]:
    """Runs every engine (or those named in ``only``) on every task; returns the results."""
    works = make_work(sizes)
    records: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    with ExitStack() as stack:
        ctx = Context(workdir, stack)
        for kind, work in works.items():
            engines = list(_engines(kind, only, in_process_only))
            runs: dict[str, list[Measurement]] = {e.name: [] for e in engines}
            for round_no in range(1, sizes.rounds + 1):
                for engine in engines:
                    if engine.name in {s["engine"] for s in skipped if s["task"] == work.task}:
                        continue
                    repeats = sizes.repeats_slow if engine.slow else sizes.repeats_fast
                    warmup = 0 if engine.slow else sizes.warmup
                    log(f"{work.task:<20} round {round_no}/{sizes.rounds}  {engine.name:<22} ...")
                    try:
                        m = engine.run(ctx, work, ctx.task_dir(work.task), repeats, warmup)
                    except EngineUnavailable as e:
                        log(f"  skipped: {e}")
                        skipped.append({"task": work.task, "engine": engine.name, "reason": str(e)})
                        continue
                    except Exception as e:
                        log(traceback.format_exc())
                        reason = f"failed: {e}"
                        skipped.append({"task": work.task, "engine": engine.name, "reason": reason})
                        continue
                    log(f"  median {statistics.median(m.times):.4g} s")
                    runs[engine.name].append(m)
            records += _task_records(work, engines, runs, sizes)
        browser = ctx.browser_info()
    return {
        "work": {w.task: describe_work(w) for w in works.values()},
        "records": records,
        "skipped": skipped,
        "browser": browser,
    }


def _task_records(
    work: Work, engines: list[Engine], runs: dict[str, list[Measurement]], sizes: Sizes
) -> list[dict[str, Any]]:
    """One record per engine that ran: all its rounds' times, the last round's answer."""
    records = []
    baseline_values: np.ndarray | None = None
    reference = heston_reference(work) if isinstance(work, HestonWork) else None
    for engine in engines:
        ms = runs[engine.name]
        if not ms:
            continue
        last = ms[-1]
        merged = Measurement(
            [t for m in ms for t in m.times], last.price, last.std_error, last.values, last.info
        )
        repeats = sum(len(m.times) for m in ms)
        warmup = (0 if engine.slow else sizes.warmup) * len(ms)
        rec = _record(engine, work, merged, repeats, warmup)
        rec["rounds"] = len(ms)
        if isinstance(work, HestonWork):
            assert reference is not None
            _check_heston(rec, reference)
            # Every round simulates the same seed: the answers must not change.
            rec["agrees"] = rec["agrees"] and all(m.price == last.price for m in ms)
            if engine.scheme == SEED_LOOP:
                rec["agrees"] = None  # biased by design: its price is shown, not checked
        else:
            assert last.values is not None, f"{engine.name} returned no values"
            if engine.name == BASELINE[work.name]:
                baseline_values = last.values
            _check_batch(rec, last.values, baseline_values, work)
        records.append(rec)
    # Our engine's result depends only on (params, seed): native, node and browser builds, one
    # worker or several, should agree to the last bit (libm differences would show here).
    native = next((r for r in records if r["engine"] == "rust-native"), None)
    if isinstance(work, HestonWork) and native is not None:
        for rec in records:
            if rec.get("scheme") == OUR_MC:
                rec["identical_to_rust_native"] = rec["price"] == native["price"]
    return records


def _engines(kind: str, only: set[str] | None, in_process_only: bool) -> Iterator[Engine]:
    for e in ENGINES:
        if e.kind != kind or (only is not None and e.name not in only):
            continue
        if in_process_only and not e.in_process:
            continue
        yield e
