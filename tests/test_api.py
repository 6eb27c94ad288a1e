"""The public API of pricinglab: validation, keyword arguments, batches, backends.

Messages are compared with the Rust crate's wording (wasm_core/src/errors.rs): the status
table is parsed from that file so the two cannot drift.
"""

from __future__ import annotations

import array
import fractions
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mc_cases
import pytest

import pricinglab as pl
from pricinglab import _validate, _wasm, reference

ERRORS_RS = Path(__file__).resolve().parents[1] / "wasm_core" / "src" / "errors.rs"
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


def _args(names: tuple[str, ...], base: dict[str, Any], **change: Any) -> list[Any]:
    values = {**base, **change}
    return [values[n] for n in names]


INPUTS = ("kind", "spot", "strike", "expiry", "rate", "dividend", "vol")
IV_INPUTS = ("kind", "price", "spot", "strike", "expiry", "rate", "dividend")


# ---------------------------------------------------------------------------- backend


def test_backend_is_python_under_cpython() -> None:
    assert sys.platform != "emscripten"
    assert pl.backend == "python"


def test_use_backend() -> None:
    pl.use_backend("python")
    assert pl.backend == "python"
    with pytest.raises(pl.PricingError, match='backend "wasm" needs Pyodide'):
        pl.use_backend("wasm")
    with pytest.raises(pl.PricingError, match='backend must be "python" or "wasm"'):
        pl.use_backend("rust")
    assert pl.backend == "python"


def test_public_names() -> None:
    for name in pl.__all__:
        assert hasattr(pl, name), name
    assert issubclass(pl.PricingError, ValueError)
    assert issubclass(pl.PricingTypeError, TypeError)
    assert issubclass(pl.PricingTypeError, pl.PricingError)


# ---------------------------------------------------------------------------- scalar rules

# (parameter, bad value, exact message) in the wording of errors.rs: NotFinite,
# NotPositive ("must be > 0 (got v)"), Negative ("must be >= 0 (got v)"), UnknownKind.
RULES = [
    ("kind", "Call", 'kind must be "call" or "put"'),
    ("kind", "", 'kind must be "call" or "put"'),
    ("spot", -1.0, "spot must be > 0 (got -1)"),
    ("spot", 0.0, "spot must be > 0 (got 0)"),
    ("spot", math.nan, "spot must be a finite number"),
    ("spot", math.inf, "spot must be a finite number"),
    ("strike", -0.5, "strike must be > 0 (got -0.5)"),
    ("strike", math.nan, "strike must be a finite number"),
    ("expiry", -1e-7, "expiry must be >= 0 (got -0.0000001)"),
    ("expiry", math.inf, "expiry must be a finite number"),
    ("rate", math.nan, "rate must be a finite number"),
    ("rate", -math.inf, "rate must be a finite number"),
    ("dividend", math.inf, "dividend must be a finite number"),
    ("vol", -0.2, "vol must be >= 0 (got -0.2)"),
    ("vol", math.nan, "vol must be a finite number"),
    ("spot", 10**400, "spot must be a finite number"),
]


@pytest.mark.parametrize("function", [pl.black_scholes, pl.greeks, reference.black_scholes])
@pytest.mark.parametrize(("param", "value", "message"), RULES)
def test_each_rule_names_the_parameter(function: Any, param: str, value: Any, message: str) -> None:
    with pytest.raises(pl.PricingError) as info:
        function(*_args(INPUTS, GOOD, **{param: value}))
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("param", "value", "message"), [r for r in RULES if r[0] != "vol"])
def test_implied_vol_rules(param: str, value: Any, message: str) -> None:
    with pytest.raises(pl.PricingError) as info:
        pl.implied_vol(*_args(IV_INPUTS, GOOD_IV, **{param: value}))
    assert str(info.value) == message


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_implied_vol_price_must_be_finite(value: float) -> None:
    with pytest.raises(pl.PricingError, match=r"^price must be a finite number$"):
        pl.implied_vol(*_args(IV_INPUTS, GOOD_IV, price=value))


def test_first_broken_rule_in_argument_order_wins() -> None:
    with pytest.raises(pl.PricingError, match=r"^spot"):
        pl.black_scholes("call", -1, -1, -1, math.nan, math.nan, -1)
    with pytest.raises(pl.PricingError, match=r"^kind"):
        pl.black_scholes("CALL", -1, 100, 1, 0, 0, 0.2)
    with pytest.raises(pl.PricingError, match=r"^vol"):
        pl.black_scholes("put", 1, 1, 1, 0, 0, -1)
    with pytest.raises(pl.PricingError, match=r"^price"):
        pl.implied_vol("put", math.nan, -1, 1, 1, 0, 0)


@pytest.mark.parametrize("value", ["100", None, True, False, [100.0], 1 + 2j])
@pytest.mark.parametrize("param", ["spot", "strike", "expiry", "rate", "dividend", "vol"])
def test_wrong_type_is_a_type_error_and_a_value_error(param: str, value: Any) -> None:
    with pytest.raises(TypeError) as info:
        pl.black_scholes(*_args(INPUTS, GOOD, **{param: value}))
    assert isinstance(info.value, ValueError) and isinstance(info.value, pl.PricingError)
    assert str(info.value) == f"{param} must be a number (got {type(value).__name__})"


