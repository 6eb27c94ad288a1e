"""``pricinglab.fit_ssvi`` (wasm_core/src/ssvi.rs): a synthetic SSVI surface is recovered, and a
fitted surface is free of arbitrage by independent checks: total variance non-decreasing in
expiry at every log-moneyness (no calendar spread arbitrage), and call prices convex in strike
at every expiry (no butterfly arbitrage), both computed here from the fitted formula."""

from __future__ import annotations

import itertools
import math

import pytest

import pricinglab as pl
from pricinglab import reference

FORWARD = 100.0
TRUTH = {"rho": -0.6, "eta": 1.1, "gamma": 0.4}
THETAS = {0.1: 0.004, 0.5: 0.02, 1.0: 0.04, 2.0: 0.085}
PARAM_TOL = 1e-5
CONVEXITY_TOL = 1e-12


def ssvi_w(k: float, theta: float, rho: float, eta: float, gamma: float) -> float:
    phi = eta / (theta**gamma * (1 + theta) ** (1 - gamma))
    return theta / 2 * (1 + rho * phi * k + math.sqrt((phi * k + rho) ** 2 + 1 - rho**2))


def quotes(thetas: dict[float, float], params: dict[str, float]) -> tuple[list[float], ...]:
    strike, vol, expiry = [], [], []
    for t, theta in thetas.items():
        for i in range(11):
            k = -0.4 + 0.08 * i
            strike.append(FORWARD * math.exp(k))
            vol.append(math.sqrt(ssvi_w(k, theta, **params) / t))
            expiry.append(t)
    return strike, vol, expiry


def no_arbitrage(fit: dict[str, object]) -> bool:
    params = {k: float(fit[k]) for k in ("rho", "eta", "gamma")}  # type: ignore[arg-type]
    thetas = dict(zip(fit["expiry"], fit["theta"], strict=True))  # type: ignore[call-overload]
    ks = [-1.0 + 0.01 * i for i in range(201)]
    ws = {t: [ssvi_w(k, th, **params) for k in ks] for t, th in thetas.items()}
    ts = sorted(ws)
    calendar = all(
        ws[b][i] >= ws[a][i] - 1e-15 for a, b in itertools.pairwise(ts) for i in range(len(ks))
    )
    butterfly = True
    for t in ts:
        strikes = [FORWARD * math.exp(k) for k in ks]
        calls = [reference.black_scholes("call", FORWARD, s, t, 0, 0, math.sqrt(w / t))
                 for s, w in zip(strikes, ws[t], strict=True)]  # fmt: skip
        for i in range(1, len(ks) - 1):
            # Convexity on an uneven strike grid: the slope must not decrease.
            left = (calls[i] - calls[i - 1]) / (strikes[i] - strikes[i - 1])
            right = (calls[i + 1] - calls[i]) / (strikes[i + 1] - strikes[i])
            butterfly &= right >= left - CONVEXITY_TOL
    return calendar and butterfly


def test_recovers_a_synthetic_surface() -> None:
    strike, vol, expiry = quotes(THETAS, TRUTH)
    fit = pl.fit_ssvi(strike, vol, expiry, FORWARD)
    for key, value in TRUTH.items():
        assert fit[key] == pytest.approx(value, abs=PARAM_TOL), fit
    assert fit["theta"] == pytest.approx(list(THETAS.values()), rel=1e-12)
    assert fit["calendar_free"] and fit["butterfly_free"]
    assert no_arbitrage(fit)


def test_a_decreasing_atm_variance_is_made_monotone() -> None:
    # The 1-year ATM variance below the 6-month one: a calendar arbitrage in the quotes.
    thetas = {0.5: 0.03, 1.0: 0.025, 2.0: 0.06}
    strike, vol, expiry = quotes(thetas, TRUTH)
    fit = pl.fit_ssvi(strike, vol, expiry, FORWARD)
    assert fit["theta"][1] >= fit["theta"][0]
    assert fit["calendar_free"]
    assert no_arbitrage(fit)


def test_bad_input_is_named() -> None:
    with pytest.raises(pl.PricingError, match="each expiry needs at least 2"):
        pl.fit_ssvi([90, 110, 100], [0.2, 0.2, 0.2], [1, 1, 2], 100)
    with pytest.raises(pl.PricingError, match=r"vol\[1\] must be a finite number > 0"):
        pl.fit_ssvi([90, 110], [0.2, 0.0], 1, 100)
    with pytest.raises(pl.PricingError, match="must have the same length"):
        pl.fit_ssvi([90, 110], [0.2, 0.2, 0.2], 1, 100)
