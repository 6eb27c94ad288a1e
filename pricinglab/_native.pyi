# Type stub of the CPython extension pricinglab._native (wasm_core/src/python.rs). The public,
# documented API is pricinglab's (pricinglab/__init__.py); docs/api.md has the rules.
from typing import Any

def black_scholes(
    kind: Any, spot: Any, strike: Any, expiry: Any, rate: Any, dividend: Any, vol: Any
) -> float: ...
def greeks(
    kind: Any, spot: Any, strike: Any, expiry: Any, rate: Any, dividend: Any, vol: Any
) -> dict[str, float]: ...
def implied_vol(
    kind: Any, price: Any, spot: Any, strike: Any, expiry: Any, rate: Any, dividend: Any
) -> float: ...
def heston_price(
    kind: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    v0: Any,
    kappa: Any,
    theta: Any,
    xi: Any,
    rho: Any,
) -> float: ...
def american(
    kind: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    vol: Any,
    accuracy: Any = None,
) -> float: ...
def american_greeks(
    kind: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    vol: Any,
    accuracy: Any = None,
) -> dict[str, float]: ...
def american_boundary(
    kind: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    vol: Any,
    accuracy: Any = None,
) -> dict[str, Any]: ...
def american_implied_vol(
    kind: Any,
    price: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    accuracy: Any = None,
) -> float: ...
def american_many(
    kind: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    vol: Any,
    accuracy: Any = None,
    threads: Any = None,
) -> dict[str, Any]: ...
def calibrate_heston(params: Any) -> dict[str, Any]: ...
def rough_heston_price(
    kind: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    v0: Any,
    kappa: Any,
    theta: Any,
    xi: Any,
    rho: Any,
    hurst: Any,
    steps: Any = None,
) -> float: ...
def calibrate_rough_heston(params: Any) -> dict[str, Any]: ...
def fit_svi(
    strike: Any, vol: Any, expiry: Any, forward: Any, weight: Any = None
) -> dict[str, Any]: ...
def fit_ssvi(strike: Any, vol: Any, expiry: Any, forward: Any) -> dict[str, Any]: ...
def parity_forward(strike: Any, call: Any, put: Any, discount: Any = None) -> dict[str, Any]: ...
def black_scholes_many(
    kind: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    vol: Any,
    threads: Any = None,
) -> dict[str, Any]: ...
def greeks_many(
    kind: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    vol: Any,
    threads: Any = None,
) -> dict[str, Any]: ...
def implied_vol_many(
    kind: Any,
    price: Any,
    spot: Any,
    strike: Any,
    expiry: Any,
    rate: Any,
    dividend: Any,
    threads: Any = None,
) -> dict[str, Any]: ...
def monte_carlo(params: Any, threads: Any = None) -> dict[str, Any]: ...
def monte_carlo_plan(params: Any) -> dict[str, Any]: ...
def monte_carlo_blocks(params: Any, first: Any, count: Any) -> Any: ...
def monte_carlo_finish(params: Any, blocks: Any) -> dict[str, Any]: ...
def status_message(code: Any) -> str: ...
def validate(function: Any, args: Any) -> Any: ...
def api_tables() -> dict[str, Any]: ...
def available_threads() -> int: ...
def version() -> str: ...
