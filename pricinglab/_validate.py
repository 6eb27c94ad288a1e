"""Input validation at the Python boundary, shared by both backends.

Every public function of :mod:`pricinglab` validates here *before* calling a backend, so the
pure-Python reference and the WebAssembly engine raise identically. Messages follow the Rust
crate word for word (``wasm_core/src/errors.rs``): they name the parameter and the rule,
e.g. ``spot must be > 0 (got -1)``, with numbers printed the way Rust's ``Display`` prints an
``f64`` (shortest round-trip digits, never an exponent).

Only the standard library is used: the module runs unchanged in Pyodide.
"""

from __future__ import annotations

import math
import numbers
import sys
from array import array
from collections.abc import Mapping, Sequence
from typing import Any, Final, TypeAlias

__all__ = [
    "GREEK_NAMES",
    "MC_FIELDS",
    "NO_PARAMS",
    "STATUS_MESSAGES",
    "NoParams",
    "PricingError",
    "PricingTypeError",
    "Row",
    "broadcast",
    "format_number",
    "inputs_status",
    "iv_status",
    "merge_params",
    "monte_carlo_params",
    "status_message",
    "validate_inputs",
    "validate_iv_inputs",
]


class PricingError(ValueError):
    """An argument broke a documented rule; the message names the parameter and the rule.

    A subclass of :class:`ValueError`, raised identically by both backends. ``status`` is
    the batch status code of the rule (an index into :data:`STATUS_MESSAGES`; 11 when no
    more specific code applies).

    Examples
    --------
    >>> import pricinglab as pl
    >>> try:
    ...     pl.black_scholes("call", -1, 100, 1, 0.05, 0, 0.2)
    ... except pl.PricingError as e:
    ...     print(e)
    spot must be > 0 (got -1)
    """

    def __init__(self, message: str, status: int = 11) -> None:
        super().__init__(message)
        self.status = status


class PricingTypeError(PricingError, TypeError):
    """An argument of the wrong type: both a :class:`TypeError` and a :class:`ValueError`.

    The message names the parameter and the type received, e.g.
    ``spot must be a number (got str)``.
    """


# The per-row status table of the batch functions, index = status code. It mirrors
# STATUS_MESSAGES in wasm_core/src/errors.rs (tests/test_api.py parses the Rust file so the two
# cannot drift); codes are only ever appended.
STATUS_MESSAGES: Final[tuple[str, ...]] = (
    "ok",
    'kind must be "call" or "put"',
    "spot must be a finite number > 0",
    "strike must be a finite number > 0",
    "expiry must be a finite number >= 0",
    "rate must be a finite number",
    "dividend must be a finite number",
    "vol must be a finite number >= 0",
    "price must be a finite number",
    "price is below the no-arbitrage lower bound (the discounted intrinsic value of the forward)",
    "price is at or above the no-arbitrage upper bound "
    "(discounted forward for a call, discounted strike for a put)",
    "invalid input",
    "price must equal the intrinsic value when expiry = 0",
    "inputs out of range: the discounted spot, discounted strike or result is beyond the "
    "double range",
)
OK: Final = 0
BAD_KIND: Final = 1
BAD_PRICE: Final = 8
BELOW_LOWER_BOUND: Final = 9
AT_OR_ABOVE_UPPER_BOUND: Final = 10
INVALID: Final = 11
NOT_INTRINSIC_AT_EXPIRY: Final = 12
OUT_OF_DOUBLE_RANGE: Final = 13
OUT_OF_DOUBLE_RANGE_MESSAGE: Final = (
    "inputs out of range: rate, dividend and expiry put spot*e^(-dividend*expiry), "
    "strike*e^(-rate*expiry) or the result beyond the double-precision range"
)

# The Greeks in the order of docs/api.md (the keys of `greeks`, after "price").
GREEK_NAMES: Final[tuple[str, ...]] = (
    "delta",
    "gamma",
    "speed",
    "vega",
    "volga",
    "vanna",
    "zomma",
    "theta",
    "charm",
    "color",
    "veta",
    "rho",
    "epsilon",
)

_KIND_RULE: Final = 'kind must be "call" or "put"'


