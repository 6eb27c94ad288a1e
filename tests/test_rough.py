"""Tests of pricinglab.rough against independent references.

- the rough Heston values in docs/references.md (El Euch & Rosenbaum's Adams scheme,
  1,600 steps, computed elsewhere);
- QuantLib's AnalyticRoughHestonEngine (an independent C++ implementation of the same
  model and of the explicit Adams predictor-corrector);
- our Heston oracle (itself checked against Lewis's table and QuantLib) at hurst = 1/2;
- the exact power series of the fractional Riccati solution in ``t^a`` (evaluated in
  30-digit mpmath), for the characteristic function and the scheme's order of convergence.
"""

from __future__ import annotations

import math
import time
from typing import Any

import mpmath as mp  # type: ignore[import-untyped]
import numpy as np
import pytest
import QuantLib as ql  # type: ignore[import-untyped]
from oracles.quantlib_heston import european_price

from pricinglab.heston import heston_price
from pricinglab.rough import rough_heston_log_cf, rough_heston_price

# Tolerances (absolute, in price units unless stated).
REFERENCE_TOL = 2e-5  # docs/references.md values are quoted to 5 decimals from a 1,600-step run
QUANTLIB_TOL = 3e-5  # ours at 1,600 steps vs QuantLib at 4,096: each within ~2e-5 of the limit
HESTON_TOL = 1e-5  # hurst = 1/2 at the default steps vs the semi-analytic Heston price
SERIES_TOL = 2e-8  # log characteristic function at 1,600 steps vs the exact series
SERIES_TERM_TOL = 1e-15  # the last series term must be negligible next to SERIES_TOL
PARITY_TOL = 1e-10  # call - put vs the forward, and other closed forms
MIN_ORDER = 1.3  # observed convergence order is 1 + a = hurst + 3/2 (1.6 at hurst 0.1)
SLOW_PRICE_SECONDS = 10.0  # generous: a default-steps price takes ~0.3-0.5 s here

# docs/references.md: S=K=100, T=1, r=q=0, v0=theta=0.02, kappa=0.3, xi=0.3, rho=-0.7, call.
REFERENCE_VALUES = {0.1: 4.53874, 0.3: 4.63083, 0.5: 4.73925}
REFERENCE_MODEL = (0.02, 0.3, 0.02, 0.3, -0.7)


@pytest.mark.parametrize("hurst", sorted(REFERENCE_VALUES))
def test_reference_values(hurst: float) -> None:
    start = time.perf_counter()
    price = rough_heston_price("call", 100, 100, 1.0, 0.0, 0.0, *REFERENCE_MODEL, hurst)
    assert time.perf_counter() - start < SLOW_PRICE_SECONDS
    assert price == pytest.approx(REFERENCE_VALUES[hurst], abs=REFERENCE_TOL)


# -------------------------------------------------------------------------- hurst = 1/2

HESTON_CONTRACTS = [
    # (kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho)
    ("call", 100, 100, 1.0, 0.0, 0.0, 0.02, 0.3, 0.02, 0.3, -0.7),
    ("put", 100, 80, 0.5, 0.02, 0.01, 0.04, 1.0, 0.06, 0.4, -0.8),
    ("call", 100, 120, 0.5, 0.02, 0.01, 0.04, 1.0, 0.06, 0.4, -0.8),
    ("call", 100, 110, 2.0, 0.03, 0.0, 0.09, 2.0, 0.04, 0.5, -0.6),
    ("put", 100, 100, 1.0, 0.05, 0.0, 0.04, 1.5, 0.04, 0.3, -0.7),
    ("put", 100, 95, 0.1, 0.01, 0.0, 0.03, 4.0, 0.25, 1.0, -0.5),
]


@pytest.mark.parametrize("contract", HESTON_CONTRACTS)
def test_half_hurst_is_heston(
    contract: tuple[str, float, float, float, float, float, float, float, float, float, float],
) -> None:
    expected = heston_price(*contract)
    assert rough_heston_price(*contract, 0.5) == pytest.approx(expected, abs=HESTON_TOL)


# ------------------------------------------------------------------------------ QuantLib


