"""The bad-input corpus: calls every frontend must reject, with the engine's exact message.

Each entry is ``(id, function, args, message)``: ``function`` is a public name of docs/api.md,
``args`` its positional arguments (for ``monte_carlo`` the one params dict), ``message`` the
engine's text with Python's type names (``got str``). The values are all JSON-able (NaN and
infinities included), so the same corpus runs in native CPython (tests/test_api.py, on the
native and the reference backend), in Pyodide and in JavaScript in Chromium
(tests/browser/test_bad_input_corpus.py); :func:`mc_cases.canonical` spells JavaScript's type
names (``got string``) the Python way before comparing.

The messages are written out here, not produced by any frontend: they are the crate's rules
(wasm_core/src/args.rs, errors.rs, inputs.rs, monte_carlo/params.rs) in words.
"""

from __future__ import annotations

import math
from typing import Any, Final

import mc_cases

BS: Final = ("call", 100.0, 95.0, 0.5, 0.03, 0.01, 0.25)
IV: Final = ("call", 9.0, 100.0, 95.0, 0.5, 0.03, 0.01)
BS_NAMES: Final = ("kind", "spot", "strike", "expiry", "rate", "dividend", "vol")
IV_NAMES: Final = ("kind", "price", "spot", "strike", "expiry", "rate", "dividend")
KIND_RULE: Final = 'kind must be "call" or "put"'
BATCH_LENGTH: Final = "all arrays of a batch must have the same length"


def _with(base: tuple[Any, ...], names: tuple[str, ...], **change: Any) -> list[Any]:
    return [change.get(n, v) for n, v in zip(names, base, strict=True)]


# (parameter, bad value, message) for the rules of the contract's numbers.
VALUE_RULES: Final[list[tuple[str, Any, str]]] = [
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
]
VOL_RULES: Final[list[tuple[str, Any, str]]] = [
    ("vol", -0.2, "vol must be >= 0 (got -0.2)"),
    ("vol", math.nan, "vol must be a finite number"),
]
# Values of the wrong type for a number, with Python's name for their type.
WRONG_TYPES: Final[list[tuple[Any, str]]] = [
    ("100", "str"), (None, "NoneType"), (True, "bool"), ([100.0], "list"), ({}, "dict"),
]  # fmt: skip


def _scalar_cases() -> list[tuple[str, str, list[Any], str]]:
    cases: list[tuple[str, str, list[Any], str]] = []
    for function in ("black_scholes", "greeks"):
        for param, value, message in VALUE_RULES + VOL_RULES:
            cases.append((f"{function}-{param}-{value}", function,
                          _with(BS, BS_NAMES, **{param: value}), message))  # fmt: skip
        for param in BS_NAMES[1:]:
            for value, name in WRONG_TYPES:
                cases.append((f"{function}-{param}-{name}", function,
                              _with(BS, BS_NAMES, **{param: value}),
                              f"{param} must be a number (got {name})"))  # fmt: skip
        for value in ("Call", "", "straddle"):
            cases.append((f"{function}-kind-{value!r}", function,
                          _with(BS, BS_NAMES, kind=value), KIND_RULE))  # fmt: skip
        for value, name in ((1.0, "float"), (None, "NoneType"), (["call"], "list")):
            cases.append((f"{function}-kind-{name}", function, _with(BS, BS_NAMES, kind=value),
                          f"{KIND_RULE} (got {name})"))  # fmt: skip
        cases.append((f"{function}-first-rule-wins", function,
                      ["call", -1.0, -1.0, -1.0, math.nan, math.nan, -1.0],
                      "spot must be > 0 (got -1)"))  # fmt: skip
        cases.append((f"{function}-out-of-double-range", function,
                      ["call", 1e300, 1.0, 30.0, 0.05, -1.0, 0.3],
                      "inputs out of range: rate, dividend and expiry put "
                      "spot*e^(-dividend*expiry), strike*e^(-rate*expiry) or the result beyond "
                      "the double-precision range"))  # fmt: skip
    for param, value, message in VALUE_RULES:
        cases.append((f"implied_vol-{param}-{value}", "implied_vol",
                      _with(IV, IV_NAMES, **{param: value}), message))  # fmt: skip
    for value in (math.nan, math.inf, -math.inf):
        cases.append((f"implied_vol-price-{value}", "implied_vol",
                      _with(IV, IV_NAMES, price=value),
                      "price must be a finite number"))  # fmt: skip
    cases += [
        ("implied_vol-price-str", "implied_vol", _with(IV, IV_NAMES, price="9"),
         "price must be a number (got str)"),
        ("implied_vol-below-lower-bound", "implied_vol",
         ["call", -1.0, 100.0, 100.0, 1.0, 0.0, 0.0],
         "price must be >= the no-arbitrage lower bound 0 (the discounted intrinsic value of "
         "the forward); got -1"),
        ("implied_vol-at-upper-bound", "implied_vol", ["put", 100.0, 100.0, 100.0, 1.0, 0.0, 0.0],
         "price must be < the no-arbitrage upper bound 100 (the discounted forward for a call, "
         "the discounted strike for a put); got 100"),
        ("implied_vol-expiry-zero", "implied_vol", ["call", 5.0, 100.0, 100.0, 0.0, 0.05, 0.0],
         "price must equal the intrinsic value 0 when expiry = 0 (no volatility adds time value "
         "to an expired option); got 5"),
    ]  # fmt: skip
    return cases


