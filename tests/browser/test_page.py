"""The lab page in Chromium: controls drive the charts, the URL hash round-trips the view, the
Monte Carlo card shows progress and cancels, the smile comes from pasted quotes, keyboard and
narrow-screen use, light and dark. Every test also fails on any console or page error
(``page_errors``, through the ``lab`` fixture)."""

from __future__ import annotations

import math
from typing import Any

from playwright.sync_api import Page, expect

# Seconds are generous on purpose: two shared cores, several browsers at once.
MC_TIMEOUT_MS = 60_000
# Implied vols of a call and a put at the same strike, from prices that satisfy put-call parity
# to ~1e-15: Let's Be Rational recovers both to machine precision, so they agree to far better.
PARITY_VOL_TOL = 1e-9

NO_VALUE = "\u2013"  # what an output shows when there is nothing to show (an en dash)

CHARTS = ["chart-spot", "chart-expiry", "chart-smile", "chart-paths", "chart-convergence"]

# Alan Lewis's Heston reference prices (docs/references.md; QuantLib's test-suite):
# S=100, r=0.01, q=0.02, T=1, v0=0.04, kappa=4, theta=0.25, xi=1, rho=-0.5.
LEWIS = [
    (80, 26.774758743998854, 7.958878113256768),
    (90, 20.933349000596710, 12.017966707346305),
    (100, 16.070154917028834, 17.055270961270109),
    (110, 12.132211516709845, 23.017825898442801),
    (120, 9.024913483457836, 29.811026202682472),
]


def canvas_stats(page: Page, testid: str) -> dict[str, Any]:
    """How much of a chart's canvas is painted, and a checksum of its pixels."""
    stats: dict[str, Any] = page.locator(f'[data-testid="{testid}"]').evaluate(
        """(el) => {
            const c = el.querySelector("canvas");
            if (!c || !c.width || !c.height) return {painted: 0, sum: 0, points: el.dataset.points};
            const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let painted = 0, sum = 0;
            for (let i = 0; i < d.length; i += 4) {
                if (!d[i + 3]) continue;
                painted++;
                sum = (sum * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) % 1000000007;
            }
            return {painted, sum, points: Number(el.dataset.points)};
        }"""
    )
    return stats


def wait_mc_done(page: Page) -> None:
    expect(page.get_by_test_id("mc-status")).to_contain_text(" s on ", timeout=MC_TIMEOUT_MS)


def output(page: Page, testid: str) -> str:
    value: str = page.get_by_test_id(testid).evaluate("(el) => el.value")
    return value


def test_every_chart_is_drawn(lab: Page) -> None:
    lab.get_by_role("button", name="Example: Lewis's Heston prices").click()
    wait_mc_done(lab)
    for testid in CHARTS:
        stats = canvas_stats(lab, testid)
        assert stats["points"] > 0, testid
        assert stats["painted"] > 1000, f"{testid} canvas looks empty: {stats}"


def test_controls_drive_the_greek_charts(lab: Page) -> None:
    before = canvas_stats(lab, "chart-spot")
    lab.get_by_label("Plot").select_option("gamma")
    after = canvas_stats(lab, "chart-spot")
    assert after["sum"] != before["sum"]
    assert lab.locator("#chart-spot .u-axis").first.is_visible()

    # The slider moves the number field (and the price and the curve's marker), and back.
    expiry_before = canvas_stats(lab, "chart-expiry")
    price_before = output(lab, "price")
    lab.get_by_label("Spot slider").fill("130")
    expect(lab.locator("#spot")).to_have_value("130")
    assert output(lab, "price") != price_before
    assert canvas_stats(lab, "chart-expiry")["sum"] != expiry_before["sum"]
    lab.locator("#spot").fill("90")
    expect(lab.get_by_label("Spot slider")).to_have_value("90")


def test_invalid_input_clears_the_charts_and_names_the_field(lab: Page) -> None:
    lab.locator("#vol").fill("-1")
    expect(lab.locator("#error-vol")).to_contain_text("vol")
    expect(lab.locator("#vol")).to_have_attribute("aria-invalid", "true")
    assert canvas_stats(lab, "chart-spot")["points"] == 0
    lab.locator("#vol").fill("0.3")
    expect(lab.locator("#error-vol")).to_have_text("")
    assert canvas_stats(lab, "chart-spot")["points"] > 0