def format_number(x: float) -> str:
    """Formats ``x`` the way Rust's ``Display`` formats an ``f64``.

    Shortest round-trip digits (as Python's ``repr``), written out in full without an
    exponent: ``-1.0 -> "-1"``, ``1e-07 -> "0.0000001"``, ``1e21 -> "1000000000000000000000"``,
    ``nan -> "NaN"``, ``inf -> "inf"``.

    Examples
    --------
    >>> format_number(-1.0), format_number(0.25), format_number(1e-7)
    ('-1', '0.25', '0.0000001')
    """
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    mantissa, _, exp_text = repr(abs(float(x))).partition("e")
    whole, _, frac = mantissa.partition(".")
    all_digits = whole + frac
    # `point` = where the decimal point sits in `digits` once leading zeros are dropped.
    digits = all_digits.lstrip("0")
    point = len(whole) + int(exp_text or 0) - (len(all_digits) - len(digits))
    digits = digits.rstrip("0")
    if not digits:
        return sign + "0"
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


# ----------------------------------------------------------------------------- scalars


def _type_name(value: object) -> str:
    return type(value).__name__


def _number(name: str, value: object) -> float:
    """``value`` as a float; a bool, str, None ... is a :class:`PricingTypeError`."""
    if isinstance(value, float):  # the common case first (includes numpy.float64)
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PricingTypeError(f"{name} must be a number (got {_type_name(value)})")
    try:
        return float(value)
    except OverflowError:  # an int beyond the double range is not a finite number
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def _finite(name: str, value: object) -> float:
    x = _number(name, value)
    if not math.isfinite(x):
        raise PricingError(f"{name} must be a finite number")
    return x


def _positive(name: str, value: object) -> float:
    x = _finite(name, value)
    if not x > 0.0:
        raise PricingError(f"{name} must be > 0 (got {format_number(x)})")
    return x


def _non_negative(name: str, value: object) -> float:
    x = _finite(name, value)
    if not x >= 0.0:
        raise PricingError(f"{name} must be >= 0 (got {format_number(x)})")
    return x


def _kind(value: object) -> str:
    if not isinstance(value, str):
        raise PricingTypeError(f"{_KIND_RULE} (got {_type_name(value)})")
    if value not in ("call", "put"):
        raise PricingError(_KIND_RULE)
    return value


Inputs = tuple[str, float, float, float, float, float, float]


# ln(sys.float_info.min) and ln(sys.float_info.max): the logarithms of normal doubles.
_LN_MIN_POSITIVE: Final = -708.3964185322641
_LN_MAX: Final = 709.782712893384


def market_in_range(
    spot: float, strike: float, expiry: float, rate: float, dividend: float
) -> bool:
    """Whether absurd rates times expiries leave the discounted spot ``S e^(-qT)`` and the
    discounted strike ``K e^(-rT)`` inside the double range, exactly as
    ``inputs::market_in_range`` in the Rust crate (tested in logarithms, so the test itself
    cannot overflow). Every price then lies between 0 and the larger of the two."""
    return all(
        _LN_MIN_POSITIVE <= ln_x < _LN_MAX
        for ln_x in (math.log(spot) - dividend * expiry, math.log(strike) - rate * expiry)
    )


def _check_market(spot: float, strike: float, expiry: float, rate: float, dividend: float) -> None:
    if not market_in_range(spot, strike, expiry, rate, dividend):
        raise PricingError(OUT_OF_DOUBLE_RANGE_MESSAGE, OUT_OF_DOUBLE_RANGE)


def validate_inputs(
    kind: object,
    spot: object,
    strike: object,
    expiry: object,
    rate: object,
    dividend: object,
    vol: object,
) -> Inputs:
    """Checks the arguments of ``black_scholes``/``greeks`` in argument order.

    Returns ``(kind, spot, strike, expiry, rate, dividend, vol)`` as ``str`` and floats.

    Raises
    ------
    PricingError
        The first rule broken: ``kind`` is ``"call"`` or ``"put"``; ``spot, strike`` finite
        and > 0; ``expiry`` finite and >= 0; ``rate, dividend`` finite; ``vol`` finite, >= 0.
        A wrong type raises :class:`PricingTypeError` (also a ``TypeError``).
    """
    checked = (
        _kind(kind),
        _positive("spot", spot),
        _positive("strike", strike),
        _non_negative("expiry", expiry),
        _finite("rate", rate),
        _finite("dividend", dividend),
        _non_negative("vol", vol),
    )
    _check_market(*checked[1:6])
    return checked


