"""Pricing Lab: European option pricing with one API in JavaScript and Python.

The same names and argument order as the JavaScript API (docs/api.md)::

    kind, spot, strike, expiry, rate, dividend, vol

Two backends compute the numbers:

- ``"wasm"``: inside Pyodide, when the page has registered the WebAssembly engine as the
  module ``wasm_core`` (``pyodide.registerJsModule("wasm_core", exports)``);
- ``"python"``: everywhere else, the pure-Python reference (:mod:`pricinglab.reference`).

:data:`backend` names the one in use. Set the environment variable
``PRICINGLAB_BACKEND=python`` before importing, or call :func:`use_backend`, to choose.
Arguments are validated here, before either backend runs, so both raise the same
:class:`PricingError` (a :class:`ValueError`; a wrong type is a :class:`PricingTypeError`,
also a :class:`TypeError`) with a message naming the parameter and the rule.

Examples
--------
>>> import pricinglab as pl
>>> round(pl.black_scholes("call", 100, 100, 1, 0.05, 0, 0.2), 6)
10.450584
>>> round(pl.implied_vol("call", 10.450583572185568, 100, 100, 1, 0.05, 0), 12)
0.2
"""

from __future__ import annotations

import math
import os
import sys
from array import array
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from . import reference, reference_mc
from ._validate import (
    GREEK_NAMES,
    NO_PARAMS,
    OK,
    STATUS_MESSAGES,
    NoParams,
    PricingError,
    PricingTypeError,
    broadcast,
    inputs_status,
    iv_status,
    merge_params,
    monte_carlo_params,
    validate_inputs,
    validate_iv_inputs,
)
from ._validate import status_message as _status_message

__all__ = [
    "GREEK_NAMES",
    "STATUS_MESSAGES",
    "PricingError",
    "PricingTypeError",
    "backend",
    "black_scholes",
    "black_scholes_many",
    "greeks",
    "greeks_many",
    "implied_vol",
    "implied_vol_many",
    "monte_carlo",
    "status_message",
    "use_backend",
]

Number = float | int
NumberOrSequence = float | int | Sequence[float] | Any
"""A number, or a sequence of numbers: list, tuple, ``array.array``, NumPy array, ..."""

_INPUT_NAMES = ("kind", "spot", "strike", "expiry", "rate", "dividend", "vol")
_IV_NAMES = ("kind", "price", "spot", "strike", "expiry", "rate", "dividend")
_GREEK_KEYS = ("price", *GREEK_NAMES)


class Backend(Protocol):
    """What a backend computes, on arguments already validated by this module.

    Scalars are floats; ``kind`` is ``"call"``/``"put"`` (batch: also a list of strings);
    batch numeric arguments are floats (broadcast) or ``array('d')`` columns of equal length.
    """

    name: str

    def black_scholes(self, *args: Any) -> float: ...

    def greeks(self, *args: Any) -> dict[str, float]: ...

    def implied_vol(self, *args: Any) -> float: ...

    def monte_carlo(self, params: dict[str, Any]) -> dict[str, Any]: ...

    def black_scholes_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]: ...

    def greeks_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]: ...

    def implied_vol_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]: ...


def _rows(
    n: int, kind: str | list[str], columns: list[float | array[float]]
) -> list[tuple[Any, ...]]:
    """The batch as rows, broadcasting scalars."""
    cols: list[Sequence[Any]] = [kind if isinstance(kind, list) else [kind] * n]
    cols.extend(c if isinstance(c, array) else [c] * n for c in columns)
    return list(zip(*cols, strict=True))


def _map_rows(
    rows: list[tuple[Any, ...]],
    check: Callable[..., int],
    compute: Callable[..., Any],
) -> tuple[list[Any], list[int]]:
    """``compute(*row)`` for each row whose ``check(*row)`` status is OK, else None; with the
    per-row status codes (a result beyond the double range reports its error's status)."""
    values: list[Any] = []
    status: list[int] = []
    for row in rows:
        code = check(*row)
        value = None
        if code == OK:
            try:
                value = compute(*row)
            except PricingError as error:
                code = error.status
        status.append(code)
        values.append(value)
    return values, status


