"""The benchmark's work, defined once: what every engine computes, and how it is handed over.

Three tasks (Pricing Lab issue 5):

- ``heston_mc_<paths>x<steps>``: a European put under Heston by Monte Carlo, the seed's contract
  (docs/references.md: S = K = 100, T = 1, r = 0.05, q = 0, v0 = theta = 0.04,
  kappa = 1.5, xi = 0.3, rho = -0.7), 5,000 independent paths (no antithetic pairs, in every
  engine) of 100 time steps.
- ``bs_batch_<rows>``: Black-Scholes-Merton call prices of 10^6 contracts.
- ``iv_batch_<rows>``: implied volatilities of 10^5 call prices.
- ``scalar_greeks_<rows>``: 2,000 calls priced one call at a time, price and Greeks each.

The batch inputs come from a seeded NumPy generator and are written as raw little-endian float64
files (one per column) next to a ``spec.txt`` of ``key=value`` lines, which the Rust, node and
browser engines read; the Python engines use the arrays directly. So every engine sees bit-for-bit
the same input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr  # type: ignore[import-untyped]

F64 = NDArray[np.float64]

# The seed's Heston contract (docs/references.md, "The seed's CPython Heston loop").
HESTON_CONTRACT: dict[str, Any] = {
    "kind": "put",
    "spot": 100.0,
    "strike": 100.0,
    "expiry": 1.0,
    "rate": 0.05,
    "dividend": 0.0,
    "v0": 0.04,
    "kappa": 1.5,
    "theta": 0.04,
    "xi": 0.3,
    "rho": -0.7,
}
HESTON_SEED = 1
BATCH_SEED = 20240605
# Rates shared by every row of the batch tasks (broadcast scalars in every engine).
BATCH_RATE = 0.03
BATCH_DIVIDEND = 0.01


def _count_name(n: int) -> str:
    """``1000000 -> "1e6"``; other counts are written out (``5000``)."""
    k = round(math.log10(n)) if n > 0 else 0
    return f"1e{k}" if 10**k == n else str(n)


@dataclass(frozen=True)
class HestonWork:
    """One Monte Carlo Heston pricing: the contract, ``paths`` x ``steps``, a seed."""

    paths: int
    steps: int
    seed: int = HESTON_SEED
    contract: dict[str, Any] = field(default_factory=lambda: dict(HESTON_CONTRACT))

    @property
    def task(self) -> str:
        return f"heston_mc_{self.paths}x{self.steps}"

    @property
    def units(self) -> int:
        return self.paths * self.steps

    unit_name = "path-steps"

    def mc_params(self) -> dict[str, Any]:
        """The ``monte_carlo(params)`` argument of docs/api.md for our engine."""
        return {
            "model": "heston",
            **self.contract,
            "paths": self.paths,
            "steps": self.steps,
            "seed": self.seed,
            "antithetic": False,
        }

    def spec(self) -> dict[str, str]:
        return {"task": "heston", **_spec_values(self.mc_params())}


@dataclass(frozen=True)
class BatchWork:
    """A batch task: ``kind`` and the two rates broadcast, the other arguments one per row."""

    name: str  # "bs_batch" or "iv_batch"
    rows: int
    columns: dict[str, F64]
    kind: str = "call"
    rate: float = BATCH_RATE
    dividend: float = BATCH_DIVIDEND
    # iv_batch: the volatilities the prices were made from (an accuracy check, not an input).
    true_vol: F64 | None = None

    @property
    def task(self) -> str:
        return f"{self.name}_{_count_name(self.rows)}"

    @property
    def units(self) -> int:
        return self.rows

    @property
    def unit_name(self) -> str:
        return {"bs_batch": "options", "scalar_greeks": "calls"}.get(self.name, "implied vols")

    def spec(self) -> dict[str, str]:
        return {
            "task": self.name,
            "rows": str(self.rows),
            "kind": self.kind,
            "rate": repr(self.rate),
            "dividend": repr(self.dividend),
            "columns": ",".join(self.columns),
        }


def _spec_values(d: dict[str, Any]) -> dict[str, str]:
    out = {}
    for k, v in d.items():
        out[k] = (
            ("true" if v else "false")
            if isinstance(v, bool)
            else (repr(v) if isinstance(v, float) else str(v))
        )
    return out


def bs_prices(
    kind: str, spot: F64, strike: F64, expiry: F64, rate: float, dividend: float, vol: F64
) -> F64:
    """Vectorised Black-Scholes-Merton (Hull, *Options, Futures and Other Derivatives*,
    eq. 17.4 with a continuous dividend yield), with SciPy's normal CDF ``ndtr``."""
    sd = vol * np.sqrt(expiry)
    d1 = (np.log(spot / strike) + (rate - dividend) * expiry) / sd + 0.5 * sd
    d2 = d1 - sd
    fwd_disc = spot * np.exp(-dividend * expiry)
    k_disc = strike * np.exp(-rate * expiry)
    if kind == "call":
        return np.asarray(fwd_disc * ndtr(d1) - k_disc * ndtr(d2), dtype=np.float64)
    return np.asarray(k_disc * ndtr(-d2) - fwd_disc * ndtr(-d1), dtype=np.float64)