def validate_iv_inputs(
    kind: object,
    price: object,
    spot: object,
    strike: object,
    expiry: object,
    rate: object,
    dividend: object,
) -> Inputs:
    """Checks the arguments of ``implied_vol`` in argument order (``price`` finite).

    The no-arbitrage bounds of ``price`` depend on the model, so the backend checks those.
    """
    checked = (
        _kind(kind),
        _finite("price", price),
        _positive("spot", spot),
        _positive("strike", strike),
        _non_negative("expiry", expiry),
        _finite("rate", rate),
        _finite("dividend", dividend),
    )
    _check_market(*checked[2:7])
    return checked


def status_message(code: object) -> str:
    """The rule a batch row with status ``code`` broke (``"ok"`` for 0).

    Examples
    --------
    >>> status_message(2)
    'spot must be a finite number > 0'
    """
    if isinstance(code, bool) or not isinstance(code, numbers.Integral):
        raise PricingTypeError(f"code must be an integer (got {_type_name(code)})")
    index = int(code)
    if not 0 <= index < len(STATUS_MESSAGES):
        raise PricingError(
            f"code must be a status code in [0, {len(STATUS_MESSAGES) - 1}] (got {index})"
        )
    return STATUS_MESSAGES[index]


# ----------------------------------------------------------------------------- batch rows


def _row_kind(kind: str) -> int:
    return OK if kind in ("call", "put") else BAD_KIND


def inputs_status(
    kind: str, spot: float, strike: float, expiry: float, rate: float, dividend: float, vol: float
) -> int:
    """The batch status of one row of ``black_scholes_many``/``greeks_many`` (0 = ok)."""
    if kind != "call" and kind != "put":
        return BAD_KIND
    if not (math.isfinite(spot) and spot > 0.0):
        return 2
    if not (math.isfinite(strike) and strike > 0.0):
        return 3
    if not (math.isfinite(expiry) and expiry >= 0.0):
        return 4
    if not math.isfinite(rate):
        return 5
    if not math.isfinite(dividend):
        return 6
    if not (math.isfinite(vol) and vol >= 0.0):
        return 7
    if not market_in_range(spot, strike, expiry, rate, dividend):
        return OUT_OF_DOUBLE_RANGE
    return OK


def iv_status(
    kind: str, price: float, spot: float, strike: float, expiry: float, rate: float, dividend: float
) -> int:
    """The argument-rule status of one row of ``implied_vol_many`` (bounds are checked later)."""
    if kind != "call" and kind != "put":
        return BAD_KIND
    if not math.isfinite(price):
        return BAD_PRICE
    return inputs_status(kind, spot, strike, expiry, rate, dividend, 0.0)


# ----------------------------------------------------------------------------- batch columns

Row = tuple[Any, ...]


def _numpy_column(name: str, value: Any) -> array[float] | None:
    """A NumPy array as array('d'), or None when ``value`` is not one (NumPy is never imported
    here: if the caller passes an ndarray, NumPy is already in ``sys.modules``)."""
    np = sys.modules.get("numpy")
    if np is None or not isinstance(value, np.ndarray):
        return None
    if value.ndim != 1:
        raise PricingError(f"{name} must be one-dimensional (got {value.ndim} dimensions)")
    if value.dtype.kind == "b":
        raise PricingTypeError(f"{name} must contain numbers (got an array of bool)")
    if value.dtype.kind not in "iuf":
        # object arrays and the like: check element by element like any sequence
        return None
    out = array("d")
    out.frombytes(np.ascontiguousarray(value, dtype=np.float64).tobytes())
    return out


def _sequence_column(name: str, value: Sequence[Any]) -> array[float]:
    try:
        column = array("d", value)  # one C loop for lists/tuples of floats
    except TypeError:
        column = None
    if column is not None and not any(v is True or v is False for v in value):
        return column
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise PricingTypeError(f"{name}[{i}] must be a number (got {_type_name(v)})")
    raise AssertionError("unreachable: array('d') rejected only non-numbers")  # pragma: no cover


_NUMERIC_FORMATS: Final = "fdbBhHiIlLqQnN"