def _batch_cases() -> list[tuple[str, str, list[Any], str]]:
    return [
        ("bs_many-length", "black_scholes_many",
         ["call", [1.0, 2.0], 100.0, [1.0, 2.0, 3.0], 0.0, 0.0, 0.2],
         f"expiry has length 3 but spot has length 2: {BATCH_LENGTH}"),
        ("greeks_many-length-kind", "greeks_many",
         [["call", "put"], 100.0, 100.0, 1.0, 0.0, 0.0, [0.2]],
         f"vol has length 1 but kind has length 2: {BATCH_LENGTH}"),
        ("iv_many-length", "implied_vol_many",
         ["call", [1.0, 2.0], [100.0], 100.0, 1.0, 0.0, 0.0],
         f"spot has length 1 but price has length 2: {BATCH_LENGTH}"),
        ("bs_many-element-str", "black_scholes_many",
         ["call", [1.0, "2"], 100.0, 1.0, 0.0, 0.0, 0.2], "spot[1] must be a number (got str)"),
        ("bs_many-element-bool", "black_scholes_many",
         ["call", 100.0, [True], 1.0, 0.0, 0.0, 0.2], "strike[0] must be a number (got bool)"),
        ("bs_many-element-none", "black_scholes_many",
         ["call", 100.0, 100.0, [1.0, None], 0.0, 0.0, 0.2],
         "expiry[1] must be a number (got NoneType)"),
        ("greeks_many-kind-element", "greeks_many",
         [["call", 1.0], 100.0, 100.0, 1.0, 0.0, 0.0, 0.2], "kind[1] must be a string (got float)"),
        ("iv_many-kind", "implied_vol_many", [None, 1.0, 100.0, 100.0, 1.0, 0.0, 0.0],
         'kind must be "call", "put" or a sequence of them (got NoneType)'),
        ("bs_many-kind-value", "black_scholes_many", ["Call", 100.0, 100.0, 1.0, 0.0, 0.0, 0.2],
         KIND_RULE),
    ]  # fmt: skip


def _status_cases() -> list[tuple[str, str, list[Any], str]]:
    return [
        (f"status_message-{code}", "status_message", [code],
         f"code must be an integer status code in 0..=16 (got {text})")
        for code, text in ((-1.0, "-1"), (17.0, "17"), (2.5, "2.5"), (255.0, "255"))
    ] + [
        ("status_message-str", "status_message", ["1"], "code must be a number (got str)"),
        ("status_message-none", "status_message", [None], "code must be a number (got NoneType)"),
    ]  # fmt: skip


