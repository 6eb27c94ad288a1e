"""Implied vol in the money, where put-call parity subtracts an intrinsic value close to the
price: the vol must be the inverse of the price itself, to a few ulps of that price.

Prices are computed by mpmath at 50 digits from exact double inputs (tests/oracles/mp_bsm.py)
and rounded once; each implied vol is repriced by mpmath. The grid is QuantLib's implied-vol
test (test-suite/europeanoption.cpp, ``testImpliedVol``: strikes 90-110, spots 80-120,
36-1080 days on Actual/360, rates and yields 1-10 %, vols 1-90 %), restricted to the options
in the money, plus a low-vol, short-dated grid where the time value is below 1e-8 of the
price. Before the intrinsic value was carried from a double-double ln(F/K), these repriced up
to ~1,200 ulps off (an option worth 0.015 on a forward of 100 lost ε·100 to the rounding of F).
"""

from __future__ import annotations

import itertools
import math

import mpmath as mp
import pytest
from oracles import mp_bsm
from tolerances import IV_REPRICE_ULPS

import pricinglab as pl

Contract = tuple[str, float, float, float, float, float, float]


def _quantlib_grid() -> list[Contract]:
    out = []
    strikes = (90.0, 99.5, 100.0, 100.5, 110.0)
    days = (36, 180, 360, 1080)
    vols = (0.01, 0.2, 0.3, 0.7, 0.9)
    spots = (80.0, 95.0, 99.9, 100.0, 100.1, 105.0, 120.0)
    yields = (0.01, 0.05, 0.10)
    for kind, k, d, v, s, q, r in itertools.product(
        ("call", "put"), strikes, days, vols, spots, yields, yields
    ):
        out.append((kind, s, k, d / 360.0, r, q, v))
    return out


def _low_vol_grid() -> list[Contract]:
    """Just in the money by 0.5-6 standard deviations, vols 0.5-5 %, 1 day to 5 years."""
    out = []
    for kind, t, v, depth, (r, q) in itertools.product(
        ("call", "put"),
        (1 / 365, 7 / 365, 30 / 365, 0.25, 1.0, 5.0),
        (0.005, 0.01, 0.02, 0.05),
        (0.5, 1.0, 2.0, 4.0, 6.0),
        ((0.0, 0.0), (0.05, 0.02), (0.12, 0.0), (0.0, 0.12)),
    ):
        sd = v * math.sqrt(t)
        f = 100.0 * math.exp((r - q) * t)
        k = f * math.exp(-depth * sd if kind == "call" else depth * sd)
        out.append((kind, 100.0, k, t, r, q, v))
    return out


def _in_the_money(c: Contract) -> bool:
    kind, s, k, t, r, q, _ = c
    forward = s * math.exp((r - q) * t)
    return (forward > k) if kind == "call" else (forward < k)


def _reprice_error_ulps(c: Contract) -> tuple[float, float] | None:
    """(reprice error in price-ulps beyond the vol's rounding allowance, time value / price),
    or None when the rounded price carries no time value (nothing to invert)."""
    kind, s, k, t, r, q, v = c
    with mp.workdps(mp_bsm.DPS):
        exact = mp_bsm.price(kind, s, k, t, r, q, v)
        price = float(exact)
        intrinsic = mp_bsm.price(kind, s, k, t, r, q, 0.0)
        if price <= intrinsic:
            return None
        vol = pl.implied_vol(kind, price, s, k, t, r, q)
        repriced = mp_bsm.price(kind, s, k, t, r, q, vol)
        allowance = mp.mpf(0)
        if vol > 0.0:
            sm, km, tm, rm, qm = (mp.mpf(a) for a in (s, k, t, r, q))
            sd = vol * mp.sqrt(tm)
            d1 = (mp.log(sm / km) + (rm - qm) * tm) / sd + sd / 2
            vega = sm * mp.exp(-qm * tm) * mp.npdf(d1) * mp.sqrt(tm)
            allowance = vega * math.ulp(vol) / 2
        excess = max(abs(repriced - price) - allowance, mp.mpf(0))
        return float(excess) / math.ulp(price), float((price - intrinsic) / price)


@pytest.mark.parametrize(
    "grid", [_quantlib_grid, _low_vol_grid], ids=["quantlib-implied-vol", "low-vol-itm"]
)
def test_in_the_money_vols_reprice_to_a_few_ulps(grid: object) -> None:
    cases = [c for c in grid() if _in_the_money(c)]  # type: ignore[operator]
    results = [(c, _reprice_error_ulps(c)) for c in cases]
    checked = [(c, r) for c, r in results if r is not None]
    assert len(checked) > 0.9 * len(cases)
    # The grids must reach the hard corner: time value far below the price.
    assert any(tv < 1e-8 for _, (_, tv) in checked)
    bad = [(c, ulps) for c, (ulps, _) in checked if ulps > IV_REPRICE_ULPS]
    assert not bad, f"{len(bad)} of {len(checked)}, worst {max(bad, key=lambda b: b[1])}"
