"""Deterministic Black-Scholes-Merton contracts spread over the whole domain, shared by the
reference tests and the browser tests (so both check the same corners)."""

from __future__ import annotations

import math
import random

import mpmath as mp
from oracles import mp_bsm
from tolerances import IV_MAX_AMPLIFICATION

KINDS = ("call", "put")
Case = tuple[str, float, float, float, float, float, float]


def grid(n: int, seed: int) -> list[Case]:
    """``n`` contracts: both kinds, strikes from 12 standard deviations in the money to 12 out,
    expiries from one hour to 30 years, vols from 0.5 % to 300 %, dividends, negative rates
    (``random.Random`` is stable across Python versions)."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for i in range(n):
        kind = KINDS[i % 2]
        spot = 10.0 ** rng.uniform(-1.0, 4.0)
        expiry = math.exp(rng.uniform(math.log(1.0 / 8760.0), math.log(30.0)))
        vol = math.exp(rng.uniform(math.log(0.005), math.log(3.0)))
        rate = rng.uniform(-0.03, 0.12)
        dividend = 0.0 if i % 3 == 0 else rng.uniform(-0.01, 0.08)
        # Strike k standard deviations from the forward: |k| <= 12 spans deep ITM to deep OTM.
        k = rng.uniform(-12.0, 12.0) if i % 5 else rng.uniform(-1.0, 1.0)
        strike = spot * math.exp((rate - dividend) * expiry - k * vol * math.sqrt(expiry))
        if i % 50 == 0:
            strike = spot  # exactly at the money spot
        cases.append((kind, spot, strike, expiry, rate, dividend, vol))
    return cases


def determined(case: Case) -> bool:
    """Whether a double-precision price pins the vol down (see IV_MAX_AMPLIFICATION)."""
    exact = mp_bsm.price_float(*case)
    with mp.workdps(mp_bsm.DPS):
        vega = float(mp_bsm.greek("vega", *case))
    vol = case[6]
    return exact > 1e-280 and vega * vol > 0.0 and exact / (vega * vol) < IV_MAX_AMPLIFICATION


def describe(case: Case) -> str:
    return "{}(S={!r}, K={!r}, T={!r}, r={!r}, q={!r}, vol={!r})".format(*case)