@pytest.mark.parametrize("value", [1, None, b"call", ["call"]])
def test_kind_of_wrong_type(value: Any) -> None:
    with pytest.raises(pl.PricingTypeError, match=r'^kind must be "call" or "put" \(got '):
        pl.greeks(*_args(INPUTS, GOOD, kind=value))


def test_keyword_arguments() -> None:
    positional = pl.black_scholes("put", 100.0, 95.0, 0.5, 0.03, 0.01, 0.25)
    assert pl.black_scholes(**{**GOOD, "kind": "put"}) == positional
    assert pl.black_scholes("put", 100.0, 95.0, vol=0.25, rate=0.03, dividend=0.01,
                            expiry=0.5) == positional  # fmt: skip
    assert pl.greeks(**GOOD) == pl.greeks(*_args(INPUTS, GOOD))
    assert pl.implied_vol(**GOOD_IV) == pl.implied_vol(*_args(IV_INPUTS, GOOD_IV))
    with pytest.raises(TypeError):
        pl.black_scholes(spot=100.0)  # type: ignore[call-arg]


def test_numeric_types_accepted() -> None:
    expected = pl.black_scholes("call", 100.0, 100.0, 1.0, 0.0, 0.0, 0.5)
    assert pl.black_scholes("call", 100, 100, 1, 0, 0, fractions.Fraction(1, 2)) == expected  # type: ignore[arg-type]
    np = pytest.importorskip("numpy")
    assert pl.black_scholes("call", np.float64(100), np.int64(100), 1, 0, 0, 0.5) == expected


def test_same_results_as_the_reference() -> None:
    assert pl.black_scholes(**GOOD) == reference.black_scholes(**GOOD)
    assert pl.greeks(**GOOD) == reference.greeks(**GOOD)
    assert pl.implied_vol(**GOOD_IV) == reference.implied_vol(**GOOD_IV)


def test_greeks_keys_in_docs_order() -> None:
    assert list(pl.greeks(**GOOD)) == [
        "price", "delta", "gamma", "speed", "vega", "volga", "vanna", "zomma", "theta",
        "charm", "color", "veta", "rho", "epsilon",
    ]  # fmt: skip


def test_limits_are_defined_values() -> None:
    assert pl.black_scholes("call", 110, 100, 0, 0.05, 0, 0.3) == 10.0
    assert pl.black_scholes("put", 110, 100, 0, 0.05, 0, 0.3) == 0.0
    expected = 100 * math.exp(-0.05) * math.expm1(math.log(1.1) + 0.05)
    assert pl.black_scholes("call", 110, 100, 1, 0.05, 0, 0) == pytest.approx(expected, rel=1e-15)
    for values in (
        pl.greeks("call", 100, 100, 0, 0.05, 0, 0.3),
        pl.greeks("put", 90, 100, 1, 0, 0, 0),
    ):
        assert all(math.isfinite(v) for v in values.values())


def test_implied_vol_bound_messages() -> None:
    with pytest.raises(pl.PricingError) as info:
        pl.implied_vol("call", -1, 100, 100, 1, 0, 0)
    assert str(info.value) == (
        "price must be >= the no-arbitrage lower bound 0 (the discounted intrinsic value of "
        "the forward); got -1"
    )
    with pytest.raises(pl.PricingError) as info:
        pl.implied_vol("put", 100, 100, 100, 1, 0, 0)
    assert str(info.value) == (
        "price must be < the no-arbitrage upper bound 100 (the discounted forward for a call, "
        "the discounted strike for a put); got 100"
    )


# ---------------------------------------------------------------------------- status table


def _rust_status_messages() -> list[str]:
    text = ERRORS_RS.read_text(encoding="utf-8")
    block = re.search(r"pub const STATUS_MESSAGES: &\[&str\] = &\[(.*?)\];", text, re.S)
    assert block, "STATUS_MESSAGES not found in errors.rs"
    return [s.replace('\\"', '"') for s in re.findall(r'"((?:[^"\\]|\\.)*)"', block.group(1))]


def test_status_table_matches_errors_rs() -> None:
    rust = _rust_status_messages()
    assert len(rust) == 14
    assert list(pl.STATUS_MESSAGES) == rust
    for code, message in enumerate(rust):
        assert pl.status_message(code) == message


@pytest.mark.parametrize("code", [-1, 14, 255])
def test_status_message_out_of_range(code: int) -> None:
    with pytest.raises(pl.PricingError, match=r"^code must be a status code in \[0, 13\]"):
        pl.status_message(code)


@pytest.mark.parametrize("code", [True, 1.0, "1", None])
def test_status_message_wrong_type(code: Any) -> None:
    with pytest.raises(pl.PricingTypeError, match=r"^code must be an integer"):
        pl.status_message(code)


