"""Pricing Lab: option pricing with one engine and one API in JavaScript and Python.

The same names and argument order as the JavaScript API (docs/api.md)::

    kind, spot, strike, expiry, rate, dividend, vol

The numbers come from the Rust crate ``wasm_core``, whichever way this interpreter reaches it
(:data:`backend`):

- ``"native"``: under CPython, the PyO3 extension ``pricinglab._native`` (every core; NumPy
  arrays in and out when NumPy is installed; the GIL released while it works);
- ``"wasm"``: inside Pyodide, the WebAssembly build the page registers as ``wasm_core``;
- ``"reference"``: the pure-Python reference (:mod:`pricinglab.reference`), an independent
  second implementation for tests and comparisons, only when asked for with
  :func:`use_backend` (or ``PRICINGLAB_BACKEND=reference``): never a silent fallback.

Every backend checks arguments with the engine's rules and raises :class:`PricingError` (a
:class:`ValueError`; a wrong type is a :class:`PricingTypeError`, also a :class:`TypeError`)
with a message naming the parameter and the rule.

Examples
--------
>>> import pricinglab as pl
>>> round(pl.black_scholes("call", 100, 100, 1, 0.05, 0, 0.2), 6)
10.450584
>>> round(pl.implied_vol("call", 10.450583572185568, 100, 100, 1, 0.05, 0), 12)
0.2
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from . import _engine
from ._args import NO_PARAMS, NoParams, merge_params
from ._errors import PricingError, PricingTypeError
from ._reference_backend import ReferenceBackend
from .chain import Chain, read_chain

__all__ = [
    "GREEK_NAMES",
    "STATUS_MESSAGES",
    "Chain",
    "PricingError",
    "PricingTypeError",
    "american",
    "american_boundary",
    "american_greeks",
    "american_implied_vol",
    "american_many",
    "available_threads",
    "backend",
    "black_scholes",
    "black_scholes_many",
    "calibrate_heston",
    "calibrate_rough_heston",
    "fit_ssvi",
    "fit_svi",
    "greeks",
    "greeks_many",
    "heston_price",
    "implied_vol",
    "implied_vol_many",
    "monte_carlo",
    "parity_forward",
    "read_chain",
    "rough_heston_price",
    "status_message",
    "use_backend",
]

Number = float | int
NumberOrSequence = float | int | Sequence[float] | Any
"""A number, or a sequence of numbers: list, tuple, ``array.array``, NumPy array, ..."""
Threads = int | None
Accuracy = Literal["fast", "accurate", "high"] | None
"""``threads=``: ``None`` (the default) for every core, or a count in [1, 1024]."""

STATUS_MESSAGES: Final[tuple[str, ...]] = tuple(_engine.TABLES["status_messages"])
"""The batch status texts; a row's ``status`` is an index here (0 = ``"ok"``)."""
GREEK_NAMES: Final[tuple[str, ...]] = tuple(_engine.TABLES["greek_names"])
"""The Greeks in the order :func:`greeks` returns them (after ``"price"``)."""
_GREEK_KEYS: Final = ("price", *GREEK_NAMES)
_BACKENDS: Final = (_engine.NAME, "reference")

_backend: _engine.Backend = _engine.engine
backend: str = _engine.NAME
"""The backend in use: ``"native"`` (CPython), ``"wasm"`` (Pyodide) or ``"reference"``."""


def use_backend(name: str) -> None:
    """Selects the backend: this interpreter's engine (``"native"`` under CPython, ``"wasm"``
    in Pyodide) or ``"reference"``, the pure-Python reference.

    Examples
    --------
    >>> import pricinglab as pl
    >>> pl.use_backend("reference")
    >>> pl.backend
    'reference'
    >>> pl.use_backend(pl.engine_name)
    """
    global _backend, backend
    if name not in _BACKENDS:
        choices = " or ".join(f'"{b}"' for b in _BACKENDS)
        raise PricingError(f"backend must be {choices} here (got {name!r})")
    _backend = _engine.engine if name == _engine.NAME else ReferenceBackend()
    backend = name


