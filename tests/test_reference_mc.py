"""The pure-Python Monte Carlo (pricinglab.reference_mc) against independent references.

- GBM prices and bump-and-reprice Greeks against Black-Scholes (pricinglab.reference, itself
  checked against mpmath in test_reference.py), within 4 standard errors.
- Heston (Andersen's QE) against the semi-analytic pricinglab.heston.heston_price: Lewis's
  published table case and a case violating Feller's condition; with xi = 0 against
  Black-Scholes, Greeks included (vega's convention).
- Rough Heston (the iVi scheme on the kernel's lift) against docs/references.md's values.
- The estimator's rules (paths counts mirrors, control variate from 64 samples, s.e. 0 for a
  single sample), the martingale property of every scheme, limits, overflow, and validation
  (the same table of params and messages as the wasm engine, tests/mc_cases.py).

Path counts are small so the file runs in seconds; every check is a 4-s.e. bound, so the
path count changes the power of a check, not its false-alarm rate.
"""

from __future__ import annotations

import math
import random
from typing import Any

import mc_cases
import pytest
from tolerances import (
    MC_KERNEL_MEMORY_REL_TOL,
    MC_SE_CALIBRATION_REL_TOL,
    MC_SE_SCALING_REL_TOL,
    MC_STD_ERRORS,
)

from pricinglab import PricingError, reference, reference_mc
from pricinglab._mc_rough import collocation, inverse_gaussian, kernel_factors
from pricinglab.heston import heston_price

CONTRACT = ("kind", "spot", "strike", "expiry", "rate", "dividend")
HESTON_FIELDS = ("v0", "kappa", "theta", "xi", "rho")


def _within(got: float, exact: float, std_error: float) -> bool:
    return abs(got - exact) <= MC_STD_ERRORS * std_error


def _args(params: dict[str, Any], names: tuple[str, ...]) -> list[Any]:
    return [params[n] for n in names]


# ---------------------------------------------------------------------------- GBM

GBM_CASES = [
    {"kind": "call", "spot": 100.0, "strike": 100.0, "expiry": 1.0, "rate": 0.05,
     "dividend": 0.0, "vol": 0.2},
    {"kind": "put", "spot": 100.0, "strike": 110.0, "expiry": 0.5, "rate": 0.03,
     "dividend": 0.02, "vol": 0.35, "steps": 12},
    {"kind": "call", "spot": 50.0, "strike": 40.0, "expiry": 2.0, "rate": -0.01,
     "dividend": 0.01, "vol": 0.5, "antithetic": False},
]  # fmt: skip


@pytest.mark.parametrize("params", GBM_CASES)
def test_gbm_within_standard_errors_of_black_scholes(params: dict[str, Any]) -> None:
    result = reference.monte_carlo(model="gbm", paths=20_000, seed=11, **params)
    exact = reference.black_scholes(*_args(params, (*CONTRACT, "vol")))
    assert 0.0 < result["std_error"] < 0.02 * exact
    assert _within(result["price"], exact, result["std_error"]), (result, exact)
    assert result["ci_low"] < result["price"] < result["ci_high"]
    assert result["paths"] == 20_000 and result["steps"] == params.get("steps", 1)
    assert result["control_variate"] and result["std_error"] < result["std_error_without_control"]


@pytest.mark.parametrize("params", GBM_CASES[:2])
def test_gbm_greeks_within_standard_errors_of_black_scholes(params: dict[str, Any]) -> None:
    result = reference.monte_carlo(model="gbm", paths=40_000, seed=4, greeks=True, **params)
    exact = reference.greeks(*_args(params, (*CONTRACT, "vol")))
    for name in ("delta", "gamma", "vega"):
        assert result[f"{name}_std_error"] > 0.0, name
        assert _within(result[name], exact[name], result[f"{name}_std_error"]), (name, result)


# ---------------------------------------------------------------------------- Heston

