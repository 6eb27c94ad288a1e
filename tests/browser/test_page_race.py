"""The race panel: the same Heston Monte Carlo in WASM on one worker, on all workers, and in pure
Python under Pyodide completes with prices that agree, and cancels (also mid-Python)."""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path
from typing import Any

import pytest
import QuantLib as ql  # type: ignore[import-untyped]
from playwright.sync_api import Page, expect

from pricinglab import reference

# Pyodide's first start in a fresh browser profile: loading ~10 MB and installing the wheel.
RACE_TIMEOUT_MS = 180_000
# The lanes use different random numbers (Philox vs Mersenne Twister): their prices are two
# independent estimates of one value, so their difference is within a few combined standard errors.
AGREEMENT_SIGMAS = 5.0
TIMES = "\u00d7"  # the multiplication sign of "2,000 x 40" and "26x"
NO_VALUE = "\u2013"  # an en dash: no value yet


def lane(page: Page, what: str, lane_id: str) -> str:
    return page.get_by_test_id(f"race-{what}-{lane_id}").inner_text()


def price_and_error(text: str) -> tuple[float, float]:
    price, error = text.split("±")
    return float(price), float(error)


def test_race_completes_with_agreeing_prices(lab: Page) -> None:
    lab.locator("#race-paths").fill("2000")
    lab.locator("#race-steps").fill("40")
    lab.get_by_role("button", name="Start the race").click()
    expect(lab.locator("#race")).to_have_attribute("data-state", "done", timeout=RACE_TIMEOUT_MS)

    # Same work in every lane, said on the panel and shown per lane.
    expect(lab.locator("#race")).to_contain_text("same number of paths and time steps")
    for lane_id in ["wasm1", "wasmN", "python"]:
        assert lane(lab, "size", lane_id) == f"2,000 {TIMES} 40"
        assert re.fullmatch(r"[\d.]+ (ms|s)", lane(lab, "time", lane_id))
    # One worker or many: the identical price (the pool reduces blocks in a fixed order).
    assert lane(lab, "price", "wasm1") == lane(lab, "price", "wasmN")
    wasm_price, wasm_se = price_and_error(lane(lab, "price", "wasm1"))
    py_price, py_se = price_and_error(lane(lab, "price", "python"))
    assert abs(wasm_price - py_price) < AGREEMENT_SIGMAS * math.hypot(wasm_se, py_se)
    assert lane(lab, "speed", "python") == f"1{TIMES} (baseline)"
    assert lane(lab, "speed", "wasm1").endswith(TIMES)


def test_race_cancels_during_python_and_runs_again(lab: Page) -> None:
    lab.locator("#race-paths").fill("400000")  # minutes of pure Python
    lab.locator("#race-steps").fill("50")
    lab.get_by_role("button", name="Start the race").click()
    expect(lab.get_by_test_id("race-status")).to_contain_text("Python:", timeout=RACE_TIMEOUT_MS)
    lab.locator("#race-cancel").click()
    expect(lab.locator("#race")).to_have_attribute("data-state", "cancelled", timeout=10_000)
    expect(lab.locator("#race-cancel")).to_be_disabled()
    assert lab.get_by_test_id("race-time-python").inner_text() == NO_VALUE

    # Python was interrupted, not killed: the next race reuses it and completes.
    lab.locator("#race-paths").fill("1000")
    lab.locator("#race-steps").fill("20")
    lab.get_by_role("button", name="Start the race").click()
    expect(lab.locator("#race")).to_have_attribute("data-state", "done", timeout=RACE_TIMEOUT_MS)


def test_race_cancels_before_python(lab: Page) -> None:
    lab.get_by_role("button", name="Start the race").click()
    lab.locator("#race-cancel").click()
    expect(lab.locator("#race")).to_have_attribute("data-state", "cancelled", timeout=10_000)
    expect(lab.get_by_role("button", name="Start the race")).to_be_enabled()


def test_race_rejects_bad_sizes_by_field(lab: Page) -> None:
    lab.locator("#race-paths").fill("0")
    lab.get_by_role("button", name="Start the race").click()
    expect(lab.locator("#error-race-paths")).to_contain_text("paths")
    expect(lab.locator("#race")).to_have_attribute("data-state", "error")


# --- The Python lane's own correctness (native CPython, no browser): it must price what the
# engine prices, or the race compares different work.


def _heston_qe() -> Any:
    path = Path(__file__).resolve().parents[2] / "web" / "workers" / "heston_qe.py"
    spec = importlib.util.spec_from_file_location("heston_qe", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _quantlib_heston(kind: str, p: dict[str, Any]) -> float:
    """QuantLib's AnalyticHestonEngine: an independent semi-analytic price."""
    today = ql.Date(1, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    maturity = today + ql.Period(round(365 * p["expiry"]), ql.Days)
    rate = ql.YieldTermStructureHandle(ql.FlatForward(today, p["rate"], dc))
    div = ql.YieldTermStructureHandle(ql.FlatForward(today, p["dividend"], dc))
    spot = ql.QuoteHandle(ql.SimpleQuote(p["spot"]))
    process = ql.HestonProcess(rate, div, spot, p["v0"], p["kappa"], p["theta"], p["xi"], p["rho"])
    option = ql.VanillaOption(
        ql.PlainVanillaPayoff(ql.Option.Call if kind == "call" else ql.Option.Put, p["strike"]),
        ql.EuropeanExercise(maturity),
    )
    option.setPricingEngine(ql.AnalyticHestonEngine(ql.HestonModel(process)))
    return float(option.NPV())


# The write-up's case (REFERENCES.md, "The seed's CPython Heston loop"): analytic put 5.485.
WRITE_UP = {
    "spot": 100.0,
    "strike": 100.0,
    "expiry": 1.0,
    "rate": 0.05,
    "dividend": 0.0,
    "v0": 0.04,
    "kappa": 1.5,
    "theta": 0.04,
    "xi": 0.3,
    "rho": -0.7,
    "paths": 20_000,
    "steps": 25,
    "seed": 11,
}
# Alan Lewis's reference (REFERENCES.md): call K=100 -> 16.070154917028834.
LEWIS = {
    **WRITE_UP,
    "rate": 0.01,
    "dividend": 0.02,
    "kappa": 4.0,
    "theta": 0.25,
    "xi": 1.0,
    "rho": -0.5,
}
LEWIS_CALL_100 = 16.070154917028834


@pytest.mark.parametrize("kind", ["call", "put"])
def test_python_lane_matches_quantlib_heston(kind: str) -> None:
    r = _heston_qe().heston_qe_mc({**WRITE_UP, "kind": kind})
    assert r["paths"] == WRITE_UP["paths"] and r["steps"] == WRITE_UP["steps"]
    assert abs(r["price"] - _quantlib_heston(kind, WRITE_UP)) < AGREEMENT_SIGMAS * r["std_error"]


def test_python_lane_matches_lewis_reference() -> None:
    r = _heston_qe().heston_qe_mc({**LEWIS, "kind": "call"})
    assert abs(r["price"] - LEWIS_CALL_100) < AGREEMENT_SIGMAS * r["std_error"]


def test_python_lane_without_vol_of_vol_is_black_scholes() -> None:
    p = {**WRITE_UP, "kind": "call", "xi": 0.0, "kappa": 0.0}  # variance stays at v0
    r = _heston_qe().heston_qe_mc(p)
    bs = reference.black_scholes("call", 100, 100, 1, 0.05, 0, 0.2)
    assert abs(r["price"] - bs) < AGREEMENT_SIGMAS * r["std_error"]
