"""The public API of pricinglab under CPython: backends, argument rules, batches, Monte Carlo.

Every rule test runs on both CPython backends, the native engine and the pure-Python
reference, which must reject the same inputs with the same messages (the engine's: the
reference checks its arguments through ``pricinglab._engine.validate``). The bad-input corpus
(tests/bad_inputs.py) also runs in Pyodide and JavaScript (tests/browser/test_bad_input_corpus.py).
"""

from __future__ import annotations

import array
import contextlib
import fractions
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bad_inputs
import mc_cases
import numpy as np
import pytest
from tolerances import BATCH_VS_SCALAR_REL_TOL

import pricinglab as pl
from pricinglab import _args, _engine, _wasm

ROOT = Path(__file__).resolve().parents[1]
GOOD: dict[str, Any] = {
    "kind": "call", "spot": 100.0, "strike": 95.0, "expiry": 0.5, "rate": 0.03,
    "dividend": 0.01, "vol": 0.25,
}  # fmt: skip
GOOD_IV: dict[str, Any] = {
    "kind": "call", "price": 9.0, "spot": 100.0, "strike": 95.0, "expiry": 0.5,
    "rate": 0.03, "dividend": 0.01,
}  # fmt: skip
GBM: dict[str, Any] = {"model": "gbm", **GOOD, "paths": 200, "seed": 1}
HESTON: dict[str, Any] = {"model": "heston", **{k: v for k, v in GOOD.items() if k != "vol"},
          "v0": 0.04, "kappa": 1.5, "theta": 0.04, "xi": 0.3, "rho": -0.7}  # fmt: skip
INPUTS = ("kind", "spot", "strike", "expiry", "rate", "dividend", "vol")
IV_INPUTS = ("kind", "price", "spot", "strike", "expiry", "rate", "dividend")
BACKENDS = ("native", "reference")


