"""Monte Carlo: the wasm engine in Chromium against CPython's ``pricinglab`` and the oracles.

1. Parity of the params (tests/mc_cases.py): every valid and invalid params object is accepted
   or rejected alike by the wasm ``monte_carlo`` and by CPython's ``pl.monte_carlo`` (the pure-
   Python reference), with the same message (type names aside: ``string``/``str`` ...), and a
   valid one gives the same result keys, counts (``paths`` includes antithetic mirrors) and,
   the two using different random streams, prices that agree within 4 combined standard errors.
   Inside Pyodide (the wheel, Python validation, then the wasm engine) ``pl.monte_carlo`` gives
   CPython's messages and the engine's exact results.
2. Accuracy of the wasm engine, each estimate within 4 of its standard errors:
   Heston against ``pricinglab.heston.heston_price`` and rough Heston against
   ``pricinglab.rough.rough_heston_price`` on short and long expiries, Feller's condition
   violated and strong skew; GBM prices and Greeks (``greeks: true``) against Black-Scholes.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import mc_cases
import pytest
from playwright.sync_api import Page
from tolerances import MC_STD_ERRORS, close

import pricinglab as pl
from pricinglab import reference
from pricinglab.heston import heston_price
from pricinglab.rough import rough_heston_price

# Runs each params object through the engine: {ok, value} or {ok: false, message}.
RUN_ALL = """([name, cases]) => cases.map((p) => {
  try { return { ok: true, value: window.pricingLab[name](p) }; }
  catch (e) { return { ok: false, message: e.message }; }
})"""

CONTRACT = ("kind", "spot", "strike", "expiry", "rate", "dividend")
HESTON_FIELDS = ("v0", "kappa", "theta", "xi", "rho")


def _engine(lab: Page, name: str, cases: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = lab.evaluate(RUN_ALL, [name, cases])
    return out


def _python(params: Any) -> dict[str, Any]:
    try:
        return {"ok": True, "value": pl.monte_carlo(params)}
    except pl.PricingError as error:
        return {"ok": False, "message": str(error)}


def _agree(a: float, se_a: float, b: float, se_b: float) -> bool:
    """Two independent estimates agree within 4 combined standard errors, or up to rounding
    (a deterministic payoff: its standard error is 0, or rounding noise of the reduction)."""
    return close(a, b) or abs(a - b) <= MC_STD_ERRORS * math.hypot(se_a, se_b)


# ---------------------------------------------------------------------------- parity


def test_cpython_uses_the_native_engine() -> None:
    assert pl.backend == "native"


def test_invalid_params_are_rejected_alike(lab: Page) -> None:
    ids = [i for i, _, _ in mc_cases.INVALID]
    wasm = _engine(lab, "monte_carlo", [p for _, p, _ in mc_cases.INVALID])
    for case_id, (_, params, message), js in zip(ids, mc_cases.INVALID, wasm, strict=True):
        py = _python(params)
        assert not js["ok"] and not py["ok"], (case_id, js, py)
        assert py["message"] == message, case_id
        assert mc_cases.canonical(js["message"]) == mc_cases.canonical(message), (case_id, js)


def test_valid_params_are_accepted_alike(lab: Page) -> None:
    wasm = _engine(lab, "monte_carlo", [p for _, p, _ in mc_cases.VALID])
    for (case_id, params, expected), js in zip(mc_cases.VALID, wasm, strict=True):
        py = _python(params)
        assert js["ok"] and py["ok"], (case_id, js, py)
        got, want = js["value"], py["value"]
        assert tuple(got) == tuple(want), case_id  # the same keys, in the same order
        for key in ("paths", "steps", "samples", "model", "seed", "antithetic"):
            assert got[key] == want[key], (case_id, key)
        assert (got["paths"], got["samples"], got["steps"]) == expected, case_id
        if got["samples"] > 1:  # one sample has no standard error to compare with
            assert got["control_variate"] == want["control_variate"], case_id
            pairs = [("price", "std_error"),
                     ("price_without_control", "std_error_without_control")]  # fmt: skip
            if params.get("greeks"):
                pairs += [(g, f"{g}_std_error") for g in ("delta", "gamma", "vega")]
            for value, se in pairs:
                assert _agree(got[value], got[se], want[value], want[se]), (case_id, value)


def test_large_valid_params_are_accepted_alike(lab: Page) -> None:
    """Accepted at the limits (validation only: the engine's monte_carlo_plan)."""
    wasm = _engine(lab, "monte_carlo_plan", [p for _, p, _ in mc_cases.VALID_NOT_RUN])
    for (case_id, params, expected), js in zip(mc_cases.VALID_NOT_RUN, wasm, strict=True):
        assert js["ok"], (case_id, js)
        plan = js["value"]
        assert (plan["paths"], plan["samples"], plan["steps"]) == expected, case_id
        # the page and the pool size their work from block_samples (no copy of the constant)
        assert plan["block_samples"] >= 1, case_id
        assert plan["blocks"] == -(-plan["samples"] // plan["block_samples"]), case_id
        checked = pl._engine.validate("monte_carlo", params)
        assert checked["steps"] == expected[2], case_id


# Boots Pyodide with the wheel (web/python.js) and runs every case through pl.monte_carlo.
RUN_IN_PYODIDE = """async (cases) => {
  const { startPython } = await import("/python.js");
  const py = await startPython();
  py.globals.set("CASES", cases);
  return py.runPython(`
import json
import pricinglab as pl
out = []
for params in json.loads(CASES):
    try:
        out.append({"ok": True, "value": pl.monte_carlo(params)})
    except pl.PricingError as error:
        out.append({"ok": False, "message": str(error), "type_error": isinstance(error, TypeError)})
json.dumps({"backend": pl.backend, "out": out})
`);
}"""


def test_pyodide_monte_carlo_is_the_engine(lab: Page) -> None:
    """In Pyodide, pl.monte_carlo raises the engine's messages (JavaScript's type names: the
    checks run in wasm), a wrong type as a TypeError, and returns the engine's exact result,
    with the reference's keys and Python types."""
    invalid = [p for _, p, _ in mc_cases.INVALID]
    valid = [p for _, p, _ in mc_cases.VALID]
    result = json.loads(lab.evaluate(RUN_IN_PYODIDE, json.dumps(invalid + valid)))
    assert result["backend"] == "wasm"
    out = result["out"]
    for (case_id, _, message), got in zip(mc_cases.INVALID, out, strict=False):
        assert not got["ok"], case_id
        assert mc_cases.canonical(got["message"]) == mc_cases.canonical(message), case_id
        assert got["type_error"] == mc_cases.is_type_message(message), case_id
    engine = _engine(lab, "monte_carlo", valid)
    for (case_id, params, _), got, js in zip(
        mc_cases.VALID, out[len(invalid) :], engine, strict=True
    ):
        assert got["ok"] and js["ok"], (case_id, got, js)
        assert got["value"] == js["value"], case_id  # bit for bit: the same engine and seed
        assert list(got["value"]) == list(_python(params)["value"]), case_id


# ---------------------------------------------------------------------------- Heston

# name -> model parameters; each priced at several strikes.
HESTON_SETS: dict[str, dict[str, float]] = {
    # Lewis's table case (docs/references.md): xi = 1.
    "lewis": {"spot": 100.0, "expiry": 1.0, "rate": 0.01, "dividend": 0.02, "v0": 0.04,
              "kappa": 4.0, "theta": 0.25, "xi": 1.0, "rho": -0.5},
    "one-week": {"spot": 100.0, "expiry": 1.0 / 52.0, "rate": 0.03, "dividend": 0.0,
                 "v0": 0.06, "kappa": 2.0, "theta": 0.04, "xi": 0.5, "rho": -0.7},
    "ten-years": {"spot": 100.0, "expiry": 10.0, "rate": 0.03, "dividend": 0.01, "v0": 0.04,
                  "kappa": 1.0, "theta": 0.06, "xi": 0.4, "rho": -0.6},
    # 2 kappa theta / xi^2 = 0.04: the variance touches 0 constantly.
    "feller-violated": {"spot": 100.0, "expiry": 2.0, "rate": 0.03, "dividend": 0.0,
                        "v0": 0.04, "kappa": 0.5, "theta": 0.04, "xi": 1.0, "rho": -0.9},
    "strong-skew": {"spot": 100.0, "expiry": 0.5, "rate": 0.02, "dividend": 0.0, "v0": 0.05,
                    "kappa": 2.0, "theta": 0.05, "xi": 0.9, "rho": -0.95},
    "positive-rho": {"spot": 100.0, "expiry": 3.0, "rate": 0.0, "dividend": 0.0, "v0": 0.09,
                     "kappa": 1.0, "theta": 0.09, "xi": 0.8, "rho": 0.6},
}  # fmt: skip
# Strikes as multiples of the forward's neighbourhood: out of the money on both sides, at it.
STRIKES: dict[str, tuple[tuple[str, float], ...]] = {
    "lewis": (("put", 80.0), ("call", 100.0), ("call", 120.0)),
    "one-week": (("put", 95.0), ("call", 100.0), ("call", 105.0)),
    "ten-years": (("put", 60.0), ("call", 100.0), ("call", 200.0)),
    "feller-violated": (("put", 80.0), ("call", 100.0), ("call", 130.0)),
    "strong-skew": (("put", 80.0), ("put", 100.0), ("call", 115.0)),
    "positive-rho": (("put", 70.0), ("call", 100.0), ("call", 150.0)),
}
MC_PATHS = 200_000


def _cases(sets: dict[str, dict[str, float]]) -> list[Any]:
    return [
        pytest.param(name, kind, strike, id=f"{name}-{kind}-{strike:g}")
        for name in sets
        for kind, strike in STRIKES[name]
    ]


@pytest.mark.parametrize(("name", "kind", "strike"), _cases(HESTON_SETS))
def test_heston_within_four_standard_errors(lab: Page, name: str, kind: str, strike: float) -> None:
    model = HESTON_SETS[name]
    params: dict[str, Any] = {"model": "heston", "kind": kind, "strike": strike, **model,
                              "paths": MC_PATHS, "seed": 11}  # fmt: skip
    [result] = _engine(lab, "monte_carlo", [params])
    assert result["ok"], result
    got = result["value"]
    exact = heston_price(*(params[k] for k in (*CONTRACT, *HESTON_FIELDS)))
    assert got["steps"] == 100 and got["paths"] == MC_PATHS
    assert abs(got["price"] - exact) <= MC_STD_ERRORS * got["std_error"], (got, exact)


# ---------------------------------------------------------------------------- rough Heston

ROUGH_SETS: dict[str, dict[str, float]] = {
    # docs/references.md's case (its values: 4.53874 at hurst 0.1, 4.63083 at 0.3); Feller's
    # condition fails (2 kappa theta / xi^2 = 0.13).
    "references-h0.1": {"spot": 100.0, "expiry": 1.0, "rate": 0.0, "dividend": 0.0,
                        "v0": 0.02, "kappa": 0.3, "theta": 0.02, "xi": 0.3, "rho": -0.7,
                        "hurst": 0.1},
    "references-h0.3": {"spot": 100.0, "expiry": 1.0, "rate": 0.0, "dividend": 0.0,
                        "v0": 0.02, "kappa": 0.3, "theta": 0.02, "xi": 0.3, "rho": -0.7,
                        "hurst": 0.3},
    "one-month": {"spot": 100.0, "expiry": 1.0 / 12.0, "rate": 0.02, "dividend": 0.0,
                  "v0": 0.04, "kappa": 0.3, "theta": 0.04, "xi": 0.4, "rho": -0.7,
                  "hurst": 0.1},
    "five-years": {"spot": 100.0, "expiry": 5.0, "rate": 0.02, "dividend": 0.01, "v0": 0.03,
                   "kappa": 0.5, "theta": 0.04, "xi": 0.3, "rho": -0.6, "hurst": 0.2},
    "strong-skew": {"spot": 100.0, "expiry": 0.5, "rate": 0.0, "dividend": 0.0, "v0": 0.04,
                    "kappa": 0.3, "theta": 0.04, "xi": 0.6, "rho": -0.9, "hurst": 0.1},
}  # fmt: skip
STRIKES.update({
    "references-h0.1": (("put", 90.0), ("call", 100.0), ("call", 110.0)),
    "references-h0.3": (("put", 90.0), ("call", 100.0), ("call", 110.0)),
    "one-month": (("put", 95.0), ("call", 100.0), ("call", 105.0)),
    "five-years": (("put", 60.0), ("call", 100.0), ("call", 160.0)),
    "strong-skew": (("put", 85.0), ("put", 100.0), ("call", 110.0)),
})  # fmt: skip


@cache
def _rough_oracle(name: str, kind: str, strike: float) -> float:
    model = ROUGH_SETS[name]
    return rough_heston_price(
        kind, model["spot"], strike, model["expiry"], model["rate"], model["dividend"],
        model["v0"], model["kappa"], model["theta"], model["xi"], model["rho"], model["hurst"],
    )  # fmt: skip


def test_rough_oracle_reproduces_the_published_values() -> None:
    """The oracle itself, on docs/references.md's values (1,600-step Adams; ours 800: 2e-4)."""
    assert _rough_oracle("references-h0.1", "call", 100.0) == pytest.approx(4.53874, abs=2e-4)
    assert _rough_oracle("references-h0.3", "call", 100.0) == pytest.approx(4.63083, abs=2e-4)


@pytest.mark.parametrize(("name", "kind", "strike"), _cases(ROUGH_SETS))
def test_rough_heston_within_four_standard_errors(
    lab: Page, name: str, kind: str, strike: float
) -> None:
    params = {"model": "rough_heston", "kind": kind, "strike": strike, **ROUGH_SETS[name],
              "paths": MC_PATHS, "seed": 12}  # fmt: skip
    [result] = _engine(lab, "monte_carlo", [params])
    assert result["ok"], result
    got = result["value"]
    exact = _rough_oracle(name, kind, strike)
    assert abs(got["price"] - exact) <= MC_STD_ERRORS * got["std_error"], (got, exact)


# ---------------------------------------------------------------------------- GBM

GBM_CASES = [
    ("call", 100.0, 100.0, 1.0, 0.05, 0.0, 0.2),
    ("put", 100.0, 120.0, 2.0, -0.01, 0.02, 0.35),
    ("call", 50.0, 80.0, 0.1, 0.03, 0.01, 0.9),
    ("put", 100.0, 60.0, 5.0, 0.02, 0.0, 0.15),
]


@pytest.mark.parametrize("case", GBM_CASES, ids=lambda c: f"{c[0]}-K{c[2]:g}-T{c[3]:g}")
def test_gbm_price_and_greeks_within_four_standard_errors(
    lab: Page, case: tuple[str, float, float, float, float, float, float]
) -> None:
    params = dict(zip((*CONTRACT, "vol"), case, strict=True))
    params.update(model="gbm", paths=MC_PATHS, seed=5, greeks=True)
    [result] = _engine(lab, "monte_carlo", [params])
    assert result["ok"], result
    got = result["value"]
    exact = reference.greeks(*case)
    for name, se in (("price", "std_error"), ("delta", "delta_std_error"),
                     ("gamma", "gamma_std_error"), ("vega", "vega_std_error")):  # fmt: skip
        assert got[se] > 0.0, (name, got)
        assert abs(got[name] - exact[name]) <= MC_STD_ERRORS * got[se], (name, got, exact)


def test_heston_without_vol_of_vol_has_black_scholes_greeks(lab: Page) -> None:
    """xi = 0, v0 = theta = vol^2: the engine's Heston vega is Black-Scholes vega per unit of
    volatility, as the pure-Python reference's is (tests/test_reference_mc.py)."""
    case = ("put", 100.0, 105.0, 0.75, 0.02, 0.01, 0.3)
    params = dict(zip(CONTRACT, case[:6], strict=True))
    params.update(model="heston", v0=0.09, kappa=2.0, theta=0.09, xi=0.0, rho=-0.3,
                  paths=MC_PATHS, seed=6, greeks=True)  # fmt: skip
    [result] = _engine(lab, "monte_carlo", [params])
    assert result["ok"], result
    got = result["value"]
    exact = reference.greeks(*case)
    for name, se in (("price", "std_error"), ("delta", "delta_std_error"),
                     ("gamma", "gamma_std_error"), ("vega", "vega_std_error")):  # fmt: skip
        assert abs(got[name] - exact[name]) <= MC_STD_ERRORS * got[se], (name, got, exact)
