"""Writes web/examples/chain_dax_sepp.csv: a published market for the lab's Market card.

The DAX implied-volatility surface of A. Sepp, "Pricing European-Style Options under Jump
Diffusion Processes with Stochastic Volatility: Applications of Fourier Transform", Acta et
Commentationes Universitatis Tartuensis de Mathematica 7 (2003), pp. 123-133, as transcribed in
QuantLib's test-suite (test-suite/hestonmodel.cpp, testDAXCalibration): spot 4468.17, 13
strikes x 8 maturities (13-703 days), each maturity's zero rate, no dividend yield. The data
live in tests/oracles/sepp_dax.py (the tests check the calibration against the published fit
error there); this script turns each quoted vol into the Black-Scholes price of the
out-of-the-money option (a call at or above the forward, else a put), at Sepp's days and zero
rates (continuously compounded, Actual/365), to 1e-6 index points:

    .venv/bin/python scripts/dax_chain.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pricinglab as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from oracles import sepp_dax  # noqa: E402

OUT = ROOT / "web" / "examples" / "chain_dax_sepp.csv"


def main() -> None:
    lines = ["days,strike,type,rate,mid"]
    for j, (days, rate) in enumerate(zip(sepp_dax.DAYS, sepp_dax.ZERO_RATES, strict=True)):
        t = days / 365
        forward = sepp_dax.SPOT * math.exp(rate * t)
        for i, strike in enumerate(sepp_dax.STRIKES):
            kind = "call" if strike >= forward else "put"
            mid = pl.black_scholes(kind, sepp_dax.SPOT, strike, t, rate, 0.0, sepp_dax.VOLS[i][j])
            lines.append(f"{days},{strike},{'C' if kind == 'call' else 'P'},{rate},{mid:.6f}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(lines) - 1} quotes")


if __name__ == "__main__":
    main()
