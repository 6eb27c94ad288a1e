//! The validated inputs of a European option under Black-Scholes-Merton.
//!
//! Validation happens here, once, at the boundary; the maths modules take an [`Inputs`]
//! and assume it is valid (finite numbers, `spot, strike > 0`, `expiry, vol >= 0`).

use crate::errors::{finite, non_negative, positive, PricingError};

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionKind {
    Call,
    Put,
}

impl OptionKind {
    /// Parses the API's spelling: exactly `"call"` or `"put"`.
    ///
    /// # Errors
    /// [`PricingError::UnknownKind`] for anything else (no case folding: one spelling everywhere).
    pub fn parse(s: &str) -> Result<Self, PricingError> {
        match s {
            "call" => Ok(OptionKind::Call),
            "put" => Ok(OptionKind::Put),
            _ => Err(PricingError::UnknownKind),
        }
    }

    /// +1 for a call, -1 for a put: the payoff is `max(sign * (S - K), 0)`.
    pub fn sign(self) -> f64 {
        match self {
            OptionKind::Call => 1.0,
            OptionKind::Put => -1.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OptionKind::Call => "call",
            OptionKind::Put => "put",
        }
    }
}

/// A European option and its Black-Scholes-Merton market, in the API's order.
///
/// `expiry` in years; `rate` and `dividend` continuously compounded annual rates (negative
/// values allowed); `vol` annualised (0.2 = 20%).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs {
    pub kind: OptionKind,
    pub spot: f64,
    pub strike: f64,
    pub expiry: f64,
    pub rate: f64,
    pub dividend: f64,
    pub vol: f64,
}

impl Inputs {
    /// Validates and builds.
    ///
    /// # Errors
    /// The first rule broken, checked in argument order: `spot` and `strike` finite and > 0,
    /// `expiry` finite and >= 0, `rate` and `dividend` finite, `vol` finite and >= 0; then
    /// [`market_in_range`].
    pub fn new(
        kind: OptionKind,
        spot: f64,
        strike: f64,
        expiry: f64,
        rate: f64,
        dividend: f64,
        vol: f64,
    ) -> Result<Self, PricingError> {
        let inputs = Inputs {
            kind,
            spot: positive("spot", spot)?,
            strike: positive("strike", strike)?,
            expiry: non_negative("expiry", expiry)?,
            rate: finite("rate", rate)?,
            dividend: finite("dividend", dividend)?,
            vol: non_negative("vol", vol)?,
        };
        market_in_range(spot, strike, expiry, rate, dividend)?;
        Ok(inputs)
    }

    /// Forward price `F = S e^{(r-q)T}`.
    pub fn forward(&self) -> f64 {
        self.spot * ((self.rate - self.dividend) * self.expiry).exp()
    }

    /// Discount factor `e^{-rT}`.
    pub fn discount(&self) -> f64 {
        (-self.rate * self.expiry).exp()
    }
}

/// Checks that absurd rates times expiries leave the discounted spot `S e^{-qT}` and the
/// discounted strike `K e^{-rT}` inside the double range (tested in logarithms, so that the
/// check itself cannot overflow). Every price is then finite: it lies between 0 and the larger
/// of the two. Without this, `rate = 1e6` would have no representable answer.
///
/// # Errors
/// [`PricingError::OutOfDoubleRange`].
pub fn market_in_range(
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
) -> Result<(), PricingError> {
    if everyday_market(spot, strike, expiry, rate, dividend) {
        return Ok(());
    }
    let representable = |ln_x: f64| (LN_MIN_POSITIVE..LN_MAX).contains(&ln_x);
    if representable(spot.ln() - dividend * expiry) && representable(strike.ln() - rate * expiry) {
        Ok(())
    } else {
        Err(PricingError::OutOfDoubleRange)
    }
}

/// Whether [`market_in_range`] holds on comparisons alone (|ln x| < 347 and |rate·expiry| < 300
/// keep the log below 709 in size): a logarithm per row was a tenth of a batch price's time.
/// Branch-free, for the batch's blocks.
#[inline(always)]
fn everyday_market(spot: f64, strike: f64, expiry: f64, rate: f64, dividend: f64) -> bool {
    let everyday = |x: f64, rt: f64| (1e-150..1e150).contains(&x) & (rt.abs() < 300.0);
    everyday(spot, dividend * expiry) & everyday(strike, rate * expiry)
}

impl Inputs {
    /// [`Inputs::new`] for the common case, on comparisons alone: `Some` only where `new` is
    /// `Ok` with the same fields (None says nothing: ask `new`). The batch's blocks check their
    /// rows with it, since building `new`'s `Result` per row was a third of a batch's time.
    #[inline(always)]
    pub(crate) fn everyday(
        kind: OptionKind,
        spot: f64,
        strike: f64,
        expiry: f64,
        rate: f64,
        dividend: f64,
        vol: f64,
    ) -> Option<Self> {
        // NaN fails every comparison; the ranges exclude the infinities.
        let ok = everyday_market(spot, strike, expiry, rate, dividend)
            & (0.0..f64::INFINITY).contains(&expiry)
            & (0.0..f64::INFINITY).contains(&vol)
            & rate.is_finite()
            & dividend.is_finite();
        ok.then_some(Inputs {
            kind,
            spot,
            strike,
            expiry,
            rate,
            dividend,
            vol,
        })
    }
}