def test_rust_message_examples() -> None:
    """The literal messages of errors.rs's own tests, and docs/api.md's example."""
    text = ERRORS_RS.read_text(encoding="utf-8")
    for param, value, expected in (
        ("spot", math.nan, "spot must be a finite number"),
        ("strike", -1.0, "strike must be > 0 (got -1)"),
        ("vol", -0.5, "vol must be >= 0 (got -0.5)"),
    ):
        assert f'"{expected}"' in text
        with pytest.raises(pl.PricingError) as info:
            pl.black_scholes(*_args(INPUTS, GOOD, **{param: value}))
        assert str(info.value) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [(-1.0, "-1"), (0.5, "0.5"), (1e-7, "0.0000001"), (1e21, "1000000000000000000000"),
     (123.456, "123.456"), (-0.0, "-0"), (2.5e-5, "0.000025"), (math.nan, "NaN"),
     (math.inf, "inf"), (1.2345678901234568e18, "1234567890123456800")],
)  # fmt: skip
def test_numbers_print_like_rust_display(value: float, text: str) -> None:
    assert _validate.format_number(value) == text


# ---------------------------------------------------------------------------- batches


def test_batch_broadcasts_scalars() -> None:
    out = pl.black_scholes_many("call", [90.0, 100.0, 110.0], 100.0, 1.0, 0.05, 0.0, 0.2)
    assert out["status"] == [0, 0, 0]
    assert out["price"] == [
        pl.black_scholes("call", s, 100, 1, 0.05, 0, 0.2) for s in (90, 100, 110)
    ]


def test_batch_kinds_and_columns() -> None:
    kinds = ["call", "put", "put"]
    strikes = (90.0, 100.0, 110.0)
    vols = array.array("d", [0.1, 0.2, 0.3])
    out = pl.greeks_many(kinds, 100.0, strikes, 1.0, 0.02, 0.01, vols)
    assert list(out) == ["price", *pl.GREEK_NAMES, "status"]
    for i in range(3):
        expected = pl.greeks(kinds[i], 100.0, strikes[i], 1.0, 0.02, 0.01, vols[i])
        assert {k: out[k][i] for k in expected} == expected
    assert out["status"] == [0, 0, 0]


def test_batch_accepts_any_sequence() -> None:
    spots = [80.0, 95.0, 120.0]
    expected = pl.black_scholes_many("put", spots, 100, 1, 0.05, 0, 0.3)["price"]
    for column in (tuple(spots), array.array("d", spots), array.array("f", spots),
                   memoryview(array.array("d", spots)), [80, 95, 120]):  # fmt: skip
        assert pl.black_scholes_many("put", column, 100, 1, 0.05, 0, 0.3)["price"] == expected
    np = pytest.importorskip("numpy")
    assert pl.black_scholes_many("put", np.array(spots), 100, 1, 0.05, 0, 0.3)["price"] == expected
    as_int = np.array([80, 95, 120], dtype=np.int32)
    assert pl.black_scholes_many("put", as_int, 100, 1, 0.05, 0, 0.3)["price"] == expected
    strided = np.array([80.0, 0.0, 95.0, 0.0, 120.0, 0.0])[::2]
    assert pl.black_scholes_many("put", strided, 100, 1, 0.05, 0, 0.3)["price"] == expected
    kinds = np.array(["put", "put", "put"])
    assert pl.black_scholes_many(kinds, spots, 100, 1, 0.05, 0, 0.3)["price"] == expected


def test_batch_of_scalars_has_one_row_and_empty_batches_are_empty() -> None:
    out = pl.black_scholes_many("call", 100, 100, 1, 0.05, 0, 0.2)
    assert out == {"price": [pl.black_scholes("call", 100, 100, 1, 0.05, 0, 0.2)], "status": [0]}
    assert pl.implied_vol_many("call", [], 100, 100, 1, 0, 0) == {"vol": [], "status": []}


def test_batch_length_mismatch_names_the_argument() -> None:
    with pytest.raises(pl.PricingError) as info:
        pl.black_scholes_many("call", [1.0, 2.0], 100, [1.0, 2.0, 3.0], 0, 0, 0.2)
    assert str(info.value).startswith("expiry has length 3 but spot has length 2")
    with pytest.raises(pl.PricingError, match=r"^vol has length 1 but kind has length 2"):
        pl.greeks_many(["call", "put"], 100, 100, 1, 0, 0, [0.2])


def test_batch_wrong_types_raise() -> None:
    with pytest.raises(pl.PricingTypeError, match=r"^spot\[1\] must be a number \(got str\)$"):
        pl.black_scholes_many("call", [1.0, "2"], 100, 1, 0, 0, 0.2)
    with pytest.raises(pl.PricingTypeError, match=r"^strike\[0\] must be a number \(got bool\)$"):
        pl.black_scholes_many("call", 100, [True], 1, 0, 0, 0.2)
    with pytest.raises(pl.PricingTypeError, match=r"^kind\[1\] must be a string \(got int\)$"):
        pl.black_scholes_many(["call", 1], 100, 100, 1, 0, 0, 0.2)  # type: ignore[list-item]
    with pytest.raises(pl.PricingTypeError, match=r"^vol must be a number or a sequence"):
        pl.black_scholes_many("call", 100, 100, 1, 0, 0, "0.2")
    with pytest.raises(pl.PricingTypeError, match=r"^rate must be a number or a sequence"):
        pl.black_scholes_many("call", 100, 100, 1, {0.1}, 0, 0.2)
    np = pytest.importorskip("numpy")
    with pytest.raises(pl.PricingError, match=r"^spot must be one-dimensional"):
        pl.black_scholes_many("call", np.ones((2, 2)), 100, 1, 0, 0, 0.2)
    with pytest.raises(pl.PricingTypeError, match=r"^spot must contain numbers"):
        pl.black_scholes_many("call", np.array([True, False]), 100, 1, 0, 0, 0.2)