def _buffer_column(name: str, value: object) -> array[float] | None:
    """An object with the buffer protocol (memoryview, ...) as array('d'); None otherwise."""
    try:
        view = memoryview(value)  # type: ignore[arg-type]
    except TypeError:
        return None
    fmt = view.format.lstrip("@=<>!")
    if view.ndim != 1:
        raise PricingError(f"{name} must be one-dimensional (got {view.ndim} dimensions)")
    if fmt not in _NUMERIC_FORMATS or len(fmt) != 1:
        raise PricingTypeError(
            f"{name} must contain numbers (got a buffer of format {view.format!r})"
        )
    if fmt == "d" and view.c_contiguous and view.format in ("d", "@d", "=d"):
        out = array("d")
        out.frombytes(view.cast("B"))
        return out
    return array("d", view.tolist())


def _column(name: str, value: object) -> float | array[float]:
    """One numeric batch argument: a float (broadcast) or an array('d') column."""
    if isinstance(value, float):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _number(name, value)
    if isinstance(value, array):
        if value.typecode == "d":
            return value
        if value.typecode in _NUMERIC_FORMATS:
            return array("d", value)
        raise PricingTypeError(
            f"{name} must contain numbers (got an array of typecode {value.typecode!r})"
        )
    if isinstance(value, (str, bytes, bytearray)) or value is None:
        raise PricingTypeError(
            f"{name} must be a number or a sequence of numbers (got {_type_name(value)})"
        )
    numpy_column = _numpy_column(name, value)
    if numpy_column is not None:
        return numpy_column
    buffer_column = _buffer_column(name, value)
    if buffer_column is not None:
        return buffer_column
    if isinstance(value, Sequence):
        return _sequence_column(name, value)
    raise PricingTypeError(
        f"{name} must be a number or a sequence of numbers (got {_type_name(value)})"
    )


def _kind_column(value: object) -> str | list[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, Mapping)) or not isinstance(value, Sequence):
        np = sys.modules.get("numpy")
        if np is not None and isinstance(value, np.ndarray):
            return _kind_column(value.tolist())
        raise PricingTypeError(
            f'kind must be "call", "put" or a sequence of them (got {_type_name(value)})'
        )
    kinds = list(value)
    for i, k in enumerate(kinds):
        if not isinstance(k, str):
            raise PricingTypeError(f"kind[{i}] must be a string (got {_type_name(k)})")
    return kinds


Batch: TypeAlias = "tuple[int, str | list[str], list[float | array[float]]]"


def broadcast(names: Sequence[str], kind: object, numeric: Sequence[object]) -> Batch:
    """Converts batch arguments and checks their lengths agree.

    ``kind`` is a string or a sequence of strings; each numeric argument a number or a
    sequence (list, tuple, ``array.array``, NumPy array, any ``Sequence``). Returns
    ``(n, kind, columns)``: the batch length, ``kind`` as ``str`` or ``list[str]``, and each
    numeric argument as a float (broadcast) or an ``array('d')`` of length ``n``. With no
    sequence at all, the batch has one row.

    Raises
    ------
    PricingError
        An argument whose length differs from the first sequence's (naming both).
    PricingTypeError
        A wrong type (naming the argument and, for an element, its index).
    """
    kinds = _kind_column(kind)
    columns = [_column(name, value) for name, value in zip(names[1:], numeric, strict=True)]
    n: int | None = None
    first = ""
    sized: list[tuple[str, int]] = []
    if isinstance(kinds, list):
        sized.append((names[0], len(kinds)))
    sized.extend(
        (name, len(c)) for name, c in zip(names[1:], columns, strict=True) if isinstance(c, array)
    )
    for name, length in sized:
        if n is None:
            n, first = length, name
        elif length != n:
            raise PricingError(
                f"{name} has length {length} but {first} has length {n}: "
                "all arrays of a batch must have the same length"
            )
    return (1 if n is None else n), kinds, columns


# ----------------------------------------------------------------------------- Monte Carlo
#
# `monte_carlo_params` is `mc_params` (wasm_core/src/bindings.rs) followed by `McParams::new`
# (wasm_core/src/monte_carlo/params.rs), rule for rule and in the same order, so that inside
# Pyodide (Python checks, then the wasm checks again) and under CPython (Python checks, then
# pricinglab.reference) the same params are accepted and the first rule broken gives the same
# message. Only the type names in "(got ...)" differ: Python's (`str`, `NoneType`, `list`)
# where JavaScript has its own (`string`, `null`, `array`). Python's None plays JavaScript's
# null (a value of the wrong type), as it does when params cross Playwright or JSON.