def _args_of(names: tuple[str, ...], base: dict[str, Any], **change: Any) -> list[Any]:
    values = {**base, **change}
    return [values[n] for n in names]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs the test on the native engine, then on the pure-Python reference."""
    pl.use_backend(request.param)
    try:
        yield request.param
    finally:
        pl.use_backend("native")


# ---------------------------------------------------------------------------- backends


def test_the_native_engine_is_the_default_under_cpython() -> None:
    assert pl.backend == pl.engine_name == "native"
    assert _engine.engine.__name__ == "pricinglab._native"  # type: ignore[attr-defined]
    assert _engine.engine.version() == "0.1.0"


def test_use_backend() -> None:
    pl.use_backend("reference")
    assert pl.backend == "reference"
    pl.use_backend("native")
    assert pl.backend == "native"
    for wrong in ("wasm", "python", "rust"):
        with pytest.raises(pl.PricingError, match=r'^backend must be "native" or "reference"'):
            pl.use_backend(wrong)
    assert pl.backend == "native"


def test_public_names() -> None:
    for name in pl.__all__:
        assert hasattr(pl, name), name
    assert issubclass(pl.PricingError, ValueError)
    assert issubclass(pl.PricingTypeError, TypeError)
    assert issubclass(pl.PricingTypeError, pl.PricingError)
    assert pl.available_threads() >= 1


def test_import_without_the_native_engine_says_how_to_build_it(tmp_path: Path) -> None:
    """No silent fallback: a copy of the package without its extension refuses to import."""
    package = tmp_path / "pricinglab"
    shutil.copytree(ROOT / "pricinglab", package, ignore=shutil.ignore_patterns("*.so"))
    run = subprocess.run(
        [sys.executable, "-c", "import pricinglab"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""},
    )  # fmt: skip
    assert run.returncode != 0
    assert "native engine (the extension module pricinglab._native) is not built" in run.stderr
    assert "pip install ." in run.stderr


# ---------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [pytest.param(f, a, m, id=i) for i, f, a, m in bad_inputs.CORPUS],
)
def test_bad_input_corpus(backend: str, function: str, args: list[Any], message: str) -> None:
    if backend == "reference" and function.startswith("american"):
        pytest.skip("the American functions run in the engine only")
    with pytest.raises(pl.PricingError) as info:
        getattr(pl, function)(*args)
    assert str(info.value) == message
    # A wrong type is a TypeError as well (docs/api.md, "Errors"), and nothing else is.
    assert isinstance(info.value, TypeError) == mc_cases.is_type_message(message)
    assert isinstance(info.value.status, int)


# ---------------------------------------------------------------------------- scalar rules


@pytest.mark.parametrize("value", [1 + 2j, b"100", {1.0}, array.array("d", [1.0])])
def test_python_only_wrong_types(backend: str, value: Any) -> None:
    with pytest.raises(pl.PricingTypeError) as info:
        pl.black_scholes(*_args_of(INPUTS, GOOD, spot=value))
    assert str(info.value) == f"spot must be a number (got {type(value).__name__})"


def test_status_of_errors(backend: str) -> None:
    with pytest.raises(pl.PricingError) as info:
        pl.black_scholes("call", 1e300, 1.0, 30.0, 0.05, -1.0, 0.3)
    assert info.value.status == 13
    with pytest.raises(pl.PricingError) as info:
        pl.black_scholes(*_args_of(INPUTS, GOOD, vol=-1.0))
    assert info.value.status == 7
    with pytest.raises(pl.PricingError) as info:
        pl.implied_vol("call", 200.0, 100, 100, 1, 0, 0)
    assert info.value.status == 10


def test_keyword_arguments(backend: str) -> None:
    positional = pl.black_scholes("put", 100.0, 95.0, 0.5, 0.03, 0.01, 0.25)
    assert pl.black_scholes(**{**GOOD, "kind": "put"}) == positional
    assert pl.black_scholes("put", 100.0, 95.0, vol=0.25, rate=0.03, dividend=0.01,
                            expiry=0.5) == positional  # fmt: skip
    assert pl.greeks(**GOOD) == pl.greeks(*_args_of(INPUTS, GOOD))
    assert pl.implied_vol(**GOOD_IV) == pl.implied_vol(*_args_of(IV_INPUTS, GOOD_IV))
    with pytest.raises(TypeError):
        pl.black_scholes(spot=100.0)  # type: ignore[call-arg]


def test_numeric_types_accepted(backend: str) -> None:
    expected = pl.black_scholes("call", 100.0, 100.0, 1.0, 0.0, 0.0, 0.5)
    half = fractions.Fraction(1, 2)
    assert pl.black_scholes("call", 100, 100, 1, 0, 0, half) == expected  # type: ignore[arg-type]
    assert pl.black_scholes("call", np.float64(100), np.int64(100), 1, 0, 0, 0.5) == expected
    with pytest.raises(pl.PricingError, match=r"^spot must be a finite number$"):
        pl.black_scholes("call", 10**400, 100, 1, 0, 0, 0.5)


def test_native_and_reference_agree() -> None:
    native = (pl.black_scholes(**GOOD), pl.greeks(**GOOD), pl.implied_vol(**GOOD_IV))
    pl.use_backend("reference")
    try:
        ref = (pl.black_scholes(**GOOD), pl.greeks(**GOOD), pl.implied_vol(**GOOD_IV))
    finally:
        pl.use_backend("native")
    assert native[0] == pytest.approx(ref[0], rel=1e-14)
    assert list(native[1]) == list(ref[1])
    for key in native[1]:
        assert native[1][key] == pytest.approx(ref[1][key], rel=1e-12, abs=1e-14), key
    assert native[2] == pytest.approx(ref[2], rel=1e-13)


def test_greeks_keys_in_docs_order(backend: str) -> None:
    assert list(pl.greeks(**GOOD)) == [
        "price", "delta", "gamma", "speed", "vega", "volga", "vanna", "zomma", "theta",
        "charm", "color", "veta", "rho", "epsilon",
    ]  # fmt: skip
    assert tuple(list(pl.greeks(**GOOD))[1:]) == pl.GREEK_NAMES


def test_limits_are_defined_values(backend: str) -> None:
    assert pl.black_scholes("call", 110, 100, 0, 0.05, 0, 0.3) == 10.0
    assert pl.black_scholes("put", 110, 100, 0, 0.05, 0, 0.3) == 0.0
    expected = 100 * math.exp(-0.05) * math.expm1(math.log(1.1) + 0.05)
    assert pl.black_scholes("call", 110, 100, 1, 0.05, 0, 0) == pytest.approx(expected, rel=1e-15)
    for values in (
        pl.greeks("call", 100, 100, 0, 0.05, 0, 0.3),
        pl.greeks("put", 90, 100, 1, 0, 0, 0),
    ):
        assert all(math.isfinite(v) for v in values.values())


# ---------------------------------------------------------------------------- status table


def test_status_table_is_the_engines() -> None:
    assert len(pl.STATUS_MESSAGES) == 17
    assert pl.STATUS_MESSAGES[0] == "ok"
    for code, message in enumerate(pl.STATUS_MESSAGES):
        assert pl.status_message(code) == message
    assert pl.status_message(7.0) == "vol must be a finite number >= 0"  # type: ignore[arg-type]
    assert pl.status_message(np.uint8(2)) == "spot must be a finite number > 0"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [(-1.0, "-1"), (0.5, "0.5"), (1e-7, "0.0000001"), (1e21, "1000000000000000000000"),
     (123.456, "123.456"), (-0.0, "-0"), (2.5e-5, "0.000025"), (math.nan, "NaN"),
     (math.inf, "inf"), (1.2345678901234568e18, "1234567890123456800")],
)  # fmt: skip
def test_numbers_print_like_rust_display(value: float, text: str) -> None:
    """The reference fills the engine's message templates with numbers printed this way."""
    assert _args.format_number(value) == text