# Lewis's reference prices (docs/references.md; QuantLib's test-suite checks them at
# 1e-12): S=100, r=0.01, q=0.02, v0=0.04, kappa=4, theta=0.25, xi=1, rho=-0.5, T=1.
LEWIS = {"spot": 100.0, "expiry": 1.0, "rate": 0.01, "dividend": 0.02, "v0": 0.04,
         "kappa": 4.0, "theta": 0.25, "xi": 1.0, "rho": -0.5}  # fmt: skip
LEWIS_PRICES = [("call", 80.0, 26.774758743998854), ("put", 100.0, 17.055270961270109),
                ("call", 120.0, 9.024913483457836)]  # fmt: skip
# Feller's condition badly violated: 2 kappa theta / xi^2 = 0.04; the variance sits at 0 often
# and QE's exponential branch (with its atom at 0) does most of the work.
FELLER_VIOLATED = {"spot": 100.0, "expiry": 2.0, "rate": 0.03, "dividend": 0.0, "v0": 0.04,
                   "kappa": 0.5, "theta": 0.04, "xi": 1.0, "rho": -0.9}  # fmt: skip


@pytest.mark.parametrize(("kind", "strike", "published"), LEWIS_PRICES)
def test_heston_lewis_table(kind: str, strike: float, published: float) -> None:
    result = reference.monte_carlo(
        model="heston", kind=kind, strike=strike, paths=16_000, steps=20, seed=21, **LEWIS
    )
    assert _within(result["price"], published, result["std_error"]), (result, published)


@pytest.mark.parametrize(("kind", "strike"), [("call", 100.0), ("put", 80.0), ("call", 130.0)])
def test_heston_feller_violated(kind: str, strike: float) -> None:
    params = {"kind": kind, "strike": strike, **FELLER_VIOLATED}
    result = reference.monte_carlo(model="heston", paths=16_000, steps=20, seed=8, **params)
    exact = heston_price(*_args(params, (*CONTRACT, *HESTON_FIELDS)))
    assert _within(result["price"], exact, result["std_error"]), (result, exact)


def test_heston_without_vol_of_vol_is_black_scholes_greeks_included() -> None:
    """xi = 0 and v0 = theta = vol^2: constant variance. Vega shifts sqrt(v0) and sqrt(theta)
    together, so it is Black-Scholes vega per unit of vol (mod.rs, "Greeks")."""
    contract = {"kind": "put", "spot": 100.0, "strike": 105.0, "expiry": 0.75, "rate": 0.02,
                "dividend": 0.01}  # fmt: skip
    result = reference.monte_carlo(
        model="heston", v0=0.09, kappa=2.0, theta=0.09, xi=0.0, rho=-0.3, paths=20_000,
        steps=4, seed=6, greeks=True, **contract,
    )  # fmt: skip
    exact = reference.greeks(*_args({**contract, "vol": 0.3}, (*CONTRACT, "vol")))
    for name in ("price", "delta", "gamma", "vega"):
        se = result["std_error" if name == "price" else f"{name}_std_error"]
        assert _within(result[name], exact[name], se), (name, result[name], exact[name], se)


# ---------------------------------------------------------------------------- rough Heston

# docs/references.md ("Rough Heston: values computed with the fractional Riccati equation"):
# S=K=100, T=1, r=q=0, v0=theta=0.02, kappa=0.3, xi=0.3, rho=-0.7, call; hurst 0.5 is
# QuantLib's analytic Heston price.
ROUGH = {"kind": "call", "spot": 100.0, "strike": 100.0, "expiry": 1.0, "rate": 0.0,
         "dividend": 0.0, "v0": 0.02, "kappa": 0.3, "theta": 0.02, "xi": 0.3,
         "rho": -0.7}  # fmt: skip
ROUGH_PRICES = [(0.1, 4.53874), (0.3, 4.63083), (0.5, 4.739249)]