def test_batch_status_per_row() -> None:
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
    ]
    columns = list(zip(*(r for r, _ in rows), strict=True))
    expected_status = [s for _, s in rows]
    for function in (pl.black_scholes_many, pl.greeks_many):
        out = function(*columns)
        assert out["status"] == expected_status
        assert not math.isnan(out["price"][0])
        assert all(math.isnan(p) for p in out["price"][1:])
    assert [pl.status_message(s) for s in expected_status[1:3]] == [
        'kind must be "call" or "put"',
        "spot must be a finite number > 0",
    ]


def test_batch_row_beyond_the_double_range() -> None:
    """S e^{-qT} = 1e300 e^{30} overflows: the scalar call raises, the batch row has status 13."""
    args = ("call", 1e300, 1.0, 30.0, 0.05, -1.0, 0.3)
    with pytest.raises(pl.PricingError, match=r"^inputs out of range") as info:
        pl.black_scholes(*args)
    assert info.value.status == 13
    for function in (pl.black_scholes_many, pl.greeks_many):
        out = function(*args)
        assert out["status"] == [13] and math.isnan(out["price"][0])


def test_implied_vol_batch_status() -> None:
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
    assert out["status"] == [s for _, s in rows]
    assert out["vol"][0] == pytest.approx(0.2, rel=1e-13)
    assert out["vol"][-1] == 0.0
    assert all(math.isnan(v) for v in out["vol"][1:-1])


# ---------------------------------------------------------------------------- Monte Carlo

BINDINGS_RS = ERRORS_RS.parent / "bindings.rs"
PARAMS_RS = ERRORS_RS.parent / "monte_carlo" / "params.rs"


def test_monte_carlo_fields_are_the_engines() -> None:
    """MC_FIELDS and the limits are read from the Rust sources, so the two cannot drift."""
    fields = re.search(r"const MC_FIELDS: \[&str; \d+\] = \[(.*?)\];",
                       BINDINGS_RS.read_text(), re.S)  # fmt: skip
    assert fields is not None
    assert tuple(re.findall(r'"(\w+)"', fields.group(1))) == _validate.MC_FIELDS
    assert ", ".join(_validate.MC_FIELDS) == mc_cases.FIELDS
    source = PARAMS_RS.read_text()

    def rust_const(name: str) -> int:
        match = re.search(rf"pub const {name}: u64 = ([^;]+);", source)
        assert match is not None, name
        text = match.group(1).replace("_", "")
        return 1 << int(text[5:]) if text.startswith("1 << ") else int(text)

    assert rust_const("MAX_PATHS") == _validate.MAX_PATHS
    assert rust_const("MAX_STEPS") == _validate.MAX_STEPS
    assert rust_const("MAX_PATH_STEPS") == _validate.MAX_PATH_STEPS
    assert rust_const("MAX_SEED_EXCLUSIVE") == _validate.MAX_SEED_EXCLUSIVE
    assert rust_const("DEFAULT_PATHS") == _validate.DEFAULT_PATHS
    assert rust_const("DEFAULT_STEPS_GBM") == _validate.DEFAULT_STEPS["gbm"]
    assert rust_const("DEFAULT_STEPS_STOCHASTIC_VOL") == _validate.DEFAULT_STEPS["heston"]
    assert rust_const("DEFAULT_STEPS_STOCHASTIC_VOL") == _validate.DEFAULT_STEPS["rough_heston"]


def test_monte_carlo_dict_and_keywords() -> None:
    from_dict = pl.monte_carlo(GBM)
    assert pl.monte_carlo(**GBM) == from_dict
    assert pl.monte_carlo({**GBM, "seed": 2}, seed=1) == from_dict  # keywords win
    assert tuple(from_dict) == mc_cases.RESULT_KEYS
    assert from_dict["paths"] == 200 and from_dict["samples"] == 100 and from_dict["steps"] == 1


def test_monte_carlo_defaults() -> None:
    params = _validate.monte_carlo_params(
        {k: v for k, v in GBM.items() if k not in ("paths", "seed")}
    )
    assert (params["paths"], params["steps"], params["seed"]) == (100_000, 1, 0)
    assert params["antithetic"] is True and params["greeks"] is False
    heston = _validate.monte_carlo_params(HESTON)
    assert heston["steps"] == 100
    rough = _validate.monte_carlo_params({**HESTON, "model": "rough_heston", "hurst": 0.1})
    assert rough["hurst"] == 0.1 and rough["steps"] == 100


