"""American exercise on the lab page: the price, premium and Greeks it shows are the native
engine's (QuantLib-checked in tests/test_american.py), the boundary chart is drawn, and the
cases where early exercise never pays or pays at once say so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

import pricinglab as pl

# The page prints 10 significant digits.
DIGITS_TOL = 1e-9


def output(page: Page, testid: str) -> str:
    value: str = page.get_by_test_id(testid).evaluate("(el) => el.value")
    return value


def american_inputs(page: Page, kind: str, spot: str, dividend: str) -> None:
    page.select_option("#kind", kind)
    page.fill("#spot", spot)
    page.fill("#dividend", dividend)
    page.select_option("#exercise", "american")
    page.locator("#dividend").dispatch_event("input")


def test_american_put_matches_the_native_engine(lab: Page) -> None:
    expect(lab.locator("#american-row")).to_be_hidden()
    american_inputs(lab, "put", "95", "0.01")
    expect(lab.locator("#american-row")).to_be_visible()
    expect(lab.locator("#boundary-card")).to_be_visible()
    args = ("put", 95.0, 100.0, 1.0, 0.05, 0.01, 0.2)
    g = pl.american_greeks(*args)
    lab.wait_for_function("() => document.getElementById('american-price').value !== '\u2013'")
    assert float(output(lab, "american-price")) == pytest.approx(g["price"], rel=DIGITS_TOL)
    premium = g["price"] - pl.black_scholes(*args)
    assert float(output(lab, "american-premium")) == pytest.approx(premium, rel=1e-8)
    for name in ("delta", "gamma", "theta", "vega", "rho", "epsilon"):
        assert float(output(lab, f"american-{name}")) == pytest.approx(g[name], rel=DIGITS_TOL)
    # The chart has the boundary's points (uPlot draws to a canvas).
    expect(lab.locator("#chart-boundary canvas")).to_have_count(1)
    # The choice is part of the link.
    lab.wait_for_function("() => location.hash.includes('exercise=american')")


def test_never_and_at_once(lab: Page) -> None:
    # A call without dividends: never exercised early, the European price exactly.
    american_inputs(lab, "call", "100", "0")
    expect(lab.locator("#boundary-note")).to_contain_text("never pays")
    assert output(lab, "american-price") == output(lab, "price")
    # A put far in the money: exercised at once.
    american_inputs(lab, "put", "50", "0")
    expect(lab.get_by_test_id("american-exercised")).to_contain_text("exercise now")
    assert float(output(lab, "american-price")) == 50.0