@pytest.mark.parametrize(("hurst", "published"), ROUGH_PRICES)
def test_rough_heston_published_values(hurst: float, published: float) -> None:
    result = reference.monte_carlo(
        model="rough_heston", hurst=hurst, paths=6_000, steps=50, seed=13, **ROUGH
    )
    assert _within(result["price"], published, result["std_error"]), (result, published)


def test_kernel_factors_match_the_exact_memory_weights() -> None:
    """``sum_i c_i b_i e^{-x_i m dt}`` against ``Kbar((m+1) dt) - Kbar(m dt)``, Kbar(t) =
    t^a / Gamma(a+1) from math.gamma, for every lag m >= 1."""
    for hurst in (0.01, 0.1, 0.25, 0.49):
        a = hurst + 0.5
        for expiry, steps in ((1.0, 100), (0.25, 10), (5.0, 400)):
            dt = expiry / steps
            c, x = kernel_factors(a, expiry, dt)
            assert all(ci > 0.0 for ci in c) and all(xi > 0.0 for xi in x)
            for m in range(1, steps):
                exact = (((m + 1) * dt) ** a - (m * dt) ** a) / math.gamma(a + 1.0)
                got = sum(
                    ci * -math.expm1(-xi * dt) / xi * math.exp(-xi * m * dt)
                    for ci, xi in zip(c, x, strict=True)
                )
                assert abs(got / exact - 1.0) < MC_KERNEL_MEMORY_REL_TOL, (hurst, expiry, m)
    assert kernel_factors(1.0, 1.0, 0.01) == ([1.0], [0.0])


def test_collocation_point_makes_the_step_covariance_exact() -> None:
    for a in (0.51, 0.6, 0.8, 1.0):
        # Kbar(c) = c^a / Gamma(a+1) equals the mean of Kbar over [0, 1], 1 / Gamma(a+2).
        assert collocation(a) ** a / math.gamma(a + 1.0) == pytest.approx(
            1.0 / math.gamma(a + 2.0), rel=1e-14
        )
    assert collocation(1.0) == 0.5


def test_inverse_gaussian_moments() -> None:
    """Mean mu and variance mu^2 ratio (Michael, Schucany & Haas 1976 sample the law exactly),
    within 4 standard errors (the IG's kurtosis is 3 + 15 ratio: Chhikara & Folks 1989)."""
    mu, ratio, n = 0.7, 0.3, 100_000
    rng = random.Random(5)
    draws = [inverse_gaussian(mu, ratio, rng.gauss() ** 2, rng.random()) for _ in range(n)]
    mean = sum(draws) / n
    var = sum((d - mean) ** 2 for d in draws) / (n - 1)
    want_var = mu * mu * ratio
    assert _within(mean, mu, math.sqrt(want_var / n))
    assert _within(var, want_var, want_var * math.sqrt((2.0 + 15.0 * ratio) / n))


# ---------------------------------------------------------------------------- every scheme


MARTINGALE_CASES = [
    {"model": "gbm", "vol": 0.6, "steps": 3},
    {"model": "heston", **{k: FELLER_VIOLATED[k] for k in HESTON_FIELDS}, "steps": 8},
    {"model": "heston", "v0": 0.09, "kappa": 1.0, "theta": 0.09, "xi": 0.8, "rho": 0.6,
     "steps": 8},
    {"model": "rough_heston", **{k: ROUGH[k] for k in HESTON_FIELDS}, "hurst": 0.1, "steps": 16},
]  # fmt: skip