def quantlib_rough(
    kind: str,
    spot: float,
    strike: float,
    days: int,
    rate: float,
    dividend: float,
    v0: float,
    kappa: float,
    theta: float,
    xi: float,
    rho: float,
    hurst: float,
    steps: int,
) -> float:
    """QuantLib's AnalyticRoughHestonEngine (Adams, 128-point Gauss-Laguerre); T = days/365."""

    def engine(process: Any) -> Any:
        return ql.AnalyticRoughHestonEngine(ql.RoughHestonModel(process, hurst), 128, steps)

    return european_price(
        kind, spot, strike, days, rate, dividend, v0, kappa, theta, xi, rho, engine
    )


QUANTLIB_CONTRACTS = [
    # (kind, spot, strike, days, rate, dividend, v0, kappa, theta, xi, rho, hurst)
    ("put", 100, 80, 182, 0.02, 0.01, 0.04, 1.0, 0.06, 0.4, -0.8, 0.1),
    ("call", 100, 120, 182, 0.02, 0.01, 0.04, 1.0, 0.06, 0.4, -0.8, 0.1),
    ("call", 100, 110, 730, 0.03, 0.0, 0.09, 2.0, 0.04, 0.5, -0.6, 0.2),
    ("put", 100, 95, 73, 0.01, 0.0, 0.03, 0.5, 0.05, 0.2, -0.5, 0.05),
    ("put", 100, 105, 1095, 0.02, 0.03, 0.02, 0.5, 0.03, 0.6, -0.9, 0.15),
    ("call", 100, 90, 30, 0.02, 0.0, 0.05, 2.0, 0.05, 0.5, -0.5, 0.1),
]


@pytest.mark.slow
@pytest.mark.parametrize("contract", QUANTLIB_CONTRACTS)
def test_quantlib_rough_engine(
    contract: tuple[str, float, float, int, float, float, float, float, float, float, float, float],
) -> None:
    kind, spot, strike, days, *rest = contract
    expected = quantlib_rough(*contract, steps=4096)
    price = rough_heston_price(kind, spot, strike, days / 365, *rest, steps=1600)
    assert price == pytest.approx(expected, abs=QUANTLIB_TOL)


# ------------------------------------------------------------------- exact series solution


def series_log_cf(
    z: complex,
    expiry: float,
    v0: float,
    kappa: float,
    theta: float,
    xi: float,
    rho: float,
    hurst: float,
    terms: int = 200,
) -> tuple[complex, float]:
    """El Euch & Rosenbaum's log characteristic function from the exact series of ``h``.

    ``h(t) = Sum_{k>=1} c_k t^(k a)`` solves ``D^a h = a0 + a1 h + a2 h^2`` when (using
    ``D^a t^(k a) = Gamma(k a + 1) / Gamma((k-1) a + 1) t^((k-1) a)``)::

        c_{m+1} Gamma((m+1) a + 1) / Gamma(m a + 1) = a0 [m = 0] + a1 c_m + a2 Sum_{i+j=m} c_i c_j

    (cf. Gatheral & Radoicic, "Rational approximation of the rough Heston solution", 2019).
    Then ``I^1 h(T) = Sum c_k T^(ka+1) / (ka+1)`` and ``I^(1-a) h(T) =
    Sum c_k Gamma(ka+1) / Gamma(ka+2-a) T^(ka+1-a)``. Returns the value and the size of the
    last term (to check convergence).
    """
    with mp.workdps(30):
        a = mp.mpf(hurst) + mp.mpf(1) / 2
        zz = mp.mpc(z)
        a0 = -(zz * zz + 1j * zz) / 2
        a1 = 1j * mp.mpf(rho) * xi * zz - kappa
        a2 = mp.mpf(xi) ** 2 / 2
        c = [mp.mpc(0)] * (terms + 1)
        for m in range(terms):
            conv = mp.fsum(c[i] * c[m - i] for i in range(1, m))
            rhs = (a0 if m == 0 else 0) + a1 * c[m] + a2 * conv
            c[m + 1] = rhs * mp.gamma(m * a + 1) / mp.gamma((m + 1) * a + 1)
        t = mp.mpf(expiry)
        i1 = mp.fsum(c[k] * t ** (k * a + 1) / (k * a + 1) for k in range(1, terms + 1))
        i1a = mp.fsum(
            c[k] * mp.gamma(k * a + 1) / mp.gamma(k * a + 2 - a) * t ** (k * a + 1 - a)
            for k in range(1, terms + 1)
        )
        value = kappa * theta * i1 + v0 * i1a
        return complex(value), float(abs(c[terms] * t ** (terms * a)))


