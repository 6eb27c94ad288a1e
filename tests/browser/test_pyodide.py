"""The pricinglab wheel in real Pyodide in Chromium, calling the wasm engine from Python,
compared with the same calls in native CPython (pricinglab.reference)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cases import describe, grid
from playwright.sync_api import Page
from tolerances import close

import pricinglab as pl
from pricinglab import reference

CASES = grid(60, seed=4)

# Boots Pyodide with the wheel (web/python.js) and runs `code`, returning its JSON result.
RUN_PYTHON = """async (code) => {
  const { startPython } = await import("/python.js");
  const py = await startPython();
  return py.runPython(code);
}"""

PROGRAM = """
import json, array
import pricinglab as pl

cases = json.loads(CASES)
out = {
    "backend": pl.backend,
    "prices": [pl.black_scholes(*c) for c in cases],
    "greeks": [pl.greeks(*c) for c in cases],
    "keywords": pl.black_scholes(kind="put", spot=100, strike=110, expiry=0.5, rate=0.01,
                                 dividend=0.02, vol=0.3),
    "many": pl.black_scholes_many("call", array.array("d", [90, 100, 110]), 100, 1, 0.05, 0,
                                  [0.2, -1.0, 0.2]),
    "iv": pl.implied_vol("call", 12.3, 100, 110, 0.89, 0.03, 0),
}
try:
    pl.black_scholes("call", -1, 100, 1, 0.05, 0, 0.2)
except ValueError as e:
    out["error"] = [type(e).__name__, str(e)]
try:
    pl.black_scholes("call", "100", 100, 1, 0.05, 0, 0.2)
except TypeError as e:
    out["type_error"] = [isinstance(e, ValueError), str(e)]
# The submodules a notebook user is shown: Heston's needs nothing more; rough Heston's needs
# NumPy, which the offline runtime lacks, and says so.
from pricinglab.heston import heston_price
out["heston"] = heston_price("put", 100, 100, 1, 0.05, 0, 0.04, 1.5, 0.04, 0.3, -0.7)
try:
    from pricinglab.rough import rough_heston_price
except ImportError as e:
    out["rough_import"] = str(e)
json.dumps(out)
"""


@pytest.fixture(scope="module")
def pyodide_out(browser: Any, base_url: str) -> dict[str, Any]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base_url}/")
    page.wait_for_selector("body[data-ready=true]")
    program = f"CASES = {json.dumps(json.dumps(CASES))}\n{PROGRAM}"
    out: dict[str, Any] = json.loads(page.evaluate(RUN_PYTHON, program))
    page.close()
    assert not errors, errors
    return out


def test_pyodide_uses_the_wasm_backend(pyodide_out: dict[str, Any]) -> None:
    assert pyodide_out["backend"] == "wasm"
    assert pl.backend == "native"  # and native CPython the native engine


def test_prices_and_greeks_match_native_python(pyodide_out: dict[str, Any]) -> None:
    for case, price, greeks in zip(
        CASES, pyodide_out["prices"], pyodide_out["greeks"], strict=True
    ):
        assert close(price, reference.black_scholes(*case)), describe(case)
        for name, value in reference.greeks(*case).items():
            assert close(greeks[name], value), (name, describe(case))


def test_keywords_batches_and_errors(pyodide_out: dict[str, Any]) -> None:
    assert close(
        pyodide_out["keywords"], reference.black_scholes("put", 100, 110, 0.5, 0.01, 0.02, 0.3)
    )
    many = pyodide_out["many"]
    assert many["status"] == [0, 7, 0]
    assert close(many["price"][2], reference.black_scholes("call", 110, 100, 1, 0.05, 0, 0.2))
    assert pyodide_out["iv"] == pytest.approx(0.40269973285787297, rel=1e-14)
    assert pyodide_out["error"] == ["PricingError", "spot must be > 0 (got -1)"]
    # The checks run in wasm: JavaScript's name for the type.
    assert pyodide_out["type_error"] == [True, "spot must be a number (got string)"]


def test_submodules_import_or_say_why_not(pyodide_out: dict[str, Any]) -> None:
    from pricinglab.heston import heston_price

    expected = heston_price("put", 100, 100, 1, 0.05, 0, 0.04, 1.5, 0.04, 0.3, -0.7)
    assert pyodide_out["heston"] == pytest.approx(expected, rel=1e-12)
    message = pyodide_out["rough_import"]
    assert "needs NumPy" in message
    assert "monte_carlo" in message


def test_page_has_no_errors_after_booting_python(lab: Page) -> None:
    """Booting Pyodide next to the lab page leaves the page working (and error-free)."""
    lab.evaluate("async () => { const m = await import('/python.js'); await m.startPython(); }")
    lab.fill("#spot", "120")
    lab.wait_for_function("document.querySelector('[data-testid=price]').value !== '–'")
    expected = reference.black_scholes("call", 120, 100, 1, 0.05, 0, 0.2)
    shown = float(lab.locator("[data-testid=price]").text_content() or "nan")
    assert shown == pytest.approx(expected, rel=1e-9)  # shown to 10 significant digits
