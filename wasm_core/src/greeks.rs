//! The price and thirteen Greeks of a European option under Black-Scholes-Merton.
//!
//! # Conventions (docs/api.md, "Greeks: conventions")
//! Every Greek is a partial derivative of the price `V(spot, vol, expiry, rate, dividend)`.
//! `vega` is per unit of vol (not per 1 %), `rho` per unit of rate, `epsilon` per unit of
//! dividend yield. `theta`, `charm`, `color` and `veta` are derivatives with respect to
//! calendar time `t`, per year: a day passing shortens `expiry`, so they are
//! `-∂/∂(expiry)` of `V`, `delta`, `gamma` and `vega` (per day: divide by 365).
//!
//! # Formulas
//! E. G. Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed., McGraw-Hill (2007),
//! ch. 2 ("Black-Scholes-Merton Greeks"), generalized model with cost of carry `b = r - q`.
//! With θ = ±1 (call/put), s = σ√T, d1,2 = ln(F/K)/s ± s/2, `n`/`N` the standard normal
//! density/distribution, and
//! ```text
//! A1 = S e^{-qT} N(θ d1)     A2 = K e^{-rT} N(θ d2)     P = S e^{-qT} n(d1) = K e^{-rT} n(d2)
//! ∂d1/∂T = b/s - d2/(2T)
//! ```
//! the Greeks are (Haug's name for each in brackets):
//! ```text
//! delta   =  θ A1 / S                                     [Delta]
//! gamma   =  P / (S² s)                                   [Gamma]
//! speed   = -gamma (1 + d1/s) / S                         [DgammaDspot, Speed]
//! vega    =  P √T                                         [Vega]
//! volga   =  vega d1 d2 / σ                               [DvegaDvol, Vomma]
//! vanna   = -P d2 / (S σ)                                 [DdeltaDvol = DvegaDspot, Vanna]
//! zomma   =  gamma (d1 d2 - 1) / σ                        [DgammaDvol, Zomma]
//! theta   = -P σ / (2√T) + θ (q A1 - r A2)                [Theta]
//! charm   =  θ q A1 / S - (P/S) ∂d1/∂T                    [DdeltaDtime, Charm]
//! color   =  gamma (q + d1 b/s + (1 - d1 d2)/(2T))        [DgammaDtime, Color]
//! veta    =  vega (q + d1 b/s - (1 + d1 d2)/(2T))         [DvegaDtime]
//! rho     =  θ T A2                                       [Rho]
//! epsilon = -θ T A1                                       [Phi / Rho-2, the dividend rho]
//! ```
//! Sources differ on the sign of the time Greeks (some state them as derivatives in time
//! to expiry); every sign above is calendar-time (`-∂/∂T`), as docs/api.md requires, and
//! each Greek was checked against numerical differentiation of the price at 50 digits
//! (wasm_core/tests/bs_reference.rs, oracle tests/oracles/bs_greeks_mpmath.py).
//!
//! # Evaluation
//! Each Greek is evaluated as a sum of products of finite factors (the brackets above
//! multiplied out). With ordinary inputs that is plain floating point; a term that
//! overflows makes the Greek ±inf, and only if two terms overflow with opposite signs
//! (absurd inputs such as rate = -1e90) is the sum redone from the terms' logarithms.
//! Terms carrying P are exactly 0 where P underflows (far from the money), whatever their
//! polynomial factors. Extreme rate·expiry is handled by the rescaling of
//! [`crate::black_scholes`]: each Greek is linear in (S e^{-qT}, K e^{-rT}), so it is
//! computed on the rescaled pair and multiplied back, with its power of `spot`, in
//! logarithms.
//!
//! # Precision
//! d1 and d2 come from x = ln(S/K) + (r - q)T (never from a rounded forward) and the normal
//! tails from `crate::normal` at full relative precision, so each Greek keeps its relative
//! precision deep in or out of the money: within ~1e-13 of the 50-digit values on the test
//! grid (the rounding of d1 costs about d1²·ε in the far tails), except near a zero of the
//! Greek, where the inputs' own rounding sets the accuracy.

use crate::black_scholes::{fast, mul_exp, Market};
use crate::errors::PricingError;
use crate::inputs::Inputs;
use crate::normal::{norm_cdf, norm_pdf};

