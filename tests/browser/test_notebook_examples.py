"""The bundled example notebooks (web/examples/*.ipynb), each opened from the Examples menu,
run with Run all in Pyodide (WASM engine), exported as .ipynb, and their numbers compared with
native CPython: ``pricinglab.reference`` and an independent oracle (mpmath at 50 digits,
tests/oracles/mp_bsm.py; QuantLib's AnalyticHestonEngine)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import mpmath as mp
import nbformat
import pytest
from oracles import mp_bsm
from oracles.quantlib_heston import quantlib_heston
from playwright.sync_api import Page, expect
from test_notebook import (
    cell_by_tag,
    cells,
    download,
    errors_in,
    open_notebook,
    parse_table,
    result_text,
    run_all,
    stream_text,
)
from tolerances import (
    IV_ROUND_TRIP_REL_TOL,
    MC_LSM_AMERICAN_ABS_TOL,
    MC_LSM_MAX_SHORTFALL_REL,
    MC_STD_ERRORS,
    REL_TOL,
)

from pricinglab import reference
from pricinglab.heston import heston_price

EXAMPLES = Path(__file__).resolve().parents[2] / "web" / "examples"

# Shared (tests/tolerances.py): REL_TOL for the WASM engine (browser) against the pure-Python
# reference (native) and the 50-digit mpmath oracle; IV_ROUND_TRIP_REL_TOL for implied vols
# against mpmath's root; MC_STD_ERRORS for Monte Carlo estimates against exact prices.
# Greeks next to prices of ~1: an absolute floor for Greeks that are nearly 0.
GREEK_ABS_TOLERANCE = 1e-13
# QuantLib's adaptive Gauss-Lobatto Heston engine (tolerance 1e-14 on its integral).
QUANTLIB_HESTON_TOLERANCE = 1e-8
# Central differences with h = 1e-4 (gamma: 1e-2) of prices of ~1-30.
FINITE_DIFFERENCE_TOLERANCE = 1e-5


def example_names() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.ipynb"))


def run_example(page: Page, base_url: str, tmp_path: Path, name: str) -> dict[str, Any]:
    """Opens the example from the menu, runs all, and returns the exported notebook."""
    open_notebook(page, base_url)
    page.get_by_label("Open an example").select_option(name)
    expect(page.locator("#notebook-name")).to_have_value(name.removesuffix(".ipynb"))
    source = nbformat.read(EXAMPLES / name, as_version=4)
    expect(cells(page)).to_have_count(len(source.cells))
    run_all(page)
    path, exported = download(page, tmp_path, name)
    nbformat.validate(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4))
    assert errors_in(exported) == []
    code = [c for c in exported["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert [c["source"] for c in exported["cells"]] == [
        c.source.splitlines(keepends=True) for c in source.cells
    ]
    return exported


def close(got: float, expected: float, rel: float, abs_: float = 0.0) -> bool:
    return math.isclose(got, expected, rel_tol=rel, abs_tol=abs_)


def mp_implied_vol(kind: str, price: float, *args: float, guess: float) -> float:
    """The volatility at which the 50-digit price equals ``price`` (mpmath's secant)."""
    with mp.workdps(mp_bsm.DPS):
        root = mp.findroot(lambda v: mp_bsm.price(kind, *args, v) - mp.mpf(price), mp.mpf(guess))
        return float(root)


@pytest.fixture
def example(page: Page, base_url: str, page_errors: list[str], tmp_path: Path):  # type: ignore[no-untyped-def]
    return lambda name: run_example(page, base_url, tmp_path, name)


def test_there_are_at_least_three_examples_and_the_menu_lists_them(
    page: Page, base_url: str, page_errors: list[str]
) -> None:
    names = example_names()
    assert len(names) >= 3
    page.goto(f"{base_url}/notebook.html")
    options = page.get_by_label("Open an example").locator("option")
    listed = [v for v in options.evaluate_all("os => os.map((o) => o.value)") if v]
    assert sorted(listed) == names
    for name in names:
        nbformat.validate(nbformat.read(EXAMPLES / name, as_version=4))


# ----------------------------------------------------------------------------- the smile

SMILE_MARKET = {"spot": 100.0, "rate": 0.03, "dividend": 0.01, "expiry": 0.5}
SMILE_HESTON = {"v0": 0.04, "kappa": 2.0, "theta": 0.05, "xi": 0.6, "rho": -0.7}


def test_implied_vol_smile(example) -> None:  # type: ignore[no-untyped-def]
    nb = example("implied_vol_smile.ipynb")
    assert result_text(cell_by_tag(nb, "setup")) == "'wasm'"
    assert stream_text(cell_by_tag(nb, "smile-table")) == "quotes rejected: none\n"
    rows = parse_table(result_text(cell_by_tag(nb, "smile-table")),
                       ["strike", "kind", "mid", "implied_vol"])  # fmt: skip
    assert len(rows) == 13
    s, r, q, t = (SMILE_MARKET[k] for k in ("spot", "rate", "dividend", "expiry"))
    for row in rows:
        kind, strike, mid, vol = (
            row["kind"],
            float(row["strike"]),
            float(row["mid"]),
            float(row["implied_vol"]),
        )
        # the quotes are what the notebook says: Heston prices rounded to the cent
        assert mid == round(heston_price(kind, s, strike, t, r, q, **SMILE_HESTON), 2)
        native = reference.implied_vol(kind, mid, s, strike, t, r, q)
        assert close(vol, native, REL_TOL), row
        oracle = mp_implied_vol(kind, mid, s, strike, t, r, q, guess=vol)
        assert close(vol, oracle, IV_ROUND_TRIP_REL_TOL), (row, oracle)
    assert "<svg" in "".join(cell_by_tag(nb, "smile-chart")["outputs"][0]["data"]["image/svg+xml"])
    assert float(result_text(cell_by_tag(nb, "reprice"))) < 1e-12
    vols = {float(row["strike"]): float(row["implied_vol"]) for row in rows}
    skew = float(result_text(cell_by_tag(nb, "skew")))
    assert close(skew, (vols[105] - vols[95]) / 10, 1e-15)
    assert skew < 0  # an equity-like skew (rho < 0)


# ----------------------------------------------------------------------------- Heston vs BS

HESTON_MARKET = {"spot": 100.0, "rate": 0.02, "dividend": 0.0, "expiry": 1.0}
HESTON = {"v0": 0.04, "kappa": 1.5, "theta": 0.04, "xi": 0.5, "rho": -0.7}


def test_heston_vs_black_scholes(example) -> None:  # type: ignore[no-untyped-def]
    nb = example("heston_vs_black_scholes.ipynb")
    rows = parse_table(result_text(cell_by_tag(nb, "prices-table")),
                       ["strike", "heston", "black_scholes", "heston_implied_vol"])  # fmt: skip
    s, r, q, t = (HESTON_MARKET[k] for k in ("spot", "rate", "dividend", "expiry"))
    vol = math.sqrt(HESTON["v0"])
    assert len(rows) == 9
    for row in rows:
        k = float(row["strike"])
        heston, bs, iv = (
            float(row["heston"]),
            float(row["black_scholes"]),
            float(row["heston_implied_vol"]),
        )
        assert close(heston, heston_price("call", s, k, t, r, q, **HESTON), 1e-12)
        ql_price = quantlib_heston("call", s, k, 365, r, q, *HESTON.values())
        assert abs(heston - ql_price) < QUANTLIB_HESTON_TOLERANCE, (k, heston, ql_price)
        assert close(bs, reference.black_scholes("call", s, k, t, r, q, vol), REL_TOL)
        assert close(bs, mp_bsm.price_float("call", s, k, t, r, q, vol), REL_TOL)
        assert close(iv, reference.implied_vol("call", heston, s, k, t, r, q), REL_TOL)
    for tag in ("smile-chart", "difference-chart"):
        assert "image/svg+xml" in cell_by_tag(nb, tag)["outputs"][0]["data"]
    mc_cell = cell_by_tag(nb, "heston-mc")
    (lewis, mc) = parse_table(result_text(mc_cell), ["method", "price", "std_error"])
    exact = quantlib_heston("call", s, 100.0, 365, r, q, *HESTON.values())
    assert abs(float(lewis["price"]) - exact) < QUANTLIB_HESTON_TOLERANCE
    se = float(mc["std_error"])
    assert 0 < se < 0.05
    assert abs(float(mc["price"]) - exact) < MC_STD_ERRORS * se, (mc, exact)
    assert re.fullmatch(
        r"Monte Carlo - Lewis = [+-]\d+\.\d\d standard errors\n", stream_text(mc_cell)
    )


# ----------------------------------------------------------------------------- Monte Carlo

MC_CONTRACT = ("call", 100.0, 100.0, 1.0, 0.05, 0.0, 0.2)


def test_monte_carlo_convergence_and_speed(example) -> None:  # type: ignore[no-untyped-def]
    nb = example("monte_carlo_convergence.ipynb")
    exact = float(result_text(cell_by_tag(nb, "exact")))
    assert close(exact, reference.black_scholes(*MC_CONTRACT), REL_TOL)
    assert close(exact, mp_bsm.price_float(*MC_CONTRACT), REL_TOL)
    rows = parse_table(result_text(cell_by_tag(nb, "convergence-table")),
                       ["paths", "price", "std_error", "error_in_std_errors"])  # fmt: skip
    assert [int(row["paths"]) for row in rows] == [100, 300, 1_000, 3_000, 10_000, 30_000,
                                                   100_000, 300_000, 1_000_000]  # fmt: skip
    for row in rows:
        price, se = float(row["price"]), float(row["std_error"])
        assert abs(price - exact) < MC_STD_ERRORS * se, row
        assert close(float(row["error_in_std_errors"]), (price - exact) / se, 1e-12)
    # The 1/sqrt(N) rate: std_error * sqrt(N) is about constant from 10,000 paths on. A sample
    # standard deviation over n samples has a relative error near sqrt((kurtosis - 1) / 4n); the
    # control-variate residuals of this contract are heavy-tailed (kurtosis ~17, NumPy, 2e6 draws),
    # so at 1,500 antithetic samples it is ~5 % and two rows can differ by 10 % by chance; from
    # 5,000 samples on it is ~3 %.
    scaled = [float(row["std_error"]) * math.sqrt(int(row["paths"])) for row in rows[4:]]
    assert max(scaled) / min(scaled) < 1.1
    assert "image/svg+xml" in cell_by_tag(nb, "convergence-chart")["outputs"][0]["data"]

    speed = cell_by_tag(nb, "speed")
    agreement = re.fullmatch(
        r"largest difference between batch and loop prices: (\S+)\n", stream_text(speed)
    )
    assert agreement and float(agreement.group(1)) < 1e-12
    timings = parse_table(result_text(speed), ["task", "wasm_seconds", "python_seconds", "speedup"])
    assert [row["task"] for row in timings] == ["20,000 Black-Scholes prices",
                                                "Monte Carlo, 200,000 paths"]  # fmt: skip
    for row in timings:
        wasm, python, speedup = (
            float(row[k]) for k in ("wasm_seconds", "python_seconds", "speedup")
        )
        assert wasm > 0 and python > 0 and close(speedup, python / wasm, 1e-12)
    for row in parse_table(
        result_text(cell_by_tag(nb, "speed-check")), ["engine", "price", "std_error"]
    ):
        assert abs(float(row["price"]) - exact) < MC_STD_ERRORS * float(row["std_error"]), row


# ----------------------------------------------------------------------------- Greeks

GREEKS_CONTRACT = ("call", 100.0, 105.0, 0.5, 0.03, 0.01, 0.2)


def test_greeks_and_payoffs(example) -> None:  # type: ignore[no-untyped-def]
    nb = example("greeks_and_payoffs.ipynb")
    rows = parse_table(result_text(cell_by_tag(nb, "greeks-table")), ["greek", "value"])
    got = {row["greek"]: float(row["value"]) for row in rows}
    native = reference.greeks(*GREEKS_CONTRACT)
    oracle = mp_bsm.all_greeks(*GREEKS_CONTRACT)
    assert list(got) == list(native)  # docs/api.md order
    for name, value in got.items():
        assert close(value, native[name], REL_TOL, GREEK_ABS_TOLERANCE), name
        assert close(value, oracle[name], REL_TOL, GREEK_ABS_TOLERANCE), name
    for tag in ("payoff-call", "payoff-put", "greeks-chart"):
        svg = "".join(cell_by_tag(nb, tag)["outputs"][0]["data"]["image/svg+xml"])
        assert svg.startswith("<svg") and 'style="' not in svg
    fd_rows = parse_table(result_text(cell_by_tag(nb, "fd-check")),
                          ["greek", "analytic", "finite_difference"])  # fmt: skip
    assert [row["greek"] for row in fd_rows] == [
        "delta",
        "gamma",
        "vega",
        "theta",
        "rho",
        "epsilon",
    ]
    for row in fd_rows:
        analytic, fd = float(row["analytic"]), float(row["finite_difference"])
        assert close(analytic, oracle[row["greek"]], REL_TOL, GREEK_ABS_TOLERANCE)
        assert close(fd, analytic, FINITE_DIFFERENCE_TOLERANCE), row


# ------------------------------------------------------------------- the market calibration

# scripts/sample_chain.py's market and model: the chain's quotes carry spreads and cent rounding,
# so the fits land near these, not on them.
CHAIN_TRUTH = {"v0": 0.04, "kappa": 2.0, "theta": 0.05, "xi": 0.6, "rho": -0.7}
CHAIN_FIT_TOL = {"v0": 0.003, "kappa": 0.3, "theta": 0.005, "xi": 0.06, "rho": 0.05}


def test_market_calibration(example) -> None:  # type: ignore[no-untyped-def]
    nb = example("market_calibration.ipynb")
    assert stream_text(cell_by_tag(nb, "read")) == "99 quotes, 99 usable\n"
    forwards = parse_table(
        result_text(cell_by_tag(nb, "forwards")), ["expiry", "forward", "dividend"]
    )
    assert len(forwards) == 6
    for row in forwards:
        assert abs(float(row["dividend"]) - 0.01) < 0.002, row
    svi = parse_table(
        result_text(cell_by_tag(nb, "svi")), ["expiry", "quotes", "rmse_vol", "butterfly_free"]
    )
    assert [row["butterfly_free"] for row in svi] == ["True"] * 6
    assert all(float(row["rmse_vol"]) < 0.01 for row in svi)
    assert "<svg" in "".join(cell_by_tag(nb, "smile-chart")["outputs"][0]["data"]["image/svg+xml"])
    fitted = parse_table(
        result_text(cell_by_tag(nb, "heston-fit")), ["parameter", "fitted", "true"]
    )
    for row in fitted:
        name = row["parameter"]
        assert float(row["true"]) == CHAIN_TRUTH[name]
        assert abs(float(row["fitted"]) - CHAIN_TRUTH[name]) < CHAIN_FIT_TOL[name], row
    assert float(result_text(cell_by_tag(nb, "heston-quality"))) < 0.01


# ------------------------------------------------------------------- American options

# The notebook prints 10 significant digits; the wasm and native engines run the same code.
AMERICAN_PRINT_TOL = 1e-9
AMERICAN_MARKET = {"strike": 100.0, "expiry": 1.0, "rate": 0.05, "dividend": 0.01, "vol": 0.25}


def test_american_options(example) -> None:  # type: ignore[no-untyped-def]
    import pricinglab as pl  # native: the same engine, checked against QuantLib and the PDE

    nb = example("american_options.ipynb")
    rows = parse_table(
        result_text(cell_by_tag(nb, "prices")), ["spot", "american", "european", "premium"]
    )
    assert len(rows) == 6
    for row in rows:
        s = float(row["spot"])
        american = pl.american("put", s, **AMERICAN_MARKET)
        european = reference.black_scholes("put", s, **AMERICAN_MARKET)
        assert float(row["american"]) == pytest.approx(american, rel=AMERICAN_PRINT_TOL)
        assert float(row["european"]) == pytest.approx(european, rel=AMERICAN_PRINT_TOL)
        assert float(row["american"]) >= float(row["european"])
    assert "<svg" in "".join(
        cell_by_tag(nb, "boundary-chart")["outputs"][0]["data"]["image/svg+xml"]
    )
    b = pl.american_boundary("put", 100.0, **AMERICAN_MARKET)
    assert stream_text(cell_by_tag(nb, "boundary")) == (
        f"boundary today {b['boundary'][0]:.6f}, at expiry {b['boundary'][-1]:.6f}\n"
    )
    g = pl.american_greeks("put", 95.0, **AMERICAN_MARKET)
    for row in parse_table(result_text(cell_by_tag(nb, "greeks")), ["greek", "value"]):
        assert float(row["value"]) == pytest.approx(g[row["greek"]], rel=1e-8), row
    for line in stream_text(cell_by_tag(nb, "accuracy")).splitlines():
        accuracy, value = line.split()
        expected = pl.american("put", 95.0, **AMERICAN_MARKET, accuracy=accuracy)  # type: ignore[arg-type]
        assert float(value) == pytest.approx(expected, rel=1e-12), line
    assert float(stream_text(cell_by_tag(nb, "implied-vol"))) == pytest.approx(0.25, rel=1e-8)


# ------------------------------------------------------------------- exotic options

# The notebook's tables print 8 significant digits; wasm and native give the same doubles.
EXOTIC_PRINT_TOL = 1e-7
EXOTIC_MARKET = {"kind": "call", "spot": 100.0, "strike": 100.0, "expiry": 1.0, "rate": 0.05,
                 "dividend": 0.01}  # fmt: skip
EXOTIC_GBM = {"model": "gbm", **EXOTIC_MARKET, "vol": 0.25, "paths": 100_000, "seed": 2026}
EXOTIC_HESTON = {"model": "heston", **EXOTIC_MARKET, "kind": "put", "v0": 0.04, "kappa": 1.5,
                 "theta": 0.06, "xi": 0.5, "rho": -0.7, "paths": 20_000, "seed": 7}  # fmt: skip


def _lower_bound_of(result: dict[str, Any], exact: float) -> bool:
    """A Longstaff-Schwartz Bermudan: at most MC_LSM_MAX_SHORTFALL_REL below `exact`."""
    noise = MC_STD_ERRORS * result["std_error"]
    return exact * (1 - MC_LSM_MAX_SHORTFALL_REL) - noise <= result["price"] <= exact + noise


def _printed(value: str, expected: float) -> bool:
    return float(value) == pytest.approx(expected, rel=EXOTIC_PRINT_TOL, abs=1e-12)


def test_exotic_options(example) -> None:  # type: ignore[no-untyped-def]
    from oracles import quantlib_exotics as qx

    import pricinglab as pl  # native: the same engine, checked against QuantLib

    nb = example("exotic_options.ipynb")
    european = mp_bsm.price_float("call", 100.0, 100.0, 1.0, 0.05, 0.01, 0.25)
    assert close(float(result_text(cell_by_tag(nb, "setup"))), european, REL_TOL)

    columns = ["barrier", "up_and_out", "out_std_error", "up_and_in", "in_std_error",
               "in_plus_out"]  # fmt: skip
    rows = parse_table(result_text(cell_by_tag(nb, "barriers")), columns)
    assert [float(r["barrier"]) for r in rows] == [105.0, 110.0, 120.0, 130.0, 150.0, 200.0]
    for row in rows:
        b = float(row["barrier"])
        for payoff, se in (("up_and_out", "out_std_error"), ("up_and_in", "in_std_error")):
            native = pl.monte_carlo(EXOTIC_GBM, payoff=payoff, barrier=b)
            assert _printed(row[payoff], native["price"]), (row, payoff)
            assert _printed(row[se], native["std_error"]), (row, se)
            exact = qx.barrier_gbm("call", payoff, 100.0, 100.0, b, 365, 0.05, 0.01, 0.25)
            assert abs(float(row[payoff]) - exact) <= MC_STD_ERRORS * float(row[se]), row
        noise = math.hypot(float(row["out_std_error"]), float(row["in_std_error"]))
        assert abs(float(row["in_plus_out"]) - european) <= MC_STD_ERRORS * noise, row
    assert "image/svg+xml" in cell_by_tag(nb, "barrier-chart")["outputs"][0]["data"]

    columns = ["payoff", "price", "std_error", "std_error_without_control"]
    for row in parse_table(result_text(cell_by_tag(nb, "asians")), columns):
        native = pl.monte_carlo(EXOTIC_GBM, payoff=row["payoff"], expiry=360 / 365, steps=12)
        for key in columns[1:]:
            assert _printed(row[key], native[key]), (row, key)
        average = row["payoff"].removeprefix("asian_")
        exact, error = qx.asian_gbm(average, "call", 100.0, 100.0, 30, 12, 0.05, 0.01, 0.25)
        noise = MC_STD_ERRORS * math.hypot(float(row["std_error"]), error)
        assert abs(float(row["price"]) - exact) <= noise, (row, exact, error)

    columns = ["strike", "bermudan_50", "lsm", "std_error", "american", "error"]
    rows = parse_table(result_text(cell_by_tag(nb, "american")), columns)
    assert [float(r["strike"]) for r in rows] == [90.0, 100.0, 110.0]
    put = {**EXOTIC_GBM, "kind": "put", "steps": 50, "paths": 40_000}
    for row in rows:
        k = float(row["strike"])
        native = pl.monte_carlo(put, payoff="american", strike=k)
        assert _printed(row["lsm"], native["price"]) and _printed(
            row["std_error"], native["std_error"]
        )
        bermudan = pl.monte_carlo(put, payoff="bermudan", exercise_dates=50, strike=k)
        assert _printed(row["bermudan_50"], bermudan["price"])
        exact = qx.american_gbm("put", 100.0, k, 365, 0.05, 0.01, 0.25)
        assert _printed(row["american"], pl.american("put", 100.0, k, 1.0, 0.05, 0.01, 0.25))
        noise = MC_STD_ERRORS * float(row["std_error"])
        assert abs(float(row["lsm"]) - exact) <= noise + MC_LSM_AMERICAN_ABS_TOL, row
        assert _lower_bound_of(bermudan, exact), (row, bermudan)

    rows = parse_table(result_text(cell_by_tag(nb, "heston-american")),
                       ["exercise", "price", "std_error"])  # fmt: skip
    assert [r["exercise"] for r in rows] == ["european (semi-analytic)", "bermudan, 4 dates",
                                             "american, 50 dates"]  # fmt: skip
    assert _printed(rows[0]["price"], heston_price("put", 100.0, 100.0, 1.0, 0.05, 0.01, 0.04,
                                                   1.5, 0.06, 0.5, -0.7))  # fmt: skip
    bermudan = pl.monte_carlo(EXOTIC_HESTON, payoff="bermudan", exercise_dates=4)
    american = pl.monte_carlo(EXOTIC_HESTON, payoff="american", steps=50)
    assert _printed(rows[1]["price"], bermudan["price"])
    assert _printed(rows[2]["price"], american["price"])
    heston = {k: EXOTIC_HESTON[k] for k in ("v0", "kappa", "theta", "xi", "rho")}
    pde = qx.american_heston("put", 100.0, 100.0, 365, 0.05, 0.01, heston, (100, 200, 100))
    finer = qx.american_heston("put", 100.0, 100.0, 365, 0.05, 0.01, heston, (200, 400, 200))
    error = math.hypot(MC_STD_ERRORS * american["std_error"], finer - pde)
    assert abs(american["price"] - finer) <= error + MC_LSM_AMERICAN_ABS_TOL
    assert bermudan["price"] <= finer + MC_STD_ERRORS * bermudan["std_error"]
