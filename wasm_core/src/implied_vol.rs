//! Black-Scholes-Merton implied volatility to machine precision over the whole domain, after
//! P. Jäckel, "Let's Be Rational", Wilmott, January 2015, pp. 40-53 (and its 2017 revision).
//!
//! # Method
//! With D = e^{−rT} and F = S·e^{(r−q)T}, price = D·Black(F, K, s) = √(D F·D K)·b(x, s, θ),
//! x = ln(F/K), s = σ√T (Jäckel's normalised Black function b). In the money the price is
//! first reduced by put-call parity to the out-of-the-money option's price,
//! price − D·max(θ(F − K), 0) (ibid.): this is what keeps deep in-the-money options
//! invertible, where the plain price is all intrinsic value. Normalising by √(D F·D K) gives
//! β = b(−|x|, s), inverted by the `lets_be_rational` submodule. σ = s/√T.
//!
//! **The subtraction is where digits go.** The time value left after parity can be far
//! smaller than the price (a low-vol option just in the money), so every rounding in the
//! intrinsic value shows in it. D·|F − K| is therefore never formed from a rounded F: it is
//! √(D F·D K)·2·sinh(|x|/2), with x = ln(S/K) + (r − q)T carried in double-double (the same
//! quantities [`crate::black_scholes::price`] uses), accurate to a few ulps of itself. The
//! subtraction from the given price then costs a few ulps of the price, so the vol reprices
//! (in exact arithmetic) to within a few ulps of the price it came from. Forming F first
//! instead costs ε·F, hundreds of price-ulps for an option priced 1 on a forward of 100.
//!
//! # Bounds (docs/api.md, "Implied volatility")
//! - lower bound D·max(θ(F − K), 0): a price below it is [`PricingError::PriceBelowLowerBound`];
//!   at it, the answer is 0;
//! - upper bound D·F (call) or D·K (put): at or above it,
//!   [`PricingError::PriceAtOrAboveUpperBound`].
//!
//! **Rounding noise at the lower bound.** The bound itself is computed in floating point
//! (D, F and F − K each round), and so is any price a caller derives from a model. A price
//! below the bound by at most [`LOWER_BOUND_NOISE_ULPS`] units of ε·D·max(F, K) is therefore
//! treated as *at* the bound (→ 0): below that scale the difference carries no information.
//! Anything further below is an error naming the bound (e.g. S = 4127.83, K = 2600, T = 133/252,
//! r = 0.01, q = 0: a call at 1529.75 is 11.77 below its bound 1541.52, an error, as it must be).
//!
//! **Expiry 0.** Only the intrinsic value max(θ(S − K), 0) is attainable (→ 0, with the same
//! noise allowance). A price above it is [`PricingError::PriceNotIntrinsicAtExpiry`] ("price must
//! equal the intrinsic value when expiry = 0"): no volatility adds time value to an expired option. A
//! price at or above S (call) or K (put) is reported as the upper-bound error, as for T > 0.

mod lets_be_rational;
mod rational_cubic;

use crate::black_scholes::Market;
use crate::errors::{finite, non_negative, positive, PricingError};
use crate::inputs::{market_in_range, Inputs, OptionKind};
use crate::normalised_black::ln_ratio;
use lets_be_rational::{implied_normalised_vol, Unattainable};

/// Prices below the lower bound by up to this many ε·D·max(F, K) count as at the bound.
pub const LOWER_BOUND_NOISE_ULPS: f64 = 4.0;