/// ln(f64::MIN_POSITIVE) and ln(f64::MAX): the logarithms of normal doubles.
const LN_MIN_POSITIVE: f64 = -708.396_418_532_264_1;
const LN_MAX: f64 = 709.782_712_893_384;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_spellings_only() {
        assert_eq!(OptionKind::parse("call"), Ok(OptionKind::Call));
        assert_eq!(OptionKind::parse("put"), Ok(OptionKind::Put));
        assert_eq!(OptionKind::parse("Call"), Err(PricingError::UnknownKind));
        assert_eq!(OptionKind::parse(""), Err(PricingError::UnknownKind));
    }

    #[test]
    fn rejects_each_bad_field_by_name() {
        let ok = |s, k, t, r, q, v| Inputs::new(OptionKind::Call, s, k, t, r, q, v);
        let param = |e: PricingError| e.to_string().split(' ').next().unwrap().to_string();
        assert_eq!(param(ok(0.0, 1.0, 1.0, 0.0, 0.0, 0.2).unwrap_err()), "spot");
        assert_eq!(
            param(ok(1.0, f64::NAN, 1.0, 0.0, 0.0, 0.2).unwrap_err()),
            "strike"
        );
        assert_eq!(
            param(ok(1.0, 1.0, -1.0, 0.0, 0.0, 0.2).unwrap_err()),
            "expiry"
        );
        assert_eq!(
            param(ok(1.0, 1.0, 1.0, f64::INFINITY, 0.0, 0.2).unwrap_err()),
            "rate"
        );
        assert_eq!(
            param(ok(1.0, 1.0, 1.0, 0.0, f64::NAN, 0.2).unwrap_err()),
            "dividend"
        );
        assert_eq!(param(ok(1.0, 1.0, 1.0, 0.0, 0.0, -0.2).unwrap_err()), "vol");
        assert!(ok(1.0, 1.0, 0.0, -0.01, 0.0, 0.0).is_ok());
    }

    #[test]
    fn everyday_is_new_where_it_answers() {
        let values = [
            f64::NAN,
            f64::NEG_INFINITY,
            -1.0,
            -0.0,
            0.0,
            1e-300,
            1e-150,
            0.2,
            1.0,
            100.0,
            400.0,
            1e150,
            1e300,
            f64::INFINITY,
        ];
        let mut answered = 0;
        for &a in &values {
            for &b in &values {
                for (spot, strike, expiry, rate, dividend, vol) in [
                    (a, 100.0, 1.0, 0.01, 0.0, b),
                    (100.0, a, b, 0.01, 0.0, 0.2),
                    (100.0, 90.0, a, b, 0.0, 0.2),
                    (a, 90.0, 1.0, 0.0, b, 0.2),
                ] {
                    let args = (OptionKind::Call, spot, strike, expiry, rate, dividend, vol);
                    let new = Inputs::new(args.0, args.1, args.2, args.3, args.4, args.5, args.6);
                    let fast =
                        Inputs::everyday(args.0, args.1, args.2, args.3, args.4, args.5, args.6);
                    if let Some(inputs) = fast {
                        assert_eq!(new, Ok(inputs), "{args:?}");
                        answered += 1;
                    }
                }
            }
        }
        assert!(answered > 50, "{answered}");
    }

    #[test]
    fn absurd_rates_are_an_error_not_an_overflow() {
        let ok = |s, r, q| Inputs::new(OptionKind::Put, s, 100.0, 1.0, r, q, 0.2);
        assert_eq!(ok(100.0, 1e6, 0.0), Err(PricingError::OutOfDoubleRange));
        assert_eq!(ok(100.0, -800.0, 0.0), Err(PricingError::OutOfDoubleRange));
        assert_eq!(ok(100.0, 0.0, -800.0), Err(PricingError::OutOfDoubleRange));
        assert_eq!(ok(1e300, 0.0, -100.0), Err(PricingError::OutOfDoubleRange));
        // Huge but representable: e^{-rT} alone underflows, K e^{-rT} does not.
        assert!(Inputs::new(OptionKind::Put, 100.0, 1e300, 1.0, 1000.0, 0.0, 0.2).is_ok());
        assert!(ok(100.0, 5.0, -5.0).is_ok());
        assert!((LN_MIN_POSITIVE - f64::MIN_POSITIVE.ln()).abs() < 1e-12);
        assert!((LN_MAX - f64::MAX.ln()).abs() < 1e-12);
    }
}