engine_name: Final[str] = _engine.NAME
"""This interpreter's engine: ``"native"`` or ``"wasm"`` (what :func:`use_backend` restores)."""

if os.environ.get("PRICINGLAB_BACKEND"):
    use_backend(os.environ["PRICINGLAB_BACKEND"])


def available_threads() -> int:
    """The cores the native engine uses when ``threads`` is not given (1 in Pyodide)."""
    return _engine.engine.available_threads()


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
    return _backend.black_scholes(kind, spot, strike, expiry, rate, dividend, vol)


def heston_price(
    kind: str,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
    v0: Number,
    kappa: Number,
    theta: Number,
    xi: Number,
    rho: Number,
) -> float:
    """European option price under Heston's (1993) stochastic volatility model.

    Semi-analytic: Lewis's (2000) Fourier integral with a Black-Scholes control variate, the
    "little Heston trap" characteristic function (Albrecher et al. 2007) and adaptive
    Gauss-Kronrod quadrature, in the engine (about 1e-13 relative; docs/api.md). The
    ``"reference"`` backend uses :func:`pricinglab.heston.heston_price`, an independent
    pure-Python implementation.

    Parameters
    ----------
    kind, spot, strike, expiry, rate, dividend
        As for :func:`black_scholes`.
    v0, theta : float
        Initial and long-run variance (0.04 is 20% volatility), >= 0.
    kappa : float
        Mean-reversion speed per year, >= 0.
    xi : float
        Volatility of variance, >= 0 (0: deterministic variance, a Black-Scholes price).
    rho : float
        Correlation of spot and variance shocks, in [-1, 1].

    Examples
    --------
    >>> import pricinglab as pl
    >>> round(pl.heston_price("call", 100, 100, 1, 0.01, 0.02, 0.04, 4, 0.25, 1, -0.5), 10)
    16.070154917
    """
    return _backend.heston_price(
        kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho
    )


def rough_heston_price(
    kind: str,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
    v0: Number,
    kappa: Number,
    theta: Number,
    xi: Number,
    rho: Number,
    hurst: Number,
    steps: int | None = None,
) -> float:
    """European option price under rough Heston (El Euch & Rosenbaum 2019).

    Heston's parameters (as :func:`heston_price`) and the Hurst exponent ``hurst`` in
    (0, 0.5] of the variance's fractional kernel (0.5 is Heston). The engine solves the
    fractional Riccati equation by the Adams scheme at ``steps`` steps (default 200) with a
    Richardson companion at half of them, then Lewis's Fourier formula: about 1e-8 of the spot
    from the converged price at the default (docs/api.md). The ``"reference"`` backend uses
    :func:`pricinglab.rough.rough_heston_price`, an independent NumPy implementation without
    the extrapolation (default 800 steps; it needs NumPy).

    Examples
    --------
    >>> import pricinglab as pl
    >>> round(pl.rough_heston_price("put", 100, 90, 1, 0.02, 0.01,
    ...                             0.04, 1.5, 0.06, 0.5, -0.7, 0.1), 4)
    4.1549
    """
    return _backend.rough_heston_price(
        kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho, hurst, steps
    )


def american(
    kind: str,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
    vol: Number,
    accuracy: Accuracy = None,
) -> float:
    """Price of an American option under Black-Scholes-Merton with a continuous dividend yield.

    The exercise boundary is solved by the fixed-point collocation method of Andersen, Lake &
    Offengenden ("High-performance American option pricing", Journal of Computational Finance,
    2016) and the price is the European one plus the early-exercise premium (docs/api.md).
    ``accuracy``: ``"fast"``, ``"accurate"`` (the default, ``None``) or ``"high"``, about
    1e-6, 1e-8 and 1e-10 relative. Where early exercise never pays (a call with
    ``dividend <= 0``, a put with ``rate <= 0``, each with the other rate no lower) the
    European price, exactly.

    Raises
    ------
    PricingError
        The arguments' rules (as :func:`black_scholes`), an unknown ``accuracy``, or the
        double-boundary case (a put with ``dividend < rate < 0``, a call with
        ``rate < dividend < 0``), which this method does not price.

    Examples
    --------
    >>> import pricinglab as pl
    >>> round(pl.american("put", 100, 100, 1, 0.05, 0.05, 0.25, accuracy="high"), 6)
    9.569445
    """
    return _backend.american(kind, spot, strike, expiry, rate, dividend, vol, accuracy=accuracy)