def test_error_templates_are_the_engines() -> None:
    messages = _engine.TABLES["messages"]
    assert set(messages) == {
        "price_below_lower_bound", "price_at_or_above_upper_bound",
        "price_not_intrinsic_at_expiry", "out_of_double_range", "simulation_overflow",
        "american_price_below_lower_bound", "american_price_at_or_above_upper_bound",
        "double_exercise_boundary",
    }  # fmt: skip
    for m in messages.values():
        assert 0 < m["status"] < len(pl.STATUS_MESSAGES)


# ---------------------------------------------------------------------------- batches


def test_batch_results_are_numpy_arrays(backend: str) -> None:
    out = pl.black_scholes_many("call", [90.0, 100.0, 110.0], 100.0, 1.0, 0.05, 0.0, 0.2)
    assert isinstance(out["price"], np.ndarray) and out["price"].dtype == np.float64
    assert isinstance(out["status"], np.ndarray) and out["status"].dtype == np.uint8
    assert out["status"].tolist() == [0, 0, 0]
    expected = [pl.black_scholes("call", s, 100, 1, 0.05, 0, 0.2) for s in (90, 100, 110)]
    assert out["price"].tolist() == pytest.approx(expected, rel=1e-15)


def test_batch_rows_match_the_scalar_function() -> None:
    spots = np.linspace(50, 150, 101)
    out = pl.greeks_many("put", spots, 100.0, 0.7, 0.02, 0.01, 0.3)
    prices = pl.black_scholes_many("put", spots, 100.0, 0.7, 0.02, 0.01, 0.3)["price"]
    for i in (0, 37, 100):
        g = pl.greeks("put", float(spots[i]), 100.0, 0.7, 0.02, 0.01, 0.3)
        assert float(out["price"][i]) == float(prices[i])
        for k in g:
            assert float(out[k][i]) == pytest.approx(g[k], rel=BATCH_VS_SCALAR_REL_TOL), k


def test_batch_kinds_and_columns(backend: str) -> None:
    kinds = ["call", "put", "put"]
    strikes = (90.0, 100.0, 110.0)
    vols = array.array("d", [0.1, 0.2, 0.3])
    out = pl.greeks_many(kinds, 100.0, strikes, 1.0, 0.02, 0.01, vols)
    assert list(out) == ["price", *pl.GREEK_NAMES, "status"]
    for i in range(3):
        expected = pl.greeks(kinds[i], 100.0, strikes[i], 1.0, 0.02, 0.01, vols[i])
        assert {k: out[k][i] for k in expected} == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert out["status"].tolist() == [0, 0, 0]


