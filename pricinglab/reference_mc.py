"""Pure-Python Monte Carlo: the CPython backend of ``pricinglab.monte_carlo`` and an oracle.

The same estimator, schemes and result as the Rust engine (``wasm_core/src/monte_carlo/mod.rs``
documents them; docs/api.md the params), implemented independently with
:class:`random.Random` streams, so the two agree in law and are compared statistically (not
draw for draw). Only :mod:`math` and :mod:`random` are used, so it also runs in Pyodide.

Models (the path schemes are in :mod:`pricinglab._mc_schemes` and :mod:`pricinglab._mc_rough`):

* ``"gbm"``: the exact log-normal step;
* ``"heston"``: Andersen's QE scheme with martingale correction (L. Andersen, "Efficient
  Simulation of the Heston Stochastic Volatility Model", J. Comput. Finance 11(3), 2008);
* ``"rough_heston"``: the Rust engine's Inverse-Gaussian integrated-variance scheme on a
  Markovian lift of the fractional kernel (after Abi Jaber & Attal's iVi, 2025), ported.

Estimator
---------
``paths`` counts simulated paths *including* antithetic mirrors: a *sample* is a pair
``(Z, -Z)`` (``ceil(paths / 2)`` of them; an odd count is rounded up and the result reports the
count used), or a single path with ``antithetic=False``. Each sample records its discounted
payoff ``Y`` and the control variate ``C = e^{-rT} S_T - S e^{-qT}``, whose mean is exactly 0
for every scheme here (each is a martingale scheme for the discounted spot). The price is the
regression estimator ``mean(Y) - beta mean(C)``, ``beta = Cov(Y, C)/Var(C)`` (P. Glasserman,
"Monte Carlo Methods in Financial Engineering", 2003, sec. 4.1.1, eqs. 4.3-4.5), used with at
least :data:`MIN_SAMPLES_FOR_CONTROL` samples when ``C`` varies; its standard error comes from
the regression residuals (divisor ``n - 2``). Otherwise the plain mean and its standard error
(divisor ``n - 1``; 0 for a single sample, never NaN). 95% interval: ``price ± 1.959964 s.e.``.

Greeks (``greeks=True``): bump-and-reprice on common random numbers. Spot ``S (1 ± h)``,
``h = 1%``, by central differences (the log-return does not depend on ``S``, so these cost only
a payoff); vega by the models re-simulated on the same draws with the volatility level shifted
by ``+eps`` and ``-min(eps, level)``, ``eps = max(1% of the level, 1e-4)``: GBM shifts ``vol``,
Heston and rough Heston shift ``sqrt(v0)`` and ``sqrt(theta)`` together (the level is the larger
of the two), so vega is per unit of volatility and with ``xi = 0``, ``v0 = theta = vol^2`` it is
Black-Scholes vega. Each Greek's standard error is the sample standard error of its per-sample
difference quotient.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any, Final

from ._args import NO_PARAMS, NoParams, merge_params
from ._engine import TABLES, validate
from ._errors import PricingError
from ._mc_rough import RoughHeston
from ._mc_schemes import Gbm, Heston, Scheme

__all__ = [
    "MIN_SAMPLES_FOR_CONTROL",
    "SPOT_BUMP_REL",
    "VEGA_BUMP_MIN",
    "VEGA_BUMP_REL",
    "Z_95",
    "monte_carlo",
    "run",
]

# Two-sided 95% normal quantile, Phi^-1(0.975).
Z_95: Final = 1.959963984540054
# Fewest samples for which the control variate's estimated coefficient is used: below it the
# coefficient's own noise is not negligible and the plain mean is reported.
MIN_SAMPLES_FOR_CONTROL: Final = 64
# Relative spot bump h of delta and gamma.
SPOT_BUMP_REL: Final = 0.01
# Vega bump: this fraction of the volatility level, and at least VEGA_BUMP_MIN.
VEGA_BUMP_REL: Final = 0.01
VEGA_BUMP_MIN: Final = 1e-4
# The control is used only when its spread exceeds rounding noise of this relative size (at
# vol 0 its deviations are rounding, and a regression on them could move the price).
_CONTROL_NOISE_REL: Final = 1e-12
# The engine's text for a simulation that left the double range.
OVERFLOW_MESSAGE: Final[str] = TABLES["messages"]["simulation_overflow"]["template"]


def _vega_bump(level: float) -> tuple[float, float]:
    """``(up, down)``: ``eps = max(1% of level, 1e-4)`` up, and down by ``eps`` or only to 0
    (a one-sided difference at zero volatility, where the price has a kink)."""
    eps = max(VEGA_BUMP_REL * level, VEGA_BUMP_MIN)
    return eps, min(eps, level)


def _scheme(p: Mapping[str, Any]) -> tuple[Scheme, tuple[float, float] | None]:
    """The path scheme of a validated params dict, with the vega variants when Greeks are on,
    and the vega bump ``(up, down)`` (None without Greeks)."""
    greeks, antithetic = p["greeks"], p["antithetic"]
    common = (antithetic, p["expiry"], p["rate"], p["dividend"], p["steps"])
    if p["model"] == "gbm":
        vol = p["vol"]
        bump = _vega_bump(vol) if greeks else None
        vols = [vol] if bump is None else [vol, vol + bump[0], vol - bump[1]]
        return Gbm(vols, *common), bump
    s0, s_inf = math.sqrt(p["v0"]), math.sqrt(p["theta"])
    variants = [(p["v0"], p["theta"])]
    bump = _vega_bump(max(s0, s_inf)) if greeks else None
    if bump is not None:
        for e in (bump[0], -bump[1]):
            variants.append(((s0 + e) * (s0 + e), (s_inf + e) * (s_inf + e)))
    heston = (p["kappa"], p["xi"], p["rho"])
    if p["model"] == "heston":
        return Heston(*heston, variants, *common), bump
    return RoughHeston(*heston, p["hurst"], variants, *common), bump


def _money_scale(spot: float) -> float:
    """A power of two near the spot: money is counted in these units, so that the conversion
    is exact and squares of payoffs cannot overflow for any representable spot."""
    return float(2.0 ** min(max(math.floor(math.log2(spot)), -1000), 1000))


def _exp_or_inf(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _std_error(m2: float, n: int, fitted: int) -> float:
    """Standard error of a mean from the sum of squared deviations ``m2`` of ``n`` samples with
    ``fitted`` coefficients fitted besides the mean (0 when it cannot be estimated)."""
    if n <= fitted + 1:
        return 0.0
    return math.sqrt(max(m2, 0.0) / (n - 1 - fitted) / n)


def run(p: Mapping[str, Any]) -> dict[str, Any]:
    """Prices a params dict already checked by the engine (``validate("monte_carlo", params)``,
    which also fills in the defaults); returns the result dict (module docs).

    Raises
    ------
    NotImplementedError
        For a payoff other than ``"european"``: path payoffs run in the engine only (their
        independent checks are closed forms and QuantLib, in tests/test_mc_payoffs.py).
    """
    if p["payoff"] != "european":
        raise NotImplementedError(
            f"payoff {p['payoff']!r} runs in the engine only: pl.use_backend('native') (or 'wasm')"
        )
    try:
        return _run(p)
    except (OverflowError, ZeroDivisionError):
        raise PricingError(OVERFLOW_MESSAGE) from None


def _run(p: Mapping[str, Any]) -> dict[str, Any]:
    antithetic, greeks = p["antithetic"], p["greeks"]
    paths = p["paths"]
    samples = (paths + 1) // 2 if antithetic else paths
    spot, strike, expiry = p["spot"], p["strike"], p["expiry"]
    rate, dividend = p["rate"], p["dividend"]
    scheme, bump = _scheme(p)
    signs = 2 if antithetic else 1
    w = 1.0 / signs
    sign = 1.0 if p["kind"] == "call" else -1.0
    scale = _money_scale(spot)
    spot_rel = spot / scale
    log_discount = -rate * expiry
    # Exponentials overflow to inf for absurd inputs rather than raising, as in the Rust
    # engine: a put on an infinite forward is worth 0; an infinite payoff fails the final
    # finiteness check (the overflow error).
    control_mean = spot_rel * _exp_or_inf(-dividend * expiry)
    strike_pv = _exp_or_inf(log_discount) * (strike / scale)
    h = SPOT_BUMP_REL
    exp_or_inf = _exp_or_inf
    rng = random.Random(p["seed"])
    zero_expiry = expiry == 0.0
    no_move = [0.0] * (signs * (3 if greeks else 1))

    # Welford's running means and sums of squared deviations (co-deviation for Y and C) of
    # the quantities Y, C and, with Greeks, the per-sample delta, gamma and vega quotients.
    k = 5 if greeks else 2
    mean = [0.0] * k
    m2 = [0.0] * k
    c_yc = 0.0
    for n in range(1, samples + 1):
        # Nothing moves in zero time: no draws, the payoff is the intrinsic value.
        x = no_move if zero_expiry else scheme.simulate(rng)
        y = c = up = down = 0.0
        # Payoffs are max(0.0, v): like Rust's f64::max, this gives 0 (not NaN) for a NaN v.
        for xs in x[:signs]:
            d = spot_rel * exp_or_inf(xs + log_discount)
            y += w * max(0.0, sign * (d - strike_pv))
            c += w * (d - control_mean)
            if greeks:
                up += w * max(0.0, sign * ((1.0 + h) * d - strike_pv))
                down += w * max(0.0, sign * ((1.0 - h) * d - strike_pv))
        values = [y, c]
        if bump is not None:
            vu = vd = 0.0
            for s in range(signs):
                d_up = spot_rel * exp_or_inf(x[signs + s] + log_discount)
                d_down = spot_rel * exp_or_inf(x[2 * signs + s] + log_discount)
                vu += w * max(0.0, sign * (d_up - strike_pv))
                vd += w * max(0.0, sign * (d_down - strike_pv))
            values.append((up - down) / (2.0 * h * spot_rel))
            values.append((up - 2.0 * y + down) / (h * h * spot_rel * spot_rel))
            values.append((vu - vd) / (bump[0] + bump[1]))
        y_deviation = y - mean[0]  # from the previous mean, for the co-deviation
        for i in range(k):
            delta = values[i] - mean[i]
            mean[i] += delta / n
            m2[i] += delta * (values[i] - mean[i])
        c_yc += y_deviation * (c - mean[1])
    return _result(p, samples, scale, control_mean, mean, m2, c_yc)


def _result(
    p: Mapping[str, Any], n: int, scale: float, control_mean: float, mean: list[float],
    m2: list[float], c_yc: float,
) -> dict[str, Any]:  # fmt: skip
    plain, plain_se = mean[0], _std_error(m2[0], n, 0)
    varies = m2[1] > n * (_CONTROL_NOISE_REL * control_mean) ** 2
    use_control = n >= MIN_SAMPLES_FOR_CONTROL and varies
    if use_control:
        beta = c_yc / m2[1]
        unit_price = plain - beta * mean[1]
        unit_se = _std_error(m2[0] - beta * c_yc, n, 1)
    else:
        unit_price, unit_se = plain, plain_se
    price, se = scale * unit_price, scale * unit_se
    out: dict[str, Any] = {
        "price": price,
        "std_error": se,
        "ci_low": price - Z_95 * se,
        "ci_high": price + Z_95 * se,
        "paths": 2 * n if p["antithetic"] else n,
        "steps": p["steps"],
        "samples": n,
        "model": p["model"],
        "payoff": p["payoff"],
        "seed": p["seed"],
        "antithetic": p["antithetic"],
        "control_variate": use_control,
        "price_without_control": scale * plain,
        "std_error_without_control": scale * plain_se,
    }
    if p["greeks"]:
        out["delta"] = mean[2]
        out["delta_std_error"] = _std_error(m2[2], n, 0)
        out["gamma"] = mean[3] / scale
        out["gamma_std_error"] = _std_error(m2[3], n, 0) / scale
        out["vega"] = scale * mean[4]
        out["vega_std_error"] = scale * _std_error(m2[4], n, 0)
    if not all(math.isfinite(v) for v in out.values() if isinstance(v, float)):
        raise PricingError(OVERFLOW_MESSAGE)
    return out


def monte_carlo(
    params: Mapping[str, Any] | NoParams = NO_PARAMS, /, **kwargs: Any
) -> dict[str, Any]:
    """Monte Carlo price with its standard error (pure Python; GBM, Heston, rough Heston).

    ``params`` as in docs/api.md (a dict, or keyword arguments; both: the keywords win),
    checked by the engine's own rules (so every backend rejects the same params alike).
    Returns ``{price, std_error, ci_low, ci_high, paths, steps, samples, model, seed,
    antithetic, control_variate, price_without_control, std_error_without_control}`` and,
    with ``greeks=True``, ``delta, delta_std_error, gamma, gamma_std_error, vega,
    vega_std_error`` (vega per unit of volatility). The same params give the identical result.

    Examples
    --------
    >>> r = monte_carlo(model="gbm", kind="call", spot=100, strike=100, expiry=1,
    ...                 rate=0.05, dividend=0, vol=0.2, paths=2000, seed=1)
    >>> abs(r["price"] - 10.4506) < 4 * r["std_error"], r["paths"], r["samples"]
    (True, 2000, 1000)
    """
    return run(validate("monte_carlo", merge_params(params, kwargs)))
