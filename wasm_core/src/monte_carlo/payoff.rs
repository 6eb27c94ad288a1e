//! The payoffs `monte_carlo` prices (docs/api.md, "Monte Carlo payoffs") and the closed forms
//! their control variates need.
//!
//! * `european`: `max(+-(S_T - K), 0)` at expiry.
//! * `asian_arithmetic`, `asian_geometric`: `max(+-(A - K), 0)` at expiry, `A` the arithmetic or
//!   geometric mean of the spot at the `steps` dates `t_k = k T / steps`, `k = 1..steps` (not
//!   `S_0`): a discretely monitored average-price option.
//! * `up_and_out`, `up_and_in`, `down_and_out`, `down_and_in`: the European payoff, knocked out
//!   (or in) when the spot touches `barrier` at any time in `[0, T]` (continuous monitoring),
//!   priced with the Brownian-bridge crossing probability between steps (`path_payoff.rs`).
//!   No rebate. A spot already at or beyond the barrier is knocked at `t = 0`.
//! * `american`, `bermudan`: early exercise by Longstaff-Schwartz regression (`lsm.rs`);
//!   `american` may exercise at `t = 0` and at every step, `bermudan` at the `exercise_dates`
//!   dates `t_k = k T / exercise_dates`, `k = 1..exercise_dates`.

use crate::black_scholes;
use crate::errors::{positive, PricingError};
use crate::inputs::{Inputs, OptionKind};

/// Which average an Asian option pays on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    Arithmetic,
    Geometric,
}

/// The four single-barrier styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarrierStyle {
    UpAndOut,
    UpAndIn,
    DownAndOut,
    DownAndIn,
}

impl BarrierStyle {
    /// The barrier is above the spot (it is crossed upwards).
    pub fn is_up(self) -> bool {
        matches!(self, BarrierStyle::UpAndOut | BarrierStyle::UpAndIn)
    }
    /// Touching the barrier activates the option (rather than cancelling it).
    pub fn is_in(self) -> bool {
        matches!(self, BarrierStyle::UpAndIn | BarrierStyle::DownAndIn)
    }
}

/// A payoff as named by the API, before its fields are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoffName {
    European,
    Asian(Average),
    Barrier(BarrierStyle),
    Bermudan,
    American,
}

/// The API's payoff names, for messages.
pub const PAYOFF_NAMES: &str = "\"european\", \"asian_arithmetic\", \"asian_geometric\", \
\"up_and_out\", \"up_and_in\", \"down_and_out\", \"down_and_in\", \"bermudan\" or \"american\"";

/// Most exercise dates of a Longstaff-Schwartz run (`american`: its steps; `bermudan`: its
/// `exercise_dates`): the regression keeps every training path's state at every date.
pub const MAX_EXERCISE_DATES: u64 = 512;

