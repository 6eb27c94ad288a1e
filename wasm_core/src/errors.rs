//! The one error type of the crate.
//!
//! Every message names the parameter and the rule it broke, because that is what a user
//! at a JavaScript console or in a notebook needs to fix the call. The bindings turn a
//! `PricingError` into a thrown JS `Error` carrying `to_string()`; batch functions record
//! `status_code()` per row instead (see [`STATUS_MESSAGES`]).

use std::fmt;

/// A rule an input broke. The `&'static str` fields name the parameter exactly as the
/// public API spells it (`spot`, `vol`, `paths`, ...).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PricingError {
    /// NaN or ±infinity where a finite number is required.
    NotFinite { param: &'static str },
    /// Must be strictly positive.
    NotPositive { param: &'static str, value: f64 },
    /// Must be zero or positive.
    Negative { param: &'static str, value: f64 },
    /// Outside a documented range; `rule` reads after the parameter name, e.g. "must be in [-1, 1]".
    OutOfRange {
        param: &'static str,
        value: f64,
        rule: &'static str,
    },
    /// `kind` was not "call" or "put".
    UnknownKind,
    /// Any other rule about one parameter (unknown name, missing field ...).
    /// `rule` reads after the parameter name.
    Invalid { param: String, rule: String },
    /// A value of the wrong type. `expected` reads after "must be" ("a number"); `got` is the
    /// type's name in the caller's language (JavaScript's `typeof`, Python's `type(x).__name__`),
    /// so each frontend names what its user passed. Python raises it as a `TypeError` too.
    WrongType {
        param: String,
        expected: &'static str,
        got: String,
    },
    /// An option price below the no-arbitrage lower bound (discounted intrinsic value of the forward).
    PriceBelowLowerBound { price: f64, bound: f64 },
    /// An option price at or above the no-arbitrage upper bound (discounted forward for a call,
    /// discounted strike for a put): no finite volatility reproduces it.
    PriceAtOrAboveUpperBound { price: f64, bound: f64 },
    /// At `expiry = 0` only the intrinsic value is attainable: no volatility adds time value.
    PriceNotIntrinsicAtExpiry { price: f64, intrinsic: f64 },
    /// The inputs put the discounted spot `S e^{-qT}`, the discounted strike `K e^{-rT}` or a
    /// result beyond the double range (absurd rates times expiries): an error, never ±inf/NaN.
    OutOfDoubleRange,
    /// A Monte Carlo simulation whose sums left the double range (valid but absurd inputs).
    SimulationOverflow,
    /// An American option price below its value at `vol = 0` (which is at least the intrinsic
    /// value): no volatility reproduces it.
    AmericanPriceBelowLowerBound { price: f64, bound: f64 },
    /// An American option price at or above its upper bound (the spot for a call, the strike for
    /// a put: the limit as vol grows).
    AmericanPriceAtOrAboveUpperBound { price: f64, bound: f64 },
    /// An American put with `dividend < rate < 0` (a call with `rate < dividend < 0`): two
    /// exercise boundaries, outside the method's reach.
    DoubleExerciseBoundary,
}

// The texts of the errors that the pure-Python reference can also reach by its own
// computation (bounds, overflow): templates in which `{name}` is a number printed as Rust's
// `Display` prints an `f64`. They are exported with the status table (`api_tables()` in
// JavaScript and Python), so the reference words them exactly as the engine does.
pub const PRICE_BELOW_LOWER_BOUND: &str = "price must be >= the no-arbitrage lower bound {bound} \
     (the discounted intrinsic value of the forward); got {price}";
pub const PRICE_AT_OR_ABOVE_UPPER_BOUND: &str = "price must be < the no-arbitrage upper bound \
     {bound} (the discounted forward for a call, the discounted strike for a put); got {price}";
pub const PRICE_NOT_INTRINSIC_AT_EXPIRY: &str = "price must equal the intrinsic value {intrinsic} \
     when expiry = 0 (no volatility adds time value to an expired option); got {price}";
pub const OUT_OF_DOUBLE_RANGE: &str = "inputs out of range: rate, dividend and expiry put \
     spot*e^(-dividend*expiry), strike*e^(-rate*expiry) or the result beyond the double-precision range";
pub const AMERICAN_PRICE_BELOW_LOWER_BOUND: &str = "price must be >= {bound}, the American \
     option's value at vol = 0 (at least its intrinsic value); got {price}";
pub const AMERICAN_PRICE_AT_OR_ABOVE_UPPER_BOUND: &str = "price must be < {bound}, the upper \
     bound of an American option's price (the spot for a call, the strike for a put); got {price}";
pub const DOUBLE_EXERCISE_BOUNDARY: &str = "rate, dividend: an American put with dividend < rate \
     < 0 (a call with rate < dividend < 0) has two exercise boundaries (Andersen & Lake 2021), \
     which this engine does not price";
pub const SIMULATION_OVERFLOW: &str = "inputs overflow double precision in the simulation \
     (check rate, dividend, expiry and the volatility parameters)";

/// The templates above by name, with the status code of their error.
pub const MESSAGES: [(&str, &str, u8); 8] = [
    ("price_below_lower_bound", PRICE_BELOW_LOWER_BOUND, 9),
    (
        "price_at_or_above_upper_bound",
        PRICE_AT_OR_ABOVE_UPPER_BOUND,
        10,
    ),
    (
        "price_not_intrinsic_at_expiry",
        PRICE_NOT_INTRINSIC_AT_EXPIRY,
        12,
    ),
    ("out_of_double_range", OUT_OF_DOUBLE_RANGE, 13),
    ("simulation_overflow", SIMULATION_OVERFLOW, 11),
    (
        "american_price_below_lower_bound",
        AMERICAN_PRICE_BELOW_LOWER_BOUND,
        14,
    ),
    (
        "american_price_at_or_above_upper_bound",
        AMERICAN_PRICE_AT_OR_ABOVE_UPPER_BOUND,
        15,
    ),
    ("double_exercise_boundary", DOUBLE_EXERCISE_BOUNDARY, 16),
];

/// `template` with each `{name}` replaced by its number.
fn fill(template: &str, values: &[(&str, f64)]) -> String {
    let mut out = template.to_owned();
    for (name, x) in values {
        out = out.replace(&format!("{{{name}}}"), &x.to_string());
    }
    out
}

impl fmt::Display for PricingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PricingError::NotFinite { param } => write!(f, "{param} must be a finite number"),
            PricingError::NotPositive { param, value } => {
                write!(f, "{param} must be > 0 (got {value})")
            }
            PricingError::Negative { param, value } => {
                write!(f, "{param} must be >= 0 (got {value})")
            }
            PricingError::OutOfRange { param, value, rule } => {
                write!(f, "{param} {rule} (got {value})")
            }
            PricingError::UnknownKind => write!(f, "kind must be \"call\" or \"put\""),
            PricingError::Invalid { param, rule } => write!(f, "{param} {rule}"),
            PricingError::WrongType {
                param,
                expected,
                got,
            } => write!(f, "{param} must be {expected} (got {got})"),
            PricingError::PriceBelowLowerBound { price, bound } => f.write_str(&fill(
                PRICE_BELOW_LOWER_BOUND,
                &[("bound", *bound), ("price", *price)],
            )),
            PricingError::PriceAtOrAboveUpperBound { price, bound } => f.write_str(&fill(
                PRICE_AT_OR_ABOVE_UPPER_BOUND,
                &[("bound", *bound), ("price", *price)],
            )),
            PricingError::PriceNotIntrinsicAtExpiry { price, intrinsic } => f.write_str(&fill(
                PRICE_NOT_INTRINSIC_AT_EXPIRY,
                &[("intrinsic", *intrinsic), ("price", *price)],
            )),
            PricingError::OutOfDoubleRange => f.write_str(OUT_OF_DOUBLE_RANGE),
            PricingError::SimulationOverflow => f.write_str(SIMULATION_OVERFLOW),
            PricingError::AmericanPriceBelowLowerBound { price, bound } => f.write_str(&fill(
                AMERICAN_PRICE_BELOW_LOWER_BOUND,
                &[("bound", *bound), ("price", *price)],
            )),
            PricingError::AmericanPriceAtOrAboveUpperBound { price, bound } => f.write_str(&fill(
                AMERICAN_PRICE_AT_OR_ABOVE_UPPER_BOUND,
                &[("bound", *bound), ("price", *price)],
            )),
            PricingError::DoubleExerciseBoundary => f.write_str(DOUBLE_EXERCISE_BOUNDARY),
        }
    }
}