def test_batch_accepts_any_array_like(backend: str) -> None:
    spots = [80.0, 95.0, 120.0]
    expected = pl.black_scholes_many("put", spots, 100, 1, 0.05, 0, 0.3)["price"].tolist()
    for column in (
        tuple(spots), array.array("d", spots), array.array("f", spots),
        memoryview(array.array("d", spots)), [80, 95, 120], np.array(spots),
        np.array([80, 95, 120], dtype=np.int32), np.array(spots, dtype=np.float32),
        np.array([80.0, 0.0, 95.0, 0.0, 120.0, 0.0])[::2],  # strided: not contiguous
        np.array(spots, dtype=object), np.array([[80.0, 95.0, 120.0]]).T[:, 0],
    ):  # fmt: skip
        got = pl.black_scholes_many("put", column, 100, 1, 0.05, 0, 0.3)["price"]
        assert got.tolist() == expected, type(column)
    kinds = np.array(["put", "put", "put"])
    assert pl.black_scholes_many(kinds, spots, 100, 1, 0.05, 0, 0.3)["price"].tolist() == expected
    zero_d = pl.black_scholes_many("put", np.array(80.0), 100, 1, 0.05, 0, 0.3)["price"]
    assert zero_d.tolist() == expected[:1]


def test_contiguous_float64_is_read_in_place() -> None:
    """A C-contiguous float64 array is borrowed, not copied: the engine reads the caller's
    buffer (a copy would not see a change made to it from another thread either way, so the
    check is that no conversion of the array is made: np.require is never called)."""
    spots = np.linspace(80, 120, 5)
    calls: list[Any] = []
    original = np.require

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    np.require = spy  # type: ignore[assignment]
    try:
        pl.black_scholes_many("call", spots, 100.0, 1.0, 0.0, 0.0, 0.2)
        assert calls == []
        pl.black_scholes_many("call", spots[::2], 100.0, 1.0, 0.0, 0.0, 0.2)
        assert len(calls) == 1
    finally:
        np.require = original  # type: ignore[assignment]


def test_batch_of_scalars_has_one_row_and_empty_batches_are_empty(backend: str) -> None:
    out = pl.black_scholes_many("call", 100, 100, 1, 0.05, 0, 0.2)
    assert out["price"].tolist() == [pl.black_scholes("call", 100, 100, 1, 0.05, 0, 0.2)]
    assert out["status"].tolist() == [0]
    empty = pl.implied_vol_many("call", np.array([]), 100, 100, 1, 0, 0)
    assert empty["vol"].shape == (0,) and empty["status"].shape == (0,)
    assert pl.implied_vol_many("call", [], 100, 100, 1, 0, 0)["vol"].tolist() == []


def test_numpy_shape_and_dtype_errors(backend: str) -> None:
    with pytest.raises(pl.PricingError, match=r"^spot must be one-dimensional \(got 2 dim"):
        pl.black_scholes_many("call", np.ones((2, 2)), 100, 1, 0, 0, 0.2)
    with pytest.raises(pl.PricingTypeError, match=r"^spot must be an array of numbers \(got an"):
        pl.black_scholes_many("call", np.array([True, False]), 100, 1, 0, 0, 0.2)
    with pytest.raises(pl.PricingTypeError, match=r"^spot must be an array of numbers \(got dt"):
        pl.black_scholes_many("call", np.array(["1", "2"]), 100, 1, 0, 0, 0.2)
    with pytest.raises(pl.PricingTypeError, match=r"^rate must be a number or a sequence"):
        pl.black_scholes_many("call", 100, 100, 1, {0.1}, 0, 0.2)