def american_greeks(
    kind: str,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
    vol: Number,
    accuracy: Accuracy = None,
) -> dict[str, float]:
    """The American price and Greeks: ``price, delta, gamma, theta, vega, rho, epsilon``.

    Conventions as :func:`greeks` (theta per year of calendar time). Delta and gamma are exact
    derivatives of the price (the boundary does not depend on the spot), theta follows from
    the Black-Scholes equation where the option is held (0 where it is exercised), vega, rho
    and epsilon are central differences with the boundary solved again. Arguments and errors
    as :func:`american`.
    """
    return _backend.american_greeks(
        kind, spot, strike, expiry, rate, dividend, vol, accuracy=accuracy
    )


def american_boundary(
    kind: str,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
    vol: Number,
    accuracy: Accuracy = None,
) -> dict[str, list[float]]:
    """The early-exercise boundary: ``{"time": [...], "boundary": [...]}``.

    Calendar times from today (0) to ``expiry`` and the critical spot at each: a put is
    exercised when the spot is at or below it, a call at or above (0 for a put, ``inf`` for a
    call where early exercise never pays). It does not depend on ``spot``, which is checked
    like the other arguments; ``expiry`` and ``vol`` must be > 0.
    """
    return _backend.american_boundary(
        kind, spot, strike, expiry, rate, dividend, vol, accuracy=accuracy
    )


def american_implied_vol(
    kind: str,
    price: Number,
    spot: Number,
    strike: Number,
    expiry: Number,
    rate: Number,
    dividend: Number,
    accuracy: Accuracy = None,
) -> float:
    """The volatility at which :func:`american` is ``price``.

    Raises
    ------
    PricingError
        A price below the option's value at ``vol = 0`` (at least its intrinsic value), or at
        or above the spot (call) or strike (put); at the ``vol = 0`` value, 0 is returned.
        Where early exercise never pays, the rules of :func:`implied_vol`.
    """
    return _backend.american_implied_vol(
        kind, price, spot, strike, expiry, rate, dividend, accuracy=accuracy
    )


def american_many(
    kind: str | Sequence[str],
    spot: NumberOrSequence,
    strike: NumberOrSequence,
    expiry: NumberOrSequence,
    rate: NumberOrSequence,
    dividend: NumberOrSequence,
    vol: NumberOrSequence,
    accuracy: Accuracy = None,
    *,
    threads: Threads = None,
) -> dict[str, Any]:
    """:func:`american` over a batch: ``{"price": float64[n], "status": uint8[n]}``.

    Batching rules as :func:`black_scholes_many`; one ``accuracy`` for every row.
    """
    return _backend.american_many(
        kind, spot, strike, expiry, rate, dividend, vol, accuracy=accuracy, threads=threads
    )


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
    return _backend.greeks(kind, spot, strike, expiry, rate, dividend, vol)


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
    return _backend.implied_vol(kind, price, spot, strike, expiry, rate, dividend)


