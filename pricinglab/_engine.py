"""The engine this interpreter runs: the Rust crate, natively or as WebAssembly.

- CPython: ``pricinglab._native``, the PyO3 extension maturin builds from ``wasm_core``
  (``pip install .`` or ``./build.sh``);
- Pyodide: the WebAssembly build, which the page registers as the JS module ``wasm_core``,
  reached through the bridge in :mod:`pricinglab._wasm`.

Both have the same functions, names and argument order (docs/api.md), validate their arguments
themselves and raise :class:`~pricinglab.PricingError` with the crate's messages. There is no
fallback: without an engine, importing :mod:`pricinglab` fails and says how to build one (the
pure-Python reference is an oracle, and it shares the engine's argument rules through
:func:`validate`).
"""

from __future__ import annotations

import sys
from typing import Any, Final, Protocol, cast

__all__ = ["IN_PYODIDE", "NAME", "TABLES", "Backend", "Engine", "engine", "load", "validate"]

IN_PYODIDE: Final = sys.platform == "emscripten"


class Backend(Protocol):
    """What every backend computes (the signatures are docs/api.md's)."""

    def black_scholes(self, *args: Any) -> float: ...
    def greeks(self, *args: Any) -> dict[str, float]: ...
    def implied_vol(self, *args: Any) -> float: ...
    def heston_price(self, *args: Any) -> float: ...
    def american(self, *args: Any, accuracy: Any = None) -> float: ...
    def american_greeks(self, *args: Any, accuracy: Any = None) -> dict[str, float]: ...
    def american_boundary(self, *args: Any, accuracy: Any = None) -> dict[str, Any]: ...
    def american_implied_vol(self, *args: Any, accuracy: Any = None) -> float: ...
    def american_many(
        self, *args: Any, accuracy: Any = None, threads: Any = None
    ) -> dict[str, Any]: ...
    def calibrate_heston(self, params: Any) -> dict[str, Any]: ...
    def rough_heston_price(self, *args: Any) -> float: ...
    def calibrate_rough_heston(self, params: Any) -> dict[str, Any]: ...
    def fit_svi(
        self, strike: Any, vol: Any, expiry: Any, forward: Any, weight: Any = None
    ) -> dict[str, Any]: ...
    def fit_ssvi(self, strike: Any, vol: Any, expiry: Any, forward: Any) -> dict[str, Any]: ...
    def parity_forward(
        self, strike: Any, call: Any, put: Any, discount: Any = None
    ) -> dict[str, Any]: ...
    def black_scholes_many(self, *args: Any, threads: Any = None) -> dict[str, Any]: ...
    def greeks_many(self, *args: Any, threads: Any = None) -> dict[str, Any]: ...
    def implied_vol_many(self, *args: Any, threads: Any = None) -> dict[str, Any]: ...
    def monte_carlo(self, params: Any, threads: Any = None) -> dict[str, Any]: ...


class Engine(Backend, Protocol):
    """A backend that is the Rust crate: it also owns the rules and the tables."""

    def status_message(self, code: Any) -> str: ...
    def monte_carlo_plan(self, params: Any) -> dict[str, Any]: ...
    def monte_carlo_blocks(self, params: Any, first: Any, count: Any) -> Any: ...
    def monte_carlo_finish(self, params: Any, blocks: Any) -> dict[str, Any]: ...
    def validate(self, function: str, args: Any) -> Any: ...
    def api_tables(self) -> dict[str, Any]: ...
    def available_threads(self) -> int: ...
    def version(self) -> str: ...


_MISSING_NATIVE: Final = (
    "pricinglab's native engine (the extension module pricinglab._native) is not built. "
    "Install the package from its source with `pip install .` (maturin builds the Rust crate; "
    "it needs Rust's cargo), or run ./build.sh, which builds it into .venv"
)
_MISSING_WASM: Final = (
    "pricinglab in Pyodide needs the WebAssembly engine registered as the module wasm_core "
    '(pyodide.registerJsModule("wasm_core", exports)) before it is imported'
)


def load() -> tuple[str, Engine]:
    """``(name, engine)``: ``("wasm", bridge)`` in Pyodide, ``("native", module)`` elsewhere.

    Raises
    ------
    ImportError
        No engine is available here (the message says how to get one).
    """
    if IN_PYODIDE:
        from . import _wasm

        bridge = _wasm.load()
        if bridge is None:
            raise ImportError(_MISSING_WASM)
        return "wasm", bridge
    try:
        from . import _native
    except ImportError as error:
        raise ImportError(_MISSING_NATIVE) from error
    return "native", cast(Engine, _native)


NAME, engine = load()
TABLES: Final[dict[str, Any]] = engine.api_tables()


def validate(function: str, *args: Any) -> Any:
    """The engine's checks of ``function``'s arguments, without computing it: the arguments
    normalised (a list; for ``"monte_carlo"`` the params dict with its defaults), or the error
    the function would raise."""
    return engine.validate(function, list(args))
