"""calibrate_heston and heston_price in the browser's wasm engine, on the QuantLib-priced
surfaces of tests/test_calibration.py: the same recovery as natively."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_calibration import MODELS, PARAM_REL_TOL, RHO_ABS_TOL, quantlib_surface

import pricinglab as pl

# wasm and native run the same Rust: the fits agree far better than the recovery tolerance.
NATIVE_AGREEMENT = 1e-8
ROUGH_NATIVE_AGREEMENT = 1e-6


@pytest.mark.parametrize("name", ["equity-skew", "feller-violated"])
def test_wasm_recovers_quantlib_parameters(lab: Page, name: str) -> None:
    surface = quantlib_surface(MODELS[name])
    fit = lab.evaluate(
        "(p) => { const r = window.pricingLab.calibrate_heston(p);"
        " return {...r, model_price: Array.from(r.model_price)}; }",
        surface,
    )
    assert fit["converged"], fit["message"]
    model = MODELS[name]
    for key, expected in zip(("v0", "kappa", "theta", "xi"), model[:4], strict=True):
        assert fit[key] == pytest.approx(expected, rel=PARAM_REL_TOL), (key, fit)
    assert fit["rho"] == pytest.approx(model[4], abs=RHO_ABS_TOL)
    native = pl.calibrate_heston(surface)
    for key in ("v0", "kappa", "theta", "xi", "rho"):
        assert fit[key] == pytest.approx(native[key], rel=NATIVE_AGREEMENT, abs=NATIVE_AGREEMENT)


def test_wasm_heston_price_and_errors(lab: Page) -> None:
    args = ["put", 100, 90, 0.5, 0.03, 0.01, 0.05, 2.0, 0.04, 0.7, -0.6]
    price = lab.evaluate("(a) => window.pricingLab.heston_price(...a)", args)
    assert price == pytest.approx(pl.heston_price(*args), rel=1e-13)
    message = lab.evaluate(
        "(a) => { try { window.pricingLab.heston_price(...a); } catch (e) { return e.message; } }",
        [*args[:-1], 1.5],
    )
    assert message == "rho must be in [-1, 1] (got 1.5)"
    message = lab.evaluate(
        "() => { try { window.pricingLab.calibrate_heston({spot: 100}); }"
        " catch (e) { return e.message; } }"
    )
    assert message.startswith("rate is required")


def test_wasm_fit_svi_matches_native(lab: Page) -> None:
    from test_svi import SLICES, STRIKES, vols_of

    vols = vols_of(SLICES["skew"], STRIKES)
    fit = lab.evaluate("([k, v]) => window.pricingLab.fit_svi(k, v, 1, 100)", [STRIKES, vols])
    native = pl.fit_svi(STRIKES, vols, 1, 100)
    for key in ("a", "b", "rho", "m", "sigma"):
        assert fit[key] == pytest.approx(native[key], abs=NATIVE_AGREEMENT)
    assert fit["butterfly_free"] is True
    message = lab.evaluate(
        "() => { try { window.pricingLab.fit_svi([1, 2], [0.2, 0.2], 1, 100); }"
        " catch (e) { return e.message; } }"
    )
    assert "at least 5 quotes" in message


def test_wasm_fit_ssvi_matches_native(lab: Page) -> None:
    from test_ssvi import THETAS, TRUTH, quotes

    strike, vol, expiry = quotes(THETAS, TRUTH)
    fit = lab.evaluate(
        "([k, v, t]) => { const r = window.pricingLab.fit_ssvi(k, v, t, 100);"
        " return {...r, expiry: Array.from(r.expiry), theta: Array.from(r.theta)}; }",
        [strike, vol, expiry],
    )
    native = pl.fit_ssvi(strike, vol, expiry, 100)
    for key in ("rho", "eta", "gamma"):
        assert fit[key] == pytest.approx(native[key], abs=NATIVE_AGREEMENT)
    assert fit["theta"] == pytest.approx(native["theta"], rel=1e-15)
    assert fit["calendar_free"] is True and fit["butterfly_free"] is True


def test_wasm_parity_forward_matches_native(lab: Page) -> None:
    from test_parity import noisy_chain

    strikes, calls, puts, _ = noisy_chain(3)
    fit = lab.evaluate(
        "([k, c, p]) => { const r = window.pricingLab.parity_forward("
        "Float64Array.from(k), Float64Array.from(c.map((x) => x ?? NaN)),"
        " Float64Array.from(p.map((x) => x ?? NaN)));"
        " return {...r, used: Array.from(r.used)}; }",
        [strikes, [None if c != c else c for c in calls], [None if p != p else p for p in puts]],
    )
    native = pl.parity_forward(strikes, calls, puts)
    assert fit["forward"] == pytest.approx(native["forward"], rel=1e-15)
    assert fit["discount"] == pytest.approx(native["discount"], rel=1e-15)
    assert [bool(u) for u in fit["used"]] == native["used"]
    message = lab.evaluate(
        "() => { try { window.pricingLab.parity_forward([100], [1], [1, 2]); }"
        " catch (e) { return e.message; } }"
    )
    assert message == "put must have one price per strike (1); got 2"


def test_wasm_rough_heston_matches_native(lab: Page) -> None:
    # The same Rust in wasm and natively: prices to rounding, fits to ROUGH_NATIVE_AGREEMENT
    # (the two libms' exp/powf/sin_cos differ in the last ulp, and the fit's flattest direction,
    # hurst against xi, amplifies that: 2e-7 relative measured on a 66-quote surface).
    from test_rough_calibration import MODEL, oracle_surface

    args = ["put", 100, 90, 1.0, 0.02, 0.01, *MODEL.values(), 0.1]
    price = lab.evaluate("(a) => window.pricingLab.rough_heston_price(...a)", args)
    assert price == pytest.approx(pl.rough_heston_price(*args), rel=1e-13)
    surface = oracle_surface(0.3)
    fit = lab.evaluate(
        "(p) => { const r = window.pricingLab.calibrate_rough_heston(p);"
        " return {...r, model_price: Array.from(r.model_price)}; }",
        surface,
    )
    native = pl.calibrate_rough_heston(surface)
    assert fit["converged"] and fit["steps"] == native["steps"]
    for key in ("v0", "kappa", "theta", "xi", "rho", "hurst"):
        assert fit[key] == pytest.approx(native[key], rel=ROUGH_NATIVE_AGREEMENT)
    message = lab.evaluate(
        "(a) => { try { window.pricingLab.rough_heston_price(...a); }"
        " catch (e) { return e.message; } }",
        [*args[:-1], 0.1, 2.5],
    )
    assert message == "steps must be an integer in [1, 20000] (got 2.5)"