def calibrate_heston(
    params: Mapping[str, Any] | NoParams = NO_PARAMS, /, **kwargs: Any
) -> dict[str, Any]:
    """Heston parameters fitted to option quotes.

    ``params`` (a dict, or keyword arguments; both: the keywords win): ``spot``; ``rate,
    dividend`` numbers, or one per quote (a term structure, or each expiry's values inferred
    from put-call parity by :func:`read_chain`); ``kind`` one of "call"/"put" or one per quote;
    ``strike, expiry, price`` (and ``weight``, default 1) numbers or sequences of one length;
    ``initial`` an optional start ``{v0, kappa, theta, xi, rho}`` (else the engine's own, from
    the quotes' implied vols).

    Levenberg-Marquardt on implied-vol errors (the model price's implied vol minus the quote's)
    in coordinates that keep ``v0, kappa, theta, xi > 0`` and ``rho`` in (-1, 1); the quotes of
    one expiry are priced together by the engine's Heston pricer. Feller's condition is
    reported (``feller``), not imposed.

    Returns
    -------
    dict
        ``{v0, kappa, theta, xi, rho, rmse_vol, rmse_price, iterations, converged, feller,
        message, model_price}``; ``model_price`` the fitted model's price of each quote.

    Raises
    ------
    PricingError
        Bad input, naming the field: every quote needs time value (a price strictly between
        the no-arbitrage bounds, as :func:`implied_vol` requires), at least 5 quotes.
    """
    return _backend.calibrate_heston(merge_params(params, kwargs))


def calibrate_rough_heston(
    params: Mapping[str, Any] | NoParams = NO_PARAMS, /, **kwargs: Any
) -> dict[str, Any]:
    """Rough Heston parameters (Heston's five and ``hurst``) fitted to option quotes.

    The request of :func:`calibrate_heston`, with ``initial`` an optional
    ``{v0, kappa, theta, xi, rho, hurst}`` and ``steps`` the Adams steps of the fit's pricer
    (default 100, with its Richardson companion: about 1e-8 of the spot). The same
    implied-vol objective and Levenberg-Marquardt, ``hurst`` kept in (0, 0.5), the Jacobian by
    forward differences; without ``initial`` the start is Heston's start and the best of a few
    Hurst exponents. Needs at least 6 quotes.

    Returns
    -------
    dict
        :func:`calibrate_heston`'s fields, ``hurst`` and ``steps``.
    """
    return _backend.calibrate_rough_heston(merge_params(params, kwargs))


def fit_ssvi(
    strike: NumberOrSequence,
    vol: NumberOrSequence,
    expiry: NumberOrSequence,
    forward: NumberOrSequence,
) -> dict[str, Any]:
    """An SSVI surface (Gatheral & Jacquier 2014, power-law ``phi``) over several expiries.

    ``w(k, t) = theta_t / 2 (1 + rho phi k + sqrt((phi k + rho)^2 + 1 - rho^2))`` with
    ``phi(theta) = eta / (theta^gamma (1 + theta)^(1 - gamma))``: ``theta_t`` (each expiry's
    at-the-money total variance) from the quotes nearest the money, made non-decreasing, then
    ``rho, eta, gamma`` fitted with ``gamma <= 1/2`` and ``eta (1 + |rho|) <= 2``, which rule
    out calendar and butterfly arbitrage (the conditions of their Theorems 4.1 and 4.2 hold).

    ``strike, vol, expiry, forward``: numbers or sequences of one length (each quote's expiry
    and that expiry's forward). Returns ``{rho, eta, gamma, expiry, theta, rmse_vol,
    calendar_free, butterfly_free}``.
    """
    return _backend.fit_ssvi(strike, vol, expiry, forward)


def fit_svi(
    strike: NumberOrSequence,
    vol: NumberOrSequence,
    expiry: Number,
    forward: Number,
    weight: NumberOrSequence | None = None,
) -> dict[str, Any]:
    """A raw SVI smile (Gatheral 2004) fitted to one expiry's implied vols.

    ``w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2))`` is the total implied variance
    ``vol^2 expiry`` at log-moneyness ``k = ln(strike / forward)``. Quasi-explicit fit (the
    linear part exact on Lee's wing bounds, Nelder-Mead over ``m, sigma``) with a penalty on
    butterfly arbitrage (Durrleman's ``g`` below 0; Gatheral & Jacquier 2014).

    Parameters
    ----------
    strike, vol : sequences of one length (at least 5)
    expiry, forward : float
        Years to expiry and the forward, both > 0.
    weight : sequence, optional
        Per-quote weights >= 0 (default 1), e.g. vega or 1/spread^2.

    Returns
    -------
    dict
        ``{a, b, rho, m, sigma, rmse_w, rmse_vol, min_g, butterfly_free}``: ``min_g`` is the
        smallest ``g`` over the quotes' range widened by half its width each side.
    """
    return _backend.fit_svi(strike, vol, expiry, forward, weight)