/// The price and its partial derivatives, in the order of the public API.
///
/// Units: `vega`, `volga`, `veta` per unit of vol (0.01 = one vol point); `theta`,
/// `charm`, `color`, `veta` per year of calendar time; `rho` per unit of rate; `epsilon`
/// per unit of dividend yield.
///
/// # Limits (`expiry = 0` or `vol = 0`; docs/api.md "Limits")
/// Each Greek is the limit of its smooth formula as vol·√expiry → 0+, with `F` the forward:
/// - away from the kink `F = strike`: `delta` is `e^{-qT}` (call in the money), `-e^{-qT}`
///   (put in the money) or 0; `theta`, `charm`, `rho`, `epsilon` are those of the
///   deterministic payoff `e^{-rT}(F - K)` when in the money, else 0; every other Greek is 0.
/// - exactly at the kink every term with a finite limit keeps it, and a term whose limit is
///   infinite (the smooth part of a Dirac) is reported as 0: `delta`, `theta`, `charm`,
///   `rho`, `epsilon` are half their jumps (the midpoint of the two sides); `vega =
///   spot·e^{-qT}·√T/√(2π)`, `vanna = e^{-qT}·√T/(2√(2π))` and `veta = vega·((rate +
///   dividend)/2 - 1/(2T))`, all three 0 at `expiry = 0`; `gamma`, `speed`, `zomma`,
///   `color` (infinite there) and `volga` (whose limit is 0) are 0.
///
/// # Range
/// Never NaN for valid [`Inputs`]. A Greek is `±inf` only when its value or one of its
/// terms exceeds `f64::MAX` (for instance gamma at the money with `vol·√expiry` near 1e-300);
/// see [`crate::black_scholes`] for rate·expiry beyond ±700.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Greeks {
    /// V, the Black-Scholes-Merton price ([`crate::black_scholes::price`]).
    pub price: f64,
    /// ∂V/∂spot.
    pub delta: f64,
    /// ∂²V/∂spot².
    pub gamma: f64,
    /// ∂³V/∂spot³.
    pub speed: f64,
    /// ∂V/∂vol, per unit of vol (divide by 100 for one vol point).
    pub vega: f64,
    /// ∂²V/∂vol² (vomma).
    pub volga: f64,
    /// ∂²V/∂spot∂vol = ∂delta/∂vol = ∂vega/∂spot.
    pub vanna: f64,
    /// ∂³V/∂spot²∂vol = ∂gamma/∂vol.
    pub zomma: f64,
    /// ∂V/∂t = -∂V/∂expiry, per year of calendar time (divide by 365 for one day).
    pub theta: f64,
    /// ∂delta/∂t = -∂²V/∂spot∂expiry, per year.
    pub charm: f64,
    /// ∂gamma/∂t = -∂³V/∂spot²∂expiry, per year.
    pub color: f64,
    /// ∂vega/∂t = -∂²V/∂vol∂expiry, per year.
    pub veta: f64,
    /// ∂V/∂rate, per unit of rate.
    pub rho: f64,
    /// ∂V/∂dividend, per unit of dividend yield.
    pub epsilon: f64,
}

impl Greeks {
    /// The field names in declaration order: the keys of the JS and Python results.
    pub const NAMES: [&'static str; 14] = [
        "price", "delta", "gamma", "speed", "vega", "volga", "vanna", "zomma", "theta", "charm",
        "color", "veta", "rho", "epsilon",
    ];

    /// The values in the order of [`Greeks::NAMES`].
    pub fn to_array(&self) -> [f64; 14] {
        [
            self.price,
            self.delta,
            self.gamma,
            self.speed,
            self.vega,
            self.volga,
            self.vanna,
            self.zomma,
            self.theta,
            self.charm,
            self.color,
            self.veta,
            self.rho,
            self.epsilon,
        ]
    }

    /// Every field set to `x` (NaN marks a failed row of a batch).
    pub fn splat(x: f64) -> Self {
        Greeks {
            price: x,
            delta: x,
            gamma: x,
            speed: x,
            vega: x,
            volga: x,
            vanna: x,
            zomma: x,
            theta: x,
            charm: x,
            color: x,
            veta: x,
            rho: x,
            epsilon: x,
        }
    }
}

/// [`greeks`], or [`PricingError::OutOfDoubleRange`] when a Greek's true value lies beyond
/// the double range (only possible for absurd inputs, e.g. rho of a 1e300-year option): the
/// JavaScript and Python entry points report an error rather than ±infinity.
///
/// # Errors
/// [`PricingError::OutOfDoubleRange`].
pub fn try_greeks(inputs: &Inputs) -> Result<Greeks, PricingError> {
    let g = greeks(inputs);
    if g.to_array().iter().all(|x| x.is_finite()) {
        Ok(g)
    } else {
        Err(PricingError::OutOfDoubleRange)
    }
}