MODELS: Final[tuple[str, ...]] = ("gbm", "heston", "rough_heston")
_MODEL_NAMES: Final = '"gbm", "heston" or "rough_heston"'
# Every field, in docs/api.md order (bindings.rs MC_FIELDS); [7:14] are the model fields.
MC_FIELDS: Final[tuple[str, ...]] = (
    "model",
    "kind",
    "spot",
    "strike",
    "expiry",
    "rate",
    "dividend",
    "vol",
    "v0",
    "kappa",
    "theta",
    "xi",
    "rho",
    "hurst",
    "paths",
    "steps",
    "seed",
    "antithetic",
    "greeks",
)
_MODEL_SPECIFIC: Final = MC_FIELDS[7:14]
_OWN_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "gbm": ("vol",),
    "heston": ("v0", "kappa", "theta", "xi", "rho"),
    "rough_heston": ("v0", "kappa", "theta", "xi", "rho", "hurst"),
}
_MARKET_NUMBERS: Final = ("spot", "strike", "expiry", "rate", "dividend")
# The limits of params.rs (MAX_PATHS, MAX_STEPS, MAX_PATH_STEPS, MAX_SEED_EXCLUSIVE).
DEFAULT_PATHS: Final = 100_000
DEFAULT_STEPS: Final[dict[str, int]] = {"gbm": 1, "heston": 100, "rough_heston": 100}
MAX_PATHS: Final = 100_000_000
MAX_STEPS: Final = 100_000
MAX_PATH_STEPS: Final = 10_000_000_000
MAX_SEED_EXCLUSIVE: Final = 2**53


def _integer_in(name: str, value: float, low: int, high: int, rule: str) -> int:
    """``integer_in`` of params.rs: finite, integral and in ``[low, high]``."""
    if not math.isfinite(value):
        raise PricingError(f"{name} must be a finite number")
    if value != math.floor(value) or value < low or value > high:
        raise PricingError(f"{name} {rule} (got {format_number(value)})")
    return int(value)


class NoParams:
    """The type of :data:`NO_PARAMS`, the default of ``monte_carlo``'s ``params``: no dict was
    given (only keywords). ``None`` is not that: like JavaScript's ``null`` it is a value of
    the wrong type, ``params must be an object (got NoneType)``."""

    def __repr__(self) -> str:
        return "NO_PARAMS"


NO_PARAMS: Final = NoParams()


def merge_params(params: object, overrides: Mapping[str, object]) -> dict[str, object]:
    """``params`` (a mapping, or :data:`NO_PARAMS`) updated with keyword ``overrides``."""
    if isinstance(params, NoParams):
        return dict(overrides)
    if not isinstance(params, Mapping):
        raise PricingTypeError(f"params must be an object (got {_type_name(params)})")
    merged: dict[str, object] = dict(params)
    merged.update(overrides)
    return merged


def _required(params: Mapping[str, object], name: str, model: str) -> float:
    if name not in params:
        raise PricingError(f'{name} is required for model "{model}"')
    return _number(name, params[name])


def _optional_number(params: Mapping[str, object], name: str) -> float | None:
    return _number(name, params[name]) if name in params else None


def _optional_bool(params: Mapping[str, object], name: str, default: bool) -> bool:
    if name not in params:
        return default
    value = params[name]
    if not isinstance(value, bool):
        raise PricingTypeError(f"{name} must be a boolean (got {_type_name(value)})")
    return value