@pytest.mark.parametrize("model", MARTINGALE_CASES, ids=lambda m: m["model"])
def test_discounted_spot_is_a_martingale(model: dict[str, Any]) -> None:
    """A call struck at ~0 pays ``e^{-rT} (S_T - K)``: its plain Monte Carlo mean estimates
    ``E[e^{-rT} S_T]``, which must be ``S e^{-qT}`` (what makes the control variate's mean 0)."""
    spot, strike, expiry, rate, dividend = 100.0, 1e-6, 2.0, 0.04, 0.01
    result = reference.monte_carlo(
        kind="call", spot=spot, strike=strike, expiry=expiry, rate=rate, dividend=dividend,
        paths=8_000, seed=17, antithetic=False, **model,
    )  # fmt: skip
    exact = spot * math.exp(-dividend * expiry) - strike * math.exp(-rate * expiry)
    plain, plain_se = result["price_without_control"], result["std_error_without_control"]
    assert plain_se > 0.0 and _within(plain, exact, plain_se), (plain, exact, plain_se)


# ---------------------------------------------------------------------------- estimator rules


def test_paths_count_antithetic_mirrors() -> None:
    base = {**mc_cases.GBM, "paths": 1_000}
    pairs = reference.monte_carlo(base)
    assert (pairs["paths"], pairs["samples"], pairs["antithetic"]) == (1_000, 500, True)
    odd = reference.monte_carlo({**base, "paths": 999})
    assert (odd["paths"], odd["samples"]) == (1_000, 500) and odd == pairs
    plain = reference.monte_carlo({**base, "antithetic": False})
    assert (plain["paths"], plain["samples"], plain["antithetic"]) == (1_000, 1_000, False)


def test_single_sample_has_standard_error_zero() -> None:
    for antithetic in (True, False):
        result = reference.monte_carlo({**mc_cases.GBM, "paths": 1, "antithetic": antithetic})
        assert result["samples"] == 1 and result["std_error"] == 0.0
        assert result["std_error_without_control"] == 0.0
        assert result["ci_low"] == result["price"] == result["ci_high"]


def test_control_variate_from_64_samples() -> None:
    below = reference.monte_carlo({**mc_cases.GBM, "paths": 126})
    assert below["samples"] == 63 and not below["control_variate"]
    assert below["price"] == below["price_without_control"]
    assert below["std_error"] == below["std_error_without_control"]
    at = reference.monte_carlo({**mc_cases.GBM, "paths": 128})
    assert at["samples"] == reference_mc.MIN_SAMPLES_FOR_CONTROL and at["control_variate"]
    assert at["price"] != at["price_without_control"]


def test_confidence_interval_is_95_percent() -> None:
    result = reference.monte_carlo(mc_cases.HESTON)
    half = 1.959963984540054 * result["std_error"]
    assert (
        result["ci_low"] == result["price"] - half and result["ci_high"] == result["price"] + half
    )


def test_reproducible_for_a_seed() -> None:
    for params in (mc_cases.GBM, mc_cases.HESTON, mc_cases.ROUGH):
        first = reference.monte_carlo(params)
        assert reference.monte_carlo(params) == first
        assert reference.monte_carlo(params, seed=params["seed"] + 1)["price"] != first["price"]


def test_standard_error_shrinks_like_one_over_root_n() -> None:
    params = {**GBM_CASES[0], "model": "gbm", "seed": 3}
    small = reference.monte_carlo(params, paths=2_000)["std_error"]
    large = reference.monte_carlo(params, paths=32_000)["std_error"]
    assert large == pytest.approx(small / 4.0, rel=MC_SE_SCALING_REL_TOL)


@pytest.mark.parametrize(
    "params",
    [{**mc_cases.GBM, "paths": 400}, {**mc_cases.HESTON, "paths": 200},
     {**mc_cases.GBM, "paths": 400, "antithetic": False, "greeks": True}],
    ids=["gbm", "heston", "gbm-plain-greeks"],
)  # fmt: skip
def test_standard_error_matches_the_spread_of_independent_runs(params: dict[str, Any]) -> None:
    """100 seeds: the standard deviation of the estimates is the reported standard error (of
    the control-variate price, of the plain mean, and of the Greeks)."""
    runs = [reference.monte_carlo(params, seed=seed) for seed in range(100)]
    pairs = [("price", "std_error"), ("price_without_control", "std_error_without_control")]
    if params.get("greeks"):
        pairs += [("delta", "delta_std_error"), ("vega", "vega_std_error")]
    for value, se in pairs:
        estimates = [r[value] for r in runs]
        mean = sum(estimates) / len(estimates)
        spread = math.sqrt(sum((e - mean) ** 2 for e in estimates) / (len(estimates) - 1))
        reported = math.sqrt(sum(r[se] ** 2 for r in runs) / len(runs))
        assert spread == pytest.approx(reported, rel=MC_SE_CALIBRATION_REL_TOL), value


