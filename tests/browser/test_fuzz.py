"""Garbage through every wasm export, in Chromium: each call returns a well-formed value or
throws a JS Error whose message names a parameter — and the instance keeps working after
thousands of bad calls (a Rust panic would poison it: every later call would throw
"unreachable")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from tolerances import close

from pricinglab import reference

# Deterministic junk: a small xorshift PRNG in the page, values from a pool of the awkward.
FUZZ = (Path(__file__).parent / "js" / "fuzz.js").read_text(encoding="utf-8")

# The names an error message may start with: the API's parameters and fields.
PARAMETERS = {
    "kind", "spot", "strike", "expiry", "rate", "dividend", "vol", "price", "code", "params",
    "model", "v0", "kappa", "theta", "xi", "rho", "hurst", "paths", "steps", "seed",
    "antithetic", "greeks", "first", "count", "blocks", "n", "points", "inputs", "<unknown field>",
}  # fmt: skip


def test_garbage_never_breaks_the_engine(lab: Page) -> None:
    out: dict[str, Any] = lab.evaluate(FUZZ, 400)
    assert out["errors"] > 1000 and out["ok"] > 0
    assert not out["badErrors"], out["badErrors"][:10]
    unnamed = {w: n for w, n in out["firstWords"].items() if w not in PARAMETERS}
    assert not unnamed, f"error messages that do not start with a parameter: {unnamed}"
    # Still alive and still right.
    price = lab.evaluate("() => window.pricingLab.black_scholes('call', 100, 90, 1, 0.05, 0, 0.2)")
    assert close(price, reference.black_scholes("call", 100, 90, 1, 0.05, 0, 0.2))