def parity_forward(
    strike: NumberOrSequence,
    call: NumberOrSequence,
    put: NumberOrSequence,
    discount: Number | None = None,
) -> dict[str, Any]:
    """The forward and discount factor of one expiry by put-call parity, ``C - P = D (F - K)``.

    A least-median-of-squares line through ``(strike, call - put)`` over the strikes quoted on
    both sides (Rousseeuw 1984: stale or mis-keyed quotes cannot drag it), then least squares
    without the pairs more than 5 median absolute deviations off it.

    Parameters
    ----------
    strike, call, put : sequences of one length
        Prices per strike; ``nan`` where that side is not quoted. At least 2 distinct strikes
        must have both.
    discount : float, optional
        The discount factor if known (then only the forward is fitted).

    Returns
    -------
    dict
        ``{forward, discount, pairs, used_pairs, used}``: ``used[i]`` is whether row ``i`` is a
        pair the final fit used.
    """
    return _backend.parity_forward(strike, call, put, discount)


def monte_carlo(
    params: Mapping[str, Any] | NoParams = NO_PARAMS,
    /,
    *,
    threads: Threads = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Monte Carlo price of an option (European, Asian, barrier, Bermudan or American), with
    its standard error.

    ``params`` is a dict (docs/api.md, "Monte Carlo"), or pass the fields as keyword
    arguments (both: the keywords win). Fields: ``model`` (``"gbm"``, ``"heston"``,
    ``"rough_heston"``), ``kind, spot, strike, expiry, rate, dividend``; ``vol`` (GBM);
    ``v0, kappa, theta, xi, rho`` (Heston and rough Heston); ``hurst`` (rough Heston, in
    (0, 0.5]); ``paths`` (100000 simulated paths, antithetic mirrors included: an integer in
    [1, 1e8]), ``steps`` (1 for GBM, else 100: an integer in [1, 1e5]; ``paths * steps <=
    1e10``), ``seed`` (0: an integer in [0, 2^53)), ``antithetic`` (True), ``greeks`` (False),
    ``payoff`` (``"european"``; ``"asian_arithmetic"``, ``"asian_geometric"``, ``"up_and_out"``,
    ``"up_and_in"``, ``"down_and_out"``, ``"down_and_in"`` with ``barrier``, ``"bermudan"`` with
    ``exercise_dates``, ``"american"``: docs/api.md, "Monte Carlo payoffs").
    Unknown fields, and fields of another model, are an error. Every backend checks the same
    rules in the same order and raises the same messages.

    ``threads`` (native engine): how many cores simulate (default every core); the result is
    the same double for any count.

    Returns
    -------
    dict
        ``{price, std_error, ci_low, ci_high, paths, steps, samples, model, payoff, seed,
        antithetic, control_variate, price_without_control, std_error_without_control}``:
        ``paths`` is the
        count simulated (with antithetic sampling an odd request is rounded up), ``samples``
        the independent samples behind ``std_error`` (antithetic pairs, or paths), ``ci_*``
        the 95% interval. With ``greeks=True`` also ``delta, gamma, vega`` (per unit of
        volatility) and their ``*_std_error``, by bump-and-reprice on common random numbers.
        The same params give the identical result: natively and in wasm the same double (GBM
        and Heston), for any ``threads``; the pure-Python reference uses other random streams
        and agrees statistically.

    Examples
    --------
    >>> import pricinglab as pl
    >>> r = pl.monte_carlo(model="gbm", kind="call", spot=100, strike=100, expiry=1,
    ...                    rate=0.05, dividend=0, vol=0.2, paths=4000, seed=7)
    >>> r["ci_low"] < 10.4506 < r["ci_high"], r["paths"], r["samples"]
    (True, 4000, 2000)
    """
    return _backend.monte_carlo(merge_params(params, kwargs), threads=threads)


def status_message(code: int) -> str:
    """The rule a batch row with status ``code`` broke (0: ``"ok"``); see docs/api.md.

    Examples
    --------
    >>> import pricinglab as pl
    >>> pl.status_message(7)
    'vol must be a finite number >= 0'
    """
    return _engine.engine.status_message(code)


# ----------------------------------------------------------------------------- batch API


def black_scholes_many(
    kind: str | Sequence[str],
    spot: NumberOrSequence,
    strike: NumberOrSequence,
    expiry: NumberOrSequence,
    rate: NumberOrSequence,
    dividend: NumberOrSequence,
    vol: NumberOrSequence,
    *,
    threads: Threads = None,
) -> dict[str, Any]:
    """:func:`black_scholes` over a batch: ``{"price": float64[n], "status": uint8[n]}``.

    ``kind`` is one kind or a sequence of kinds; each numeric argument a number (broadcast)
    or a sequence (NumPy array, list, tuple, ``array.array`` ...); all sequences must have the
    same length. A C-contiguous float64 NumPy array is read in place (no copy); other dtypes
    and sequences are converted once. A bad row does not raise: its price is NaN and its
    status non-zero (:func:`status_message`).

    The columns are NumPy arrays when NumPy is installed, lists otherwise (as in Pyodide).
    ``threads`` (native engine): how many cores share the rows (default every core); the
    results do not depend on it.

    Raises
    ------
    PricingError
        Sequences of different lengths (naming the argument), or a wrong type.

    Examples
    --------
    >>> import pricinglab as pl
    >>> out = pl.black_scholes_many("call", [90, 100, -1], 100, 1, 0.05, 0, 0.2)
    >>> [round(float(p), 4) for p in out["price"][:2]], [int(s) for s in out["status"]]
    ([5.0912, 10.4506], [0, 0, 2])
    """
    return _backend.black_scholes_many(
        kind, spot, strike, expiry, rate, dividend, vol, threads=threads
    )


def greeks_many(
    kind: str | Sequence[str],
    spot: NumberOrSequence,
    strike: NumberOrSequence,
    expiry: NumberOrSequence,
    rate: NumberOrSequence,
    dividend: NumberOrSequence,
    vol: NumberOrSequence,
    *,
    threads: Threads = None,
) -> dict[str, Any]:
    """:func:`greeks` over a batch: ``{"price": [...], "delta": [...], ..., "epsilon": [...],
    "status": [...]}`` (broadcasting and status as in :func:`black_scholes_many`).

    Examples
    --------
    >>> import pricinglab as pl
    >>> out = pl.greeks_many(["call", "put"], 100, 100, 1, 0.05, 0, 0.2)
    >>> [round(float(d), 6) for d in out["delta"]], [int(s) for s in out["status"]]
    ([0.636831, -0.363169], [0, 0])
    """
    return _backend.greeks_many(kind, spot, strike, expiry, rate, dividend, vol, threads=threads)


def implied_vol_many(
    kind: str | Sequence[str],
    price: NumberOrSequence,
    spot: NumberOrSequence,
    strike: NumberOrSequence,
    expiry: NumberOrSequence,
    rate: NumberOrSequence,
    dividend: NumberOrSequence,
    *,
    threads: Threads = None,
) -> dict[str, Any]:
    """:func:`implied_vol` over a batch: ``{"vol": [...], "status": [...]}``; a price outside
    the no-arbitrage bounds gives NaN with status 9 (below) or 10 (at or above).

    Examples
    --------
    >>> import pricinglab as pl
    >>> out = pl.implied_vol_many("call", [10.450583572185568, 200.0], 100, 100, 1, 0.05, 0)
    >>> round(float(out["vol"][0]), 12), [int(s) for s in out["status"]]
    (0.2, [0, 10])
    """
    return _backend.implied_vol_many(
        kind, price, spot, strike, expiry, rate, dividend, threads=threads
    )


# Submodules loaded on first use: ``pl.plot`` (SVG charts), ``pl.heston`` (pure Python) and
# ``pl.rough`` (needs NumPy) cost nothing for users who never touch them.
_LAZY_SUBMODULES = ("heston", "plot", "rough")


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
