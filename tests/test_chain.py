"""``pricinglab.chain.read_chain``: chains in CSV (comma or semicolon, decimal commas), JSON and
records; forward and discount inferred by put-call parity recover the market they were priced
from; implied vols for bid, ask and mid are the engine's; bad rows are flagged, never dropped."""

from __future__ import annotations

import json
import math

import pytest

import pricinglab as pl
from pricinglab.chain import read_chain

SPOT, RATE, DIVIDEND = 100.0, 0.03, 0.015
EXPIRIES = (0.25, 1.0)
STRIKES = (80.0, 90.0, 100.0, 110.0, 120.0)
VOL = 0.22
HALF_SPREAD = 0.05
# Parity from prices rounded to nothing: the fit is exact to rounding.
FORWARD_REL_TOL = 1e-12
VOL_TOL = 1e-10


def quotes() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for t in EXPIRIES:
        for k in STRIKES:
            for kind in ("call", "put"):
                mid = pl.black_scholes(kind, SPOT, k, t, RATE, DIVIDEND, VOL)
                rows.append({"expiry": t, "strike": k, "type": kind[0].upper(),
                             "bid": mid - HALF_SPREAD, "ask": mid + HALF_SPREAD})  # fmt: skip
    return rows


def as_csv(rows: list[dict[str, object]], sep: str = ",", decimal: str = ".") -> str:
    head = sep.join(rows[0])
    body = [sep.join(str(v).replace(".", decimal) for v in r.values()) for r in rows]
    return "\n".join([head, *body])


@pytest.mark.parametrize("form", ["records", "csv", "semicolon-decimal-comma", "json"])
def test_forward_discount_and_vols_recovered(form: str) -> None:
    rows = quotes()
    source = {
        "records": rows,
        "csv": as_csv(rows),
        "semicolon-decimal-comma": as_csv(rows, ";", ","),
        "json": json.dumps(rows),
    }[form]
    chain = read_chain(source, spot=SPOT)
    assert chain.usable() == chain.rows
    for t in EXPIRIES:
        info = chain.expiries[t]
        assert info["forward"] == pytest.approx(
            SPOT * math.exp((RATE - DIVIDEND) * t), rel=FORWARD_REL_TOL
        )
        assert info["discount"] == pytest.approx(math.exp(-RATE * t), rel=FORWARD_REL_TOL)
        assert info["dividend"] == pytest.approx(DIVIDEND, abs=1e-10)
    for r in chain.rows:
        assert r["mid_vol"] == pytest.approx(VOL, abs=VOL_TOL)
        assert r["bid_vol"] < r["mid_vol"] < r["ask_vol"]


def test_bad_rows_are_flagged_not_dropped() -> None:
    rows = quotes()
    rows.append({"expiry": 1.0, "strike": 100.0, "type": "C", "bid": 9.0, "ask": 8.0})  # crossed
    rows.append(
        {"expiry": 1.0, "strike": 60.0, "type": "C", "bid": 1.0, "ask": 1.2}
    )  # below intrinsic
    rows.append({"expiry": 1.0, "strike": 90.0, "type": "X", "bid": 1.0, "ask": 1.2})
    rows.append({"expiry": 0.25, "strike": 80.0, "type": "C", "bid": 1.0, "ask": 1.2})  # duplicate
    chain = read_chain(rows, spot=SPOT)
    flags = {r["row"]: r["flags"] for r in chain.rows if r["flags"]}
    n = len(quotes())
    assert "crossed" in flags[n + 1][0]
    assert any("lower bound" in f for f in flags[n + 2])
    assert "kind 'X'" in flags[n + 3][0]
    assert flags[n + 4] == ["duplicate of row 1"]
    assert len(chain.rows) == n + 4


def test_a_mis_keyed_pair_does_not_move_the_forward() -> None:
    rows = quotes()
    rows[4]["bid"], rows[4]["ask"] = 30.0, 30.2  # strike 100 call at 1/4 year: a wrong quote
    chain = read_chain(rows, spot=SPOT)
    forward = chain.expiries[0.25]["forward"]
    assert forward == pytest.approx(SPOT * math.exp((RATE - DIVIDEND) * 0.25), rel=1e-9)


def test_dates_days_and_given_rates() -> None:
    text = "expiration,strike,kind,mid\n2025-03-31,100,call,5.1\n2025-03-31,100,put,4.9\n"
    with pytest.raises(AssertionError):
        assert not read_chain(text).rows[0]["flags"]  # a date needs as_of
    chain = read_chain(text, as_of="2025-01-01", spot=100.0, rate=0.02, dividend=0.0)
    row = chain.rows[0]
    assert row["expiry"] == pytest.approx(89 / 365)
    assert chain.expiries[row["expiry"]]["forward"] == pytest.approx(
        100 * math.exp(0.02 * 89 / 365)
    )
    days = read_chain("days,strike,kind,mid\n73,100,C,3\n73,100,P,2.5", rate=0.0)
    assert days.rows[0]["expiry"] == pytest.approx(0.2)