# ---------------------------------------------------------------------------- limits


@pytest.mark.parametrize("model", [mc_cases.GBM, mc_cases.HESTON, mc_cases.ROUGH],
                         ids=lambda m: m["model"])  # fmt: skip
def test_expiry_zero_is_the_intrinsic_value(model: dict[str, Any]) -> None:
    spot, strike = model["spot"], model["strike"]
    result = reference.monte_carlo(model, expiry=0.0, greeks=True)
    sign = 1.0 if model["kind"] == "call" else -1.0
    assert result["price"] == max(sign * (spot - strike), 0.0)
    assert result["std_error"] == 0.0 and not result["control_variate"]
    h = reference_mc.SPOT_BUMP_REL * spot
    up, down = (max(sign * (spot + e - strike), 0.0) for e in (h, -h))
    assert result["delta"] == pytest.approx((up - down) / (2.0 * h), rel=1e-12)
    assert result["vega"] == 0.0 and result["delta_std_error"] == 0.0


def test_zero_variance_is_the_discounted_intrinsic_value_of_the_forward() -> None:
    contract = {"kind": "call", "spot": 100.0, "strike": 90.0, "expiry": 2.0, "rate": 0.03,
                "dividend": 0.01}  # fmt: skip
    forward = 100.0 * math.exp(0.02 * 2.0)
    exact = math.exp(-0.06) * (forward - 90.0)
    for model in ({"model": "gbm", "vol": 0.0},
                  {"model": "heston", "v0": 0.0, "kappa": 1.0, "theta": 0.0, "xi": 0.5,
                   "rho": -0.5}):  # fmt: skip
        result = reference.monte_carlo(paths=200, steps=4, **contract, **model)
        assert result["price"] == pytest.approx(exact, rel=1e-12), model
        assert result["std_error"] < 1e-12 * exact


def test_overflow_is_a_pricing_error_with_the_engines_message() -> None:
    """Absurd rates or volatilities overflow double precision: a PricingError worded as the
    engine words it (its ``simulation_overflow`` template), never an OverflowError or a NaN."""
    overflowing = [(p, m) for i, p, m in mc_cases.INVALID if i.startswith("overflow")]
    assert len(overflowing) >= 3
    for params, message in overflowing:
        assert message == reference_mc.OVERFLOW_MESSAGE
        with pytest.raises(PricingError) as info:
            reference.monte_carlo(params)
        assert str(info.value) == message


# ---------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("params", "message"),
    [pytest.param(p, m, id=i) for i, p, m in mc_cases.INVALID],
)
def test_rejects_as_the_engine_does(params: Any, message: str) -> None:
    with pytest.raises(PricingError) as info:
        reference.monte_carlo(params)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("params", "expected"),
    [pytest.param(p, e, id=i) for i, p, e in mc_cases.VALID],
)
def test_accepts_as_the_engine_does(params: dict[str, Any], expected: tuple[int, int, int]) -> None:
    result = reference.monte_carlo(params)
    assert (result["paths"], result["samples"], result["steps"]) == expected
    keys = mc_cases.RESULT_KEYS + (mc_cases.GREEK_KEYS if params.get("greeks") else ())
    assert tuple(result) == keys
    assert all(math.isfinite(v) for v in result.values() if isinstance(v, float))
    assert result["std_error"] >= 0.0 and result["model"] == params["model"]
