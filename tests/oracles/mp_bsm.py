"""High-precision Black-Scholes-Merton oracle (mpmath), for tests only.

The price is the textbook formula (Merton 1973; Haug 2007, eq. 1.4) evaluated at
``DPS`` significant digits from the exact binary values of the double inputs, so the
cancellation that costs a double-precision implementation digits costs nothing here.
Greeks are numerical derivatives of that price (``mpmath.diff``, which raises the working
precision and picks a step for full accuracy), so they are independent of any closed form.
An in-the-money option's Greeks are those of the out-of-the-money one plus those of the
forward it holds by put-call parity, ``call - put = S e^{-qT} - K e^{-rT}`` (model-free,
differentiated by hand below): differentiating a price of 373 to find a vega of 1e-77 would
need 80 more digits.

Limits (docs/api.md): ``expiry = 0`` gives the intrinsic value; ``vol = 0`` the discounted
intrinsic value of the forward.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath as mp

DPS = 50

GREEK_ORDERS: dict[str, dict[str, int]] = {
    # Greek -> orders of differentiation in the variables (spot, vol, expiry, rate, dividend).
    "delta": {"spot": 1},
    "gamma": {"spot": 2},
    "speed": {"spot": 3},
    "vega": {"vol": 1},
    "volga": {"vol": 2},
    "vanna": {"spot": 1, "vol": 1},
    "zomma": {"spot": 2, "vol": 1},
    "theta": {"expiry": 1},
    "charm": {"spot": 1, "expiry": 1},
    "color": {"spot": 2, "expiry": 1},
    "veta": {"vol": 1, "expiry": 1},
    "rho": {"rate": 1},
    "epsilon": {"dividend": 1},
}
VARIABLES = ("spot", "vol", "expiry", "rate", "dividend")


def _cdf(x: mp.mpf) -> mp.mpf:
    return mp.erfc(-x / mp.sqrt(2)) / 2


def price(
    kind: str, spot: float, strike: float, expiry: float, rate: float, dividend: float, vol: float
) -> mp.mpf:
    """The price at ``DPS`` digits (an ``mpf``; evaluate inside ``mp.workdps``)."""
    theta = 1 if kind == "call" else -1
    s, k, t, r, q, v = (mp.mpf(a) for a in (spot, strike, expiry, rate, dividend, vol))
    return _price(theta, s, k, t, r, q, v)


def _price(theta: int, s: mp.mpf, k: mp.mpf, t: mp.mpf, r: mp.mpf, q: mp.mpf, v: mp.mpf) -> mp.mpf:
    if t == 0:
        return max(theta * (s - k), mp.mpf(0))
    df = s * mp.exp(-q * t)
    dk = k * mp.exp(-r * t)
    if v == 0:
        return max(theta * (df - dk), mp.mpf(0))
    sd = v * mp.sqrt(t)
    d1 = (mp.log(s / k) + (r - q) * t) / sd + sd / 2
    d2 = d1 - sd
    return theta * (df * _cdf(theta * d1) - dk * _cdf(theta * d2))


def price_float(*args: object) -> float:
    with mp.workdps(DPS):
        return float(price(*args))  # type: ignore[arg-type]


def _parity_greek(
    name: str, spot: mp.mpf, strike: mp.mpf, t: mp.mpf, r: mp.mpf, q: mp.mpf
) -> mp.mpf:
    """The Greek ``name`` of ``S e^{-qT} - K e^{-rT}`` (theta-type: calendar time, ``-d/dT``)."""
    df = spot * mp.exp(-q * t)
    dk = strike * mp.exp(-r * t)
    return {
        "delta": mp.exp(-q * t),
        "theta": q * df - r * dk,
        "charm": q * mp.exp(-q * t),
        "rho": t * dk,
        "epsilon": -t * df,
    }.get(name, mp.mpf(0))


def greek(
    name: str,
    kind: str,
    spot: float,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
    vol: float,
) -> mp.mpf:
    """One Greek as ``mpmath.diff`` of :func:`price` (theta-type Greeks: minus the expiry
    derivative, since calendar time shortens expiry)."""
    orders = GREEK_ORDERS[name]
    base = {
        "spot": mp.mpf(spot),
        "vol": mp.mpf(vol),
        "expiry": mp.mpf(expiry),
        "rate": mp.mpf(rate),
        "dividend": mp.mpf(dividend),
    }
    k = mp.mpf(strike)
    x = mp.log(base["spot"] / k) + (base["rate"] - base["dividend"]) * base["expiry"]
    theta = 1 if kind == "call" else -1
    otm_theta = 1 if x < 0 else -1  # differentiate the out-of-the-money option
    names = [n for n in VARIABLES if n in orders]

    def f(*xs: mp.mpf) -> mp.mpf:
        point = dict(base)
        point.update(zip(names, xs, strict=True))
        return _price(
            otm_theta,
            point["spot"],
            k,
            point["expiry"],
            point["rate"],
            point["dividend"],
            point["vol"],
        )

    value = mp.diff(f, tuple(base[n] for n in names), tuple(orders[n] for n in names))
    if "expiry" in orders:
        value = -value
    if theta != otm_theta:  # kind = otm kind + theta * (S e^{-qT} - K e^{-rT})
        value += theta * _parity_greek(
            name, base["spot"], k, base["expiry"], base["rate"], base["dividend"]
        )
    return value


def all_greeks(*args: object) -> dict[str, float]:
    """Price and all Greeks as floats."""
    with mp.workdps(DPS):
        out = {"price": float(price(*args))}  # type: ignore[arg-type]
        for name in GREEK_ORDERS:
            out[name] = float(greek(name, *args))  # type: ignore[arg-type]
    return out


Oracle = Callable[..., float]
