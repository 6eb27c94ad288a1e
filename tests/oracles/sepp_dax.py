"""The DAX implied-volatility surface of A. Sepp, "Pricing European-Style Options under Jump
Diffusion Processes with Stochastic Volatility: Applications of Fourier Transform", Acta et
Commentationes Universitatis Tartuensis de Mathematica 7 (2003), pp. 123-133, as QuantLib
transcribes it in test-suite/hestonmodel.cpp (``getDAXCalibrationMarketData``,
``testDAXCalibration``): spot 4468.17, 13 strikes x 8 maturities, a zero-rate curve, no
dividend yield. QuantLib's test asserts that a Heston fit to it leaves a calibration error
``sum((100 (model vol - market vol))^2) = 177.2`` (within 1.0), "see article by A. Sepp".

QuantLib's setup, reproduced by :func:`quotes` with QuantLib-Python: evaluation date
5 July 2002, Actual/365 Fixed, each maturity ``(days + 3) // 7`` weeks on the TARGET calendar,
the zero rates linearly interpolated (``ZeroCurve``), and each quote the out-of-the-money option
(``HestonModelHelper``: a call when ``K e^{-rT} >= S``, else a put).
"""

from __future__ import annotations

from typing import Any

SPOT = 4468.17
DAYS = (13, 41, 75, 165, 256, 345, 524, 703)
ZERO_RATES = (0.0357, 0.0349, 0.0341, 0.0355, 0.0359, 0.0368, 0.0386, 0.0401)
STRIKES = (3400, 3600, 3800, 4000, 4200, 4400, 4500, 4600, 4800, 5000, 5200, 5400, 5600)
# VOLS[strike index][maturity index]
VOLS = (
    (0.6625, 0.4875, 0.4204, 0.3667, 0.3431, 0.3267, 0.3121, 0.3121),
    (0.6007, 0.4543, 0.3967, 0.3511, 0.3279, 0.3154, 0.2984, 0.2921),
    (0.5084, 0.4221, 0.3718, 0.3327, 0.3155, 0.3027, 0.2919, 0.2889),
    (0.4541, 0.3869, 0.3492, 0.3149, 0.2963, 0.2926, 0.2819, 0.2800),
    (0.4060, 0.3607, 0.3330, 0.2999, 0.2887, 0.2811, 0.2751, 0.2775),
    (0.3726, 0.3396, 0.3108, 0.2781, 0.2788, 0.2722, 0.2661, 0.2686),
    (0.3550, 0.3277, 0.3012, 0.2781, 0.2781, 0.2661, 0.2661, 0.2681),
    (0.3428, 0.3209, 0.2958, 0.2740, 0.2688, 0.2627, 0.2580, 0.2620),
    (0.3302, 0.3062, 0.2799, 0.2631, 0.2573, 0.2533, 0.2504, 0.2544),
    (0.3343, 0.2959, 0.2705, 0.2540, 0.2504, 0.2464, 0.2448, 0.2462),
    (0.3460, 0.2845, 0.2624, 0.2463, 0.2425, 0.2385, 0.2373, 0.2422),
    (0.3857, 0.2860, 0.2578, 0.2399, 0.2357, 0.2327, 0.2312, 0.2351),
    (0.3976, 0.2860, 0.2607, 0.2356, 0.2297, 0.2268, 0.2241, 0.2320),
)
# QuantLib's assertion: the calibration error Sepp reports, and its tolerance.
CALIBRATION_ERROR = 177.2
CALIBRATION_ERROR_TOL = 1.0


def quantlib_curves() -> tuple[Any, Any]:
    """QuantLib's zero curve and (zero) dividend curve, as handles; sets the evaluation date."""
    import QuantLib as ql  # type: ignore[import-untyped]

    settle = ql.Date(5, ql.July, 2002)
    ql.Settings.instance().evaluationDate = settle
    day_count = ql.Actual365Fixed()
    dates = [settle] + [settle + d for d in DAYS]
    curve = ql.ZeroCurve(dates, [ZERO_RATES[0], *ZERO_RATES], day_count)
    dividend = ql.FlatForward(settle, 0.0, day_count)
    return ql.YieldTermStructureHandle(curve), ql.YieldTermStructureHandle(dividend)


def quotes() -> list[tuple[str, float, float, float, float]]:
    """(kind, strike, expiry in years, discount factor e^{-rT}, market vol) for every quote,
    on QuantLib's dates and curve (see the module note)."""
    import QuantLib as ql

    curve, _ = quantlib_curves()
    settle = ql.Settings.instance().evaluationDate
    day_count, calendar = ql.Actual365Fixed(), ql.TARGET()
    out = []
    for i, strike in enumerate(STRIKES):
        for j, days in enumerate(DAYS):
            maturity = calendar.advance(settle, ql.Period((days + 3) // 7, ql.Weeks))
            expiry = day_count.yearFraction(settle, maturity)
            discount = curve.discount(expiry)
            kind = "call" if strike * discount >= SPOT else "put"
            out.append((kind, float(strike), expiry, discount, VOLS[i][j]))
    return out


def quantlib_calibration_error(strikes: list[float], days: list[int], vols: list[float]) -> float:
    """QuantLib-Python's own Heston calibration of these quotes (maturities in days from the
    evaluation date, on :func:`quantlib_curves`), from QuantLib's test's start and with its
    optimiser settings: the calibration error ``sum((100 (model vol - market vol))^2)``."""
    import QuantLib as ql

    curve, dividend = quantlib_curves()
    spot = ql.QuoteHandle(ql.SimpleQuote(SPOT))
    model = ql.HestonModel(ql.HestonProcess(curve, dividend, spot, 0.1, 1.0, 0.1, 0.5, -0.5))
    engine = ql.AnalyticHestonEngine(model, 64)
    helpers = []
    for strike, d, vol in zip(strikes, days, vols, strict=True):
        helper = ql.HestonModelHelper(
            ql.Period(d, ql.Days), ql.NullCalendar(), SPOT, strike,
            ql.QuoteHandle(ql.SimpleQuote(vol)), curve, dividend,
            ql.BlackCalibrationHelper.ImpliedVolError,
        )  # fmt: skip
        helper.setPricingEngine(engine)
        helpers.append(helper)
    model.calibrate(helpers, ql.LevenbergMarquardt(1e-8, 1e-8, 1e-8),
                    ql.EndCriteria(400, 40, 1e-8, 1e-8, 1e-8))  # fmt: skip
    return float(sum((100.0 * h.calibrationError()) ** 2 for h in helpers))