def monte_carlo_params(params: Mapping[str, object]) -> dict[str, Any]:
    """Validates a ``monte_carlo`` params dict (docs/api.md) and fills in the defaults.

    The rules, in the order they are checked (the first broken one is reported):

    1. ``params`` is a dict (JavaScript: an object); every key is one of :data:`MC_FIELDS`.
    2. ``model`` is present and is ``"gbm"``, ``"heston"`` or ``"rough_heston"``; no field of
       another model (``vol`` is GBM's; ``v0, kappa, theta, xi, rho`` Heston's and rough
       Heston's; ``hurst`` rough Heston's).
    3. ``kind`` is present and ``"call"`` or ``"put"``; then ``spot, strike, expiry, rate,
       dividend`` and the model's fields are present and numbers; ``paths, steps, seed``
       numbers and ``antithetic, greeks`` booleans when given.
    4. The values: ``spot, strike`` finite and > 0; ``expiry`` finite and >= 0; ``rate,
       dividend`` finite; ``vol, v0, kappa, theta, xi`` finite and >= 0; ``rho`` in [-1, 1];
       ``hurst`` in (0, 0.5]; ``paths`` an integer in [1, 1e8]; ``steps`` an integer in
       [1, 1e5]; ``paths * steps <= 1e10``; ``seed`` an integer in [0, 2^53). An integral
       float (``1e5``) is an integer, as in JavaScript.

    Returns
    -------
    dict
        The model's fields in docs order (floats; ``kind`` and ``model`` strings), then
        ``paths`` (as requested: with antithetic sampling an odd count is rounded up by the
        engine, which reports the count used), ``steps``, ``seed`` (ints), ``antithetic``
        (default True) and ``greeks`` (default False).

    Raises
    ------
    PricingError
        The first rule broken, worded as the wasm engine words it; a wrong type is a
        :class:`PricingTypeError` naming the Python type received.
    """
    if not isinstance(params, Mapping):
        raise PricingTypeError(f"params must be an object (got {_type_name(params)})")
    for key in params:
        if key not in MC_FIELDS:
            raise PricingError(
                f"{key} is not a monte_carlo parameter (expected one of {', '.join(MC_FIELDS)})"
            )
    if "model" not in params:
        raise PricingError(f"model is required ({_MODEL_NAMES})")
    model = params["model"]
    if not isinstance(model, str):
        raise PricingTypeError(f"model must be {_MODEL_NAMES} (got {_type_name(model)})")
    if model not in MODELS:
        raise PricingError(f"model must be {_MODEL_NAMES}")
    own = _OWN_FIELDS[model]
    for key in params:
        if key in _MODEL_SPECIFIC and key not in own:
            raise PricingError(f'{key} is not a parameter of model "{model}"')
    if "kind" not in params:
        raise PricingError(f'kind is required for model "{model}"')
    out: dict[str, Any] = {"model": model, "kind": _kind(params["kind"])}
    # Presence and type of every number first, values after (as bindings.rs, then params.rs).
    numbers_in = {name: _required(params, name, model) for name in (*_MARKET_NUMBERS, *own)}
    paths = _optional_number(params, "paths")
    steps = _optional_number(params, "steps")
    seed = _optional_number(params, "seed")
    antithetic = _optional_bool(params, "antithetic", True)
    greeks = _optional_bool(params, "greeks", False)

    out["spot"] = _positive("spot", numbers_in["spot"])
    out["strike"] = _positive("strike", numbers_in["strike"])
    out["expiry"] = _non_negative("expiry", numbers_in["expiry"])
    out["rate"] = _finite("rate", numbers_in["rate"])
    out["dividend"] = _finite("dividend", numbers_in["dividend"])
    if model == "gbm":
        out["vol"] = _non_negative("vol", numbers_in["vol"])
    else:
        for name in ("v0", "kappa", "theta", "xi"):
            out[name] = _non_negative(name, numbers_in[name])
        rho = _finite("rho", numbers_in["rho"])
        if not -1.0 <= rho <= 1.0:
            raise PricingError(f"rho must be in [-1, 1] (got {format_number(rho)})")
        out["rho"] = rho
        if model == "rough_heston":
            hurst = _finite("hurst", numbers_in["hurst"])
            if not 0.0 < hurst <= 0.5:
                raise PricingError(f"hurst must be in (0, 0.5] (got {format_number(hurst)})")
            out["hurst"] = hurst
    n_paths = (
        DEFAULT_PATHS
        if paths is None
        else _integer_in("paths", paths, 1, MAX_PATHS, "must be an integer in [1, 1e8]")
    )
    n_steps = (
        DEFAULT_STEPS[model]
        if steps is None
        else _integer_in("steps", steps, 1, MAX_STEPS, "must be an integer in [1, 1e5]")
    )
    if n_paths * n_steps > MAX_PATH_STEPS:
        raise PricingError(
            "paths times steps must be <= 1e10 (use fewer paths or steps) "
            f"(got {format_number(n_paths)})"
        )
    out["paths"] = n_paths
    out["steps"] = n_steps
    out["seed"] = (
        0
        if seed is None
        else _integer_in("seed", seed, 0, MAX_SEED_EXCLUSIVE - 1, "must be an integer in [0, 2^53)")
    )
    out["antithetic"] = antithetic
    out["greeks"] = greeks
    return out