def test_monte_carlo_params_are_the_models_fields_in_order() -> None:
    """What the wasm backend is handed: the model's fields in docs order, Python types."""
    out = _validate.monte_carlo_params({**mc_cases.ROUGH, "paths": 64.0, "seed": 2.0})
    assert list(out) == ["model", "kind", "spot", "strike", "expiry", "rate", "dividend", "v0",
                         "kappa", "theta", "xi", "rho", "hurst", "paths", "steps", "seed",
                         "antithetic", "greeks"]  # fmt: skip
    assert type(out["paths"]) is int and type(out["seed"]) is int and out["paths"] == 64
    assert all(type(out[k]) is float for k in ("spot", "v0", "hurst"))


@pytest.mark.parametrize(
    ("params", "message"),
    [pytest.param(p, m, id=i) for i, p, m in mc_cases.INVALID],
)
def test_monte_carlo_rejects_as_the_engine_does(params: Any, message: str) -> None:
    with pytest.raises(pl.PricingError) as info:
        pl.monte_carlo(params)
    assert str(info.value) == message
    # A wrong type is a TypeError as well (docs/api.md, "Errors").
    assert isinstance(info.value, TypeError) == message.endswith(
        ("(got str)", "(got bool)", "(got list)", "(got dict)", "(got NoneType)", "(got int)")
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [pytest.param(p, e, id=i) for i, p, e in mc_cases.VALID + mc_cases.VALID_NOT_RUN],
)
def test_monte_carlo_accepts_as_the_engine_does(
    params: dict[str, Any], expected: tuple[int, int, int]
) -> None:
    checked = _validate.monte_carlo_params(params)
    paths, samples, steps = expected
    pairs = (checked["paths"] + 1) // 2
    if checked["antithetic"]:
        assert (2 * pairs, pairs, checked["steps"]) == (paths, samples, steps)
    else:
        assert (checked["paths"], checked["paths"], checked["steps"]) == (paths, samples, steps)


def test_monte_carlo_keywords_alone_and_none() -> None:
    assert pl.monte_carlo(**GBM) == pl.monte_carlo(GBM)
    with pytest.raises(pl.PricingError, match=r"^model is required"):
        pl.monte_carlo()
    with pytest.raises(pl.PricingTypeError, match=r"^params must be an object \(got NoneType\)$"):
        pl.monte_carlo(None, **GBM)  # type: ignore[arg-type]


def test_monte_carlo_integral_floats_count_as_integers() -> None:
    assert pl.monte_carlo({**GBM, "paths": 200.0}) == pl.monte_carlo(GBM)


def test_monte_carlo_odd_paths_are_rounded_up_to_pairs() -> None:
    """paths counts simulated paths, mirrors included: 7 means 4 antithetic pairs."""
    odd = pl.monte_carlo({**GBM, "paths": 7})
    assert (odd["paths"], odd["samples"]) == (8, 4)
    assert odd == pl.monte_carlo({**GBM, "paths": 8})
    plain = pl.monte_carlo({**GBM, "paths": 7, "antithetic": False})
    assert (plain["paths"], plain["samples"]) == (7, 7)


def test_monte_carlo_greeks_are_flat_keys() -> None:
    result = pl.monte_carlo({**GBM, "greeks": True})
    assert tuple(result) == mc_cases.RESULT_KEYS + mc_cases.GREEK_KEYS
    without = pl.monte_carlo(GBM)
    assert {k: result[k] for k in without} == without  # the Greeks do not move the price


def test_monte_carlo_every_model_runs_under_cpython() -> None:
    for params in (mc_cases.GBM, mc_cases.HESTON, mc_cases.ROUGH):
        result = pl.monte_carlo(params)
        assert result["model"] == params["model"] and result["std_error"] > 0.0


# ---------------------------------------------------------------------------- wasm bridge


class FakeTypedArray:
    """Stands in for a JS typed array proxy (JsBuffer): one bulk copy each way."""

    def __init__(self, data: Any, typecode: str) -> None:
        self.data = array.array(typecode, data)

    def to_memoryview(self) -> memoryview:
        return memoryview(self.data)


class FakeJsObject:
    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)

    def to_py(self) -> dict[str, Any]:
        return dict(self.__dict__)