HESTON: Final = ("put", 100.0, 95.0, 0.5, 0.03, 0.01, 0.04, 1.5, 0.04, 0.3, -0.7)
HESTON_NAMES: Final = (
    "kind", "spot", "strike", "expiry", "rate", "dividend", "v0", "kappa", "theta", "xi", "rho",
)  # fmt: skip
HESTON_RULES: Final[list[tuple[str, Any, str]]] = [
    ("v0", -0.01, "v0 must be >= 0 (got -0.01)"),
    ("kappa", math.nan, "kappa must be a finite number"),
    ("theta", -1.0, "theta must be >= 0 (got -1)"),
    ("xi", math.inf, "xi must be a finite number"),
    ("rho", 1.5, "rho must be in [-1, 1] (got 1.5)"),
    ("rho", -1.0000001, "rho must be in [-1, 1] (got -1.0000001)"),
]


def _heston_cases() -> list[tuple[str, str, list[Any], str]]:
    cases = [(f"heston_price-{param}-{value}", "heston_price",
              _with(HESTON, HESTON_NAMES, **{param: value}), message)
             for param, value, message in VALUE_RULES + HESTON_RULES]  # fmt: skip
    cases += [(f"heston_price-{param}-str", "heston_price",
               _with(HESTON, HESTON_NAMES, **{param: "1"}), f"{param} must be a number (got str)")
              for param in HESTON_NAMES[1:]]  # fmt: skip
    cases.append(("heston_price-kind", "heston_price", _with(HESTON, HESTON_NAMES, kind="P"),
                  KIND_RULE))  # fmt: skip
    return cases


AMERICAN: Final = ["put", 100.0, 100.0, 1.0, 0.05, 0.0, 0.2]


def _american_cases() -> list[tuple[str, str, list[Any], str]]:
    accuracy = 'accuracy must be "fast", "accurate" or "high" (got "best")'
    double = ("rate, dividend: an American put with dividend < rate < 0 (a call with rate < "
              "dividend < 0) has two exercise boundaries (Andersen & Lake 2021), which this "
              "engine does not price")  # fmt: skip
    return [
        ("american-accuracy", "american", [*AMERICAN, "best"], accuracy),
        ("american_greeks-accuracy", "american_greeks", [*AMERICAN, "Fast"],
         accuracy.replace("best", "Fast")),
        ("american-spot", "american", ["put", -1.0, *AMERICAN[2:]], "spot must be > 0 (got -1)"),
        ("american-double-boundary", "american", ["put", 100.0, 100.0, 1.0, -0.01, -0.02, 0.2],
         double),
        ("american_boundary-vol", "american_boundary", [*AMERICAN[:6], 0.0],
         "vol must be > 0 (got 0)"),
        ("american_implied_vol-below", "american_implied_vol",
         ["put", 1.0, 90.0, 100.0, 1.0, 0.05, 0.0],
         "price must be >= 10, the American option's value at vol = 0 (at least its intrinsic "
         "value); got 1"),
        ("american_implied_vol-above", "american_implied_vol",
         ["put", 100.0, 90.0, 100.0, 1.0, 0.05, 0.0],
         "price must be < 100, the upper bound of an American option's price (the spot for a "
         "call, the strike for a put); got 100"),
        ("american_many-length", "american_many",
         ["put", [1.0, 2.0], 100.0, [1.0, 2.0, 3.0], 0.05, 0.0, 0.2],
         f"expiry has length 3 but spot has length 2: {BATCH_LENGTH}"),
    ]  # fmt: skip


def _mc_cases() -> list[tuple[str, str, list[Any], str]]:
    return [(f"monte_carlo-{i}", "monte_carlo", [p], m) for i, p, m in mc_cases.INVALID]


CORPUS: Final[list[tuple[str, str, list[Any], str]]] = (
    _scalar_cases()
    + _heston_cases()
    + _batch_cases()
    + _status_cases()
    + _mc_cases()
    + _american_cases()
)