/// Price and all Greeks of a European option under Black-Scholes-Merton (closed forms from
/// Haug 2007, ch. 2; conventions and limits as documented on [`Greeks`]).
///
/// # Examples
/// ```
/// use wasm_core::inputs::{Inputs, OptionKind};
/// use wasm_core::greeks::greeks;
/// // Haug (1998), pp. 11-16, as reproduced in QuantLib's test-suite: S = 55, K = 60,
/// // T = 0.75, r = 10 %, σ = 30 % → gamma 0.0278 and vega 18.9358, calls and puts alike.
/// let g = greeks(&Inputs::new(OptionKind::Put, 55.0, 60.0, 0.75, 0.10, 0.0, 0.30).unwrap());
/// assert!((g.gamma - 0.0278).abs() < 5e-5);
/// assert!((g.vega - 18.9358).abs() < 5e-5);
/// ```
pub fn greeks(inputs: &Inputs) -> Greeks {
    greeks_priced(inputs, Market::price)
}

/// [`greeks`] as the batch functions compute them: where the fast price's formula applies
/// ([`fast::candidate`]), the same closed forms from the quantities it computed (one set of
/// exp/erfc per row), with the price field the batch price (`black_scholes_many`'s).
pub(crate) fn batch_greeks(inputs: &Inputs) -> Greeks {
    let Some(c) = fast::candidate(inputs) else {
        return greeks(inputs);
    };
    let shared = Shared {
        theta: inputs.kind.sign(),
        total_vol: c.total_vol,
        sqrt_t: c.sqrt_t,
        d1: c.d1,
        d2: c.d2,
        a1: c.a1,
        a2: c.a2,
        density: c.density,
    };
    let price = if c.is_accurate() {
        c.price
    } else {
        Market::new(inputs).price()
    };
    smooth_core(&shared, inputs).unscale(price, 0.0, inputs.spot)
}

fn greeks_priced(inputs: &Inputs, price: impl FnOnce(&Market) -> f64) -> Greeks {
    let m = Market::new(inputs);
    let core = if m.total_vol == 0.0 {
        limit_core(&m, inputs)
    } else {
        smooth_core(&Shared::new(&m), inputs)
    };
    core.unscale(price(&m), m.ln_scale, inputs.spot)
}

/// Greeks without their powers of `spot` and without the common scale `e^{ln_scale}`:
/// `Greek = core · e^{ln_scale} / spot^p` with `p` given by [`SPOT_POWER`].
struct Core([f64; 13]);

/// The power of `spot` dividing each Greek (delta, gamma, speed, vega, volga, vanna, zomma,
/// theta, charm, color, veta, rho, epsilon): its number of spot derivatives.
const SPOT_POWER: [i32; 13] = [1, 2, 3, 0, 0, 1, 2, 0, 1, 2, 0, 0, 0];

impl Core {
    fn unscale(self, price: f64, ln_scale: f64, spot: f64) -> Greeks {
        let ln_spot = if ln_scale == 0.0 { 0.0 } else { spot.ln() };
        let g = |i: usize| -> f64 {
            let (value, power) = (self.0[i], SPOT_POWER[i]);
            if ln_scale == 0.0 {
                // Ordinary inputs: plain division, one rounding per power of spot.
                (0..power).fold(value, |v, _| v / spot)
            } else {
                mul_exp(value, ln_scale - f64::from(power) * ln_spot)
            }
        };
        Greeks {
            price,
            delta: g(0),
            gamma: g(1),
            speed: g(2),
            vega: g(3),
            volga: g(4),
            vanna: g(5),
            zomma: g(6),
            theta: g(7),
            charm: g(8),
            color: g(9),
            veta: g(10),
            rho: g(11),
            epsilon: g(12),
        }
    }
}

/// A term of a Greek: the product of `num` divided by the product of `den`, all finite.
type Term<'a> = (&'a [f64], &'a [f64]);

/// The value of a term, left to right; exactly 0 when a factor is 0, whatever the others
/// (a density that underflowed to 0 kills its polynomial factor, as it does mathematically).
#[inline(always)]
fn term_value((num, den): Term) -> f64 {
    let product = num.iter().fold(1.0, |v, f| v * f);
    let value = den.iter().fold(product, |v, d| v / d);
    // With finite factors a zero factor already gives ±0 (+ 0.0 makes it +0); only an
    // overflow times 0 is NaN, and a zero factor then wins.
    if value.is_nan() && num.contains(&0.0) {
        0.0
    } else {
        value + 0.0
    }
}