impl PayoffName {
    /// The name as the API spells it.
    pub fn parse(s: &str) -> Result<Self, PricingError> {
        Ok(match s {
            "european" => PayoffName::European,
            "asian_arithmetic" => PayoffName::Asian(Average::Arithmetic),
            "asian_geometric" => PayoffName::Asian(Average::Geometric),
            "up_and_out" => PayoffName::Barrier(BarrierStyle::UpAndOut),
            "up_and_in" => PayoffName::Barrier(BarrierStyle::UpAndIn),
            "down_and_out" => PayoffName::Barrier(BarrierStyle::DownAndOut),
            "down_and_in" => PayoffName::Barrier(BarrierStyle::DownAndIn),
            "bermudan" => PayoffName::Bermudan,
            "american" => PayoffName::American,
            _ => {
                return Err(PricingError::Invalid {
                    param: "payoff".into(),
                    rule: format!("must be {PAYOFF_NAMES}"),
                })
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PayoffName::European => "european",
            PayoffName::Asian(Average::Arithmetic) => "asian_arithmetic",
            PayoffName::Asian(Average::Geometric) => "asian_geometric",
            PayoffName::Barrier(BarrierStyle::UpAndOut) => "up_and_out",
            PayoffName::Barrier(BarrierStyle::UpAndIn) => "up_and_in",
            PayoffName::Barrier(BarrierStyle::DownAndOut) => "down_and_out",
            PayoffName::Barrier(BarrierStyle::DownAndIn) => "down_and_in",
            PayoffName::Bermudan => "bermudan",
            PayoffName::American => "american",
        }
    }
}

/// A validated payoff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Payoff {
    European,
    Asian(Average),
    Barrier {
        style: BarrierStyle,
        level: f64,
    },
    /// Exercise at `dates` evenly spaced dates; `at_start`: also at `t = 0` (American).
    Exercise {
        dates: u64,
        at_start: bool,
    },
}

impl Payoff {
    pub fn name(&self) -> PayoffName {
        match *self {
            Payoff::European => PayoffName::European,
            Payoff::Asian(a) => PayoffName::Asian(a),
            Payoff::Barrier { style, .. } => PayoffName::Barrier(style),
            Payoff::Exercise { at_start: true, .. } => PayoffName::American,
            Payoff::Exercise { .. } => PayoffName::Bermudan,
        }
    }

    /// Whether the payoff depends on the path (needs the spot at every step).
    pub fn path_dependent(&self) -> bool {
        !matches!(self, Payoff::European)
    }
}

/// `barrier` and `exercise_dates` checked against the payoff that names them: each is required
/// by its payoffs and refused by the others. `steps` is not known yet (the American's dates are
/// its steps), so `Exercise::dates` of an American is filled in by the caller.
pub(crate) fn validate(
    name: PayoffName,
    barrier: Option<f64>,
    exercise_dates: Option<f64>,
) -> Result<Payoff, PricingError> {
    let refuse = |param: &'static str| PricingError::Invalid {
        param: param.into(),
        rule: format!("is not a parameter of payoff \"{}\"", name.as_str()),
    };
    if barrier.is_some() && !matches!(name, PayoffName::Barrier(_)) {
        return Err(refuse("barrier"));
    }
    if exercise_dates.is_some() && name != PayoffName::Bermudan {
        return Err(refuse("exercise_dates"));
    }
    let required = |param: &'static str| PricingError::Invalid {
        param: param.into(),
        rule: format!("is required for payoff \"{}\"", name.as_str()),
    };
    Ok(match name {
        PayoffName::European => Payoff::European,
        PayoffName::Asian(a) => Payoff::Asian(a),
        PayoffName::Barrier(style) => Payoff::Barrier {
            style,
            level: positive("barrier", barrier.ok_or_else(|| required("barrier"))?)?,
        },
        PayoffName::Bermudan => {
            let n = exercise_dates.ok_or_else(|| required("exercise_dates"))?;
            if !n.is_finite() || n.fract() != 0.0 || !(1.0..=MAX_EXERCISE_DATES as f64).contains(&n)
            {
                return Err(PricingError::OutOfRange {
                    param: "exercise_dates",
                    value: n,
                    rule: "must be an integer in [1, 512]",
                });
            }
            Payoff::Exercise {
                dates: n as u64,
                at_start: false,
            }
        }
        PayoffName::American => Payoff::Exercise {
            dates: 0,
            at_start: true,
        },
    })
}

/// The Black-Scholes-Merton price (`None` when the inputs leave the analytic formula's range,
/// where the caller falls back to another control).
pub(crate) fn black_scholes_price(
    kind: OptionKind,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    vol: f64,
) -> Option<f64> {
    let inputs = Inputs::new(kind, spot, strike, expiry, rate, dividend, vol).ok()?;
    let v = black_scholes::price(&inputs);
    v.is_finite().then_some(v)
}

