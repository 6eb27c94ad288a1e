"""Reference prices for the Monte Carlo tests (wasm_core/tests/monte_carlo_*.rs).

* Black-Scholes-Merton prices and Greeks (delta, gamma, vega per unit vol) with mpmath at 30
  digits: the closed forms of Hull, "Options, Futures, and Other Derivatives", ch. 17.
* Heston prices from QuantLib's AnalyticHestonEngine (QuantLib-Python 1.40+), for a case where
  Feller's condition 2 kappa theta >= xi^2 fails badly, and a check that the engine reproduces
  Lewis's table of docs/references.md (the values the Rust tests use are docs/references.md's).

Usage: python tests/oracles/mc_references.py
"""

import mpmath as mp
import QuantLib as ql

mp.mp.dps = 30


def bs(kind: str, s: float, k: float, t: float, r: float, q: float, vol: float) -> tuple:
    s, k, t, r, q, vol = (mp.mpf(x) for x in (s, k, t, r, q, vol))
    sq = vol * mp.sqrt(t)
    d1 = (mp.log(s / k) + (r - q + vol * vol / 2) * t) / sq
    d2 = d1 - sq
    dq, dr = mp.e ** (-q * t), mp.e ** (-r * t)
    if kind == "call":
        price = s * dq * mp.ncdf(d1) - k * dr * mp.ncdf(d2)
        delta = dq * mp.ncdf(d1)
    else:
        price = k * dr * mp.ncdf(-d2) - s * dq * mp.ncdf(-d1)
        delta = -dq * mp.ncdf(-d1)
    pdf = mp.npdf(d1)
    gamma = dq * pdf / (s * sq)
    vega = s * dq * pdf * mp.sqrt(t)
    return tuple(float(x) for x in (price, delta, gamma, vega))


GBM_CASES = [
    ("call", 100.0, 100.0, 1.0, 0.05, 0.02, 0.2),
    ("put", 100.0, 110.0, 0.5, 0.03, 0.0, 0.35),
    ("call", 50.0, 40.0, 2.0, -0.01, 0.03, 0.5),
    ("put", 1.0, 1.2, 0.25, 0.0, 0.0, 0.1),
]


def heston_ql(
    kind: str,
    s: float,
    k: float,
    t: float,
    r: float,
    q: float,
    v0: float,
    kappa: float,
    theta: float,
    xi: float,
    rho: float,
) -> float:
    today = ql.Date(1, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    days = round(t * 365)
    assert abs(days / 365 - t) < 1e-12
    rts = ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc))
    qts = ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc))
    proc = ql.HestonProcess(rts, qts, ql.QuoteHandle(ql.SimpleQuote(s)), v0, kappa, theta, xi, rho)
    opt = ql.VanillaOption(
        ql.PlainVanillaPayoff(ql.Option.Call if kind == "call" else ql.Option.Put, k),
        ql.EuropeanExercise(today + days),
    )
    opt.setPricingEngine(ql.AnalyticHestonEngine(ql.HestonModel(proc), 1e-14, 100000))
    return float(opt.NPV())


if __name__ == "__main__":
    print("Black-Scholes (kind, S, K, T, r, q, vol) -> price, delta, gamma, vega")
    for case in GBM_CASES:
        print(f"    {case}: {bs(*case)}")
    lewis = (100.0, 1.0, 0.01, 0.02, 0.04, 4.0, 0.25, 1.0, -0.5)
    for k, call in ((80, 26.774758743998854), (100, 16.070154917028834), (120, 9.024913483457836)):
        got = heston_ql("call", lewis[0], k, *lewis[1:])
        print(f"Lewis K={k}: QuantLib {got!r}, REFERENCES {call!r}, diff {got - call:.1e}")
    # Feller badly violated: 2 kappa theta = 0.04 << xi^2 = 1.
    feller = ("put", 100.0, 100.0, 1.0, 0.02, 0.0, 0.04, 0.5, 0.04, 1.0, -0.9)
    print(f"Heston Feller-violated {feller}: {heston_ql(*feller)!r}")
    feller_call = ("call", 100.0, 120.0, 2.0, 0.0, 0.01, 0.09, 1.0, 0.04, 1.5, 0.3)
    print(f"Heston Feller-violated {feller_call}: {heston_ql(*feller_call)!r}")
