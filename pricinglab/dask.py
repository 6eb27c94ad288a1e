"""Pricing past one machine with Dask: books of contracts and Monte Carlo runs on a cluster.

When a book of 10^8-10^9 contracts or a risk scenario grid outgrows one machine, Dask
(``dask.distributed``) spreads it over many; this module runs the native engine on each piece.
Nothing here is a scheduler of its own: Dask splits, places and gathers; each task is one call
of the engine on one block or partition, with ``threads=1`` by default, because Dask already
runs one task per worker thread (``threads=None`` would let every task use every core of its
machine: right only with one worker thread per machine).

- :func:`black_scholes_many`, :func:`greeks_many`, :func:`implied_vol_many`: the batch API on
  Dask arrays (any mix of Dask arrays, NumPy arrays and scalars; chunks are aligned by Dask),
  lazily: the columns of the result are Dask arrays, computed with ``.compute()`` or
  ``dask.compute(...)``;
- :func:`price_frame`: a Dask (or pandas) DataFrame of contracts, one row each with columns
  named as the API's arguments, priced partition by partition into new columns;
- :func:`monte_carlo`: one Monte Carlo run split into block ranges that the cluster's workers
  simulate (the engine's ``monte_carlo_blocks``) and this process reduces
  (``monte_carlo_finish``): the same double as ``pricinglab.monte_carlo(params)`` on one machine.

Needs ``pip install 'pricinglab[dask]'`` (Dask, distributed, pandas) under CPython.

Examples
--------
>>> import dask.array as da
>>> import pricinglab.dask as pld
>>> spot = da.linspace(80, 120, 1_000_000, chunks=250_000)
>>> out = pld.black_scholes_many("call", spot, 100.0, 1.0, 0.05, 0.0, 0.2)
>>> prices = out["price"].compute()          # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any, Final

import dask.array as da
import numpy as np
from dask.base import compute
from dask.delayed import delayed

import pricinglab as pl

__all__ = [
    "black_scholes_many",
    "greeks_many",
    "implied_vol_many",
    "monte_carlo",
    "price_frame",
]

_BS_ARGS: Final = ("kind", "spot", "strike", "expiry", "rate", "dividend", "vol")
_IV_ARGS: Final = ("kind", "price", "spot", "strike", "expiry", "rate", "dividend")
# The columns each batch function returns, as (name, dtype).
_OUTPUTS: Final[dict[str, tuple[tuple[str, Any], ...]]] = {
    "black_scholes_many": (("price", np.float64), ("status", np.uint8)),
    "greeks_many": (
        *((name, np.float64) for name in ("price", *pl.GREEK_NAMES)),
        ("status", np.uint8),
    ),
    "implied_vol_many": (("vol", np.float64), ("status", np.uint8)),
}


def _record_dtype(function: str) -> np.dtype[Any]:
    return np.dtype(list(_OUTPUTS[function]))


def _block(function: str, threads: int | None, *args: Any) -> np.ndarray[Any, Any]:
    """One block: the engine's batch function, its columns packed into one record array (so
    a block is computed once for all its output columns)."""
    out = getattr(pl, function)(*args, threads=threads)
    n = len(out["status"])
    record = np.empty(n, dtype=_record_dtype(function))
    for name, _ in _OUTPUTS[function]:
        record[name] = out[name]
    return record


def _columns(args: tuple[Any, ...]) -> list[Any]:
    """The arguments as Dask arrays chunked alike (the first Dask array's chunks; NumPy arrays
    and lists are chunked to match), strings and numbers as scalars the engine broadcasts."""
    first = next((a for a in args if isinstance(a, da.Array)), None)
    out: list[Any] = []
    for a in args:
        if isinstance(a, (list, tuple, np.ndarray)):
            a = np.asarray(a)
            a = da.from_array(a, chunks=first.chunks if first is not None else "auto")
        if isinstance(a, da.Array):
            if a.ndim != 1:
                raise pl.PricingError(
                    f"arrays of a Dask batch must be one-dimensional (got {a.ndim} dimensions)"
                )
            if first is not None and a.shape == first.shape and a.chunks != first.chunks:
                a = a.rechunk(first.chunks)
        out.append(a)
    return out


def _map(function: str, args: tuple[Any, ...], threads: int | None) -> dict[str, da.Array]:
    columns = _columns(args)
    dtype = _record_dtype(function)
    if any(isinstance(c, da.Array) for c in columns):
        packed = da.map_blocks(
            _block, function, threads, *columns, dtype=dtype, meta=np.empty(0, dtype=dtype)
        )
    else:  # nothing to distribute: one call here, wrapped for a uniform result
        record = _block(function, threads, *columns)
        packed = da.from_array(record, chunks=max(len(record), 1))
    return {name: packed[name] for name, _ in _OUTPUTS[function]}


def black_scholes_many(
    kind: Any, spot: Any, strike: Any, expiry: Any, rate: Any, dividend: Any, vol: Any,
    *, threads: int | None = 1,
) -> dict[str, da.Array]:  # fmt: skip
    """:func:`pricinglab.black_scholes_many` on Dask arrays: ``{"price", "status"}`` as lazy
    Dask arrays chunked like the inputs. Bad rows get NaN and a status, as on one machine; a
    wrong type or a length mismatch inside a block raises when the block is computed."""
    return _map("black_scholes_many", (kind, spot, strike, expiry, rate, dividend, vol), threads)


def greeks_many(
    kind: Any, spot: Any, strike: Any, expiry: Any, rate: Any, dividend: Any, vol: Any,
    *, threads: int | None = 1,
) -> dict[str, da.Array]:  # fmt: skip
    """:func:`pricinglab.greeks_many` on Dask arrays: one lazy column per Greek, plus status."""
    return _map("greeks_many", (kind, spot, strike, expiry, rate, dividend, vol), threads)


def implied_vol_many(
    kind: Any, price: Any, spot: Any, strike: Any, expiry: Any, rate: Any, dividend: Any,
    *, threads: int | None = 1,
) -> dict[str, da.Array]:  # fmt: skip
    """:func:`pricinglab.implied_vol_many` on Dask arrays: ``{"vol", "status"}``, lazily."""
    return _map("implied_vol_many", (kind, price, spot, strike, expiry, rate, dividend), threads)


def _frame_partition(
    part: Any, function: str, names: tuple[str, ...], defaults: Mapping[str, Any],
    threads: int | None,
) -> Any:  # fmt: skip
    args = [part[n].to_numpy() if n in part.columns else defaults[n] for n in names]
    if names[0] in part.columns:
        args[0] = part[names[0]].astype(str).tolist()
    out = getattr(pl, function)(*args, threads=threads)
    return part.assign(**{name: out[name] for name, _ in _OUTPUTS[function]})


def price_frame(
    frame: Any, function: str = "black_scholes", *, threads: int | None = 1, **defaults: Any
) -> Any:
    """Prices a DataFrame of contracts partition by partition, adding the result columns.

    Parameters
    ----------
    frame
        A Dask DataFrame (or a pandas one) with a column per argument of ``function``, named as
        the API names them (``kind, spot, strike, expiry, rate, dividend, vol``; ``price`` for
        implied vols). An argument that is the same for every row can be given as a keyword
        instead (``rate=0.03``).
    function
        ``"black_scholes"`` (adds ``price, status``), ``"greeks"`` (``price``, every Greek,
        ``status``) or ``"implied_vol"`` (``vol, status``).

    Returns
    -------
    The frame with the new columns, lazy for a Dask DataFrame.

    Raises
    ------
    PricingError
        An unknown ``function``, or an argument that is neither a column nor a keyword.
    """
    names = {"black_scholes": _BS_ARGS, "greeks": _BS_ARGS, "implied_vol": _IV_ARGS}.get(function)
    if names is None:
        raise pl.PricingError(
            f'function must be "black_scholes", "greeks" or "implied_vol" (got {function!r})'
        )
    batch = f"{function}_many"
    missing = [n for n in names if n not in frame.columns and n not in defaults]
    if missing:
        raise pl.PricingError(
            f"{missing[0]} must be a column of the frame or a keyword argument of price_frame"
        )
    if not hasattr(frame, "map_partitions"):  # pandas: one partition
        return _frame_partition(frame, batch, names, defaults, threads)
    meta = frame._meta.assign(**{name: np.empty(0, dtype=dtype) for name, dtype in _OUTPUTS[batch]})
    return frame.map_partitions(_frame_partition, batch, names, defaults, threads, meta=meta)


def _blocks(params: dict[str, Any], first: int, count: int) -> np.ndarray[Any, Any]:
    from . import _engine

    blocks: np.ndarray[Any, Any] = _engine.engine.monte_carlo_blocks(params, first, count)
    return blocks


def monte_carlo(
    params: Mapping[str, Any], *, client: Any = None, tasks: int | None = None
) -> dict[str, Any]:
    """One Monte Carlo run (``pricinglab.monte_carlo``'s params) on a Dask cluster.

    The run's blocks of samples are split into ``tasks`` contiguous ranges (default: two per
    worker thread of ``client``'s cluster, or of the default scheduler), simulated by the
    workers and reduced here. Every sample's random stream depends only on the seed and the
    sample's index, and the blocks are reduced in block order, so the result is the same
    double as ``pricinglab.monte_carlo(params)`` however the cluster splits the work.
    """
    from . import _engine

    checked = _engine.validate("monte_carlo", dict(params))
    plan = _engine.engine.monte_carlo_plan(checked)
    total = int(plan["blocks"])
    if tasks is None:
        workers = sum(client.nthreads().values()) if client is not None else 2
        tasks = 2 * max(workers, 1)
    tasks = max(1, min(int(tasks), total))
    bounds = [total * i // tasks for i in range(tasks + 1)]
    pieces = [delayed(_blocks)(checked, a, b - a) for a, b in itertools.pairwise(bounds) if b > a]
    parts = client.gather(client.compute(pieces)) if client else compute(*pieces)
    result: dict[str, Any] = _engine.engine.monte_carlo_finish(checked, np.concatenate(parts))
    return result
