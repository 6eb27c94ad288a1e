"""The Pyodide bridge to the WebAssembly engine.

Inside Pyodide the page registers the wasm-bindgen module (whose JavaScript API is exactly
docs/api.md) as a Python module: ``pyodide.registerJsModule("wasm_core", exports)``. This
module calls it with arguments already validated by :mod:`pricinglab`:

- scalars pass as Python ``float``/``str`` (Pyodide converts them to JS numbers/strings);
- batch columns are ``array('d')`` and cross **in bulk**: :func:`pyodide.ffi.to_js` turns a
  buffer into a ``Float64Array`` with one copy (no per-element FFI call); a list of kinds
  becomes a JS ``Array`` of strings;
- results come back in bulk too: each ``Float64Array``/``Uint8Array`` column is copied once
  into a ``memoryview`` (``JsBuffer.to_memoryview``) and then into a ``list``;
- a JS ``Error`` thrown by the engine (``pyodide.ffi.JsException``) becomes a
  :class:`~pricinglab.PricingError` with the same message.

Conversions use ``create_pyproxies=False``, so no ``PyProxy`` is ever created that would
have to be destroyed; the ``JsProxy`` results are dropped as soon as they are converted.

The Pyodide modules are looked up at run time (:func:`load`), so this file imports, and type
checks, under ordinary CPython; :class:`WasmBackend` takes them as arguments, which lets the
tests drive it with stand-ins.
"""

from __future__ import annotations

import importlib
from array import array
from collections.abc import Callable
from typing import Any

from ._validate import GREEK_NAMES, PricingError

__all__ = ["WasmBackend", "load"]

_GREEK_KEYS = ("price", *GREEK_NAMES)


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
    # Pyodide < 0.23 has only to_py(), which returns the same memoryview.
    view = column.to_memoryview() if hasattr(column, "to_memoryview") else column.to_py()
    return list(view.tolist())


# The keys of the engine's Monte Carlo result (bindings.rs, mc_result_object), in its order,
# with their Python types. Pyodide turns an integral JS number into an int, so a price of
# exactly 0 would arrive as the int 0: the types are restored here, as the reference has them.
_MC_RESULT_TYPES: dict[str, type] = {
    "price": float,
    "std_error": float,
    "ci_low": float,
    "ci_high": float,
    "paths": int,
    "steps": int,
    "samples": int,
    "model": str,
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


def _mc_result(values: Any) -> dict[str, Any]:
    """The engine's result object as the dict :mod:`pricinglab.reference_mc` returns: the same
    keys in the same order (the Greeks only when present), with Python types."""
    return {key: kind(values[key]) for key, kind in _MC_RESULT_TYPES.items() if key in values}


class WasmBackend:
    """Calls the wasm-bindgen exports of ``wasm_core``.

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
    """

    name = "wasm"

    def __init__(
        self,
        wasm_core: Any,
        to_js: Callable[..., Any],
        js_exception: type[BaseException],
        object_from_entries: Any,
    ) -> None:
        self._core = wasm_core
        self._to_js = to_js
        self._js_exception = js_exception
        self._from_entries = object_from_entries

    def _call(self, name: str, *args: Any) -> Any:
        function = getattr(self._core, name)
        try:
            return function(*args)
        except self._js_exception as error:
            raise PricingError(_js_message(error)) from None

    def _js_column(self, column: float | str | list[str] | array[float]) -> Any:
        """A batch argument as the engine takes it: a number, a string, a ``Float64Array``
        (one bulk copy of the ``array('d')`` buffer) or a JS ``Array`` of strings."""
        if isinstance(column, (float, str)):
            return column
        return self._to_js(column, create_pyproxies=False)

    def _batch(
        self, name: str, kind: Any, columns: list[Any], keys: tuple[str, ...]
    ) -> dict[str, list[Any]]:
        args = [self._js_column(kind), *(self._js_column(c) for c in columns)]
        result = self._call(name, *args)
        out = {key: _column_to_list(getattr(result, key)) for key in keys}
        out["status"] = [int(code) for code in _column_to_list(result.status)]
        return out

    # -- the Backend protocol (arguments validated by pricinglab) ----------------------------

    def black_scholes(self, *args: Any) -> float:
        return float(self._call("black_scholes", *args))

    def greeks(self, *args: Any) -> dict[str, float]:
        result = self._call("greeks", *args)
        values = result.to_py() if hasattr(result, "to_py") else result
        return {key: float(values[key]) for key in _GREEK_KEYS}

    def implied_vol(self, *args: Any) -> float:
        return float(self._call("implied_vol", *args))

    def monte_carlo(self, params: dict[str, Any]) -> dict[str, Any]:
        # paths, steps and seed cross as floats: Pyodide turns a large Python int (a seed near
        # 2^53) into a JS BigInt, which is not a number to the engine; every valid value is
        # an integer below 2^53, exact as a double.
        numbers = {
            key: float(value) if type(value) is int else value for key, value in params.items()
        }
        js_params = self._to_js(numbers, dict_converter=self._from_entries, create_pyproxies=False)
        result = self._call("monte_carlo", js_params)
        values = result.to_py() if hasattr(result, "to_py") else result
        return _mc_result(values)

    def black_scholes_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]:
        return self._batch("black_scholes_many", kind, columns, ("price",))

    def greeks_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]:
        return self._batch("greeks_many", kind, columns, _GREEK_KEYS)

    def implied_vol_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]:
        return self._batch("implied_vol_many", kind, columns, ("vol",))


def load() -> WasmBackend | None:
    """The backend over the registered ``wasm_core`` module, or None when it (or Pyodide)
    is not available."""
    try:
        wasm_core = importlib.import_module("wasm_core")
        ffi = importlib.import_module("pyodide.ffi")
        js = importlib.import_module("js")
    except ImportError:
        return None
    return WasmBackend(wasm_core, ffi.to_js, ffi.JsException, js.Object.fromEntries)
