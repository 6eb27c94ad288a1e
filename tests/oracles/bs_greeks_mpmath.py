"""Reference Black-Scholes-Merton prices and Greeks for `wasm_core/tests/bs_reference.rs`.

Regenerate with (from the repository root)::

    python tests/oracles/bs_greeks_mpmath.py > wasm_core/tests/data/bs_greeks_mpmath.rs

Independence: only the *price* is typed here (Black & Scholes 1973, Merton 1973 with a
continuous dividend yield). Every Greek is obtained by differentiating that price numerically
with `mpmath.diff` (central differences, with mpmath's step of about 10^-(digits + 3) and a
working precision (n + 1) times larger for an n-th derivative, so that the differences do not
cancel), never from a closed-form Greek. The conventions are those of docs/api.md: partial
derivatives of V(spot, vol, expiry, rate, dividend); the calendar-time Greeks (theta, charm,
color, veta) are minus the derivative in expiry.

Precision: a deep in-the-money price is a forward-like part plus a time value that can be
1e-100 times smaller, and most Greeks are of the size of that time value, so each row is
evaluated at 60 digits more than that span (`estimated_digits`) and accepted only if a
second evaluation with 30 more digits agrees to 1e-30 relative in every value; otherwise the
precision doubles (`converged_greeks`). Prices of the absurd cases are converged the same way.

Every input is a double and is passed to mpmath exactly; every output is mpmath's value
rounded once to the nearest double (via a 40-digit decimal string, which Python's `float`
rounds correctly, subnormals included) and printed as the shortest string that round-trips.

For each row the script also emits a condition scale per Greek,
    cond_g = sum over inputs x in (spot, strike, expiry, rate, dividend, vol) of |x · ∂g/∂x|,
i.e. how much the Greek moves when every input is perturbed by one part in one (relative).
A double-precision evaluation cannot be expected to do better than (a few ulps) * cond_g,
because rounding ln(S/K), (r - q)·T or vol·√T is equivalent to perturbing the inputs at that
level; near a zero of a Greek (vanna at d2 = 0, speed at d1 = -vol·√T, theta where its terms
balance) this, not the value itself, sets the attainable accuracy. The test uses it as its
absolute floor. It is computed by a relative perturbation of 1e-20 of each input at the
verified precision (the strike's term from homogeneity, see `conditions`).

Runtime: about an hour and a half on one core (the far-tail rows need hundreds of digits).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import product

import mpmath  # type: ignore[import-untyped]
from mpmath import mpf

mpmath.mp.dps = 50

GREEKS = (
    "price",
    "delta",
    "gamma",
    "speed",
    "vega",
    "volga",
    "vanna",
    "zomma",
    "theta",
    "charm",
    "color",
    "veta",
    "rho",
    "epsilon",
)

# Orders of differentiation in (spot, vol, expiry, rate, dividend) and the sign applied:
# the calendar-time Greeks are -d/d(expiry).
ORDERS: dict[str, tuple[tuple[int, int, int, int, int], int]] = {
    "price": ((0, 0, 0, 0, 0), 1),
    "delta": ((1, 0, 0, 0, 0), 1),
    "gamma": ((2, 0, 0, 0, 0), 1),
    "speed": ((3, 0, 0, 0, 0), 1),
    "vega": ((0, 1, 0, 0, 0), 1),
    "volga": ((0, 2, 0, 0, 0), 1),
    "vanna": ((1, 1, 0, 0, 0), 1),
    "zomma": ((2, 1, 0, 0, 0), 1),
    "theta": ((0, 0, 1, 0, 0), -1),
    "charm": ((1, 0, 1, 0, 0), -1),
    "color": ((2, 0, 1, 0, 0), -1),
    "veta": ((0, 1, 1, 0, 0), -1),
    "rho": ((0, 0, 0, 1, 0), 1),
    "epsilon": ((0, 0, 0, 0, 1), 1),
}

Price = Callable[[mpf, mpf, mpf, mpf, mpf], mpf]


def to_double(v: mpf) -> float:
    """Round an mpmath number to the nearest double, once."""
    return float(mpmath.nstr(v, 40, min_fixed=-1, max_fixed=-1))


def bsm_price(kind: int, strike: mpf) -> Price:
    """V(spot, vol, expiry, rate, dividend) for a fixed kind (+1 call, -1 put) and strike.

    Black & Scholes (1973) eq. 13 with Merton's (1973) continuous dividend yield:
    V = θ[S e^{-qT} N(θ d1) - K e^{-rT} N(θ d2)], d1,2 = (ln(S/K) + (r - q ± vol²/2)T)/(vol·√T).
    """

    def price(spot: mpf, vol: mpf, expiry: mpf, rate: mpf, dividend: mpf) -> mpf:
        sd = vol * mpmath.sqrt(expiry)
        d1 = (mpmath.log(spot / strike) + (rate - dividend) * expiry) / sd + sd / 2
        d2 = d1 - sd
        return kind * (
            spot * mpmath.exp(-dividend * expiry) * mpmath.ncdf(kind * d1)
            - strike * mpmath.exp(-rate * expiry) * mpmath.ncdf(kind * d2)
        )

    return price


def all_greeks(
    kind: int, spot: mpf, strike: mpf, expiry: mpf, rate: mpf, dividend: mpf, vol: mpf
) -> list[mpf]:
    """Price and the 13 Greeks by numerical differentiation of the price, at mp.dps."""
    f = bsm_price(kind, strike)

    # Differentiate in scaled variables (spot·a, vol·b, expiry·c, rate + d, dividend + e) at
    # a = b = c = 1, d = e = 0, so that mpmath's absolute step suits every magnitude of input;
    # then ∂ⁿV/∂spotⁿ = ∂ⁿ/∂aⁿ / spotⁿ, and likewise for vol and expiry.
    def scaled(a: mpf, b: mpf, c: mpf, d: mpf, e: mpf) -> mpf:
        return f(spot * a, vol * b, expiry * c, rate + d, dividend + e)

    one, zero = mpf(1), mpf(0)
    point = (one, one, one, zero, zero)
    out = []
    for name in GREEKS:
        orders, sign = ORDERS[name]
        if sum(orders) == 0:
            out.append(+f(spot, vol, expiry, rate, dividend))
            continue
        n_spot, n_vol, n_expiry, _, _ = orders
        d = mpmath.diff(scaled, point, orders)
        out.append(sign * d / (spot**n_spot * vol**n_vol * expiry**n_expiry))
    return out


def estimated_digits(
    spot: mpf, strike: mpf, expiry: mpf, rate: mpf, dividend: mpf, vol: mpf
) -> int:
    """A first guess of the digits a finite difference needs to resolve every Greek.

    The price of a deep in-the-money option (or of any option at a huge vol·√T) is a
    forward-like part plus a part of the size of P = S e^{-qT} φ(d1), which can be 1e-100
    times smaller; the Greeks other than the forward-like ones are of the size of P, and a
    finite difference of the price must resolve it: carry 60 digits more than the ratio of
    the larger price (call or put) to P spans. `converged_greeks` verifies the guess.
    """
    sd = vol * mpmath.sqrt(expiry)
    d1 = (mpmath.log(spot / strike) + (rate - dividend) * expiry) / sd + sd / 2
    density = spot * mpmath.exp(-dividend * expiry) * mpmath.npdf(d1)
    call = bsm_price(1, strike)(spot, vol, expiry, rate, dividend)
    put = bsm_price(-1, strike)(spot, vol, expiry, rate, dividend)
    span = int(mpmath.log10(max(abs(call), abs(put)) / density))
    return 60 + max(span, 0)


Row = tuple[int, float, float, float, float, float, float]


def converged_greeks(row: Row) -> tuple[list[mpf], int]:
    """The Greeks of `row` at a precision verified by repeating with 30 more digits.

    Every value must agree to 1e-30 relative between the two runs (far below the 1e-17 a
    double needs); otherwise the precision is doubled. Returns the values and the digits.
    """
    kind, *xs = row
    args = [mpf(x) for x in xs]
    dps = estimated_digits(*args)
    while True:
        with mpmath.workdps(dps):
            first = all_greeks(kind, *args)
        with mpmath.workdps(dps + 30):
            second = all_greeks(kind, *args)
        tol = mpf(10) ** -30
        if all(abs(a - b) <= tol * abs(b) for a, b in zip(first, second, strict=True)):
            return second, dps + 30
        dps *= 2


def conditions(row: Row, values: list[mpf], dps: int) -> list[mpf]:
    """cond_g = Σ_x |x ∂g/∂x| over the six numeric inputs.

    The derivatives in spot, expiry, rate, dividend and vol are taken by a relative
    perturbation of 1e-20 at the verified precision; the strike's follows from homogeneity,
    V(λS, λK) = λV, so a Greek g with n spot-derivatives satisfies
    K ∂g/∂K = (1 - n)·g - S ∂g/∂S.
    """
    kind, *xs = row
    base = [mpf(x) for x in xs]
    delta = mpf(10) ** -20
    total = [mpf(0)] * len(GREEKS)
    spot_terms = [mpf(0)] * len(GREEKS)
    for i, x in enumerate(base):
        if i == 1 or x == 0:
            continue  # strike: by homogeneity below; a zero rate or dividend is exact
        bumped = list(base)
        bumped[i] = x * (1 + delta)
        with mpmath.workdps(dps):
            moved = all_greeks(kind, *bumped)
        terms = [(b - a) / delta for a, b in zip(values, moved, strict=True)]
        if i == 0:
            spot_terms = terms
        total = [t + abs(d) for t, d in zip(total, terms, strict=True)]
    for j, name in enumerate(GREEKS):
        n_spot = ORDERS[name][0][0]
        total[j] += abs((1 - n_spot) * values[j] - spot_terms[j])
    return total


def fmt(x: float) -> str:
    s = repr(x)
    if s in ("inf", "-inf", "nan"):
        raise ValueError(f"value not representable as a finite double: {s}")
    return s


# The grid. Strikes are placed by a standardised moneyness z, K = F·e^{z vol·√T} (so that
# d2 = -z - vol·√T/2), which keeps "deep in/out of the money" meaningful at every expiry and
# vol: |z| = 10..12 puts the smaller of call and put near 1e-25..1e-33 of the larger.
EXPIRIES = [1.0 / 365.0, 0.25, 1.0, 5.0, 30.0]
VOLS = [0.01, 0.2, 0.8, 3.0]
ZS = [-12.0, -6.0, -2.5, -0.7, 0.0, 0.4, 1.5, 5.0, 10.0]
KINDS = [1, -1]
# (rate, dividend) and spot cycle through the rows so every combination of the factors
# above meets several of them: positive, inverted, negative rates; spot scales 1e-1..1e4.
RATES = [(0.05, 0.0), (0.03, 0.07), (-0.01, 0.02), (-0.005, -0.012), (0.08, 0.03)]
SPOTS = [100.0, 0.37, 2500.0]


def strike_at(
    spot: float, expiry: float, rate: float, dividend: float, vol: float, z: float
) -> float:
    """The double nearest to F·e^{z vol·√T}."""
    sd = mpf(vol) * mpmath.sqrt(mpf(expiry))
    fwd = mpf(spot) * mpmath.exp((mpf(rate) - mpf(dividend)) * mpf(expiry))
    return to_double(fwd * mpmath.exp(mpf(z) * sd))


# Hand-picked hard cases whose Greeks are still doubles: huge vol·√T; discount factor or
# forward outside the double range (|rate·expiry| or |dividend·expiry| > 709, the price
# needs the rescaled path); far tails (|d| ≈ 30); tiny vol·√T; extreme spot scales.
EXTREME: list[Row] = [
    # kind, spot, strike, expiry, rate, dividend, vol
    (1, 100.0, 100.0, 50.0, 0.05, 0.0, 5.0),
    (-1, 100.0, 100.0, 50.0, 0.05, 0.0, 5.0),
    (1, 100.0, strike_at(100.0, 100.0, 8.0, 0.0, 1.0, -10.0), 100.0, 8.0, 0.0, 1.0),
    (-1, 100.0, strike_at(100.0, 100.0, 8.0, 0.0, 1.0, -10.0), 100.0, 8.0, 0.0, 1.0),
    (1, 100.0, strike_at(100.0, 1.0, 0.02, 0.0, 1.0, 30.0), 1.0, 0.02, 0.0, 1.0),
    (-1, 100.0, strike_at(100.0, 1.0, 0.02, 0.0, 0.5, -30.0), 1.0, 0.02, 0.0, 0.5),
    (1, 1e-100, 1e-100, 2.0, 0.01, 0.0, 0.2),
    (-1, 1e250, 1e250, 2.0, 0.01, 0.0, 0.2),
    (1, 100.0, 100.0, 1e-8, 0.02, 0.01, 0.2),  # a third of a second
    (-1, 100.0, 100.0001, 1.0, 0.0, 0.0, 1e-6),
    (1, 100.0, 100.0, 1.0, 0.0, 0.0, 1e-6),
    (1, 100.0, 55.0, 10.0, -0.5, 0.7, 1.2),
]

# Prices only (50 digits, no differentiation) where even the Greeks' magnitudes are absurd:
# e^{-rT} = e^{-1000} with the time value e^{-50000} below it, strike/spot ratio 1e500, ...
PRICE_ONLY: list[Row] = [
    (1, 100.0, 130.0, 100.0, 10.0, 0.0, 0.3),
    (-1, 100.0, 130.0, 100.0, 10.0, 0.0, 0.3),
    (-1, 100.0, 1e300, 100.0, 10.0, 0.0, 0.3),
    (1, 1e250, 1e-250, 1.0, 0.05, 0.0, 0.3),
    (-1, 1e-250, 1e250, 1.0, 0.05, 0.0, 0.3),
    (1, 1e-10, 1e200, 100.0, 0.0, -7.2, 0.4),  # e^{-qT} = e^{720}
    (-1, 1e-60, 1e-50, 100.0, -7.5, 0.0, 0.4),  # e^{-rT} = e^{750}
    (1, 1e200, 2e200, 200.0, 4.0, 3.9, 2.0),  # e^{-qT}, e^{-rT} underflow, S e^{-qT} does not
    (-1, 1e200, 2e200, 200.0, 4.0, 3.9, 2.0),
    (1, 100.0, 100.0, 1e-300, 0.05, 0.0, 0.2),
    (1, 100.0, 100.0, 30.0, 0.05, 0.0, 30.0),
]


def rows() -> list[Row]:
    out = []
    for i, (expiry, vol, z, kind) in enumerate(product(EXPIRIES, VOLS, ZS, KINDS)):
        rate, dividend = RATES[i % len(RATES)]
        spot = SPOTS[(i // len(RATES)) % len(SPOTS)]
        strike = strike_at(spot, expiry, rate, dividend, vol, z)
        out.append((kind, spot, strike, expiry, rate, dividend, vol))
    return out


def emit_table(name: str, doc: str, table: list[Row]) -> None:
    width = 7 + 2 * len(GREEKS)
    print(f"/// {doc}")
    print(f"pub const {name}: &[[f64; {width}]] = &[")
    for row in table:
        kind, *xs = row
        values, dps = converged_greeks(row)
        conds = conditions(row, values, dps)
        cells = [float(kind), *xs, *(to_double(v) for v in values), *(to_double(c) for c in conds)]
        print("    [" + ", ".join(fmt(c) for c in cells) + "],")
        sys.stderr.write(".")
        sys.stderr.flush()
    print("];")
    print()


def converged_price(row: Row) -> mpf:
    """The price at a precision verified by repeating with 30 more digits (1e-30 relative).

    At tiny vol·√T the two terms of the formula agree to hundreds of digits (expiry = 1e-300
    leaves a price of 1e-149 from terms of 50), hence the loop.
    """
    kind, *xs = row
    spot, strike, expiry, rate, dividend, vol = (mpf(x) for x in xs)
    dps = 60
    while True:
        values = []
        for digits in (dps, dps + 30):
            with mpmath.workdps(digits):
                values.append(bsm_price(kind, strike)(spot, vol, expiry, rate, dividend))
        if abs(values[0] - values[1]) <= mpf(10) ** -30 * abs(values[1]) and values[1] != 0:
            return values[1]
        dps *= 2
        if dps > 4000:
            return values[1]  # the price is 0 to 4000 digits (beyond any double)


def emit_prices(name: str, doc: str, table: list[Row]) -> None:
    print(f"/// {doc}")
    print(f"pub const {name}: &[[f64; 8]] = &[")
    for row in table:
        kind, *xs = row
        cells = [float(kind), *xs, to_double(converged_price(row))]
        print("    [" + ", ".join(fmt(c) for c in cells) + "],")
    print("];")


def main() -> None:
    print("// @generated by tests/oracles/bs_greeks_mpmath.py (mpmath, 50 digits); do not edit.")
    print("// Row layout: kind (+1 call, -1 put), spot, strike, expiry, rate, dividend, vol,")
    print("// then the 14 values in the order " + ", ".join(GREEKS) + ",")
    print("// then the 14 condition scales cond_g = Σ_x |x ∂g/∂x| in the same order.")
    print()
    emit_table(
        "GRID", "Regular grid: both kinds, z in [-12, 10], 1 day..30 years, vol 1%..300%.", rows()
    )
    emit_table(
        "EXTREME", "Hand-picked hard cases (huge or tiny vol·√T, rate·expiry, spot).", EXTREME
    )
    emit_prices("PRICE_ONLY", "Prices of absurd-but-valid inputs: kind, inputs, price.", PRICE_ONLY)
    sys.stderr.write("\n")


if __name__ == "__main__":
    main()