def test_model_switch_shows_the_models_inputs(lab: Page) -> None:
    expect(lab.locator("#v0")).to_be_hidden()
    lab.get_by_label("Heston", exact=True).check()
    expect(lab.locator("#v0")).to_be_visible()
    expect(lab.locator("#hurst")).to_be_hidden()
    expect(lab.locator("#mc-model")).to_have_text("Heston")
    lab.get_by_label("rough Heston").check()
    expect(lab.locator("#hurst")).to_be_visible()
    lab.get_by_label("Black-Scholes", exact=True).check()
    expect(lab.locator("#mc-off")).to_be_visible()
    expect(lab.locator("#mc-run")).to_be_disabled()
    expect(lab.locator("#paths")).to_be_hidden()


def test_gbm_monte_carlo_agrees_with_black_scholes(lab: Page) -> None:
    wait_mc_done(lab)
    price = float(output(lab, "price"))
    low, high = (float(x) for x in output(lab, "mc-ci").strip("[]").split(","))
    se = float(output(lab, "mc-std-error"))
    # A 95% interval misses now and then; five standard errors is a fixed seed's safe margin.
    assert low - 3 * se < price < high + 3 * se


def test_monte_carlo_progress_and_cancel(lab: Page) -> None:
    lab.get_by_label("Heston", exact=True).check()
    lab.locator("#paths").fill("20000000")  # far beyond the auto-run size: waits for Run
    expect(lab.get_by_test_id("mc-status")).to_contain_text("press Run")
    lab.get_by_role("button", name="Run", exact=True).click()
    expect(lab.locator("#mc-cancel")).to_be_enabled()
    progress = "() => document.getElementById('mc-progress').value > 0"
    lab.wait_for_function(progress, timeout=MC_TIMEOUT_MS)
    lab.locator("#mc-cancel").click()
    expect(lab.get_by_test_id("mc-status")).to_have_text("cancelled")
    expect(lab.locator("#mc-cancel")).to_be_disabled()
    # The pool recovers: a small run afterwards completes.
    lab.locator("#paths").fill("20000")
    wait_mc_done(lab)
    assert math.isfinite(float(output(lab, "mc-price")))


def test_monte_carlo_error_is_shown_by_its_field(lab: Page) -> None:
    lab.get_by_label("rough Heston").check()
    lab.locator("#hurst").fill("0.7")
    expect(lab.locator("#error-hurst")).to_contain_text("hurst", timeout=MC_TIMEOUT_MS)
    expect(lab.get_by_test_id("mc-price")).to_have_text(NO_VALUE)


def test_url_state_round_trips(lab: Page, base_url: str) -> None:
    lab.get_by_label("rough Heston").check()
    lab.locator("#kind").select_option("put")
    lab.locator("#spot").fill("117.5")
    lab.locator("#rho").fill("-0.35")
    lab.locator("#hurst").fill("0.2")
    lab.locator("#seed").fill("42")
    lab.get_by_label("Plot").select_option("vanna")
    lab.locator("#smile-csv").fill("strike,price\n110,14.2\n120,9.9")
    lab.locator("#race-paths").fill("3000")
    lab.wait_for_function("() => location.hash.includes('race_paths=3000')")
    url = lab.url
    assert "model=rough_heston" in url and "spot=117.5" in url

    lab.goto("about:blank")
    lab.goto(url)
    lab.wait_for_selector("body[data-ready=true]")
    assert lab.locator('input[name="model"]:checked').get_attribute("value") == "rough_heston"
    expect(lab.locator("#kind")).to_have_value("put")
    expect(lab.locator("#spot")).to_have_value("117.5")
    expect(lab.get_by_label("Spot slider")).to_have_value("117.5")
    expect(lab.locator("#rho")).to_have_value("-0.35")
    expect(lab.locator("#hurst")).to_be_visible()
    expect(lab.locator("#hurst")).to_have_value("0.2")
    expect(lab.locator("#seed")).to_have_value("42")
    expect(lab.get_by_label("Plot")).to_have_value("vanna")
    expect(lab.locator("#smile-csv")).to_have_value("strike,price\n110,14.2\n120,9.9")
    expect(lab.locator("#race-paths")).to_have_value("3000")
    expected = lab.evaluate("() => pricingLab.black_scholes('put', 117.5, 100, 1, 0.05, 0, 0.2)")
    assert float(output(lab, "price")) == float(f"{expected:.10g}")