/// Σ terms. Plain floating-point sum for every ordinary input; only when two terms overflow
/// with opposite signs (absurd inputs such as rate = -1e90, where the sum is inf - inf) is
/// the sum recomputed from the terms' logarithms, relative to the largest: then the result
/// is the correctly signed ±inf, or a finite value good to about |ln(largest)|·ε, never NaN.
#[inline(always)]
fn sum(terms: &[Term]) -> f64 {
    let plain: f64 = terms.iter().map(|&t| term_value(t)).sum();
    if !plain.is_nan() {
        return plain;
    }
    let ln_abs = |(num, den): Term| -> f64 {
        num.iter().map(|f| f.abs().ln()).sum::<f64>()
            - den.iter().map(|d| d.abs().ln()).sum::<f64>()
    };
    let sign = |(num, den): Term| -> f64 {
        num.iter()
            .chain(den.iter())
            .fold(1.0, |s, f| s * f.signum())
    };
    let live = || {
        terms
            .iter()
            .copied()
            .filter(|(num, _)| num.iter().all(|&f| f != 0.0))
    };
    let pivot = live().map(ln_abs).fold(f64::NEG_INFINITY, f64::max);
    let scaled: f64 = live().map(|t| sign(t) * (ln_abs(t) - pivot).exp()).sum();
    mul_exp(scaled, pivot)
}

/// What the closed forms share: θ, σ√T, √T, d1, d2, A1, A2 and P (module note), on the
/// rescaled market.
struct Shared {
    theta: f64,
    total_vol: f64,
    sqrt_t: f64,
    d1: f64,
    d2: f64,
    a1: f64,
    a2: f64,
    density: f64,
}

impl Shared {
    fn new(m: &Market) -> Shared {
        let (th, s) = (m.theta, m.total_vol);
        // d1 = u + h, d2 = u - h; as σ√T → ∞ (absurd inputs) d1 → +∞ and d2 → -∞.
        let (d1, d2) = if s.is_finite() {
            let (u, h) = (m.x / s, 0.5 * s);
            (u + h, u - h)
        } else {
            (f64::INFINITY, f64::NEG_INFINITY)
        };
        // P = S e^{-qT} n(d1) = K e^{-rT} n(d2). Every term with P as a factor is exactly 0
        // where P underflows, which is also where d1, d2 may be infinite; where P > 0 they
        // are bounded (|d1| < 55), so every factor of the closed forms is finite.
        let density = term_value((&[m.sdf, norm_pdf(d1)], &[]));
        Shared {
            theta: th,
            total_vol: s,
            sqrt_t: m.sqrt_t,
            d1,
            d2,
            a1: term_value((&[m.sdf, norm_cdf(th * d1)], &[])),
            a2: term_value((&[m.kdr, norm_cdf(th * d2)], &[])),
            density,
        }
    }
}

