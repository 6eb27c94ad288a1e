"""The race panel: the same Heston Monte Carlo in WASM on one worker, on all workers, and in pure
Python under Pyodide (pricinglab.reference_mc, whose own agreement with the engine and with
QuantLib is tested in tests/) completes with prices that agree, and cancels (also mid-Python)."""

from __future__ import annotations

import math
import re

from playwright.sync_api import Page, expect

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
    expect(lab.get_by_test_id("race-status")).to_contain_text("Python: ", timeout=RACE_TIMEOUT_MS)
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
