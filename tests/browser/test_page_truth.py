"""The lab page tells the truth: number fields read strictly, an implausible vol gets a hint, a
Monte Carlo result never outlives the inputs it answered, a single sample has no standard
error, and the keyboard order and status texts read as they should."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pricinglab import reference

MC_TIMEOUT_MS = 60_000
NO_VALUE = "\u2013"
# The page prints prices to 10 significant digits.
PRICE_DIGITS_TOL = 1e-9


def output(page: Page, testid: str) -> str:
    value: str = page.get_by_test_id(testid).evaluate("(el) => el.value")
    return value


def expect_output(page: Page, testid: str, value: str) -> None:
    """Waits for an <output> to show ``value`` (outputs are not inputs for to_have_value)."""
    page.wait_for_function(
        "([id, v]) => document.querySelector(`[data-testid='${id}']`).value === v",
        arg=[testid, value],
    )


def wait_mc_done(page: Page) -> None:
    expect(page.get_by_test_id("mc-status")).to_contain_text(" s on ", timeout=MC_TIMEOUT_MS)


def type_into(page: Page, selector: str, text: str) -> None:
    """Types as a user does (a fill() would bypass the field's own handling of characters)."""
    page.locator(selector).click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.parametrize("text", ["100,5", "1e", "abc", "100.5.1"])
def test_a_number_field_rejects_what_is_not_a_number(lab: Page, text: str) -> None:
    type_into(lab, "#spot", text)
    expect(lab.locator("#error-spot")).to_contain_text(f'spot "{text}" is not a number')
    expect(lab.locator("#spot")).to_have_attribute("aria-invalid", "true")
    expect_output(lab, "price", NO_VALUE)


def test_a_decimal_comma_gets_a_hint_and_a_point_is_priced(lab: Page) -> None:
    type_into(lab, "#spot", "100,5")
    expect(lab.locator("#error-spot")).to_contain_text("decimals take a point (100.5)")
    type_into(lab, "#spot", "100.5")
    expect(lab.locator("#error-spot")).to_have_text("")
    expected = reference.black_scholes("call", 100.5, 100, 1, 0.05, 0, 0.2)
    lab.wait_for_function("() => document.getElementById('price').value !== '\u2013'")
    assert float(output(lab, "price")) == pytest.approx(expected, rel=PRICE_DIGITS_TOL)


def test_a_quote_with_a_decimal_comma_is_rejected(lab: Page) -> None:
    type_into(lab, "#quote", "10,45")
    expect(lab.locator("#error-price")).to_contain_text('price "10,45" is not a number')
    expect_output(lab, "quote-iv", NO_VALUE)


def test_an_implausible_vol_is_priced_with_a_hint(lab: Page) -> None:
    type_into(lab, "#vol", "20")
    expect(lab.locator("#error-vol")).to_contain_text("did you mean 0.2?")
    expected = reference.black_scholes("call", 100, 100, 1, 0.05, 0, 20)
    lab.wait_for_function("() => document.getElementById('price').value !== '\u2013'")
    assert float(output(lab, "price")) == pytest.approx(expected, rel=PRICE_DIGITS_TOL)
    type_into(lab, "#vol", "0.2")
    expect(lab.locator("#error-vol")).to_have_text("")


def test_a_result_is_cleared_the_moment_the_model_changes(lab: Page) -> None:
    lab.locator("#paths").fill("4000")  # small enough for rough Heston to run by itself too
    lab.get_by_label("Heston", exact=True).check()
    wait_mc_done(lab)
    assert output(lab, "mc-price") != NO_VALUE
    # Switch and look at once: no Heston number may stand under the rough Heston heading.
    shown = lab.evaluate(
        """() => {
            document.querySelector('input[name=model][value=rough_heston]').click();
            return [document.getElementById('mc-model').textContent,
                    document.getElementById('mc-price').value,
                    document.getElementById('mc').dataset.stale];
        }"""
    )
    assert shown == ["rough Heston", NO_VALUE, "true"]
    wait_mc_done(lab)
    expect(lab.locator("#mc")).not_to_have_attribute("data-stale", "true")


def test_a_cancelled_run_leaves_no_old_result(lab: Page) -> None:
    wait_mc_done(lab)
    lab.locator("#paths").fill("60000000")  # waits for Run
    expect(lab.get_by_test_id("mc-status")).to_contain_text("60,000,000 path-steps")
    expect_output(lab, "mc-price", NO_VALUE)


def test_escape_cancels_a_run(lab: Page) -> None:
    lab.get_by_label("Heston", exact=True).check()
    lab.locator("#paths").fill("20000000")
    expect(lab.get_by_test_id("mc-status")).to_contain_text("press Run")
    lab.get_by_role("button", name="Run", exact=True).click()
    expect(lab.locator("#mc-cancel")).to_be_enabled()
    lab.keyboard.press("Escape")
    expect(lab.get_by_test_id("mc-status")).to_have_text("cancelled")
    expect_output(lab, "mc-price", NO_VALUE)


def test_one_path_has_no_standard_error(lab: Page) -> None:
    lab.locator("#paths").fill("1")
    wait_mc_done(lab)
    expect(lab.get_by_test_id("mc-status")).to_contain_text("2 paths × 1 step in")
    expect_output(lab, "mc-std-error", "undefined (1 independent sample)")
    assert output(lab, "mc-ci").startswith(NO_VALUE)
    assert "exact" not in output(lab, "mc-compare")
    expect(lab.locator("#convergence-caption")).to_contain_text("no confidence band")


def test_tab_reaches_the_number_before_its_slider(lab: Page) -> None:
    lab.locator("#spot").focus()
    lab.keyboard.press("Tab")
    assert lab.evaluate("() => document.activeElement.id") == "spot-range"
    lab.keyboard.press("Tab")
    assert lab.evaluate("() => document.activeElement.id") == "strike"


def test_both_pages_link_the_api_reference(lab: Page, base_url: str) -> None:
    for path in ("/", "/notebook.html"):
        lab.goto(f"{base_url}{path}")
        link = lab.get_by_role("link", name="API reference").first
        expect(link).to_have_attribute("href", "docs/api.html")
    link.click()
    expect(lab.get_by_role("heading", level=1)).to_have_text("Pricing Lab API")
    expect(lab.locator("main")).to_contain_text("implied_vol_many")
    lab.get_by_role("link", name="Lab").click()
    lab.wait_for_selector("body[data-ready=true]", timeout=30_000)


def test_heston_shows_its_semi_analytic_price_and_checks_monte_carlo(lab: Page) -> None:
    from pricinglab.heston import heston_price

    lab.get_by_label("Heston", exact=True).check()
    expect(lab.locator("#model-price-row")).to_be_visible()
    lab.wait_for_function("() => document.getElementById('model-price').value !== '\u2013'")
    # The lab's defaults: S=K=100, T=1, r=0.05, q=0, v0=theta=0.04, kappa=1.5, xi=0.3, rho=-0.7.
    expected = heston_price("call", 100, 100, 1, 0.05, 0, 0.04, 1.5, 0.04, 0.3, -0.7)
    assert float(output(lab, "model-price")) == pytest.approx(expected, rel=PRICE_DIGITS_TOL)
    wait_mc_done(lab)
    expect(lab.locator("#mc-compare-label")).to_have_text("Heston (semi-analytic) is")
    z = float(output(lab, "mc-compare").split()[0])
    assert abs(z) < 5  # a fixed seed's run, well inside five standard errors
    expect(lab.locator("#convergence-caption")).to_contain_text("Heston (semi-analytic) price")

    lab.get_by_label("rough Heston").check()
    expect_output(lab, "model-price", "no fast semi-analytic price: see Monte Carlo below")
    lab.get_by_label("Black-Scholes", exact=True).check()
    expect(lab.locator("#model-price-row")).to_be_hidden()
