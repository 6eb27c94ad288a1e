"""The Pyodide bridge to the WebAssembly engine: the Pyodide frontend of the crate.

Inside Pyodide the page registers the wasm-bindgen module (whose JavaScript API is exactly
docs/api.md) as a Python module: ``pyodide.registerJsModule("wasm_core", exports)``.
:class:`WasmBackend` gives it the native engine's Python interface; it converts values and
nothing else. The engine checks every argument itself, so its rules and messages are the same
as in JavaScript and under CPython; the messages name JavaScript's types (``got string``,
``got null``) because the checks run in JavaScript.

Conversions (``create_pyproxies=False``: no ``PyProxy`` is ever left to destroy):

- numbers cross as floats (a Python ``int`` beyond 2^53 would otherwise become a ``BigInt``,
  which is not a number to the engine); ``None`` as ``null``; ``str`` and ``bool`` as they are;
- batch columns cross **in bulk**: a list or tuple of numbers becomes an ``array('d')`` in one C
  loop, and an ``array('d')`` (or any buffer) a ``Float64Array`` with one copy; a list holding
  anything else crosses element by element, so the engine can name the bad element;
- dicts (``monte_carlo``'s params) become plain objects; results come back in bulk too
  (typed arrays -> ``memoryview`` -> ``list``);
- a thrown JS ``TypeError`` becomes :class:`~pricinglab.PricingTypeError`, any other ``Error``
  :class:`~pricinglab.PricingError`, with the engine's message and ``status`` property.

The Pyodide modules are looked up at run time (:func:`load`), so this file imports, and type
checks, under ordinary CPython; :class:`WasmBackend` takes them as arguments.
"""

from __future__ import annotations

import importlib
import numbers
from array import array
from collections.abc import Callable, Mapping
from typing import Any, Final

from ._errors import PricingError, PricingTypeError

__all__ = ["WasmBackend", "load"]

# Typecodes array('d', ...) converts exactly (no bools, chars or unicode).
_NUMERIC_TYPECODES: Final = "bBhHiIlLqQfd"
_PLAIN_NUMBERS: Final = frozenset((float, int))