class _PythonBackend:
    """The pure-Python reference (:mod:`pricinglab.reference`)."""

    name = "python"

    def black_scholes(self, *args: Any) -> float:
        kind, *rest = args
        return reference._price(1.0 if kind == "call" else -1.0, *rest)

    def greeks(self, *args: Any) -> dict[str, float]:
        kind, *rest = args
        return reference._greeks(1.0 if kind == "call" else -1.0, *rest)

    def implied_vol(self, *args: Any) -> float:
        kind, *rest = args
        return reference._implied_vol(1.0 if kind == "call" else -1.0, *rest)

    def monte_carlo(self, params: dict[str, Any]) -> dict[str, Any]:
        return reference_mc.run(params)

    def black_scholes_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]:
        prices, status = _map_rows(_rows(n, kind, columns), inputs_status, self.black_scholes)
        return {"price": [math.nan if p is None else p for p in prices], "status": status}

    def greeks_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]:
        rows, status = _map_rows(_rows(n, kind, columns), inputs_status, self.greeks)
        out: dict[str, list[Any]] = {
            key: [math.nan if g is None else g[key] for g in rows] for key in _GREEK_KEYS
        }
        out["status"] = status
        return out

    def implied_vol_many(self, n: int, kind: Any, columns: list[Any]) -> dict[str, list[Any]]:
        vols, status = _map_rows(_rows(n, kind, columns), iv_status, self.implied_vol)
        return {"vol": [math.nan if v is None else v for v in vols], "status": status}


def _select_backend(name: str | None) -> Backend:
    if name not in (None, "python", "wasm"):
        raise PricingError(f'backend must be "python" or "wasm" (got {name!r})')
    if name != "python" and sys.platform == "emscripten":
        from . import _wasm

        wasm = _wasm.load()
        if wasm is not None:
            return wasm
    if name == "wasm":
        raise PricingError(
            'backend "wasm" needs Pyodide with the module wasm_core registered '
            '(pyodide.registerJsModule("wasm_core", exports))'
        )
    return _PythonBackend()


_backend: Backend = _select_backend(os.environ.get("PRICINGLAB_BACKEND") or None)
backend: str = _backend.name
"""The backend in use: ``"wasm"`` (Pyodide with ``wasm_core``) or ``"python"``."""


def use_backend(name: str) -> None:
    """Selects the backend: ``"python"`` (the pure-Python reference, always available) or
    ``"wasm"`` (Pyodide with the module ``wasm_core`` registered).

    Examples
    --------
    >>> import pricinglab as pl
    >>> pl.use_backend("python")
    >>> pl.backend
    'python'
    """
    global _backend, backend
    _backend = _select_backend(name)
    backend = _backend.name


# ----------------------------------------------------------------------------- scalar API


def black_scholes(
    kind: str,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
    vol: Number,
) -> float:
    """Black-Scholes-Merton price of a European option.

    Parameters
    ----------
    kind : {"call", "put"}
    spot, strike : float
        Positive.
    expiry : float
        Time to expiry in years, >= 0 (0 gives the intrinsic value ``max(±(S - K), 0)``).
    rate, dividend : float
        Continuously compounded annual rates (negative allowed).
    vol : float
        Annualised volatility, >= 0 (0 gives ``e^{-rT} max(±(F - K), 0)``).

    Returns
    -------
    float

    Raises
    ------
    PricingError
        The first argument, in order, that breaks its rule; the message names it,
        e.g. ``spot must be > 0 (got -1)``.

    Examples
    --------
    >>> import pricinglab as pl
    >>> round(pl.black_scholes("put", spot=100, strike=110, expiry=0.5, rate=0.03,
    ...                        dividend=0.01, vol=0.25), 10)
    12.5840754823
    """
    return _backend.black_scholes(*validate_inputs(kind, spot, strike, expiry, rate, dividend, vol))


