"""Every tolerance the tests use, named once (Rust's live in wasm_core's tests).

Each says what it bounds and why it is that size.
"""

from __future__ import annotations

from typing import Final

# Agreement with the 50-digit oracle (or between our two implementations), relative ...
REL_TOL: Final = 1e-12
# ... or absolute, below the smallest normal-ish magnitude: values under it are underflow
# (e^{-800} flushes to 0 in doubles where mpmath keeps 1e-348).
ABS_FLOOR: Final = 1e-290
# SciPy's and QuantLib's textbook formulas, on contracts where they do not cancel.
LIBRARY_REL_TOL: Final = 1e-12
# Implied-vol round trip, relative, where the price determines the vol (below).
IV_ROUND_TRIP_REL_TOL: Final = 1e-10
# A round trip is required only where the vol is well determined by a double-precision
# price: a relative price error of 1 ulp moves the vol by (price / (vega vol)) ulps; we
# require that amplification to stay below this.
IV_MAX_AMPLIFICATION: Final = 1e3
# The batch functions against the scalar ones, relative: the batch price takes a fast path
# where its per-row bound proves it within 32 ulps of exact (wasm_core/src/black_scholes/fast.rs),
# the scalar one stays within a few; the batch Greeks are the same closed forms on d1, d2 from a
# plainly rounded ln(S/K), a few ulps of d1 apart. Both are held to REL_TOL against mpmath.
BATCH_VS_SCALAR_REL_TOL: Final = 1e-13
# Exact published values: a few ulps.
PUBLISHED_REL_TOL: Final = 1e-15
# Monte Carlo: the estimate is within this many standard errors of the exact price
# (a false alarm about once in 16,000 independent checks).
MC_STD_ERRORS: Final = 4.0


def close(got: float, exact: float, rel: float = REL_TOL) -> bool:
    """``|got - exact| <= rel |exact| + ABS_FLOOR``."""
    return abs(got - exact) <= rel * abs(exact) + ABS_FLOOR


# Monte Carlo: 16 times the paths divides the standard error by 4, up to the noise of the
# standard-error estimates themselves (a few % with 1,000 samples).
MC_SE_SCALING_REL_TOL: Final = 0.15
# The rough Heston kernel's sum-of-exponentials factors match the exact memory weights
# Kbar((m+1) dt) - Kbar(m dt) to this relative accuracy (the design accuracy of kernel.rs).
MC_KERNEL_MEMORY_REL_TOL: Final = 5e-5
# Monte Carlo: the standard deviation of 100 independent estimates matches their reported
# standard error to this relative accuracy (the sample s.d. of 100 normal estimates has
# relative s.d. 1/sqrt(2 * 99) = 0.071; 0.3 is about 4 of those).
MC_SE_CALIBRATION_REL_TOL: Final = 0.3
# Longstaff-Schwartz for a Bermudan (and under Heston for an American) is a lower bound: its
# regressed exercise policy is suboptimal. Measured 0.15-0.7 % below QuantLib's PDE under Heston
# before the American's extrapolation (docs/api.md); this allows twice that on top of 4 standard
# errors.
MC_LSM_MAX_SHORTFALL_REL: Final = 0.015
# Issue 11's goal for payoff "american" (extrapolated from two Bermudans): within 4 standard
# errors plus this (absolute, on strikes of 40-110) of the converged American price.
MC_LSM_AMERICAN_ABS_TOL: Final = 1e-3
# An implied vol inverts the price it came from: repriced in exact arithmetic (mpmath), it
# lands within this many ulps of that price, plus the reach of the vol's own half-ulp
# rounding (vega·ulp(vol)/2). The budget: the price's rounding, √(D F·D K) and 2 sinh(x/2) in
# the intrinsic value that put-call parity subtracts (a few ulps each, docs/api.md).
IV_REPRICE_ULPS: Final = 6.0