SERIES_MODEL = (1.0, 0.04, 1.0, 0.06, 0.4, -0.8)  # (T, v0, kappa, theta, xi, rho); v0 != theta


@pytest.mark.parametrize("hurst", [0.05, 0.1, 0.3])
def test_characteristic_function_vs_exact_series(hurst: float) -> None:
    zs = [complex(u, -0.5) for u in (0.0, 0.5, 1.0)] + [complex(0.7, 0.0), complex(1.0, -1.0)]
    exact = []
    for z in zs:
        value, last_term = series_log_cf(z, *SERIES_MODEL, hurst)
        assert last_term < SERIES_TERM_TOL
        exact.append(value)
    z_array = np.array(zs, dtype=np.complex128)
    coarse = rough_heston_log_cf(z_array, *SERIES_MODEL, hurst, 400)
    fine = rough_heston_log_cf(z_array, *SERIES_MODEL, hurst, 1600)
    for z, e, c, f in zip(zs, exact, coarse, fine, strict=True):
        assert abs(f - e) < SERIES_TOL, z
        if abs(c - e) > 0:  # z = -i gives 0 exactly
            # error ~ steps^-p: 4x the steps divides it by 4^p
            assert abs(c - e) / max(abs(f - e), 1e-300) > 4.0**MIN_ORDER, z


def test_characteristic_function_normalisation_and_martingale() -> None:
    # h = 0 solves the Riccati equation when z^2 + iz = 0, i.e. z = 0 and z = -i
    values = rough_heston_log_cf(np.array([0j, -1j]), *SERIES_MODEL, 0.1, 50)
    assert np.all(values == 0)


# ------------------------------------------------------------------- limits and identities


def test_put_call_parity() -> None:
    s, k, t, r, q = 100.0, 110.0, 1.5, 0.03, 0.01
    args = (s, k, t, r, q, 0.04, 1.0, 0.06, 0.4, -0.8, 0.1)
    call = rough_heston_price("call", *args, steps=200)
    put = rough_heston_price("put", *args, steps=200)
    parity = s * math.exp(-q * t) - k * math.exp(-r * t)
    assert call - put == pytest.approx(parity, abs=PARITY_TOL)


@pytest.mark.parametrize("kind,expected", [("call", 5.0), ("put", 0.0)])
def test_zero_expiry_is_intrinsic(kind: str, expected: float) -> None:
    assert rough_heston_price(kind, 105, 100, 0.0, 0.03, 0.01, *REFERENCE_MODEL, 0.1) == expected


def test_variance_that_stays_zero_gives_discounted_forward_intrinsic() -> None:
    s, k, t, r, q = 100.0, 90.0, 2.0, 0.03, 0.01
    expected = math.exp(-r * t) * (s * math.exp((r - q) * t) - k)
    got = rough_heston_price("call", s, k, t, r, q, 0.0, 1.5, 0.0, 0.3, -0.7, 0.1)
    assert got == pytest.approx(expected, abs=PARITY_TOL)


# ------------------------------------------------------------------------------ validation

GOOD: dict[str, object] = {
    "kind": "call",
    "spot": 100.0,
    "strike": 100.0,
    "expiry": 1.0,
    "rate": 0.0,
    "dividend": 0.0,
    "v0": 0.02,
    "kappa": 0.3,
    "theta": 0.02,
    "xi": 0.3,
    "rho": -0.7,
    "hurst": 0.1,
}


@pytest.mark.parametrize(
    "name,value",
    [
        ("hurst", 0.0),
        ("hurst", -0.1),
        ("hurst", 0.51),
        ("hurst", math.nan),
        ("rho", -1.01),
        ("xi", -0.3),
        ("v0", -0.02),
        ("kappa", -0.3),
        ("theta", -0.02),
        ("spot", 0.0),
        ("kind", "CALL"),
    ],
)
def test_invalid_values_name_the_parameter(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        rough_heston_price(**{**GOOD, name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("steps", [0, -5])
def test_steps_must_be_positive(steps: int) -> None:
    with pytest.raises(ValueError, match="steps"):
        rough_heston_price(**GOOD, steps=steps)  # type: ignore[arg-type]


@pytest.mark.parametrize("steps", [100.0, True, "800"])
def test_steps_must_be_an_integer(steps: object) -> None:
    with pytest.raises(TypeError, match="steps") as info:
        rough_heston_price(**GOOD, steps=steps)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