/// The Black-Scholes-Merton implied volatility of a European option (docs/api.md).
///
/// # Errors
/// In argument order: `price` not finite; `spot`, `strike` not finite or <= 0; `expiry` not
/// finite or < 0; `rate`, `dividend` not finite — each naming the parameter. Then
/// [`PricingError::PriceBelowLowerBound`] / [`PricingError::PriceAtOrAboveUpperBound`] (see the
/// module note), [`PricingError::PriceNotIntrinsicAtExpiry`] for a price above intrinsic at
/// expiry 0, and [`PricingError::OutOfDoubleRange`] when e^{−rT} or e^{(r−q)T}
/// leaves the double range.
///
/// # Examples
/// ```
/// use wasm_core::implied_vol::implied_vol;
/// use wasm_core::inputs::OptionKind;
/// // RustQuant's doctest case.
/// let vol = implied_vol(OptionKind::Call, 12.3, 100.0, 110.0, 0.89, 0.03, 0.0).unwrap();
/// assert!((vol - 0.40269973285787297).abs() < 1e-14);
/// ```
pub fn implied_vol(
    kind: OptionKind,
    price: f64,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
) -> Result<f64, PricingError> {
    check_arguments(price, spot, strike, expiry, rate, dividend)?;
    let theta = kind.sign();
    if expiry == 0.0 {
        return at_expiry(theta, price, spot, strike);
    }
    let discount = crate::fastmath::exp(-rate * expiry);
    let forward = spot * crate::fastmath::exp((rate - dividend) * expiry);
    if !(discount.is_normal() && forward.is_normal() && discount.is_finite()) {
        return Err(out_of_range_market());
    }
    let undiscounted = price / discount;
    if !undiscounted.is_finite() {
        return Err(out_of_range_market());
    }
    let market = Market::new(&Inputs {
        kind,
        spot,
        strike,
        expiry,
        rate,
        dividend,
        vol: 0.0,
    });
    let total_vol = if market.ln_scale == 0.0 {
        discounted_total_vol(&market, price).map_err(|violation| violation.into_error(price, 1.0))
    } else {
        // D·F or D·K outside the normal range (while D and F are not): the undiscounted form.
        implied_black_total_vol(theta, undiscounted, forward, strike)
            .map_err(|violation| violation.into_error(price, discount))
    }?;
    let vol = total_vol / expiry.sqrt();
    if vol.is_finite() && vol >= 0.0 {
        Ok(vol)
    } else if vol == f64::INFINITY {
        // s finite but T so small that s/√T overflows: indistinguishable from the upper bound.
        let bound = discount * upper(theta, forward, strike);
        Err(PricingError::PriceAtOrAboveUpperBound { price, bound })
    } else {
        // A safety net: no test has reached it, but a NaN must never leave this function.
        Err(PricingError::Invalid {
            param: "price".into(),
            rule: format!("could not be inverted for these inputs (got {price})"),
        })
    }
}

/// The argument rules of [`implied_vol`], in argument order (the no-arbitrage bounds of
/// `price` are checked by the inversion itself).
///
/// # Errors
/// `price` not finite; `spot`, `strike` not finite or <= 0; `expiry` not finite or < 0;
/// `rate`, `dividend` not finite; then [`market_in_range`].
pub fn check_arguments(
    price: f64,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
) -> Result<(), PricingError> {
    finite("price", price)?;
    positive("spot", spot)?;
    positive("strike", strike)?;
    non_negative("expiry", expiry)?;
    finite("rate", rate)?;
    finite("dividend", dividend)?;
    market_in_range(spot, strike, expiry, rate, dividend)
}

/// A no-arbitrage bound a price violates, with that bound (in the price's units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BoundViolation {
    Below { bound: f64 },
    AtOrAbove { bound: f64 },
}

impl BoundViolation {
    /// The API error for the discounted `price`, with the bound multiplied by `discount`
    /// (1 when it already is discounted).
    fn into_error(self, price: f64, discount: f64) -> PricingError {
        match self {
            BoundViolation::Below { bound } => PricingError::PriceBelowLowerBound {
                price,
                bound: discount * bound,
            },
            BoundViolation::AtOrAbove { bound } => PricingError::PriceAtOrAboveUpperBound {
                price,
                bound: discount * bound,
            },
        }
    }
}