def test_batch_status_per_row(backend: str) -> None:
    """Each rule of the scalar API gives its status code (docs/api.md table) and NaN."""
    rows = [  # (kind, spot, strike, expiry, rate, dividend, vol) -> status
        (("call", 100, 100, 1, 0, 0, 0.2), 0),
        (("Call", 100, 100, 1, 0, 0, 0.2), 1),
        (("put", -1, 100, 1, 0, 0, 0.2), 2),
        (("put", math.nan, 100, 1, 0, 0, 0.2), 2),
        (("put", 100, 0, 1, 0, 0, 0.2), 3),
        (("put", 100, 100, -1, 0, 0, 0.2), 4),
        (("put", 100, 100, 1, math.inf, 0, 0.2), 5),
        (("put", 100, 100, 1, 0, math.nan, 0.2), 6),
        (("put", 100, 100, 1, 0, 0, -0.2), 7),
        (("put", -1, -1, -1, math.nan, math.nan, -1), 2),  # the first rule in order
        (("call", 1e300, 1.0, 30.0, 0.05, -1.0, 0.3), 13),  # beyond the double range
    ]
    columns = list(zip(*(r for r, _ in rows), strict=True))
    expected_status = [s for _, s in rows]
    for function in (pl.black_scholes_many, pl.greeks_many):
        out = function(*columns)
        assert out["status"].tolist() == expected_status
        assert not math.isnan(out["price"][0])
        assert all(math.isnan(p) for p in out["price"][1:])
    assert [pl.status_message(s) for s in expected_status[1:3]] == [
        'kind must be "call" or "put"',
        "spot must be a finite number > 0",
    ]


def test_implied_vol_batch_status(backend: str) -> None:
    price = pl.black_scholes("call", 100, 100, 1, 0.05, 0, 0.2)
    rows = [  # (kind, price, spot, strike, expiry, rate, dividend) -> status
        (("call", price, 100, 100, 1, 0.05, 0), 0),
        (("cal", price, 100, 100, 1, 0.05, 0), 1),
        (("call", math.nan, 100, 100, 1, 0.05, 0), 8),
        (("call", price, 100, -100, 1, 0.05, 0), 3),
        (("call", -1.0, 100, 100, 1, 0.05, 0), 9),
        (("call", 100.0, 100, 100, 1, 0.05, 0), 10),
        (("call", 5.0, 100, 100, 0, 0.05, 0), 12),  # expiry 0: only the intrinsic value
        (("put", 0.0, 100, 90, 1, 0, 0), 0),  # at the lower bound: vol 0
    ]
    columns = list(zip(*(r for r, _ in rows), strict=True))
    out = pl.implied_vol_many(*columns)
    assert out["status"].tolist() == [s for _, s in rows]
    assert out["vol"][0] == pytest.approx(0.2, rel=1e-13)
    assert out["vol"][-1] == 0.0
    assert all(math.isnan(v) for v in out["vol"][1:-1])


@pytest.mark.parametrize("threads", [1, 2, 3, 8])
def test_any_thread_count_gives_the_same_answers(threads: int) -> None:
    rng = np.random.default_rng(5)
    n = 40_001  # several threads' worth of rows, not a multiple of any count
    args = (rng.choice(["call", "put"], n).tolist(), rng.uniform(50, 150, n), 100.0,
            rng.uniform(0, 2, n), 0.03, 0.01, rng.uniform(0, 0.6, n))  # fmt: skip
    one = pl.greeks_many(*args, threads=1)
    many = pl.greeks_many(*args, threads=threads)
    for key in one:
        assert np.array_equal(one[key], many[key], equal_nan=True), key
    prices = pl.black_scholes_many(*args, threads=threads)["price"]
    assert np.array_equal(prices, one["price"], equal_nan=True)
    ivs = [pl.implied_vol_many(args[0], prices, *args[1:6], threads=t)["vol"] for t in (1, threads)]
    assert np.array_equal(ivs[0], ivs[1], equal_nan=True)


@pytest.mark.parametrize("threads", [0, -1, 1.5, 1e9, "2", True])
def test_threads_must_be_a_count(threads: Any) -> None:
    with pytest.raises(pl.PricingError, match=r"^threads must be"):
        pl.black_scholes_many("call", [100.0], 100, 1, 0, 0, 0.2, threads=threads)
    with pytest.raises(pl.PricingError, match=r"^threads must be"):
        pl.monte_carlo(GBM, threads=threads)


def test_bad_input_never_crashes_the_interpreter() -> None:
    """Odd objects in every position raise, and the interpreter goes on."""

    class Weird:
        def __float__(self) -> float:
            raise RuntimeError("no")

        def __len__(self) -> int:
            return -1

    oddities = [Weird(), object(), np.array([np.nan, np.inf]), np.ma.masked_array([1.0]),
                iter([1.0]), range(3), "", b"", None, (), [[1.0]],
                np.datetime64("2026-01-01")]  # fmt: skip
    for value in oddities:
        for position in range(7):
            args: list[Any] = ["call", 100.0, 100.0, 1.0, 0.0, 0.0, 0.2]
            args[position] = value
            for function in (pl.black_scholes, pl.black_scholes_many, pl.greeks_many):
                with contextlib.suppress(pl.PricingError, RuntimeError, TypeError, ValueError):
                    function(*args)
    assert pl.black_scholes(**GOOD) > 0