class FakeJsException(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(f"Error: {message}")
        self.message = message


class FakeFfi:
    """pyodide.ffi: records every to_js conversion."""

    JsException = FakeJsException

    def __init__(self) -> None:
        self.conversions: list[type] = []

    def to_js(self, obj: Any, *, create_pyproxies: bool = True, dict_converter: Any = None) -> Any:
        assert create_pyproxies is False, "the bridge must never create PyProxies"
        self.conversions.append(type(obj))
        if isinstance(obj, array.array):
            return FakeTypedArray(obj, "d")
        if isinstance(obj, list):
            return tuple(obj)  # a JS Array of strings
        assert isinstance(obj, dict) and dict_converter is not None
        return dict_converter(list(obj.items()))


class FakeWasmCore:
    """The wasm-bindgen exports as docs/api.md describes them, computed by the reference:
    numbers and strings in, typed arrays and plain objects out, errors thrown as JS Errors."""

    def __init__(self) -> None:
        self.python = pl._PythonBackend()

    @staticmethod
    def _throwing(function: Any, *args: Any) -> Any:
        try:
            return function(*args)
        except pl.PricingError as error:
            raise FakeJsException(str(error)) from None

    def black_scholes(self, *args: Any) -> float:
        assert all(isinstance(a, (str, float)) for a in args)
        return float(self._throwing(reference.black_scholes, *args))

    def greeks(self, *args: Any) -> FakeJsObject:
        values = self._throwing(reference.greeks, *args)
        return FakeJsObject(dict(reversed(values.items())))  # JS key order is not ours

    def implied_vol(self, *args: Any) -> float:
        return float(self._throwing(reference.implied_vol, *args))

    def monte_carlo(self, params: Any) -> FakeJsObject:
        assert isinstance(params, dict)  # what Object.fromEntries made
        # No Python int crosses: Pyodide would make a large one (a seed near 2^53) a BigInt.
        assert not any(type(v) is int for v in params.values()), params
        return FakeJsObject(self._throwing(reference.monte_carlo, params))

    def _batch(self, name: str, keys: tuple[str, ...], kind: Any, *columns: Any) -> FakeJsObject:
        assert isinstance(kind, (str, tuple))
        assert all(isinstance(c, (float, FakeTypedArray)) for c in columns)
        cols = [c.data if isinstance(c, FakeTypedArray) else c for c in columns]
        lengths = [len(c) for c in cols if isinstance(c, array.array)]
        n = lengths[0] if lengths else (len(kind) if isinstance(kind, tuple) else 1)
        kinds = list(kind) if isinstance(kind, tuple) else kind
        out = getattr(self.python, name)(n, kinds, cols)
        fields = {k: FakeTypedArray(out[k], "d") for k in keys}
        fields["status"] = FakeTypedArray(out["status"], "B")
        return FakeJsObject(fields)

    def black_scholes_many(self, *args: Any) -> FakeJsObject:
        return self._batch("black_scholes_many", ("price",), *args)

    def greeks_many(self, *args: Any) -> FakeJsObject:
        return self._batch("greeks_many", ("price", *pl.GREEK_NAMES), *args)

    def implied_vol_many(self, *args: Any) -> FakeJsObject:
        return self._batch("implied_vol_many", ("vol",), *args)


class FakeObject:
    @staticmethod
    def fromEntries(entries: list[tuple[str, Any]]) -> dict[str, Any]:
        return dict(entries)


class FakeJs:
    Object = FakeObject


@pytest.fixture
def fake_pyodide(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFfi]:
    """Pretend to run inside Pyodide with the engine registered as ``wasm_core``."""
    ffi = FakeFfi()
    pyodide = type(sys)("pyodide")
    pyodide.ffi = ffi  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyodide", pyodide)
    monkeypatch.setitem(sys.modules, "pyodide.ffi", ffi)
    monkeypatch.setitem(sys.modules, "js", FakeJs)
    monkeypatch.setitem(sys.modules, "wasm_core", FakeWasmCore())
    monkeypatch.setattr(sys, "platform", "emscripten")
    pl.use_backend("wasm")
    try:
        yield ffi
    finally:
        monkeypatch.undo()
        pl.use_backend("python")


def test_wasm_backend_is_selected_in_pyodide(fake_pyodide: FakeFfi) -> None:
    assert pl.backend == "wasm"
    assert isinstance(pl._backend, _wasm.WasmBackend)


def test_wasm_scalars_match_python(fake_pyodide: FakeFfi) -> None:
    assert pl.black_scholes(**GOOD) == reference.black_scholes(**GOOD)
    assert list(pl.greeks(**GOOD).items()) == list(reference.greeks(**GOOD).items())
    assert pl.implied_vol(**GOOD_IV) == reference.implied_vol(**GOOD_IV)
    assert pl.monte_carlo(GBM) == reference.monte_carlo(GBM)


def test_wasm_monte_carlo_result_has_the_references_types(fake_pyodide: FakeFfi) -> None:
    """Pyodide turns integral JS numbers into ints: a price of exactly 0 (a far out-of-the-
    money option at expiry 0) must still come back as a float, in the reference's key order."""
    params = {**GBM, "strike": 1000.0, "expiry": 0.0, "greeks": True}
    got = pl.monte_carlo(params)
    assert got == reference.monte_carlo(params)
    assert list(got) == list(mc_cases.RESULT_KEYS + mc_cases.GREEK_KEYS)
    assert got["price"] == 0.0 and type(got["price"]) is float
    js_like = {key: int(v) if isinstance(v, float) and v.is_integer() else v
               for key, v in reversed(got.items())}  # fmt: skip
    assert [(k, type(v)) for k, v in _wasm._mc_result(js_like).items()] == [
        (k, type(v)) for k, v in got.items()
    ]


def test_wasm_errors_become_pricing_errors(fake_pyodide: FakeFfi) -> None:
    pl.use_backend("python")
    with pytest.raises(pl.PricingError) as python_error:
        pl.implied_vol("call", 200.0, 100, 100, 1, 0, 0)
    pl.use_backend("wasm")
    with pytest.raises(pl.PricingError) as wasm_error:
        pl.implied_vol("call", 200.0, 100, 100, 1, 0, 0)
    assert str(wasm_error.value) == str(python_error.value)
    assert wasm_error.value.__cause__ is None and wasm_error.value.__suppress_context__


def test_wasm_validation_happens_before_the_engine(fake_pyodide: FakeFfi) -> None:
    with pytest.raises(pl.PricingTypeError, match=r"^spot must be a number \(got str\)$"):
        pl.black_scholes("call", "100", 100, 1, 0, 0, 0.2)  # type: ignore[arg-type]


def test_wasm_batches_convert_in_bulk(fake_pyodide: FakeFfi) -> None:
    kinds = ["call", "put", "call", "bad"]
    spots = [90.0, 100.0, 110.0, 100.0]
    out = pl.greeks_many(kinds, spots, 100.0, (1.0, 1.0, 2.0, 1.0), 0.05, 0.0, 0.2)
    pl.use_backend("python")
    assert (
        out.keys()
        == pl.greeks_many(kinds, spots, 100.0, (1.0, 1.0, 2.0, 1.0), 0.05, 0.0, 0.2).keys()
    )
    expected = pl.greeks_many(kinds, spots, 100.0, (1.0, 1.0, 2.0, 1.0), 0.05, 0.0, 0.2)
    assert out["status"] == expected["status"] == [0, 0, 0, 1]
    for key in expected:
        assert [repr(v) for v in out[key]] == [repr(v) for v in expected[key]], key
    # one conversion per array argument (kinds, spots, expiries); scalars pass as numbers
    assert fake_pyodide.conversions == [list, array.array, array.array]


def test_wasm_batch_results_are_lists(fake_pyodide: FakeFfi) -> None:
    out = pl.implied_vol_many("call", [10.0, 500.0], 100, 100, 1, 0.05, 0)
    assert type(out["vol"]) is list and type(out["status"]) is list
    assert out["status"] == [0, 10] and isinstance(out["status"][0], int)
    assert pl.black_scholes_many("put", 100, 100, 1, 0, 0, 0.2)["status"] == [0]


def test_js_message_extraction() -> None:
    assert (
        _wasm._js_message(FakeJsException("spot must be > 0 (got -1)"))
        == "spot must be > 0 (got -1)"
    )
    assert _wasm._js_message(RuntimeError("Error: vol must be a finite number")) == (
        "vol must be a finite number"
    )


def test_wasm_load_without_pyodide() -> None:
    assert _wasm.load() is None


# ---------------------------------------------------------------------------- real Pyodide

PYODIDE_DIR = Path(
    os.environ.get("PYODIDE_DIR", Path(__file__).resolve().parents[1] / "node_modules" / "pyodide")
)

# A stand-in for the wasm-bindgen module, written in JavaScript with the calling conventions
# of docs/api.md (numbers, strings, Float64Array / JS Array of strings in; numbers, plain
# objects, {price: Float64Array, status: Uint8Array} out; JS Errors thrown). It checks the
# types the bridge sends and delegates the maths to pricinglab.reference through `calc`.
PYODIDE_SCRIPT = r"""
import { loadPyodide } from "%(pyodide)s/pyodide.mjs";
import { readFileSync, readdirSync } from "node:fs";

const pyodide = await loadPyodide({ indexURL: "%(pyodide)s/" });
pyodide.FS.mkdirTree("/home/pyodide/pricinglab");
for (const name of readdirSync("%(package)s")) {
  if (name.endsWith(".py")) {
    pyodide.FS.writeFile(`/home/pyodide/pricinglab/${name}`, readFileSync(`%(package)s/${name}`));
  }
}
pyodide.runPython(`
def calc(name, args):
    from array import array
    import pricinglab
    from pricinglab import reference, _validate
    args = args.to_py()  # JS arrays -> lists, objects -> dicts
    try:
        if name.endswith("_many"):
            n, kinds, columns = args
            columns = [array("d", c) if isinstance(c, list) else c for c in columns]
            backend = pricinglab._PythonBackend()
            return True, getattr(backend, name)(n, kinds, columns)
        return True, getattr(reference, name)(*args)
    except _validate.PricingError as error:
        return False, str(error)
`);
const calc = pyodide.globals.get("calc");
const call = (name, args) => {
  const proxy = calc(name, args);
  const [ok, value] = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  if (!ok) throw new Error(value);
  return value;
};
const scalar = (name) => (...args) => {
  for (const a of args) {
    if (typeof a !== "number" && typeof a !== "string") throw new TypeError(`${name}: got ${a}`);
  }
  return call(name, args);
};
const batch = (name, keys) => (kind, ...columns) => {
  if (typeof kind !== "string" && !Array.isArray(kind)) throw new TypeError(`${name}: kind`);
  let n = Array.isArray(kind) ? kind.length : null;
  for (const c of columns) {
    if (typeof c !== "number" && !(c instanceof Float64Array)) {
      throw new TypeError(`${name}: column ${c}`);
    }
    if (c instanceof Float64Array) n = c.length;
  }
  const plain = columns.map((c) => (typeof c === "number" ? c : Array.from(c)));
  const out = call(name, [n ?? 1, kind, plain]);
  const result = { status: Uint8Array.from(out.status) };
  for (const k of keys) result[k] = Float64Array.from(out[k]);
  return result;
};
const greekKeys = ["price", "delta", "gamma", "speed", "vega", "volga", "vanna", "zomma", "theta",
                   "charm", "color", "veta", "rho", "epsilon"];
pyodide.registerJsModule("wasm_core", {
  black_scholes: scalar("black_scholes"),
  greeks: (...args) => {
    const g = scalar("greeks")(...args);
    return Object.fromEntries(Object.entries(g).reverse());  // JS key order is not ours
  },
  implied_vol: scalar("implied_vol"),
  monte_carlo: (params) => {
    if (params === null || typeof params !== "object" || params instanceof Map) {
      throw new TypeError("params must be a plain object");
    }
    return call("monte_carlo", [params]);
  },
  black_scholes_many: batch("black_scholes_many", ["price"]),
  greeks_many: batch("greeks_many", greekKeys),
  implied_vol_many: batch("implied_vol_many", ["vol"]),
});
pyodide.runPython(readFileSync("%(checks)s", "utf8"));
console.log("PYODIDE-CHECKS-PASSED");
"""

PYODIDE_CHECKS = """
import math, sys
from array import array
import pricinglab as pl
from pricinglab import reference as R
assert sys.platform == "emscripten"
assert pl.backend == "wasm", pl.backend
args = ("put", 100.0, 110.0, 0.5, 0.03, 0.01, 0.25)
assert pl.black_scholes(*args) == R.black_scholes(*args)
assert list(pl.greeks(*args).items()) == list(R.greeks(*args).items())
# RustQuant's doctest value; Pyodide's libm (musl) may differ from glibc by an ulp
assert abs(pl.implied_vol("call", 12.3, 100, 110, 0.89, 0.03, 0) - 0.40269973285787297) < 4e-16
gbm = dict(model="gbm", kind="call", spot=100, strike=100, expiry=1, rate=0.05, dividend=0,
           vol=0.2, paths=500, seed=3)
assert pl.monte_carlo(gbm) == R.monte_carlo(gbm)
try:
    pl.implied_vol("call", 200.0, 100, 100, 1, 0, 0)
    raise AssertionError("no error")
except pl.PricingError as error:
    wasm_message = str(error)
kinds = ["call", "put", "straddle", "put"]
spots = array("d", [90.0, 100.0, 110.0, -1.0])
batches = {
    "greeks_many": (kinds, spots, 100, (1.0, 0.5, 2.0, 1.0), 0.05, 0.0, 0.2),
    "black_scholes_many": ("call", [90.0, 100.0], 100.0, 1.0, 0.05, 0.0, [0.2, 0.3]),
    "implied_vol_many": ("call", [10.0, 500.0, -1.0], 100.0, 100.0, 1.0, 0.05, 0.0),
}
wasm = {name: getattr(pl, name)(*a) for name, a in batches.items()}
pl.use_backend("python")
try:
    pl.implied_vol("call", 200.0, 100, 100, 1, 0, 0)
except pl.PricingError as error:
    assert str(error) == wasm_message, (str(error), wasm_message)
for name, a in batches.items():
    expected = getattr(pl, name)(*a)
    assert list(wasm[name]) == list(expected), name
    for key in expected:
        assert type(wasm[name][key]) is list, (name, key)
        assert [repr(v) for v in wasm[name][key]] == [repr(v) for v in expected[key]], (name, key)
assert wasm["greeks_many"]["status"] == [0, 0, 1, 2]
assert wasm["implied_vol_many"]["status"] == [0, 10, 9]
"""


@pytest.mark.slow
def test_bridge_in_real_pyodide(tmp_path: Path) -> None:
    """The bridge in Pyodide itself (node), against a JavaScript wasm_core stand-in."""
    node = shutil.which("node")
    if node is None or not (PYODIDE_DIR / "pyodide.mjs").exists():
        pytest.skip("needs node and node_modules/pyodide (./build.sh installs them)")
    checks = tmp_path / "checks.py"
    checks.write_text(PYODIDE_CHECKS, encoding="utf-8")
    script = tmp_path / "bridge.mjs"
    package = Path(pl.__file__).resolve().parent
    script.write_text(
        PYODIDE_SCRIPT % {"pyodide": PYODIDE_DIR.as_posix(), "package": package.as_posix(),
                          "checks": checks.as_posix()},
        encoding="utf-8",
    )  # fmt: skip
    run = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    assert "PYODIDE-CHECKS-PASSED" in run.stdout


def test_lazy_submodules_and_reference_reexports() -> None:
    """``pl.plot``/``pl.heston``/``pl.rough`` load on first use; the semi-analytic references are
    reachable from ``pricinglab.reference`` (issue 3): Lewis's published Heston value
    (REFERENCES.md: K=100 call 16.070154917028834)."""
    assert pl.plot.line_chart is not None
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = pl.nonsense  # type: ignore[attr-defined]
    lewis = (100.0, 100.0, 1.0, 0.01, 0.02, 0.04, 4.0, 0.25, 1.0, -0.5)
    assert pl.reference.heston_price("call", *lewis) == pytest.approx(16.070154917028834, abs=1e-10)