def test_defaults_make_an_empty_hash(lab: Page) -> None:
    lab.locator("#spot").fill("101")
    lab.wait_for_function("() => location.hash === '#spot=101'")
    lab.locator("#spot").fill("100")
    lab.wait_for_function("() => location.hash === ''")


def test_smile_from_pasted_quotes(lab: Page) -> None:
    lab.get_by_role("button", name="Example: Lewis's Heston prices").click()
    expect(lab.locator("#rate")).to_have_value("0.01")
    rows = lab.get_by_test_id("smile-body").locator("tr")
    expect(rows).to_have_count(2 * len(LEWIS))
    assert canvas_stats(lab, "chart-smile")["points"] == len(LEWIS)
    vols: dict[tuple[str, float], float] = {}
    for i in range(rows.count()):
        data = rows.nth(i).evaluate("(tr) => ({...tr.dataset})")
        vols[(data["kind"], float(data["strike"]))] = float(data["vol"])
    for strike, _, _ in LEWIS:
        assert abs(vols[("call", strike)] - vols[("put", strike)]) < PARITY_VOL_TOL
    # Heston with rho < 0: the smile slopes down (a skew).
    assert vols[("call", 80)] > vols[("call", 100)] > vols[("call", 120)]

    # A quote above the no-arbitrage upper bound is reported on its line, the rest still plotted.
    lab.locator("#smile-csv").fill("strike,price,kind\n100,16.07,call\n100,500,call\nabc")
    expect(lab.get_by_test_id("smile-errors")).to_contain_text("line 3")
    expect(lab.get_by_test_id("smile-errors")).to_contain_text("upper bound")
    expect(lab.get_by_test_id("smile-errors")).to_contain_text("line 4")


def test_keyboard_and_labels(lab: Page) -> None:
    # Every control has an accessible name.
    unnamed = lab.evaluate(
        """() => [...document.querySelectorAll("input, select, textarea, button")]
             .filter((el) => !(el.labels?.length || el.getAttribute("aria-label")
                               || el.textContent.trim()))
             .map((el) => el.id || el.outerHTML)"""
    )
    assert unnamed == []
    # Arrow keys on a focused slider step the value; the price follows.
    slider = lab.get_by_label("Volatility slider")
    slider.focus()
    price = output(lab, "price")
    lab.keyboard.press("ArrowRight")
    expect(lab.locator("#vol")).to_have_value("0.205")
    assert output(lab, "price") != price
    # The model radios are one tab stop; arrows move between them.
    lab.get_by_label("GBM", exact=True).focus()
    lab.keyboard.press("ArrowRight")
    expect(lab.get_by_label("Heston", exact=True)).to_be_checked()
    expect(lab.locator("#v0")).to_be_visible()


def test_light_and_dark(lab: Page) -> None:
    theme = lab.get_by_role("button", name="Colour theme")
    before = canvas_stats(lab, "chart-spot")
    background = lab.evaluate("() => getComputedStyle(document.body).backgroundColor")
    theme.click()  # auto -> light
    theme.click()  # light -> dark
    assert lab.evaluate("() => document.documentElement.dataset.theme") == "dark"
    assert lab.evaluate("() => getComputedStyle(document.body).backgroundColor") != background
    assert canvas_stats(lab, "chart-spot")["sum"] != before["sum"]  # redrawn in dark colours
    lab.reload()
    lab.wait_for_selector("body[data-ready=true]")
    assert lab.evaluate("() => document.documentElement.dataset.theme") == "dark"  # remembered


def test_narrow_screen(page: Page, base_url: str, page_errors: list[str]) -> None:
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{base_url}/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    wait_mc_done(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a 360px screen"
    for testid in ["chart-spot", "chart-paths"]:
        assert canvas_stats(page, testid)["painted"] > 1000
        width = page.get_by_test_id(testid).evaluate("(el) => el.getBoundingClientRect().width")
        assert width <= 360


def test_variance_paths_for_stochastic_vol(lab: Page) -> None:
    expect(lab.locator("#paths-show")).to_be_hidden()  # GBM: the variance is constant
    lab.get_by_label("Heston", exact=True).check()
    wait_mc_done(lab)
    spot = canvas_stats(lab, "chart-paths")
    lab.get_by_label("Paths of the").select_option("variance")
    expect(lab.locator("#paths-caption")).to_contain_text("variance")
    assert canvas_stats(lab, "chart-paths")["sum"] != spot["sum"]
    lab.wait_for_function("() => location.hash.includes('paths_show=variance')")