/// The price of the discretely monitored geometric-average option under GBM (fixings at
/// `t_k = k T / n`, `k = 1..n`). `ln G = ln S + (1/n) sum_k ln(S_{t_k}/S)` is normal with mean
/// `(r - q - vol^2/2) T (n+1)/(2n)` and variance `vol^2 T (n+1)(2n+1)/(6 n^2)`
/// (`(1/n^2) sum_{i,j} min(t_i, t_j)`), so the price is Black-Scholes-Merton's with
/// `vol_G = vol sqrt((n+1)(2n+1)/(6 n^2))` and the carry `b_G` that puts the forward at
/// `E[G] = S e^{b_G T}`: `b_G = (r - q - vol^2/2)(n+1)/(2n) + vol_G^2/2` (A. G. Z. Kemna and
/// A. C. F. Vorst, "A pricing method for options based on average asset values", Journal of
/// Banking and Finance 14 (1990), pp. 113-129, for the continuous average; the discrete form
/// as in P. Glasserman, "Monte Carlo Methods in Financial Engineering", 2003, section 4.1.2).
#[allow(clippy::too_many_arguments)]
pub(crate) fn geometric_asian_price(
    kind: OptionKind,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    vol: f64,
    n: u64,
) -> Option<f64> {
    let nf = n as f64;
    let vol_g = vol * ((nf + 1.0) * (2.0 * nf + 1.0) / (6.0 * nf * nf)).sqrt();
    let carry = (rate - dividend - 0.5 * vol * vol) * (nf + 1.0) / (2.0 * nf) + 0.5 * vol_g * vol_g;
    black_scholes_price(kind, spot, strike, expiry, rate, rate - carry, vol_g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in [
            "european",
            "asian_arithmetic",
            "asian_geometric",
            "up_and_out",
            "up_and_in",
            "down_and_out",
            "down_and_in",
            "bermudan",
            "american",
        ] {
            assert_eq!(PayoffName::parse(s).unwrap().as_str(), s);
        }
        assert!(PayoffName::parse("asian").is_err());
    }

    #[test]
    fn fields_belong_to_their_payoffs() {
        let barrier = PayoffName::Barrier(BarrierStyle::UpAndOut);
        assert_eq!(
            validate(PayoffName::European, Some(1.0), None)
                .unwrap_err()
                .to_string(),
            "barrier is not a parameter of payoff \"european\""
        );
        assert_eq!(
            validate(barrier, None, None).unwrap_err().to_string(),
            "barrier is required for payoff \"up_and_out\""
        );
        assert!(validate(barrier, Some(-1.0), None).is_err());
        assert!(validate(PayoffName::Bermudan, None, Some(2.5)).is_err());
        assert!(validate(PayoffName::Bermudan, None, Some(513.0)).is_err());
        assert_eq!(
            validate(PayoffName::Bermudan, None, Some(4.0)).unwrap(),
            Payoff::Exercise {
                dates: 4,
                at_start: false
            }
        );
    }

    /// One fixing at expiry is the European option; many fixings approach the continuous
    /// geometric average (Kemna & Vorst: vol/sqrt(3), carry (r - q - vol^2/6)/2).
    #[test]
    fn geometric_asian_limits() {
        let k = OptionKind::Call;
        let one = geometric_asian_price(k, 100.0, 95.0, 1.0, 0.05, 0.01, 0.3, 1).unwrap();
        let bs = black_scholes_price(k, 100.0, 95.0, 1.0, 0.05, 0.01, 0.3).unwrap();
        assert!((one - bs).abs() < 1e-13 * bs, "{one} {bs}");
        let many = geometric_asian_price(k, 100.0, 95.0, 1.0, 0.05, 0.01, 0.3, 1_000_000).unwrap();
        let (r, q, s) = (0.05, 0.01, 0.3);
        let carry = 0.5 * (r - q - s * s / 6.0);
        let cont = black_scholes_price(k, 100.0, 95.0, 1.0, r, r - carry, s / 3f64.sqrt()).unwrap();
        assert!((many - cont).abs() < 1e-5 * cont, "{many} {cont}");
    }
}