def greeks(
    kind: str,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
    vol: Number,
) -> dict[str, float]:
    """Price and Greeks: ``{price, delta, gamma, speed, vega, volga, vanna, zomma, theta,
    charm, color, veta, rho, epsilon}``, in that order.

    Each is a partial derivative of the price (docs/api.md): theta is per **year** of calendar
    time (``-dV/d expiry``; per day: ``theta / 365``), vega per unit of vol (per 1 %:
    ``vega / 100``), rho and epsilon per unit of rate and dividend.

    Examples
    --------
    >>> import pricinglab as pl
    >>> g = pl.greeks("call", 100, 100, 1, 0.05, 0, 0.2)
    >>> list(g)[:4]
    ['price', 'delta', 'gamma', 'speed']
    >>> round(g["theta"], 9)
    -6.414027546
    """
    values = _backend.greeks(*validate_inputs(kind, spot, strike, expiry, rate, dividend, vol))
    return {key: values[key] for key in _GREEK_KEYS}


def implied_vol(
    kind: str,
    price: Number,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
) -> float:
    """The volatility at which :func:`black_scholes` returns ``price``.

    No-arbitrage bounds, with ``D = e^{-rT}``, ``F = S e^{(r-q)T}``: a price below
    ``D max(±(F - K), 0)`` is an error naming that bound, a price exactly at it gives 0; a
    price at or above ``D F`` (call) or ``D K`` (put) is an error naming that bound. The
    lower bound is itself computed in floating point, so a price within 4 ulps (of
    ``max(D F, D K)``) below it counts as at it: a deep in-the-money price whose time value
    is below an ulp gives 0 rather than an error. With ``expiry = 0`` only the intrinsic
    value itself is a valid price.

    Raises
    ------
    PricingError
        A bound or an argument rule is broken.

    Examples
    --------
    >>> import pricinglab as pl
    >>> round(pl.implied_vol("call", 12.3, 100, 110, 0.89, 0.03, 0), 14)
    0.40269973285787
    """
    return _backend.implied_vol(
        *validate_iv_inputs(kind, price, spot, strike, expiry, rate, dividend)
    )


def monte_carlo(
    params: Mapping[str, Any] | NoParams = NO_PARAMS, /, **kwargs: Any
) -> dict[str, Any]:
    """Monte Carlo price of a European option, with its standard error.

    ``params`` is a dict (docs/api.md, "Monte Carlo"), or pass the fields as keyword
    arguments (both: the keywords win). Fields: ``model`` (``"gbm"``, ``"heston"``,
    ``"rough_heston"``), ``kind, spot, strike, expiry, rate, dividend``; ``vol`` (GBM);
    ``v0, kappa, theta, xi, rho`` (Heston and rough Heston); ``hurst`` (rough Heston, in
    (0, 0.5]); ``paths`` (100000 simulated paths, antithetic mirrors included: an integer in
    [1, 1e8]), ``steps`` (1 for GBM, else 100: an integer in [1, 1e5]; ``paths * steps <=
    1e10``), ``seed`` (0: an integer in [0, 2^53)), ``antithetic`` (True), ``greeks`` (False).
    Unknown fields, and fields of another model, are an error. Both backends check the same
    rules in the same order and raise the same messages.

    Returns
    -------
    dict
        ``{price, std_error, ci_low, ci_high, paths, steps, samples, model, seed, antithetic,
        control_variate, price_without_control, std_error_without_control}``: ``paths`` is the
        count simulated (with antithetic sampling an odd request is rounded up), ``samples``
        the independent samples behind ``std_error`` (antithetic pairs, or paths), ``ci_*``
        the 95% interval. With ``greeks=True`` also ``delta, gamma, vega`` (per unit of
        volatility) and their ``*_std_error``, by bump-and-reprice on common random numbers.
        The same params give the identical result (on one backend: the wasm engine and the
        pure-Python reference use different random streams and agree statistically).

    Examples
    --------
    >>> import pricinglab as pl
    >>> r = pl.monte_carlo(model="gbm", kind="call", spot=100, strike=100, expiry=1,
    ...                    rate=0.05, dividend=0, vol=0.2, paths=4000, seed=7)
    >>> r["ci_low"] < 10.4506 < r["ci_high"], r["paths"], r["samples"]
    (True, 4000, 2000)
    """
    return _backend.monte_carlo(monte_carlo_params(merge_params(params, kwargs)))


