"""Monte Carlo path payoffs in Chromium: the wasm engine gives the native engine's doubles, and the
lab's Monte Carlo card prices them as a user sets them up (payoff, barrier, exercise dates),
with errors next to the field they name, and links that keep the payoff.

The native engine is itself checked against QuantLib in tests/test_mc_payoffs.py; here the wasm
build must agree with it to the last bit (GBM and Heston: the same fastmath, the same IEEE
arithmetic, the same order of reduction).
"""

from __future__ import annotations

from typing import Any

import mc_cases
import pytest
from playwright.sync_api import Page, expect

import pricinglab as pl

MC_TIMEOUT_MS = 60_000
# The card prints prices to 8 significant digits.
PRINTED_REL_TOL = 1e-7
IDENTICAL_MODELS = ("gbm", "heston")


def output(page: Page, testid: str) -> str:
    value: str = page.get_by_test_id(testid).evaluate("(el) => el.value")
    return value


def wait_mc_done(page: Page) -> None:
    expect(page.get_by_test_id("mc-status")).to_contain_text(" s on ", timeout=MC_TIMEOUT_MS)


CASES = [case for case in mc_cases.VALID_PAYOFFS if case[1]["model"] in IDENTICAL_MODELS]


@pytest.mark.browser
def test_wasm_path_payoffs_are_the_native_engines_doubles(lab: Page) -> None:
    params = [p for _, p, _ in CASES]
    wasm: list[dict[str, Any]] = lab.evaluate(
        "(cases) => cases.map((p) => window.pricingLab.monte_carlo(p))", params
    )
    for (name, p, _), got in zip(CASES, wasm, strict=True):
        native = pl.monte_carlo(p)
        assert got == native, name


def _page_params(**fields: Any) -> dict[str, Any]:
    """The card's run with the lab's default contract (S=K=100, T=1, r=0.05, q=0, vol 0.2)."""
    return {
        "model": "gbm", "kind": "call", "spot": 100.0, "strike": 100.0, "expiry": 1.0,
        "rate": 0.05, "dividend": 0.0, "vol": 0.2, "paths": 100_000, "seed": 1, **fields,
    }  # fmt: skip


@pytest.mark.browser
def test_the_card_prices_a_barrier_and_shows_it(lab: Page) -> None:
    expect(lab.locator("#barrier")).to_be_hidden()
    lab.locator("#payoff").select_option("up_and_out")
    expect(lab.locator("#barrier")).to_be_visible()
    lab.locator("#barrier").fill("130")
    wait_mc_done(lab)
    expected = pl.monte_carlo(_page_params(payoff="up_and_out", barrier=130.0))
    assert float(output(lab, "mc-price")) == pytest.approx(expected["price"], rel=PRINTED_REL_TOL)
    expect(lab.locator("#mc-compare-label")).to_have_text("The European option is")
    european = pl.black_scholes("call", 100.0, 100.0, 1.0, 0.05, 0.0, 0.2)
    assert float(output(lab, "mc-compare").split()[0]) == pytest.approx(european, rel=1e-7)
    expect(lab.locator("#mc-cv-label")).to_have_text("the European payoff, priced by Black-Scholes")
    expect(lab.locator("#paths-caption")).to_contain_text("the barrier dashed")
    # The link keeps the payoff and its barrier.
    lab.wait_for_function("() => location.hash.includes('barrier=130')")
    assert "payoff=up_and_out" in lab.evaluate("() => location.hash")


@pytest.mark.browser
def test_a_bad_barrier_or_exercise_count_is_shown_at_its_field(lab: Page) -> None:
    lab.locator("#payoff").select_option("down_and_in")
    lab.locator("#barrier").fill("-5")
    expect(lab.locator("#error-barrier")).to_contain_text("barrier must be > 0")
    expect(lab.get_by_test_id("mc-status")).to_contain_text("not run: see barrier")
    lab.locator("#payoff").select_option("bermudan")
    expect(lab.locator("#barrier")).to_be_hidden()
    expect(lab.locator("#exercise_dates")).to_be_visible()
    lab.locator("#exercise_dates").fill("0")
    expect(lab.locator("#error-exercise_dates")).to_contain_text(
        "exercise_dates must be an integer in [1, 512]"
    )
    lab.locator("#exercise_dates").fill("4")
    wait_mc_done(lab)
    expect(lab.locator("#error-exercise_dates")).to_have_text("")
    expect(lab.get_by_test_id("mc-status")).to_contain_text("× 4 steps in")
    expected = pl.monte_carlo(_page_params(payoff="bermudan", exercise_dates=4))
    assert float(output(lab, "mc-price")) == pytest.approx(expected["price"], rel=PRINTED_REL_TOL)


@pytest.mark.browser
def test_an_american_put_by_lsm_is_compared_with_the_exact_price(base_url: str, page: Page) -> None:
    page.goto(f"{base_url}/#kind=put&payoff=american&steps=50&paths=20000")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    expect(page.locator("#payoff")).to_have_value("american")
    wait_mc_done(page)
    expect(page.locator("#mc-compare-label")).to_have_text("the American (QD+) is")
    compare = output(page, "mc-compare")
    assert "Longstaff-Schwartz extrapolated from two Bermudans" in compare
    exact = pl.american("put", 100.0, 100.0, 1.0, 0.05, 0.0, 0.2)
    assert f"{exact:.7g}"[:6] in compare
    expected = pl.monte_carlo(_page_params(kind="put", payoff="american", steps=50, paths=20_000))
    assert float(output(page, "mc-price")) == pytest.approx(expected["price"], rel=PRINTED_REL_TOL)
    control = page.locator("#mc-cv-label")
    expect(control).to_have_text("the European price at exercise, by Black-Scholes")
