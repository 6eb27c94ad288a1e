"""Writes web/examples/chain_heston.csv: a sample option chain for the lab's Market card.

Mid prices from Heston's model (pl.heston_price) with realistic equity-index parameters, then a
bid/ask spread around each mid, jittered with a seeded generator so that the file is the same
on every run:

    .venv/bin/python scripts/sample_chain.py

Market: spot 100, rate 3 %, dividend yield 1 %. Model: v0 = 0.04, kappa = 2, theta = 0.05,
xi = 0.6, rho = -0.7. Expiries 30 days to 2 years, strikes 70-140 by 5, out-of-the-money puts and
calls, and both sides for the strikes 90-110 (where put-call parity gives the forward).
Half-spread: 0.02 + 3 % of the mid, the mid itself moved by up to a quarter of it (quotes are
not perfectly centred), and prices rounded to cents.
"""

from __future__ import annotations

import random
from pathlib import Path

import pricinglab as pl

SPOT, RATE, DIVIDEND = 100.0, 0.03, 0.01
MODEL = (0.04, 2.0, 0.05, 0.6, -0.7)  # v0, kappa, theta, xi, rho
DAYS = (30, 61, 91, 182, 365, 730)
STRIKES = [70.0 + 5.0 * i for i in range(15)]
OUT = Path(__file__).resolve().parents[1] / "web" / "examples" / "chain_heston.csv"


def main() -> None:
    rng = random.Random(20261203)
    lines = ["days,strike,type,bid,ask"]
    for days in DAYS:
        for strike in STRIKES:
            near = abs(strike - SPOT) <= 10.0  # both sides near the money, as listed chains have
            kinds = ["put", "call"] if near else ["put" if strike < SPOT else "call"]
            for kind in kinds:
                mid = pl.heston_price(kind, SPOT, strike, days / 365, RATE, DIVIDEND, *MODEL)
                half = 0.02 + 0.03 * mid
                centre = mid + rng.uniform(-0.25, 0.25) * half
                bid, ask = max(centre - half, 0.0), centre + half
                if bid <= 0.0:
                    continue  # no bid: such quotes carry no information about the smile
                lines.append(f"{days},{strike:g},{kind[0].upper()},{bid:.2f},{ask:.2f}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{OUT}: {len(lines) - 1} quotes")


if __name__ == "__main__":
    main()
