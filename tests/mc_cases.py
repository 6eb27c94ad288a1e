"""Monte Carlo params, valid and invalid, shared by tests/test_api.py, tests/test_reference_mc.py
and tests/browser/test_mc_parity.py (which runs each through the wasm engine in Chromium too).

The expected messages are the Rust engine's (wasm_core/src/bindings.rs ``mc_params`` and
wasm_core/src/monte_carlo/params.rs), with Python's type names where JavaScript has its own;
:func:`canonical` maps both to one spelling so the browser test can compare them.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

FIELDS: Final = (
    "model, kind, spot, strike, expiry, rate, dividend, vol, v0, kappa, theta, xi, rho, hurst, "
    "paths, steps, seed, antithetic, greeks, payoff, barrier, exercise_dates"
)
PAYOFFS: Final = (
    '"european", "asian_arithmetic", "asian_geometric", "up_and_out", "up_and_in", '
    '"down_and_out", "down_and_in", "bermudan" or "american"'
)
MODELS: Final = '"gbm", "heston" or "rough_heston"'

GBM: Final[dict[str, Any]] = {
    "model": "gbm", "kind": "call", "spot": 100.0, "strike": 95.0, "expiry": 0.5, "rate": 0.03,
    "dividend": 0.01, "vol": 0.25, "paths": 200, "seed": 1,
}  # fmt: skip
HESTON: Final[dict[str, Any]] = {
    "model": "heston", "kind": "put", "spot": 100.0, "strike": 105.0, "expiry": 1.0,
    "rate": 0.02, "dividend": 0.0, "v0": 0.04, "kappa": 1.5, "theta": 0.05, "xi": 0.6,
    "rho": -0.7, "paths": 100, "steps": 10, "seed": 3,
}  # fmt: skip
ROUGH: Final[dict[str, Any]] = {
    **HESTON, "model": "rough_heston", "hurst": 0.2, "paths": 64, "steps": 8,
}  # fmt: skip

OVERFLOW: Final = (
    "inputs overflow double precision in the simulation (check rate, dividend, expiry and the "
    "volatility parameters)"
)


def params(base: dict[str, Any], drop: tuple[str, ...] = (), **change: Any) -> dict[str, Any]:
    """``base`` without the keys ``drop``, updated with ``change``."""
    return {**{k: v for k, v in base.items() if k not in drop}, **change}


# (id, params, expected message). The first rule broken, in the engine's order: unknown keys,
# model, fields of another model, kind, presence and type of each number (market, model,
# options), the booleans, then the values.
INVALID: Final[list[tuple[str, Any, str]]] = [
    ("not-a-dict", [["model", "gbm"]], "params must be an object (got list)"),
    ("none", None, "params must be an object (got NoneType)"),
    ("unknown", params(GBM, volatility=0.2),
     f"volatility is not a monte_carlo parameter (expected one of {FIELDS})"),
    ("unknown-before-model", params(GBM, model="bs", n=3),
     f"n is not a monte_carlo parameter (expected one of {FIELDS})"),
    ("no-model", params(GBM, ("model",)), f"model is required ({MODELS})"),
    ("bad-model", params(GBM, model="bs"), f"model must be {MODELS}"),
    ("model-type", params(GBM, model=1), f"model must be {MODELS} (got int)"),
    ("model-null", params(GBM, model=None), f"model must be {MODELS} (got NoneType)"),
    ("gbm-with-v0", params(GBM, v0=0.04), 'v0 is not a parameter of model "gbm"'),
    ("heston-with-vol", params(HESTON, vol=0.2), 'vol is not a parameter of model "heston"'),
    ("heston-with-hurst", params(HESTON, hurst=0.3),
     'hurst is not a parameter of model "heston"'),
    ("other-model-before-kind", params(HESTON, ("kind",), vol=0.2),
     'vol is not a parameter of model "heston"'),
    ("no-kind", params(GBM, ("kind",)), 'kind is required for model "gbm"'),
    ("bad-kind", params(GBM, kind="straddle"), 'kind must be "call" or "put"'),
    ("kind-type", params(GBM, kind=1), 'kind must be "call" or "put" (got int)'),
    ("kind-before-spot", params(GBM, kind="Call", spot="x"), 'kind must be "call" or "put"'),
    ("no-spot", params(GBM, ("spot",)), 'spot is required for model "gbm"'),
    ("no-vol", params(GBM, ("vol",)), 'vol is required for model "gbm"'),
    ("no-xi", params(HESTON, ("xi",)), 'xi is required for model "heston"'),
    ("no-hurst", params(ROUGH, ("hurst",)), 'hurst is required for model "rough_heston"'),
    ("spot-str", params(GBM, spot="100"), "spot must be a number (got str)"),
    ("spot-bool", params(GBM, spot=True), "spot must be a number (got bool)"),
    ("spot-list", params(GBM, spot=[100.0]), "spot must be a number (got list)"),
    ("spot-dict", params(GBM, spot={}), "spot must be a number (got dict)"),
    ("strike-null", params(GBM, strike=None), "strike must be a number (got NoneType)"),
    ("rho-str", params(HESTON, rho="-0.7"), "rho must be a number (got str)"),
    ("types-before-values", params(GBM, spot=-1.0, strike="x"),
     "strike must be a number (got str)"),
    ("type-of-paths-before-values", params(GBM, spot=-1.0, paths="10"),
     "paths must be a number (got str)"),
    ("paths-str", params(GBM, paths="10"), "paths must be a number (got str)"),
    ("steps-null", params(GBM, steps=None), "steps must be a number (got NoneType)"),
    ("seed-bool", params(GBM, seed=True), "seed must be a number (got bool)"),
    ("antithetic-int", params(GBM, antithetic=1), "antithetic must be a boolean (got int)"),
    ("greeks-str", params(GBM, greeks="yes"), "greeks must be a boolean (got str)"),
    ("greeks-null", params(GBM, greeks=None), "greeks must be a boolean (got NoneType)"),
    ("booleans-before-values", params(GBM, spot=-1.0, greeks=1),
     "greeks must be a boolean (got int)"),
    ("spot-negative", params(GBM, spot=-1), "spot must be > 0 (got -1)"),
    ("spot-nan", params(GBM, spot=math.nan), "spot must be a finite number"),
    ("strike-zero", params(GBM, strike=0), "strike must be > 0 (got 0)"),
    ("expiry-negative", params(GBM, expiry=-0.25), "expiry must be >= 0 (got -0.25)"),
    ("rate-inf", params(GBM, rate=math.inf), "rate must be a finite number"),
    ("dividend-minus-inf", params(GBM, dividend=-math.inf), "dividend must be a finite number"),
    ("vol-negative", params(GBM, vol=-0.2), "vol must be >= 0 (got -0.2)"),
    ("vol-nan", params(GBM, vol=math.nan), "vol must be a finite number"),
    ("v0-negative", params(HESTON, v0=-0.1), "v0 must be >= 0 (got -0.1)"),
    ("kappa-negative", params(HESTON, kappa=-1), "kappa must be >= 0 (got -1)"),
    ("theta-nan", params(HESTON, theta=math.nan), "theta must be a finite number"),
    ("xi-inf", params(HESTON, xi=math.inf), "xi must be a finite number"),
    ("rho-above-one", params(HESTON, rho=1.5), "rho must be in [-1, 1] (got 1.5)"),
    ("rho-nan", params(HESTON, rho=math.nan), "rho must be a finite number"),
    ("hurst-zero", params(ROUGH, hurst=0.0), "hurst must be in (0, 0.5] (got 0)"),
    ("hurst-above-half", params(ROUGH, hurst=0.51), "hurst must be in (0, 0.5] (got 0.51)"),
    ("hurst-nan", params(ROUGH, hurst=math.nan), "hurst must be a finite number"),
    ("market-before-model-values", params(HESTON, v0=-1.0, spot=0.0),
     "spot must be > 0 (got 0)"),
    ("model-values-before-paths", params(HESTON, v0=-1.0, paths=0),
     "v0 must be >= 0 (got -1)"),
    ("paths-zero", params(GBM, paths=0), "paths must be an integer in [1, 1e8] (got 0)"),
    ("paths-fraction", params(GBM, paths=1.5), "paths must be an integer in [1, 1e8] (got 1.5)"),
    ("paths-too-many", params(GBM, paths=2e8),
     "paths must be an integer in [1, 1e8] (got 200000000)"),
    ("paths-nan", params(GBM, paths=math.nan), "paths must be a finite number"),
    ("paths-inf", params(GBM, paths=math.inf), "paths must be a finite number"),
    ("steps-zero", params(GBM, steps=0), "steps must be an integer in [1, 1e5] (got 0)"),
    ("steps-too-many", params(GBM, steps=1e6),
     "steps must be an integer in [1, 1e5] (got 1000000)"),
    ("steps-fraction", params(HESTON, steps=2.5), "steps must be an integer in [1, 1e5] (got 2.5)"),
    ("path-steps", params(GBM, paths=1e8, steps=101),
     "paths times steps must be <= 1e10 (use fewer paths or steps) (got 100000000)"),
    ("path-steps-plain", params(HESTON, paths=100_001, steps=1e5, antithetic=False),
     "paths times steps must be <= 1e10 (use fewer paths or steps) (got 100001)"),
    ("seed-negative", params(GBM, seed=-1), "seed must be an integer in [0, 2^53) (got -1)"),
    ("seed-2-53", params(GBM, seed=2**53),
     "seed must be an integer in [0, 2^53) (got 9007199254740992)"),
    ("seed-fraction", params(GBM, seed=0.5), "seed must be an integer in [0, 2^53) (got 0.5)"),
    # Valid params whose simulation overflows double precision (mod.rs, `overflow`).
    ("overflow-spot", params(GBM, dividend=-1e3, expiry=10.0), OVERFLOW),
    ("overflow-discounted-strike", params(GBM, kind="put", rate=-1e3, expiry=10.0), OVERFLOW),
    ("overflow-heston", params(HESTON, kind="call", dividend=-1e3, expiry=10.0), OVERFLOW),
    ("paths-before-seed", params(GBM, paths=0, seed=-1),
     "paths must be an integer in [1, 1e8] (got 0)"),
    # Payoffs (monte_carlo/payoff.rs): the name and the types with the other types, then the
    # payoff's own fields before paths, the step rules with steps, and greeks last.
    ("payoff-unknown", params(GBM, payoff="asian"), f"payoff must be {PAYOFFS}"),
    ("payoff-type", params(GBM, payoff=1), f"payoff must be {PAYOFFS} (got int)"),
    ("payoff-null", params(GBM, payoff=None), f"payoff must be {PAYOFFS} (got NoneType)"),
    ("barrier-str", params(GBM, payoff="up_and_out", barrier="120"),
     "barrier must be a number (got str)"),
    ("barrier-type-before-values", params(GBM, spot=-1.0, payoff="up_and_out", barrier="x"),
     "barrier must be a number (got str)"),
    ("barrier-of-european", params(GBM, barrier=120.0),
     'barrier is not a parameter of payoff "european"'),
    ("barrier-of-asian", params(GBM, payoff="asian_arithmetic", barrier=120.0),
     'barrier is not a parameter of payoff "asian_arithmetic"'),
    ("no-barrier", params(GBM, payoff="down_and_in"),
     'barrier is required for payoff "down_and_in"'),
    ("barrier-zero", params(GBM, payoff="down_and_out", barrier=0.0),
     "barrier must be > 0 (got 0)"),
    ("barrier-nan", params(GBM, payoff="up_and_in", barrier=math.nan),
     "barrier must be a finite number"),
    ("market-before-barrier", params(GBM, strike=-1.0, payoff="up_and_in", barrier=-1.0),
     "strike must be > 0 (got -1)"),
    ("barrier-before-paths", params(GBM, payoff="up_and_in", barrier=-1.0, paths=0),
     "barrier must be > 0 (got -1)"),
    ("exercise-dates-of-american", params(GBM, payoff="american", exercise_dates=4),
     'exercise_dates is not a parameter of payoff "american"'),
    ("no-exercise-dates", params(GBM, payoff="bermudan"),
     'exercise_dates is required for payoff "bermudan"'),
    ("exercise-dates-fraction", params(GBM, payoff="bermudan", exercise_dates=2.5),
     "exercise_dates must be an integer in [1, 512] (got 2.5)"),
    ("exercise-dates-too-many", params(GBM, payoff="bermudan", exercise_dates=513),
     "exercise_dates must be an integer in [1, 512] (got 513)"),
    ("exercise-dates-bool", params(GBM, payoff="bermudan", exercise_dates=True),
     "exercise_dates must be a number (got bool)"),
    ("bermudan-steps", params(GBM, payoff="bermudan", exercise_dates=4, steps=10),
     'steps must be a multiple of exercise_dates for payoff "bermudan" (got 10)'),
    ("american-steps", params(HESTON, payoff="american", steps=514),
     'steps must be an even integer in [2, 512] for payoff "american" (it is extrapolated from '
     "exercise at every step and every other step) (got 514)"),
    ("american-steps-odd", params(GBM, payoff="american", steps=51),
     'steps must be an even integer in [2, 512] for payoff "american" (it is extrapolated from '
     "exercise at every step and every other step) (got 51)"),
    ("american-greeks", params(GBM, payoff="american", greeks=True),
     'greeks is not available for payoff "american" (an exercise rule does not survive '
     "bump-and-reprice; american_greeks has the Black-Scholes-Merton ones)"),
    ("seed-before-greeks", params(GBM, payoff="bermudan", exercise_dates=2, greeks=True,
                                  seed=-1),
     "seed must be an integer in [0, 2^53) (got -1)"),
]  # fmt: skip

# Path payoffs (engine only: the pure-Python reference prices "european" alone).
# (id, params, expected (paths, samples, steps)).
VALID_PAYOFFS: Final[list[tuple[str, dict[str, Any], tuple[int, int, int]]]] = [
    ("asian-arithmetic", params(GBM, payoff="asian_arithmetic", steps=12), (200, 100, 12)),
    ("asian-default-steps", params(GBM, payoff="asian_geometric"), (200, 100, 100)),
    ("asian-heston-greeks", params(HESTON, payoff="asian_arithmetic", greeks=True),
     (100, 50, 10)),
    ("barrier-default-steps", params(GBM, payoff="up_and_out", barrier=120.0), (200, 100, 1)),
    ("barrier-knocked-at-start", params(GBM, payoff="down_and_out", barrier=150.0),
     (200, 100, 1)),
    ("barrier-heston-greeks", params(HESTON, payoff="down_and_in", barrier=90.0, greeks=True),
     (100, 50, 10)),
    ("bermudan-default-steps", params(GBM, payoff="bermudan", exercise_dates=4),
     (200, 100, 4)),
    ("bermudan-heston-default-steps", params(HESTON, ("steps",), payoff="bermudan",
                                             exercise_dates=3), (100, 50, 102)),
    ("american", params(GBM, kind="put", payoff="american", steps=20), (200, 100, 20)),
    ("american-rough", params(ROUGH, payoff="american"), (64, 32, 8)),
    ("american-zero-expiry", params(GBM, kind="put", payoff="american", expiry=0.0),
     (200, 100, 100)),
]  # fmt: skip

# (id, params, expected (paths, samples, steps) of the result). Cheap enough for CPython.
VALID: Final[list[tuple[str, dict[str, Any], tuple[int, int, int]]]] = [
    ("gbm", GBM, (200, 100, 1)),
    ("odd-paths-round-up", params(GBM, paths=7), (8, 4, 1)),
    ("odd-paths-plain", params(GBM, paths=7, antithetic=False), (7, 7, 1)),
    ("integral-floats", params(GBM, paths=200.0, steps=3.0, seed=1.0), (200, 100, 3)),
    ("one-path", params(GBM, paths=1), (2, 1, 1)),
    ("one-plain-path", params(GBM, paths=1, antithetic=False), (1, 1, 1)),
    ("largest-seed", params(GBM, seed=2**53 - 1), (200, 100, 1)),
    ("largest-steps", params(GBM, paths=1, steps=1e5), (2, 1, 100_000)),
    ("default-paths-at-zero-expiry", params(GBM, ("paths",), expiry=0.0), (100_000, 50_000, 1)),
    ("gbm-greeks", params(GBM, greeks=True), (200, 100, 1)),
    ("gbm-vol-zero-greeks", params(GBM, vol=0.0, greeks=True), (200, 100, 1)),
    ("gbm-expiry-zero", params(GBM, expiry=0.0, greeks=True), (200, 100, 1)),
    ("gbm-integer-inputs", params(GBM, spot=100, strike=100, expiry=1, rate=0, dividend=0,
                                  vol=1), (200, 100, 1)),
    # The forward beyond the double range: a put is worth 0 (the engine's answer), a call
    # overflows (INVALID, "overflow-*").
    ("put-forward-beyond-double-range", params(HESTON, dividend=-1e3, expiry=10.0),
     (100, 50, 10)),
    ("heston", HESTON, (100, 50, 10)),
    ("heston-default-steps", params(HESTON, ("steps",), paths=20), (20, 10, 100)),
    ("heston-greeks", params(HESTON, greeks=True), (100, 50, 10)),
    ("heston-xi-zero", params(HESTON, xi=0.0, rho=1.0), (100, 50, 10)),
    ("heston-rho-minus-one", params(HESTON, rho=-1.0, antithetic=False), (100, 100, 10)),
    ("heston-zero-variance", params(HESTON, v0=0.0, theta=0.0, greeks=True), (100, 50, 10)),
    ("rough", ROUGH, (64, 32, 8)),
    ("rough-hurst-half", params(ROUGH, hurst=0.5), (64, 32, 8)),
    ("rough-greeks", params(ROUGH, greeks=True, hurst=1e-3), (64, 32, 8)),
]  # fmt: skip

# Accepted, but too much work to run: checked by validation alone (wasm: monte_carlo_plan).
VALID_NOT_RUN: Final[list[tuple[str, dict[str, Any], tuple[int, int, int]]]] = [
    ("most-paths", params(GBM, paths=1e8), (100_000_000, 50_000_000, 1)),
    ("most-path-steps", params(GBM, paths=1e8, steps=100), (100_000_000, 50_000_000, 100)),
    ("most-paths-default-steps", params(HESTON, ("steps",), paths=1e8),
     (100_000_000, 50_000_000, 100)),
    ("most-path-steps-plain", params(HESTON, paths=1e5, steps=1e5, antithetic=False),
     (100_000, 100_000, 100_000)),
]  # fmt: skip

RESULT_KEYS: Final = (
    "price", "std_error", "ci_low", "ci_high", "paths", "steps", "samples", "model", "payoff",
    "seed", "antithetic", "control_variate", "price_without_control", "std_error_without_control",
)  # fmt: skip
GREEK_KEYS: Final = (
    "delta", "delta_std_error", "gamma", "gamma_std_error", "vega", "vega_std_error",
)  # fmt: skip

# JavaScript's type names in the engine's messages, and Python's for the same values.
_TYPE_NAMES: Final = {
    "string": "str", "boolean": "bool", "null": "NoneType", "array": "list", "object": "dict",
    "number": "number", "int": "number", "float": "number",
}  # fmt: skip
_GOT_TYPE: Final = re.compile(r"\(got ([A-Za-z]+)\)$")


def canonical(message: str) -> str:
    """``message`` with the type name of a trailing ``(got <type>)`` spelled one way for both
    languages (a value, ``(got -1)``, is left alone; so are ``NaN`` and ``inf``)."""
    match = _GOT_TYPE.search(message)
    if match is None or match.group(1) not in _TYPE_NAMES:
        return message
    return message[: match.start(1)] + _TYPE_NAMES[match.group(1)] + ")"


# Python's names of the types a wrong-type message can name (the corpus's and mc_cases').
_PYTHON_TYPES: Final = frozenset(
    ("str", "bool", "NoneType", "list", "dict", "int", "float", "tuple", "bytes", "set",
     "complex", "array", "object")
)  # fmt: skip


def is_type_message(message: str) -> bool:
    """Whether ``message`` reports a value of the wrong type (``... (got str)``)."""
    match = _GOT_TYPE.search(message)
    return match is not None and match.group(1) in _PYTHON_TYPES
