"""The Market card end to end: the example chain in, a smile per expiry (free of butterfly
arbitrage by its diagnostics), Heston calibrated near the parameters the chain was generated
from, and the fitted parameters loaded into the lab."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

import pricinglab as pl

CHAIN = Path(__file__).resolve().parents[2] / "web" / "examples" / "chain_heston.csv"
SPOT, RATE, DIVIDEND = 100.0, 0.03, 0.01
# scripts/sample_chain.py's model; the quotes carry spreads and cent rounding, so the fit is
# close, not exact.
TRUE = {"v0": 0.04, "kappa": 2.0, "theta": 0.05, "xi": 0.6, "rho": -0.7}
FIT_TIMEOUT_MS = 30_000


def fit_example(lab: Page) -> None:
    lab.get_by_role("button", name="Example chain").click()
    expect(lab.locator("#market-csv")).not_to_have_value("")
    lab.get_by_role("button", name="Fit smiles and Heston").click()
    expect(lab.get_by_test_id("market-status")).to_contain_text("fitted", timeout=FIT_TIMEOUT_MS)


def test_example_chain_is_fitted(lab: Page) -> None:
    fit_example(lab)
    rows = lab.get_by_test_id("market-body").locator("tr")
    expect(rows).to_have_count(6)
    data = rows.evaluate_all("(trs) => trs.map((tr) => ({...tr.dataset}))")
    assert all(d["butterflyFree"] == "true" for d in data), data
    assert all(float(d["rmseVol"]) < 0.01 for d in data), data
    expect(lab.get_by_test_id("market-errors")).to_have_text("")
    heston = lab.get_by_test_id("market-heston")
    assert float(heston.get_attribute("data-v0") or "nan") == pytest.approx(TRUE["v0"], abs=0.005)
    assert float(heston.get_attribute("data-rmse-vol") or "nan") < 0.01
    assert lab.get_by_test_id("chart-market").get_attribute("data-series") == "12"
    surface = lab.get_by_test_id("market-surface")
    assert surface.get_attribute("data-calendar-free") == "true"
    assert surface.get_attribute("data-butterfly-free") == "true"
    assert lab.get_by_test_id("chart-surface").get_attribute("data-series") == "6"


def test_page_smile_matches_native_python(lab: Page) -> None:
    """The 30-day SVI fit of the page against pl.fit_svi on the same out-of-the-money mids,
    read here with pl.read_chain (the forward by put-call parity at the lab's rate)."""
    fit_example(lab)
    t = 30 / 365
    chain = pl.read_chain(CHAIN, spot=SPOT, rate=RATE)
    forward, dividend = chain.expiries[t]["forward"], chain.expiries[t]["dividend"]
    quotes = [
        r for r in chain.rows
        if r["expiry"] == t and (r["kind"] == "put") == (r["strike"] < forward)
    ]  # fmt: skip
    strikes = [r["strike"] for r in quotes]
    vols = [
        pl.implied_vol(r["kind"], r["mid"], SPOT, r["strike"], t, RATE, dividend) for r in quotes
    ]
    native = pl.fit_svi(strikes, vols, t, forward)
    cells = lab.get_by_test_id("market-body").locator("tr").first.locator("td")
    shown = [float(x) for x in cells.nth(3).inner_text().split(",")]
    expected = [native[k] for k in ("a", "b", "rho", "m", "sigma")]
    assert shown == pytest.approx(expected, rel=1e-3, abs=1e-4)  # shown to 4 digits


def test_forwards_come_from_put_call_parity(lab: Page) -> None:
    """Each expiry's forward is the parity fit of its call-put pairs, whatever the lab's dividend
    says: with the dividend field wrong (5 % instead of the chain's 1 %) the page shows the same
    forwards as pl.read_chain, and they are the chain's market (r 3 %, q 1 %) to a few cents."""
    lab.get_by_role("button", name="Example chain").click()
    expect(lab.locator("#market-csv")).not_to_have_value("")
    lab.locator("#dividend").fill("0.05")
    lab.get_by_role("button", name="Fit smiles and Heston").click()
    expect(lab.get_by_test_id("market-status")).to_contain_text("fitted", timeout=FIT_TIMEOUT_MS)
    shown = json.loads(lab.get_by_test_id("market-forwards").get_attribute("data-forwards") or "[]")
    chain = pl.read_chain(CHAIN, spot=SPOT, rate=RATE)
    assert [f["expiry"] for f in shown] == sorted(chain.expiries)
    for f in shown:
        info = chain.expiries[f["expiry"]]
        assert f["forward"] == pytest.approx(info["forward"], rel=1e-13)
        assert f["dividend"] == pytest.approx(info["dividend"], rel=1e-9, abs=1e-12)
        assert f["forward"] == pytest.approx(
            SPOT * math.exp((RATE - DIVIDEND) * f["expiry"]), abs=0.05
        )
    expect(lab.get_by_test_id("market-forwards")).to_contain_text(
        "Forwards by put-call parity: 30 d"
    )
    heston = lab.get_by_test_id("market-heston")
    assert float(heston.get_attribute("data-v0") or "nan") == pytest.approx(TRUE["v0"], abs=0.005)


def test_fitted_parameters_load_into_the_lab(lab: Page) -> None:
    fit_example(lab)
    v0 = float(lab.get_by_test_id("market-heston").get_attribute("data-v0") or "nan")
    lab.get_by_role("button", name="Use these Heston parameters").click()
    expect(lab.locator('input[name="model"][value="heston"]')).to_be_checked()
    assert float(lab.locator("#v0").input_value()) == pytest.approx(v0, rel=1e-5)
    lab.wait_for_function("() => document.getElementById('model-price').value !== '\\u2013'")


def test_a_bad_chain_says_why(lab: Page) -> None:
    lab.locator("#market-csv").fill("days,strike,type,bid,ask\n30,100,C,5,4\n30,abc,P,1,2")
    lab.get_by_role("button", name="Fit smiles and Heston").click()
    expect(lab.get_by_test_id("market-status")).to_have_text("no usable quotes")
    errors = lab.get_by_test_id("market-errors")
    expect(errors).to_contain_text("line 2: bid 5 is above ask 4 (a crossed quote)")
    expect(errors).to_contain_text('line 3: strike "abc" is not a number')


def test_published_dax_chain_fits_as_well_as_quantlib(lab: Page) -> None:
    """The DAX example (Sepp 2003, scripts/dax_chain.py): a rate per row, one smile per maturity,
    and a Heston fit whose implied-vol rmse is no worse than QuantLib-Python's own calibration
    of the published vols on the same maturities and zero rates (tests/oracles/sepp_dax.py)."""
    from oracles import sepp_dax

    lab.get_by_role("button", name="DAX 2002 (Sepp)").click()
    expect(lab.locator("#spot")).to_have_value("4468.17")
    lab.get_by_role("button", name="Fit smiles and Heston").click()
    expect(lab.get_by_test_id("market-status")).to_contain_text(
        "104 quotes over 8 expiries fitted", timeout=FIT_TIMEOUT_MS
    )
    expect(lab.get_by_test_id("market-errors")).to_have_text("")
    expect(lab.get_by_test_id("market-body").locator("tr")).to_have_count(8)
    heston = lab.get_by_test_id("market-heston")
    assert heston.get_attribute("data-converged") == "true"
    page_rmse = float(heston.get_attribute("data-rmse-vol") or "nan")
    strikes, days, vols = [], [], []
    for j, d in enumerate(sepp_dax.DAYS):
        for i, k in enumerate(sepp_dax.STRIKES):
            strikes.append(float(k))
            days.append(d)
            vols.append(sepp_dax.VOLS[i][j])
    ql_rmse = math.sqrt(sepp_dax.quantlib_calibration_error(strikes, days, vols) / 104) / 100
    assert page_rmse <= ql_rmse * (1 + 1e-6), (page_rmse, ql_rmse)
    assert page_rmse > 0.5 * ql_rmse  # a real market: Heston leaves errors of about a vol point


def _ssvi_vol(fit: dict[str, Any], t: float, k: float) -> float:
    """sqrt(w/T) of the SSVI surface (Gatheral & Jacquier 2014, eqs. (4.1), (4.5)), the ATM
    total variance linear in T between the fitted expiries."""
    ts, thetas = fit["expiry"], fit["theta"]
    e = 0
    while e < len(ts) - 2 and ts[e + 1] < t:
        e += 1
    f = min(1.0, max(0.0, (t - ts[e]) / (ts[e + 1] - ts[e])))
    theta = thetas[e] + f * (thetas[e + 1] - thetas[e])
    rho, eta, gamma = fit["rho"], fit["eta"], fit["gamma"]
    phi = eta / (theta**gamma * (1 + theta) ** (1 - gamma))
    w = theta / 2 * (1 + rho * phi * k + math.sqrt((phi * k + rho) ** 2 + 1 - rho**2))
    return math.sqrt(w / t)


def test_surface_heatmap_shows_the_ssvi_vols(lab: Page) -> None:
    """The heatmap's range is the SSVI surface's implied vol over its grid (24 expiries from the
    first to the last, evenly spaced in sqrt(T); 41 log-moneyness points in [-0.5, 0.5]),
    recomputed here from the fitted parameters the card shows."""
    fit_example(lab)
    box = lab.get_by_test_id("heatmap-surface")
    expect(box.locator("svg rect").first).to_be_visible()
    assert int(box.get_attribute("data-cells") or "0") == 24 * 41
    label = box.locator("svg").get_attribute("aria-label") or ""
    assert label.startswith("SSVI implied vol over log-moneyness and expiry: from ")
    fit = json.loads(lab.get_by_test_id("market-surface").get_attribute("data-fit") or "{}")
    a, b = math.sqrt(fit["expiry"][0]), math.sqrt(fit["expiry"][-1])
    vols = [
        _ssvi_vol(fit, (a + (b - a) * i / 23) ** 2, -0.5 + j / 40)
        for i in range(24)
        for j in range(41)
    ]
    assert float(box.get_attribute("data-min") or "nan") == pytest.approx(min(vols), rel=1e-12)
    assert float(box.get_attribute("data-max") or "nan") == pytest.approx(max(vols), rel=1e-12)