# ---------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_fields_are_the_engines() -> None:
    assert ", ".join(_engine.TABLES["mc_fields"]) == mc_cases.FIELDS


def test_monte_carlo_dict_and_keywords(backend: str) -> None:
    from_dict = pl.monte_carlo(GBM)
    assert pl.monte_carlo(**GBM) == from_dict
    assert pl.monte_carlo({**GBM, "seed": 2}, seed=1) == from_dict  # keywords win
    assert tuple(from_dict) == mc_cases.RESULT_KEYS
    assert from_dict["paths"] == 200 and from_dict["samples"] == 100 and from_dict["steps"] == 1


def test_monte_carlo_defaults() -> None:
    check = _engine.validate
    params = check("monte_carlo", {k: v for k, v in GBM.items() if k not in ("paths", "seed")})
    assert (params["paths"], params["steps"], params["seed"]) == (100_000, 1, 0)
    assert params["antithetic"] is True and params["greeks"] is False
    assert check("monte_carlo", HESTON)["steps"] == 100
    rough = check("monte_carlo", {**HESTON, "model": "rough_heston", "hurst": 0.1})
    assert rough["hurst"] == 0.1 and rough["steps"] == 100


def test_monte_carlo_params_are_the_models_fields_in_order() -> None:
    """What the engine's check hands the reference: the model's fields in docs order."""
    out = _engine.validate("monte_carlo", {**mc_cases.ROUGH, "paths": 64.0, "seed": 2.0})
    assert list(out) == ["model", "kind", "spot", "strike", "expiry", "rate", "dividend", "v0",
                         "kappa", "theta", "xi", "rho", "hurst", "paths", "steps", "seed",
                         "antithetic", "greeks", "payoff"]  # fmt: skip
    assert type(out["paths"]) is int and type(out["seed"]) is int and out["paths"] == 64
    assert all(type(out[k]) is float for k in ("spot", "v0", "hurst"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param(p, e, id=i)
        for i, p, e in mc_cases.VALID + mc_cases.VALID_NOT_RUN + mc_cases.VALID_PAYOFFS
    ],
)
def test_monte_carlo_accepts_as_documented(
    params: dict[str, Any], expected: tuple[int, int, int]
) -> None:
    checked = _engine.validate("monte_carlo", params)
    paths, samples, steps = expected
    pairs = (checked["paths"] + 1) // 2
    if checked["antithetic"]:
        assert (2 * pairs, pairs, checked["steps"]) == (paths, samples, steps)
    else:
        assert (checked["paths"], checked["paths"], checked["steps"]) == (paths, samples, steps)


def test_monte_carlo_keywords_alone_and_none(backend: str) -> None:
    assert pl.monte_carlo(**GBM) == pl.monte_carlo(GBM)
    with pytest.raises(pl.PricingError, match=r"^model is required"):
        pl.monte_carlo()
    with pytest.raises(pl.PricingTypeError, match=r"^params must be an object \(got NoneType\)$"):
        pl.monte_carlo(None, **GBM)  # type: ignore[arg-type]


def test_monte_carlo_integral_floats_count_as_integers(backend: str) -> None:
    assert pl.monte_carlo({**GBM, "paths": 200.0}) == pl.monte_carlo(GBM)


def test_monte_carlo_odd_paths_are_rounded_up_to_pairs(backend: str) -> None:
    """paths counts simulated paths, mirrors included: 7 means 4 antithetic pairs."""
    odd = pl.monte_carlo({**GBM, "paths": 7})
    assert (odd["paths"], odd["samples"]) == (8, 4)
    assert odd == pl.monte_carlo({**GBM, "paths": 8})
    plain = pl.monte_carlo({**GBM, "paths": 7, "antithetic": False})
    assert (plain["paths"], plain["samples"]) == (7, 7)