/// The core: the total implied volatility s = σ√T of an undiscounted Black price of a call
/// (`theta` = +1) or put (−1) with forward F > 0 and strike K > 0 (both finite).
///
/// # Errors
/// A [`BoundViolation`] outside [max(θ(F−K), 0), F or K), with the module's noise allowance
/// at the lower bound.
pub fn implied_black_total_vol(
    theta: f64,
    price: f64,
    forward: f64,
    strike: f64,
) -> Result<f64, BoundViolation> {
    let (x, x_lo) = ln_ratio(forward, strike);
    invert(
        price,
        &Parity {
            // F and K are the caller's doubles: F − K is one rounding of the exact difference.
            intrinsic: intrinsic(theta, forward, strike),
            upper: upper(theta, forward, strike),
            larger: forward.max(strike),
            root: forward.sqrt() * strike.sqrt(),
            x,
            x_lo,
        },
    )
}

/// The total implied volatility of a discounted BSM `price` on the market quantities the
/// pricer uses (`ln_scale` = 0): D·F = `sdf`, D·K = `kdr`, x = ln(F/K) in double-double, the
/// intrinsic value √(D F·D K)·2·sinh(θx/2) (module note).
fn discounted_total_vol(market: &Market, price: f64) -> Result<f64, BoundViolation> {
    let theta = market.theta;
    invert(
        price,
        &Parity {
            intrinsic: market.intrinsic(),
            upper: upper(theta, market.sdf, market.kdr),
            larger: market.sdf.max(market.kdr),
            root: market.sdf.sqrt() * market.kdr.sqrt(),
            x: market.x,
            x_lo: market.x_lo,
        },
    )
}

/// What the inversion needs of a price's market, in the price's units: its intrinsic value
/// and upper bound, the larger of the (discounted) forward and strike that sets the rounding
/// noise of the lower bound, √(F K), and x = ln(F/K) as a double-double.
struct Parity {
    intrinsic: f64,
    upper: f64,
    larger: f64,
    root: f64,
    x: f64,
    x_lo: f64,
}

/// Checks the bounds (module note), subtracts the intrinsic value and inverts the
/// out-of-the-money option's normalised price.
fn invert(price: f64, market: &Parity) -> Result<f64, BoundViolation> {
    let upper = market.upper;
    if price >= upper {
        return Err(BoundViolation::AtOrAbove { bound: upper });
    }
    let noise = LOWER_BOUND_NOISE_ULPS * f64::EPSILON * market.larger;
    if price < market.intrinsic - noise {
        return Err(BoundViolation::Below {
            bound: market.intrinsic,
        });
    }
    // Put-call parity: the out-of-the-money option's price.
    let otm_price = price - market.intrinsic;
    if otm_price <= 0.0 {
        return Ok(0.0);
    }
    let (x, x_lo) = if market.x > 0.0 {
        (-market.x, -market.x_lo)
    } else {
        (market.x, market.x_lo)
    };
    implied_normalised_vol(otm_price / market.root, x, x_lo)
        .map_err(|Unattainable::AtOrAboveMaximum| BoundViolation::AtOrAbove { bound: upper })
}

fn intrinsic(theta: f64, forward: f64, strike: f64) -> f64 {
    (theta * (forward - strike)).max(0.0)
}

fn upper(theta: f64, forward: f64, strike: f64) -> f64 {
    if theta > 0.0 {
        forward
    } else {
        strike
    }
}

/// Expiry 0: only the intrinsic value is attainable.
fn at_expiry(theta: f64, price: f64, spot: f64, strike: f64) -> Result<f64, PricingError> {
    let intrinsic = intrinsic(theta, spot, strike);
    let upper = upper(theta, spot, strike);
    if price >= upper {
        return Err(PricingError::PriceAtOrAboveUpperBound {
            price,
            bound: upper,
        });
    }
    let noise = LOWER_BOUND_NOISE_ULPS * f64::EPSILON * spot.max(strike);
    if price < intrinsic - noise {
        return Err(PricingError::PriceBelowLowerBound {
            price,
            bound: intrinsic,
        });
    }
    if price <= intrinsic + noise {
        return Ok(0.0);
    }
    Err(PricingError::PriceNotIntrinsicAtExpiry { price, intrinsic })
}

fn out_of_range_market() -> PricingError {
    PricingError::OutOfDoubleRange
}