impl std::error::Error for PricingError {}

impl PricingError {
    /// The error for a value of the wrong type (see [`PricingError::WrongType`]).
    pub fn wrong_type(
        param: impl Into<String>,
        expected: &'static str,
        got: impl Into<String>,
    ) -> Self {
        PricingError::WrongType {
            param: param.into(),
            expected,
            got: got.into(),
        }
    }

    /// Whether this is a wrong type rather than a wrong value (Python: also a `TypeError`).
    pub fn is_type_error(&self) -> bool {
        matches!(self, PricingError::WrongType { .. })
    }
}

/// Per-row status messages of the batch functions; a row's status code is its index here
/// (0 = ok). The table is part of the public API (`status_message(code)` in JS and Python),
/// so codes are only ever appended.
pub const STATUS_MESSAGES: &[&str] = &[
    "ok",
    "kind must be \"call\" or \"put\"",
    "spot must be a finite number > 0",
    "strike must be a finite number > 0",
    "expiry must be a finite number >= 0",
    "rate must be a finite number",
    "dividend must be a finite number",
    "vol must be a finite number >= 0",
    "price must be a finite number",
    "price is below the no-arbitrage lower bound (the discounted intrinsic value of the forward)",
    "price is at or above the no-arbitrage upper bound (discounted forward for a call, discounted strike for a put)",
    "invalid input",
    "price must equal the intrinsic value when expiry = 0",
    "inputs out of range: the discounted spot, discounted strike or result is beyond the double range",
    "price is below the American option's value at vol = 0 (at least its intrinsic value)",
    "price is at or above the American upper bound (the spot for a call, the strike for a put)",
    "two exercise boundaries (American put with dividend < rate < 0, call with rate < dividend < 0): not priced",
];