def status_message(code: int) -> str:
    """The rule a batch row with status ``code`` broke (0: ``"ok"``); see docs/api.md.

    Examples
    --------
    >>> import pricinglab as pl
    >>> pl.status_message(7)
    'vol must be a finite number >= 0'
    """
    return _status_message(code)


# ----------------------------------------------------------------------------- batch API


def black_scholes_many(
    kind: str | Sequence[str],
    spot: NumberOrSequence,
    strike: NumberOrSequence,
    expiry: NumberOrSequence,
    rate: NumberOrSequence,
    dividend: NumberOrSequence,
    vol: NumberOrSequence,
) -> dict[str, list[Any]]:
    """:func:`black_scholes` over a batch: ``{"price": [...], "status": [...]}``.

    ``kind`` is one kind or a sequence of kinds; each numeric argument a number (broadcast)
    or a sequence (list, tuple, ``array.array``, NumPy array ...); all sequences must have the
    same length. A bad row does not raise: its price is NaN and its status non-zero
    (:func:`status_message`).

    Raises
    ------
    PricingError
        Sequences of different lengths (naming the argument), or a wrong type.

    Examples
    --------
    >>> import pricinglab as pl
    >>> out = pl.black_scholes_many("call", [90, 100, -1], 100, 1, 0.05, 0, 0.2)
    >>> [round(p, 4) for p in out["price"][:2]], out["status"]
    ([5.0912, 10.4506], [0, 0, 2])
    """
    n, kinds, columns = broadcast(_INPUT_NAMES, kind, (spot, strike, expiry, rate, dividend, vol))
    return _backend.black_scholes_many(n, kinds, columns)


def greeks_many(
    kind: str | Sequence[str],
    spot: NumberOrSequence,
    strike: NumberOrSequence,
    expiry: NumberOrSequence,
    rate: NumberOrSequence,
    dividend: NumberOrSequence,
    vol: NumberOrSequence,
) -> dict[str, list[Any]]:
    """:func:`greeks` over a batch: ``{"price": [...], "delta": [...], ..., "epsilon": [...],
    "status": [...]}`` (broadcasting and status as in :func:`black_scholes_many`).

    Examples
    --------
    >>> import pricinglab as pl
    >>> out = pl.greeks_many(["call", "put"], 100, 100, 1, 0.05, 0, 0.2)
    >>> [round(d, 6) for d in out["delta"]], out["status"]
    ([0.636831, -0.363169], [0, 0])
    """
    n, kinds, columns = broadcast(_INPUT_NAMES, kind, (spot, strike, expiry, rate, dividend, vol))
    return _backend.greeks_many(n, kinds, columns)


def implied_vol_many(
    kind: str | Sequence[str],
    price: NumberOrSequence,
    spot: NumberOrSequence,
    strike: NumberOrSequence,
    expiry: NumberOrSequence,
    rate: NumberOrSequence,
    dividend: NumberOrSequence,
) -> dict[str, list[Any]]:
    """:func:`implied_vol` over a batch: ``{"vol": [...], "status": [...]}``; a price outside
    the no-arbitrage bounds gives NaN with status 9 (below) or 10 (at or above).

    Examples
    --------
    >>> import pricinglab as pl
    >>> out = pl.implied_vol_many("call", [10.450583572185568, 200.0], 100, 100, 1, 0.05, 0)
    >>> round(out["vol"][0], 12), out["status"]
    (0.2, [0, 10])
    """
    n, kinds, columns = broadcast(_IV_NAMES, kind, (price, spot, strike, expiry, rate, dividend))
    return _backend.implied_vol_many(n, kinds, columns)


# Submodules loaded on first use: ``pl.plot`` (SVG charts), ``pl.heston`` (pure Python) and
# ``pl.rough`` (needs NumPy) cost nothing for users who never touch them.
_LAZY_SUBMODULES = ("heston", "plot", "rough")


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