/// The closed forms (Haug 2007, ch. 2) for σ√T > 0, on the rescaled market, each Greek as
/// a sum of terms so that [`sum`] can rescue absurd inputs.
fn smooth_core(shared: &Shared, inputs: &Inputs) -> Core {
    let Inputs {
        expiry: t,
        rate: r,
        dividend: q,
        vol,
        ..
    } = *inputs;
    let &Shared {
        theta: th,
        total_vol: s,
        sqrt_t,
        d1,
        d2,
        a1,
        a2,
        density: p,
    } = shared;
    let (d1, d2) = if p == 0.0 { (0.0, 0.0) } else { (d1, d2) };
    // The cost of carry b = r - q, split into r and -q only if r - q overflows.
    let b = r - q;
    let (b1, b2) = if b.is_finite() { (b, 0.0) } else { (r, -q) };
    let (q_th, r_th) = (q * th, -r * th);
    let np = -p;
    Core([
        // delta·S = θ A1
        th * a1,
        // gamma·S² = P/s
        term_value((&[p], &[s])),
        // speed·S³ = -(P/s)(1 + d1/s)
        sum(&[(&[np], &[s]), (&[np, d1], &[s, s])]),
        // vega = P √T
        term_value((&[p, sqrt_t], &[])),
        // volga = vega d1 d2 / σ
        term_value((&[p, sqrt_t, d1, d2], &[vol])),
        // vanna·S = -P d2 / σ
        term_value((&[np, d2], &[vol])),
        // zomma·S² = (P/s)(d1 d2 - 1)/σ
        sum(&[(&[p, d1, d2], &[s, vol]), (&[np], &[s, vol])]),
        // theta = -P σ/(2√T) + θ(q A1 - r A2)
        sum(&[
            (&[np, vol], &[2.0, sqrt_t]),
            (&[q_th, a1], &[]),
            (&[r_th, a2], &[]),
        ]),
        // charm·S = θ q A1 - P (b/s - d2/(2T))
        sum(&[
            (&[q_th, a1], &[]),
            (&[np, b1], &[s]),
            (&[np, b2], &[s]),
            (&[p, d2], &[2.0, t]),
        ]),
        // color·S² = (P/s)(q + d1 b/s + (1 - d1 d2)/(2T))
        sum(&[
            (&[p, q], &[s]),
            (&[p, d1, b1], &[s, s]),
            (&[p, d1, b2], &[s, s]),
            (&[p], &[s, 2.0, t]),
            (&[np, d1, d2], &[s, 2.0, t]),
        ]),
        // veta = P√T (q + d1 b/s - (1 + d1 d2)/(2T))
        sum(&[
            (&[p, sqrt_t, q], &[]),
            (&[p, sqrt_t, d1, b1], &[s]),
            (&[p, sqrt_t, d1, b2], &[s]),
            (&[np, sqrt_t], &[2.0, t]),
            (&[np, sqrt_t, d1, d2], &[2.0, t]),
        ]),
        // rho = θ T A2
        th * t * a2,
        // epsilon = -θ T A1
        -th * t * a1,
    ])
}
/// The limits as σ√T → 0+ (docs/api.md "Limits"), on the rescaled market.
fn limit_core(m: &Market, inputs: &Inputs) -> Core {
    let Inputs {
        expiry: t,
        rate: r,
        dividend: q,
        ..
    } = *inputs;
    let th = m.theta;
    // N(θ d1), N(θ d2) → 1 in the money, 0 out of it, 1/2 at the kink x = 0.
    let weight = if th * m.x > 0.0 {
        1.0
    } else if th * m.x < 0.0 {
        0.0
    } else {
        0.5
    };
    let (a1, a2) = (weight * m.sdf, weight * m.kdr);
    let (q_th, r_th) = (q * th, -r * th);
    // At the kink (d1 = s/2, d2 = -s/2 → 0): vega → S e^{-qT} n(0) √T, vanna → vega/(2S),
    // and veta → vega·(q + d1 ∂d1/∂T - 1/(2T)) with d1 ∂d1/∂T → b/2; all 0 at T = 0.
    let vega = if m.x == 0.0 {
        m.sdf * norm_pdf(0.0) * m.sqrt_t
    } else {
        0.0
    };
    Core([
        th * a1,                                        // delta·S
        0.0,                                            // gamma
        0.0,                                            // speed
        vega,                                           // vega
        0.0,                                            // volga
        0.5 * vega,                                     // vanna·S
        0.0,                                            // zomma
        sum(&[(&[q_th, a1], &[]), (&[r_th, a2], &[])]), // theta
        term_value((&[q_th, a1], &[])),                 // charm·S
        0.0,                                            // color
        sum(&[
            (&[vega, r], &[2.0]),
            (&[vega, q], &[2.0]),
            (&[-vega], &[2.0, t]),
        ]), // veta
        th * t * a2,                                    // rho
        -th * t * a1,                                   // epsilon
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_factor_makes_a_term_zero_whatever_the_others() {
        assert_eq!(term_value((&[0.0, f64::INFINITY], &[])), 0.0);
        assert_eq!(term_value((&[2.0, 3.0], &[4.0])), 1.5);
    }

    #[test]
    fn sums_with_opposite_overflowing_terms_fall_back_to_logarithms() {
        // 1e300·1e10/1e20 - 1e300·5e9/1e20 = 5e289, although both products overflow.
        let total = sum(&[(&[1e300, 1e10], &[1e20]), (&[-1e300, 5e9], &[1e20])]);
        assert!((total / 5e289 - 1.0).abs() < 1e-12, "{total:e}");
        // The true sum overflows: +inf, correctly signed, not NaN.
        let total = sum(&[(&[1e300, 1e10], &[]), (&[-1e300, 1e9], &[])]);
        assert_eq!(total, f64::INFINITY);
        // Ordinary sums are plain floating point.
        assert_eq!(sum(&[(&[0.1], &[]), (&[0.2], &[])]), 0.1 + 0.2);
    }
}