impl PricingError {
    /// The batch status code of this error: an index into [`STATUS_MESSAGES`].
    pub fn status_code(&self) -> u8 {
        let param_code = |param: &str| match param {
            "kind" => 1,
            "spot" => 2,
            "strike" => 3,
            "expiry" => 4,
            "rate" => 5,
            "dividend" => 6,
            "vol" => 7,
            "price" => 8,
            _ => 11,
        };
        match self {
            PricingError::NotFinite { param }
            | PricingError::NotPositive { param, .. }
            | PricingError::Negative { param, .. }
            | PricingError::OutOfRange { param, .. } => param_code(param),
            PricingError::Invalid { param, .. } | PricingError::WrongType { param, .. } => {
                param_code(param)
            }
            PricingError::UnknownKind => 1,
            PricingError::PriceBelowLowerBound { .. } => 9,
            PricingError::PriceAtOrAboveUpperBound { .. } => 10,
            PricingError::PriceNotIntrinsicAtExpiry { .. } => 12,
            PricingError::OutOfDoubleRange => 13,
            PricingError::SimulationOverflow => 11,
            PricingError::AmericanPriceBelowLowerBound { .. } => 14,
            PricingError::AmericanPriceAtOrAboveUpperBound { .. } => 15,
            PricingError::DoubleExerciseBoundary => 16,
        }
    }
}

/// The message for a batch status code; `None` for a code no row can have.
pub fn status_message(code: u8) -> Option<&'static str> {
    STATUS_MESSAGES.get(usize::from(code)).copied()
}

/// `Ok(x)` when `x` is finite, else the error naming `param`.
pub fn finite(param: &'static str, x: f64) -> Result<f64, PricingError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(PricingError::NotFinite { param })
    }
}

/// `Ok(x)` when `x` is finite and > 0.
pub fn positive(param: &'static str, x: f64) -> Result<f64, PricingError> {
    let x = finite(param, x)?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(PricingError::NotPositive { param, value: x })
    }
}

/// `Ok(x)` when `x` is finite and >= 0.
pub fn non_negative(param: &'static str, x: f64) -> Result<f64, PricingError> {
    let x = finite(param, x)?;
    if x >= 0.0 {
        Ok(x)
    } else {
        Err(PricingError::Negative { param, value: x })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_parameter_and_rule() {
        assert_eq!(
            finite("spot", f64::NAN).unwrap_err().to_string(),
            "spot must be a finite number"
        );
        assert_eq!(
            positive("strike", -1.0).unwrap_err().to_string(),
            "strike must be > 0 (got -1)"
        );
        assert_eq!(
            non_negative("vol", -0.5).unwrap_err().to_string(),
            "vol must be >= 0 (got -0.5)"
        );
        assert!(non_negative("expiry", 0.0).is_ok());
    }

    #[test]
    fn every_status_code_has_a_message() {
        let errors = [
            PricingError::UnknownKind,
            PricingError::NotFinite { param: "spot" },
            PricingError::NotPositive {
                param: "strike",
                value: 0.0,
            },
            PricingError::Negative {
                param: "expiry",
                value: -1.0,
            },
            PricingError::NotFinite { param: "rate" },
            PricingError::NotFinite { param: "dividend" },
            PricingError::Negative {
                param: "vol",
                value: -1.0,
            },
            PricingError::NotFinite { param: "price" },
            PricingError::PriceBelowLowerBound {
                price: 1.0,
                bound: 2.0,
            },
            PricingError::PriceAtOrAboveUpperBound {
                price: 3.0,
                bound: 2.0,
            },
            PricingError::Invalid {
                param: "paths".into(),
                rule: "must be an integer".into(),
            },
            PricingError::PriceNotIntrinsicAtExpiry {
                price: 2.0,
                intrinsic: 1.0,
            },
            PricingError::OutOfDoubleRange,
            PricingError::SimulationOverflow,
        ];
        for e in errors {
            let msg = status_message(e.status_code()).unwrap();
            assert_ne!(msg, "ok", "{e}");
        }
        assert_eq!(status_message(0), Some("ok"));
        // The exported templates carry their errors' codes.
        for (_, _, code) in MESSAGES {
            assert!(status_message(code).is_some());
        }
        assert_eq!(
            PricingError::PriceBelowLowerBound {
                price: 0.5,
                bound: 10.0
            }
            .to_string(),
            "price must be >= the no-arbitrage lower bound 10 \
             (the discounted intrinsic value of the forward); got 0.5"
        );
        assert_eq!(status_message(200), None);
    }
}