def bs_batch(rows: int, seed: int = BATCH_SEED) -> BatchWork:
    """Calls with spot and strike in [50, 150], expiry in [0.05, 3] years, vol in [5%, 80%]."""
    rng = np.random.default_rng(seed)
    cols = {
        "spot": rng.uniform(50.0, 150.0, rows),
        "strike": rng.uniform(50.0, 150.0, rows),
        "expiry": rng.uniform(0.05, 3.0, rows),
        "vol": rng.uniform(0.05, 0.8, rows),
    }
    return BatchWork("bs_batch", rows, cols)


def scalar_greeks(rows: int, seed: int = BATCH_SEED + 2) -> BatchWork:
    """Calls priced one at a time with all their Greeks: the bs_batch ranges, expiries rounded
    to whole days (Actual/365), so that QuantLib's dates and our year fractions are the same."""
    work = bs_batch(rows, seed)
    cols = dict(work.columns)
    cols["expiry"] = np.maximum(np.round(cols["expiry"] * 365.0), 1.0) / 365.0
    return BatchWork("scalar_greeks", rows, cols)


def iv_batch(rows: int, seed: int = BATCH_SEED + 1) -> BatchWork:
    """Call prices from known vols in [5%, 80%], expiries in [0.05, 3] years and strikes
    ``F exp(z vol sqrt(T))`` with ``z`` in [-3, 3] standard deviations (in and out of the money,
    never so far out that the price carries no information about the vol)."""
    rng = np.random.default_rng(seed)
    spot = rng.uniform(50.0, 150.0, rows)
    expiry = rng.uniform(0.05, 3.0, rows)
    vol = rng.uniform(0.05, 0.8, rows)
    z = rng.uniform(-3.0, 3.0, rows)
    forward = spot * np.exp((BATCH_RATE - BATCH_DIVIDEND) * expiry)
    strike = forward * np.exp(z * vol * np.sqrt(expiry))
    price = bs_prices("call", spot, strike, expiry, BATCH_RATE, BATCH_DIVIDEND, vol)
    cols = {"price": price, "spot": spot, "strike": strike, "expiry": expiry}
    return BatchWork("iv_batch", rows, cols, true_vol=vol)


def write_spec(
    directory: Path, spec: dict[str, str], columns: dict[str, F64] | None = None
) -> Path:
    """Writes ``spec.txt`` (``key=value`` lines) and ``<column>.f64`` files into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, values in (columns or {}).items():
        np.ascontiguousarray(values, dtype="<f8").tofile(directory / f"{name}.f64")
    path = directory / "spec.txt"
    path.write_text("".join(f"{k}={v}\n" for k, v in spec.items()))
    return path


def read_f64(path: Path) -> F64:
    return np.fromfile(path, dtype="<f8")