def _js_message(error: BaseException) -> str:
    """The message of a JS ``Error`` wrapped by Pyodide (``JsException.message``; older
    Pyodide versions only have ``str(e) == "Error: <message>"``)."""
    message = getattr(error, "message", None)
    if isinstance(message, str):
        return message
    text = str(error)
    for prefix in ("Error: ", "RangeError: ", "TypeError: "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _column_to_list(column: Any) -> list[Any]:
    """A JS typed array (a ``JsBuffer`` proxy) as a Python list, copied in bulk."""
    view = column.to_memoryview() if hasattr(column, "to_memoryview") else column.to_py()
    return list(view.tolist())


# Path-steps simulated per engine call in Pyodide (about 0.1-0.2 s of wasm): the notebook's
# Interrupt lands between two calls. Rough Heston's path-step costs about 8 Heston ones.
_MC_CHUNK_PATH_STEPS: Final = 20_000_000
_ROUGH_COST: Final = 8


def _is_rough(params: Any) -> bool:
    return isinstance(params, Mapping) and params.get("model") == "rough_heston"


# The keys of the engine's Monte Carlo result (bindings.rs, mc_result_object), in its order,
# with their Python types. Pyodide turns an integral JS number into an int, so a price of
# exactly 0 would arrive as the int 0: the types are restored here, as the native engine has them.
_MC_RESULT_TYPES: Final[dict[str, type]] = {
    "price": float,
    "std_error": float,
    "ci_low": float,
    "ci_high": float,
    "paths": int,
    "steps": int,
    "samples": int,
    "model": str,
    "payoff": str,
    "seed": int,
    "antithetic": bool,
    "control_variate": bool,
    "price_without_control": float,
    "std_error_without_control": float,
    "delta": float,
    "delta_std_error": float,
    "gamma": float,
    "gamma_std_error": float,
    "vega": float,
    "vega_std_error": float,
}
# The integer fields of validated Monte Carlo params.
_MC_INTEGERS: Final = ("paths", "steps", "seed", "exercise_dates")


def _typed(values: Any, types: Mapping[str, type]) -> dict[str, Any]:
    """A converted JS object as a dict with the given keys' Python types."""
    return {key: kind(values[key]) for key, kind in types.items() if key in values}


# The fields of american_greeks, in the engine's order.
_AMERICAN_GREEKS: Final = ("price", "delta", "gamma", "theta", "vega", "rho", "epsilon")


class WasmBackend:
    """The engine's exports of ``wasm_core`` behind the native engine's Python interface.

    Parameters
    ----------
    wasm_core
        The registered JS module (``import wasm_core`` inside Pyodide).
    to_js
        :func:`pyodide.ffi.to_js`.
    js_exception
        :class:`pyodide.ffi.JsException`, the Python type of a thrown JS error.
    object_from_entries
        ``js.Object.fromEntries``, to pass a dict as a plain JS object.
    js_null
        :data:`pyodide.ffi.jsnull`, JavaScript's ``null`` (Python's ``None`` would cross as
        ``undefined``, which reads as "absent").
    """

    name = "wasm"

    def __init__(
        self,
        wasm_core: Any,
        to_js: Callable[..., Any],
        js_exception: type[BaseException],
        object_from_entries: Any,
        js_null: Any = None,
    ) -> None:
        self._core = wasm_core
        self._to_js = to_js
        self._js_exception = js_exception
        self._from_entries = object_from_entries
        self._null = js_null

    def _call(self, name: str, *args: Any) -> Any:
        function = getattr(self._core, name)
        try:
            return function(*args)
        except self._js_exception as error:
            message = _js_message(error)
            status = int(getattr(error, "status", 11))  # the engine sets it (bindings.rs)
            if getattr(error, "name", "") == "TypeError":
                raise PricingTypeError(message, status) from None
            raise PricingError(message, status) from None

    # -- conversions -------------------------------------------------------------------------

    def _scalar(self, x: Any) -> Any:
        kind = type(x)
        if kind is float or kind is str or kind is bool:
            return x
        if kind is int:
            return float(x)
        if x is None:
            return self._null
        if isinstance(x, numbers.Real):
            return float(x)
        if isinstance(x, (list, tuple)):
            return self._to_js([self._scalar(v) for v in x], create_pyproxies=False)
        if isinstance(x, Mapping):
            return self._object(x)
        return self._from_entries(self._to_js([], create_pyproxies=False))  # "got object"

    def _object(self, mapping: Mapping[Any, Any]) -> Any:
        entries = [[str(k), self._scalar(v)] for k, v in mapping.items()]
        return self._from_entries(self._to_js(entries, create_pyproxies=False))

    def _column(self, x: Any) -> Any:
        """A batch argument as the engine takes it: a number or string as a scalar, numbers as
        a ``Float64Array`` (bulk), anything else element by element."""
        if isinstance(x, (list, tuple)):
            if set(map(type, x)) <= _PLAIN_NUMBERS:
                return self._to_js(array("d", x), create_pyproxies=False)
            return self._scalar(x)
        if isinstance(x, array):
            if x.typecode != "d" and x.typecode in _NUMERIC_TYPECODES:
                x = array("d", x)
            if x.typecode == "d":
                return self._to_js(x, create_pyproxies=False)
            return self._scalar(list(x))
        if isinstance(x, memoryview):
            return self._column(array("d", x.tolist()) if x.ndim == 1 else x.tolist())
        return self._scalar(x)

    def _batch(self, name: str, args: tuple[Any, ...], keys: tuple[str, ...]) -> dict[str, Any]:
        result = self._call(name, *(self._column(a) for a in args))
        out = {key: _column_to_list(getattr(result, key)) for key in keys}
        out["status"] = _column_to_list(result.status)
        return out

    # -- the engine's interface ---------------------------------------------------------------

    def black_scholes(self, *args: Any) -> float:
        return float(self._call("black_scholes", *map(self._scalar, args)))

    def greeks(self, *args: Any) -> dict[str, float]:
        result = self._call("greeks", *map(self._scalar, args))
        values = result.to_py() if hasattr(result, "to_py") else result
        return {key: float(values[key]) for key in self._greek_keys()}

    def implied_vol(self, *args: Any) -> float:
        return float(self._call("implied_vol", *map(self._scalar, args)))

    def heston_price(self, *args: Any) -> float:
        return float(self._call("heston_price", *map(self._scalar, args)))

    def _american_args(self, args: tuple[Any, ...], accuracy: Any) -> list[Any]:
        # accuracy=None is the default: left out, so JavaScript sees `undefined`.
        out = [self._scalar(a) for a in args]
        return out if accuracy is None else [*out, self._scalar(accuracy)]

    def american(self, *args: Any, accuracy: Any = None) -> float:
        return float(self._call("american", *self._american_args(args, accuracy)))

    def american_greeks(self, *args: Any, accuracy: Any = None) -> dict[str, float]:
        result = self._call("american_greeks", *self._american_args(args, accuracy))
        values = result.to_py() if hasattr(result, "to_py") else result
        return {key: float(values[key]) for key in _AMERICAN_GREEKS}

    def american_boundary(self, *args: Any, accuracy: Any = None) -> dict[str, Any]:
        result = self._call("american_boundary", *self._american_args(args, accuracy))
        return {key: _column_to_list(getattr(result, key)) for key in ("time", "boundary")}

    def american_implied_vol(self, *args: Any, accuracy: Any = None) -> float:
        return float(self._call("american_implied_vol", *self._american_args(args, accuracy)))

    def american_many(
        self, *args: Any, accuracy: Any = None, threads: Any = None
    ) -> dict[str, Any]:
        columns = [self._column(a) for a in args]
        if accuracy is not None:
            columns.append(self._scalar(accuracy))
        result = self._call("american_many", *columns)
        return {"price": _column_to_list(result.price), "status": _column_to_list(result.status)}

    def rough_heston_price(self, *args: Any) -> float:
        # steps=None is the default: left out, so JavaScript sees `undefined`.
        values = [self._scalar(a) for a in args]
        if values and values[-1] is None:
            values.pop()
        return float(self._call("rough_heston_price", *values))

    def calibrate_rough_heston(self, params: Any) -> dict[str, Any]:
        return self.calibrate_heston(params, function="calibrate_rough_heston")

    def calibrate_heston(self, params: Any, function: str = "calibrate_heston") -> dict[str, Any]:
        result = self._call(function, self._scalar(params))
        values = dict(result.to_py()) if hasattr(result, "to_py") else dict(result)
        prices = values["model_price"]
        values["model_price"] = (
            list(prices.tolist()) if hasattr(prices, "tolist") else _column_to_list(prices)
        )
        for key in ("iterations", "steps"):
            if key in values:
                values[key] = int(values[key])
        for key in ("v0", "kappa", "theta", "xi", "rho", "hurst", "rmse_vol", "rmse_price"):
            if key in values:
                values[key] = float(values[key])
        return values

    def fit_svi(
        self, strike: Any, vol: Any, expiry: Any, forward: Any, weight: Any = None
    ) -> dict[str, Any]:
        weights = None if weight is None else self._column(weight)
        result = self._call(
            "fit_svi", self._column(strike), self._column(vol), self._scalar(expiry),
            self._scalar(forward), weights,
        )  # fmt: skip
        values = dict(result.to_py()) if hasattr(result, "to_py") else dict(result)
        for key in ("a", "b", "rho", "m", "sigma", "rmse_w", "rmse_vol", "min_g"):
            values[key] = float(values[key])
        return values

    def parity_forward(
        self, strike: Any, call: Any, put: Any, discount: Any = None
    ) -> dict[str, Any]:
        result = self._call(
            "parity_forward", self._column(strike), self._column(call), self._column(put),
            None if discount is None else self._scalar(discount),
        )  # fmt: skip
        values = dict(result.to_py()) if hasattr(result, "to_py") else dict(result)
        for key in ("forward", "discount"):
            values[key] = float(values[key])
        for key in ("pairs", "used_pairs"):
            values[key] = int(values[key])
        values["used"] = [bool(u) for u in values["used"]]
        return values

    def fit_ssvi(self, strike: Any, vol: Any, expiry: Any, forward: Any) -> dict[str, Any]:
        result = self._call(
            "fit_ssvi", self._column(strike), self._column(vol), self._column(expiry),
            self._column(forward),
        )  # fmt: skip
        values = dict(result.to_py()) if hasattr(result, "to_py") else dict(result)
        for key in ("expiry", "theta"):
            column = values[key]
            values[key] = (
                list(column.tolist()) if hasattr(column, "tolist") else _column_to_list(column)
            )
        for key in ("rho", "eta", "gamma", "rmse_vol"):
            values[key] = float(values[key])
        return values

    def black_scholes_many(self, *args: Any, threads: Any = None) -> dict[str, Any]:
        return self._batch("black_scholes_many", args, ("price",))

    def greeks_many(self, *args: Any, threads: Any = None) -> dict[str, Any]:
        return self._batch("greeks_many", args, self._greek_keys())

    def implied_vol_many(self, *args: Any, threads: Any = None) -> dict[str, Any]:
        return self._batch("implied_vol_many", args, ("vol",))

    def monte_carlo(self, params: Any, threads: Any = None) -> dict[str, Any]:
        # A run longer than one chunk is simulated a chunk of blocks at a time: Pyodide sees an
        # interrupt (the notebook's Interrupt) only between Python bytecodes, never inside a
        # wasm call, so this is what lets it land within a fraction of a second. The blocks
        # depend only on (params, index): the result is the same double as in one call.
        plan = self.monte_carlo_plan(params)
        blocks = plan["blocks"]
        cost = plan["paths"] * plan["steps"] * (_ROUGH_COST if _is_rough(params) else 1)
        per_chunk = max(1, int(blocks * _MC_CHUNK_PATH_STEPS // max(cost, 1)))
        if blocks <= per_chunk:
            result = self._call("monte_carlo", self._scalar(params))
        else:
            sums = array("d")
            for first in range(0, blocks, per_chunk):
                count = min(per_chunk, blocks - first)
                column = self._call("monte_carlo_blocks", self._scalar(params), first, count)
                sums.frombytes(column.to_bytes())  # in bulk, not number by number
            result = self._call("monte_carlo_finish", self._scalar(params), self._column(sums))
        values = result.to_py() if hasattr(result, "to_py") else result
        return _typed(values, _MC_RESULT_TYPES)

    def monte_carlo_plan(self, params: Any) -> dict[str, Any]:
        plan = self._call("monte_carlo_plan", self._scalar(params))
        values = plan.to_py() if hasattr(plan, "to_py") else plan
        return {key: int(value) for key, value in values.items()}

    def monte_carlo_blocks(self, params: Any, first: Any, count: Any) -> list[float]:
        blocks = self._call(
            "monte_carlo_blocks", self._scalar(params), self._scalar(first), self._scalar(count)
        )
        return _column_to_list(blocks)

    def monte_carlo_finish(self, params: Any, blocks: Any) -> dict[str, Any]:
        result = self._call("monte_carlo_finish", self._scalar(params), self._column(blocks))
        values = result.to_py() if hasattr(result, "to_py") else result
        return _typed(values, _MC_RESULT_TYPES)

    def status_message(self, code: Any) -> str:
        return str(self._call("status_message", self._scalar(code)))

    def validate(self, function: str, args: Any) -> Any:
        converted = self._to_js([self._scalar(a) for a in args], create_pyproxies=False)
        result = self._call("validate", function, converted)
        values = result.to_py() if hasattr(result, "to_py") else result
        if function == "monte_carlo":
            return {k: int(v) if k in _MC_INTEGERS else v for k, v in values.items()}
        return [float(v) if isinstance(v, (int, float)) and type(v) is not bool else v
                for v in values]  # fmt: skip

    def api_tables(self) -> dict[str, Any]:
        tables = self._call("api_tables")
        converted: dict[str, Any] = tables.to_py() if hasattr(tables, "to_py") else tables
        return converted

    def available_threads(self) -> int:
        """One: a wasm instance runs on its own thread (the page's pool uses Web Workers)."""
        return 1

    def version(self) -> str:
        return str(self._call("version"))

    def _greek_keys(self) -> tuple[str, ...]:
        if not hasattr(self, "_keys"):
            self._keys = ("price", *self.api_tables()["greek_names"])
        return self._keys


def load() -> WasmBackend | None:
    """The backend over the registered ``wasm_core`` module, or None when it (or Pyodide)
    is not available."""
    try:
        wasm_core = importlib.import_module("wasm_core")
        ffi = importlib.import_module("pyodide.ffi")
        js = importlib.import_module("js")
    except ImportError:
        return None
    return WasmBackend(
        wasm_core, ffi.to_js, ffi.JsException, js.Object.fromEntries, getattr(ffi, "jsnull", None)
    )