def test_monte_carlo_greeks_are_flat_keys(backend: str) -> None:
    result = pl.monte_carlo({**GBM, "greeks": True})
    assert tuple(result) == mc_cases.RESULT_KEYS + mc_cases.GREEK_KEYS
    without = pl.monte_carlo(GBM)
    assert {k: result[k] for k in without} == without  # the Greeks do not move the price


def test_monte_carlo_every_model_runs(backend: str) -> None:
    for params in (mc_cases.GBM, mc_cases.HESTON, mc_cases.ROUGH):
        result = pl.monte_carlo(params)
        assert result["model"] == params["model"] and result["std_error"] > 0.0


@pytest.mark.parametrize("model", [mc_cases.GBM, mc_cases.HESTON, mc_cases.ROUGH])
def test_monte_carlo_is_the_same_double_for_any_thread_count(model: dict[str, Any]) -> None:
    params = {**model, "paths": 20_001, "greeks": True}  # 40 blocks, the last one partial
    one = pl.monte_carlo(params, threads=1)
    for threads in (2, 3, 7):
        assert pl.monte_carlo(params, threads=threads) == one


def test_monte_carlo_blocks_split_across_machines() -> None:
    """plan / blocks / finish, as pricinglab.dask uses them: any split gives run()'s double."""
    params = {**mc_cases.HESTON, "paths": 5000}
    plan = _engine.engine.monte_carlo_plan(params)  # type: ignore[attr-defined]
    blocks = plan["blocks"]
    parts = [_engine.engine.monte_carlo_blocks(params, a, b - a)  # type: ignore[attr-defined]
             for a, b in ((0, 3), (3, 7), (7, blocks))]  # fmt: skip
    flat = np.concatenate(parts[::-1])  # any order
    finished = _engine.engine.monte_carlo_finish(params, flat)  # type: ignore[attr-defined]
    assert finished == pl.monte_carlo(params, threads=1)


# ---------------------------------------------------------------------------- wasm bridge


def test_js_message_extraction() -> None:
    class FakeJsException(Exception):
        message = "spot must be > 0 (got -1)"

    assert _wasm._js_message(FakeJsException()) == "spot must be > 0 (got -1)"
    assert _wasm._js_message(RuntimeError("Error: vol must be a finite number")) == (
        "vol must be a finite number"
    )


def test_wasm_load_without_pyodide() -> None:
    assert _wasm.load() is None


def test_lazy_submodules_and_reference_reexports() -> None:
    """``pl.plot``/``pl.heston``/``pl.rough`` load on first use; the semi-analytic references are
    reachable from ``pricinglab.reference``: Lewis's published Heston value (A. Lewis, "Option
    Valuation under Stochastic Volatility", 2000: K=100 call 16.070154917028834)."""
    assert pl.plot.line_chart is not None
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = pl.nonsense  # type: ignore[attr-defined]
    lewis = (100.0, 100.0, 1.0, 0.01, 0.02, 0.04, 4.0, 0.25, 1.0, -0.5)
    assert pl.reference.heston_price("call", *lewis) == pytest.approx(16.070154917028834, abs=1e-10)


NO_NUMPY_PROGRAM = """
import sys
sys.modules["numpy"] = None  # `import numpy` now fails: as on a machine without NumPy
from array import array
import pricinglab as pl
out = pl.black_scholes_many("call", [100.0, 110.0, -1.0], 100, 1, 0.05, 0, 0.2)
assert type(out["price"]) is list and type(out["status"]) is list, out
assert out["status"] == [0, 0, 2]
g = pl.greeks_many(("call", "put"), array("d", [100.0, 110.0]), 100, 1, 0.05, 0, 0.2)
assert type(g["delta"]) is list and len(g["delta"]) == 2
try:
    pl.black_scholes_many("call", [1.0, "x"], 100, 1, 0.05, 0, 0.2)
except pl.PricingTypeError as e:
    assert str(e) == "spot[1] must be a number (got str)"
print("ok")
"""


def test_without_numpy_results_are_lists() -> None:
    """NumPy is optional: without it, batch results are lists and nothing crashes."""
    run = subprocess.run([sys.executable, "-c", NO_NUMPY_PROGRAM], capture_output=True,
                         text=True, cwd=ROOT / "tests")  # fmt: skip
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]
