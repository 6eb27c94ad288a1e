"""pricinglab.dask on a real dask.distributed LocalCluster of 2 worker processes: the same
answers as one machine, bit for bit (each block is one call of the same engine)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dask.array as da
import dask.dataframe as dd
import mc_cases
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import pricinglab as pl
import pricinglab.dask as pld


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _book(n: int, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {
        "kind": rng.choice(["call", "put"], n),
        "spot": rng.uniform(50, 150, n),
        "strike": rng.uniform(50, 150, n),
        "expiry": rng.uniform(0, 3, n),
        "vol": rng.uniform(0, 0.8, n),
    }


def test_arrays_are_priced_block_by_block_as_on_one_machine(client: Client) -> None:
    book = _book(100_003)
    spot = da.from_array(book["spot"], chunks=20_000)
    vol = da.from_array(book["vol"], chunks=30_000)  # other chunks: Dask aligns them
    kinds = book["kind"].tolist()
    local = pl.greeks_many(kinds, book["spot"], book["strike"], book["expiry"], 0.03, 0.01,
                           book["vol"])  # fmt: skip
    kind_d = da.from_array(book["kind"], chunks=20_000)
    out = pld.greeks_many(kind_d, spot, book["strike"], book["expiry"], 0.03, 0.01, vol)
    assert isinstance(out["price"], da.Array) and out["price"].npartitions > 1
    computed = client.compute(out, sync=True)
    for key in local:
        assert np.array_equal(computed[key], local[key], equal_nan=True), key
    assert computed["status"].dtype == np.uint8


def test_bad_rows_get_their_status_and_implied_vols_round_trip(client: Client) -> None:
    spots = np.array([100.0, -1.0, 110.0, np.nan] * 1000)
    prices = pld.black_scholes_many("call", da.from_array(spots, chunks=999), 100.0, 1.0,
                                    0.05, 0.0, 0.25)  # fmt: skip
    price, status = client.compute([prices["price"], prices["status"]], sync=True)
    assert status.tolist() == [0, 2, 0, 2] * 1000
    ok = status == 0
    vols = pld.implied_vol_many("call", da.from_array(price[ok], chunks=500),
                                spots[ok], 100.0, 1.0, 0.05, 0.0)  # fmt: skip
    assert np.allclose(client.compute(vols["vol"], sync=True), 0.25, rtol=1e-13)


def test_a_data_frame_is_priced_partition_by_partition(client: Client) -> None:
    book = _book(10_000, seed=3)
    frame = pd.DataFrame(book)
    ddf = dd.from_pandas(frame, npartitions=5)
    priced = pld.price_frame(ddf, rate=0.02, dividend=0.0)
    assert {"price", "status"} <= set(priced.columns)
    result = client.compute(priced, sync=True)
    local = pl.black_scholes_many(book["kind"].tolist(), book["spot"], book["strike"],
                                  book["expiry"], 0.02, 0.0, book["vol"])  # fmt: skip
    assert np.array_equal(result["price"].to_numpy(), local["price"], equal_nan=True)
    greeks = pld.price_frame(frame, "greeks", rate=0.02, dividend=0.0)  # pandas works too
    assert np.array_equal(greeks["vega"].to_numpy(), pl.greeks_many(
        book["kind"].tolist(), book["spot"], book["strike"], book["expiry"], 0.02, 0.0,
        book["vol"])["vega"], equal_nan=True)  # fmt: skip
    with pytest.raises(pl.PricingError, match=r"^rate must be a column of the frame"):
        pld.price_frame(ddf, dividend=0.0)
    with pytest.raises(pl.PricingError, match=r"^function must be"):
        pld.price_frame(ddf, "american", rate=0.0, dividend=0.0)


@pytest.mark.parametrize("tasks", [1, 3, 8])
def test_monte_carlo_on_the_cluster_is_the_same_double(client: Client, tasks: int) -> None:
    params = {**mc_cases.HESTON, "paths": 40_001, "greeks": True}
    assert pld.monte_carlo(params, client=client, tasks=tasks) == pl.monte_carlo(params)


def test_monte_carlo_rejects_as_the_engine_does(client: Client) -> None:
    with pytest.raises(pl.PricingError, match=r"^rho must be in \[-1, 1\]"):
        pld.monte_carlo({**mc_cases.HESTON, "rho": 2.0}, client=client)
