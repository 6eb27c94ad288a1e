"""The pure-Python reference as a backend (``pricinglab.use_backend("reference")``).

The same functions, names and results as the engines (:mod:`pricinglab._engine`), computed by
:mod:`pricinglab.reference` and :mod:`pricinglab.reference_mc` one row at a time. The argument
rules are the engine's: a batch is first checked by the engine's batch function (types and
lengths; its result is not used), then each row by ``validate``, so a bad row gets the status
the engine would give it and the reference computes only the rows the engine accepts. This is
the race's Python lane and the oracle the tests compare the engines with; nothing falls back
to it silently.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Callable, Sequence
from typing import Any, Final

from . import _engine, heston, reference, reference_mc, reference_parity
from ._errors import PricingError

__all__ = ["ReferenceBackend"]

_GREEK_KEYS: Final = ("price", *reference.GREEK_NAMES)
_OK: Final = 0


def _numpy() -> Any:
    """NumPy when it is installed (results are then arrays, as the native engine's are)."""
    try:
        import numpy
    except ImportError:  # pragma: no cover - NumPy is installed wherever the tests run
        return None
    return numpy


def _as_list(column: Any, n: int) -> list[Any]:
    """A batch argument the engine accepted, as ``n`` Python values."""
    if isinstance(column, str):
        return [column] * n
    np = sys.modules.get("numpy")
    if np is not None and isinstance(column, np.ndarray):
        return [column.item()] * n if column.ndim == 0 else column.tolist()
    if isinstance(column, (Sequence, array)):
        return list(column)
    try:
        return list(memoryview(column).tolist())
    except TypeError:
        return [column] * n


# The reference's formulas on arguments the engine has checked (no second check per row).
def _price(kind: str, *args: float) -> float:
    return reference._price(reference._sign(kind), *args)


def _greeks(kind: str, *args: float) -> dict[str, float]:
    return reference._greeks(reference._sign(kind), *args)


def _implied_vol(kind: str, *args: float) -> float:
    return reference._implied_vol(reference._sign(kind), *args)


class ReferenceBackend:
    """:mod:`pricinglab.reference` behind the engine's interface."""

    name = "reference"

    def black_scholes(self, *args: Any) -> float:
        return reference.black_scholes(*args)

    def greeks(self, *args: Any) -> dict[str, float]:
        return reference.greeks(*args)

    def implied_vol(self, *args: Any) -> float:
        return reference.implied_vol(*args)

    def heston_price(self, *args: Any) -> float:
        # The engine's rules and messages (as for every function here), then the pure-Python
        # oracle, pricinglab.heston: its own characteristic-function code and quadrature.
        return heston.heston_price(*_engine.validate("heston_price", *args))

    def _american(self, *args: Any, **kwargs: Any) -> Any:
        # The independent American reference is the PDE of wasm_core/tests/common (in Rust,
        # where it runs in seconds); a pure-Python one at 1e-8 would take minutes per price.
        raise NotImplementedError(
            "the American functions run in the engine only: pl.use_backend('native') (or 'wasm')"
        )

    american = american_greeks = american_boundary = american_implied_vol = _american

    def american_many(self, *args: Any, accuracy: Any = None, threads: Any = None) -> Any:
        return self._american()

    def calibrate_heston(self, params: Any) -> dict[str, Any]:
        # Hundreds of Heston prices per iteration at ~2 ms each in pure Python: not a lane
        # anyone should wait for, and not a silent detour through the engine either.
        raise NotImplementedError(
            "calibrate_heston runs in the engine only: pl.use_backend('native') (or 'wasm')"
        )

    def rough_heston_price(self, *args: Any) -> float:
        # The NumPy oracle, pricinglab.rough: its own Adams code, no extrapolation (its own
        # default steps), its own checks; imported here as it needs NumPy.
        from . import rough

        *model, steps = args
        if steps is None:
            return rough.rough_heston_price(*model)
        return rough.rough_heston_price(*model, steps=steps)

    def calibrate_rough_heston(self, params: Any) -> dict[str, Any]:
        raise NotImplementedError(
            "calibrate_rough_heston runs in the engine only: pl.use_backend('native') (or 'wasm')"
        )

    def fit_svi(
        self, strike: Any, vol: Any, expiry: Any, forward: Any, weight: Any = None
    ) -> dict[str, Any]:
        raise NotImplementedError(
            "fit_svi runs in the engine only: pl.use_backend('native') (or 'wasm')"
        )

    def parity_forward(
        self, strike: Any, call: Any, put: Any, discount: Any = None
    ) -> dict[str, Any]:
        return reference_parity.parity_forward(strike, call, put, discount)

    def fit_ssvi(self, strike: Any, vol: Any, expiry: Any, forward: Any) -> dict[str, Any]:
        raise NotImplementedError(
            "fit_ssvi runs in the engine only: pl.use_backend('native') (or 'wasm')"
        )

    def monte_carlo(self, params: Any, threads: Any = None) -> dict[str, Any]:
        return reference_mc.run(_engine.validate("monte_carlo", params))

    def _rows(
        self,
        function: str,
        args: tuple[Any, ...],
        compute: Callable[..., Any],
    ) -> tuple[list[Any], list[int]]:
        """Checks the batch with the engine, then computes each row it accepts."""
        checked = getattr(_engine.engine, function + "_many")(*args, threads=1)
        n = len(checked["status"])
        rows = zip(*(_as_list(a, n) for a in args), strict=True)
        values: list[Any] = []
        status: list[int] = []
        for row in rows:
            value, code = None, _OK
            try:
                value = compute(*_engine.validate(function, *row))
            except PricingError as error:
                code = error.status
            values.append(value)
            status.append(code)
        return values, status

    @staticmethod
    def _columns(columns: dict[str, list[Any]], status: list[int]) -> dict[str, Any]:
        np = _numpy()
        out: dict[str, Any] = {}
        for key, values in columns.items():
            out[key] = np.array(values, dtype=np.float64) if np is not None else values
        out["status"] = np.array(status, dtype=np.uint8) if np is not None else status
        return out

    def black_scholes_many(self, *args: Any, threads: Any = None) -> dict[str, Any]:
        prices, status = self._rows("black_scholes", args, _price)
        return self._columns({"price": [math.nan if p is None else p for p in prices]}, status)

    def greeks_many(self, *args: Any, threads: Any = None) -> dict[str, Any]:
        rows, status = self._rows("greeks", args, _greeks)
        columns = {key: [math.nan if g is None else g[key] for g in rows] for key in _GREEK_KEYS}
        return self._columns(columns, status)

    def implied_vol_many(self, *args: Any, threads: Any = None) -> dict[str, Any]:
        vols, status = self._rows("implied_vol", args, _implied_vol)
        return self._columns({"vol": [math.nan if v is None else v for v in vols]}, status)
