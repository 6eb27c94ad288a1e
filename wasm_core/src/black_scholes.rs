//! The Black-Scholes-Merton price of a European option.
//!
//! # Sources
//! - F. Black and M. Scholes, "The Pricing of Options and Corporate Liabilities", Journal of
//!   Political Economy 81(3) (1973), pp. 637-654, eq. (13).
//! - R. C. Merton, "Theory of Rational Option Pricing", Bell Journal of Economics and
//!   Management Science 4(1) (1973), pp. 141-183: the continuous dividend yield `q`.
//! - E. G. Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed., McGraw-Hill
//!   (2007), §1.1.6 (generalized Black-Scholes-Merton, cost of carry `b = r - q`).
//!
//! # Formula
//! ```text
//! V = θ·[S e^{-qT} N(θ d1) - K e^{-rT} N(θ d2)]            θ = +1 call, -1 put
//!   = D·Black(F, K, σ√T, θ) = Black(D·F, D·K, σ√T, θ)       D = e^{-rT}, F = S e^{(r-q)T}
//! d1,2 = ln(F/K)/(σ√T) ± σ√T/2
//! ```
//! Black's formula is homogeneous of degree one in (F, K), so with x = ln(F/K) and Jäckel's
//! normalised Black function b (P. Jäckel, "Let's Be Rational", Wilmott, January 2015)
//! ```text
//! V = √(S e^{-qT} · K e^{-rT}) · b(x, σ√T, θ),   b = max(2 sinh(θx/2), 0) + b(-|x|, σ√T)
//! ```
//! (the time value b(-|x|, s) is the same for calls and puts: parity). b comes from
//! [`crate::normalised_black`], which keeps full relative precision far out of the money,
//! where the two terms of the textbook formula cancel. x is formed as ln(S/K) + (r - q)T in
//! double-double (ln(S/K) from `ln_ratio`), never from a rounded F: the price's relative
//! sensitivity to x is about |x|/(σ²T), so with a small σ√T near the money the half-ulp
//! roundings of F and of F/K alone would cost hundreds of ulps.
//!
//! # Extreme inputs
//! `e^{-rT}`, `e^{-qT}` and `F` leave the double range once |rate·expiry| or
//! |dividend·expiry| approaches 700 (rate 10 over 70 years, say) although the price itself
//! is an ordinary number. The internal `Market` then rescales `S e^{-qT}` and `K e^{-rT}` by their
//! geometric mean `Λ`, computed in logarithms, and the price is `Λ·Black(S e^{-qT}/Λ,
//! K e^{-rT}/Λ, σ√T, θ)`: exact as long as the forward-to-strike ratio `F/K` is itself a
//! double (|ln(F/K)| < 1400). Beyond that the in-the-money price is `D·max(F, K)` to full
//! precision, while the out-of-the-money one, smaller than `e^{-700}` times it, is reported
//! as its limit 0. The result is `+inf` only when the true price exceeds `f64::MAX`, and
//! never NaN.

pub(crate) mod fast;

use crate::fastmath;
use crate::inputs::{Inputs, OptionKind};
use crate::normal::erf;
use crate::normalised_black::{ln_ratio, normalised_intrinsic_dd, otm_black, two_product, two_sum};

/// Black-Scholes-Merton price of a European option on an asset with a continuous dividend
/// yield (Black & Scholes 1973; Merton 1973; Haug 2007 §1.1.6): `D·Black(F, K, σ√T, θ)`.
///
/// # Limits
/// - `expiry = 0`: the intrinsic value `max(±(spot - strike), 0)`.
/// - `vol = 0`: the discounted intrinsic value of the forward `e^{-rT} max(±(F - K), 0)`,
///   `F = spot·e^{(rate - dividend)·expiry}`.
///
/// Finite and non-negative for every valid [`Inputs`] whose price is a double; `+inf` only
/// when the true price exceeds `f64::MAX` (e.g. `spot = 1e300` with a negative dividend
/// yield over decades); never NaN.
///
/// # Examples
/// ```
/// use wasm_core::inputs::{Inputs, OptionKind};
/// use wasm_core::black_scholes::price;
/// // Haug's first example (2007, §1.1.1; 1998, p. 2-8, as in QuantLib's test-suite):
/// // S = 60, K = 65, T = 0.25, r = 8 %, σ = 30 % → call 2.1334.
/// let call = Inputs::new(OptionKind::Call, 60.0, 65.0, 0.25, 0.08, 0.0, 0.30).unwrap();
/// assert!((price(&call) - 2.1334).abs() < 5e-5);
/// ```
pub fn price(inputs: &Inputs) -> f64 {
    Market::new(inputs).price()
}

/// The batch functions' price: [`fast`]'s where its error bound proves it within
/// [`fast::MAX_REL_ERROR`] (32 ulps), else the accurate [`price`] (a few ulps).
pub(crate) fn batch_price(inputs: &Inputs) -> f64 {
    fast::price(inputs).unwrap_or_else(|| price(inputs))
}

/// [`batch_price`] of the row in lane `i` of a block whose first forms are computed.
#[inline(always)]
pub(crate) fn batch_price_of<const L: usize>(
    forms: &fast::lanes::FirstForms<L>,
    i: usize,
    inputs: &Inputs,
) -> f64 {
    if forms.accurate(i) {
        return forms.price[i];
    }
    match forms.candidate(i) {
        Some(c) if c.is_accurate() => c.price,
        _ => price(inputs),
    }
}

impl Market {
    /// The price for these market quantities (see [`price`]).
    pub(crate) fn price(&self) -> f64 {
        let m = self;
        let scaled = if m.total_vol == 0.0 || m.total_vol.is_infinite() {
            m.limit_price()
        } else if m.x.abs() > MAX_RESCALED_LOG_RATIO {
            // F/K beyond the double range (far path of `Market::new`): the out-of-the-money
            // time value is below e^{-700} of the in-the-money scale.
            intrinsic(m.theta, m.sdf, m.kdr)
        } else {
            let time_value = if m.x == 0.0 && m.x_lo == 0.0 {
                erf(m.total_vol * FRAC_1_2SQRT_2) // b(0, s) = erf(s/(2√2)) (Jäckel 2015)
            } else if m.x > 0.0 {
                otm_black(-m.x, -m.x_lo, m.total_vol).b
            } else {
                otm_black(m.x, m.x_lo, m.total_vol).b
            };
            let b = normalised_intrinsic_dd(m.theta * m.x, m.theta * m.x_lo) + time_value;
            m.sdf.sqrt() * m.kdr.sqrt() * b
        };
        mul_exp(scaled, m.ln_scale)
    }
}

impl Market {
    /// The discounted intrinsic value of the forward, `e^{-rT} max(θ(F - K), 0)` (divided by
    /// `e^{ln_scale}`). At expiry 0, S - K: one rounding. Otherwise √(S e^{-qT}·K e^{-rT})·
    /// 2 sinh(θx/2) from the double-double x, a few ulps of itself, where the difference of
    /// the two rounded products would cost ε·max(F, K) (hundreds of ulps just in the money).
    /// `implied_vol` subtracts this same value by put-call parity, so the two agree.
    pub(crate) fn intrinsic(&self) -> f64 {
        if self.sqrt_t == 0.0 || self.x.abs() > MAX_RESCALED_LOG_RATIO {
            return intrinsic(self.theta, self.sdf, self.kdr);
        }
        self.sdf.sqrt()
            * self.kdr.sqrt()
            * normalised_intrinsic_dd(self.theta * self.x, self.theta * self.x_lo)
    }
}

/// 1/(2√2).
const FRAC_1_2SQRT_2: f64 = 0.353_553_390_593_273_8;

/// `max(θ(f - k), 0)`.
fn intrinsic(theta: f64, f: f64, k: f64) -> f64 {
    (theta * (f - k)).max(0.0)
}

/// The market quantities the price and the Greeks share, rescaled so that they are doubles
/// whatever the inputs.
///
/// `sdf·e^{ln_scale} = S e^{-qT}` and `kdr·e^{ln_scale} = K e^{-rT}`. For ordinary inputs
/// `ln_scale = 0` and `sdf`, `kdr` are those products themselves.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Market {
    /// +1 for a call, -1 for a put.
    pub theta: f64,
    /// Total volatility σ√T (0 at expiry or zero vol; may be +inf for absurd inputs).
    pub total_vol: f64,
    /// √T.
    pub sqrt_t: f64,
    /// ln(F/K) = ln(S/K) + (r - q)T, computed without forming F (may be ±inf) ...
    pub x: f64,
    /// ... and the rounding error of `x`: x + x_lo is ln(S/K) + (r - q)T to ~1e-19·max(1, |x|)
    /// (double-double: `ln_ratio`, and r - q and its product with T carried exactly).
    pub x_lo: f64,
    /// S e^{-qT}, divided by e^{ln_scale}.
    pub sdf: f64,
    /// K e^{-rT}, divided by e^{ln_scale}.
    pub kdr: f64,
    /// ln of the common scale (0 for ordinary inputs).
    pub ln_scale: f64,
}

/// Beyond this |ln(F/K)| the geometric-mean rescaling would overflow `e^{x/2}`.
const MAX_RESCALED_LOG_RATIO: f64 = 1400.0;

impl Market {
    pub(crate) fn new(inputs: &Inputs) -> Market {
        let Inputs {
            kind,
            spot,
            strike,
            expiry,
            rate,
            dividend,
            vol,
        } = *inputs;
        let theta = match kind {
            OptionKind::Call => 1.0,
            OptionKind::Put => -1.0,
        };
        let sqrt_t = expiry.sqrt();
        let total_vol = vol * sqrt_t;
        // Products with expiry = 0 must be 0 even when the rate difference overflows.
        let times_expiry = |rate: f64| if expiry == 0.0 { 0.0 } else { rate * expiry };
        let (q_t, r_t) = (times_expiry(dividend), times_expiry(rate));
        let (x, x_lo) = log_moneyness(spot, strike, carry(rate, dividend, expiry));

        let sdf = spot * fastmath::exp(-q_t);
        let kdr = strike * fastmath::exp(-r_t);
        let normal = |v: f64| v.is_finite() && v >= f64::MIN_POSITIVE;
        if normal(sdf) && normal(kdr) {
            return Market {
                theta,
                total_vol,
                sqrt_t,
                x,
                x_lo,
                sdf,
                kdr,
                ln_scale: 0.0,
            };
        }
        // Logarithms of S e^{-qT} and K e^{-rT}; either may be ±inf for absurd rate·expiry.
        let ln_sdf = fastmath::ln(spot) - q_t;
        let ln_kdr = fastmath::ln(strike) - r_t;
        let (sdf, kdr, ln_scale) = if x.abs() <= MAX_RESCALED_LOG_RATIO {
            // Geometric mean: both rescaled values within e^{±700}.
            let half = 0.5 * x;
            let ln_scale = if ln_sdf.is_finite() {
                ln_sdf - half
            } else {
                ln_kdr + half
            };
            (fastmath::exp(half), fastmath::exp(-half), ln_scale)
        } else if x > 0.0 {
            (1.0, fastmath::exp(-x), ln_sdf)
        } else {
            (fastmath::exp(x), 1.0, ln_kdr)
        };
        Market {
            theta,
            total_vol,
            sqrt_t,
            x,
            x_lo,
            sdf,
            kdr,
            ln_scale,
        }
    }

    /// The price (divided by `e^{ln_scale}`) in the limits σ√T = 0 and σ√T = ∞.
    fn limit_price(&self) -> f64 {
        if self.total_vol == 0.0 {
            self.intrinsic()
        } else if self.theta > 0.0 {
            self.sdf // σ√T → ∞: N(d1) → 1, N(d2) → 0
        } else {
            self.kdr
        }
    }
}

/// The carry (r - q)·T as a double-double (Knuth's TwoSum for r - q, Dekker's product with
/// T): its rounding, ε·|(r - q)T|, would otherwise reach the intrinsic value e^{-rT}|F - K|
/// that put-call parity subtracts, a relative error of ε·|(r - q)T|/|x| there. 0 at expiry 0
/// (even when r - q overflows); a non-finite product is returned as it is.
fn carry(rate: f64, dividend: f64, expiry: f64) -> (f64, f64) {
    if expiry == 0.0 {
        return (0.0, 0.0);
    }
    let (difference, difference_lo) = two_sum(rate, -dividend);
    let product = difference * expiry;
    // Veltkamp's split is exact only well inside the double range.
    if !(difference_lo.is_finite() && product.abs() < 1e150 && difference.abs() < 1e150) {
        return (product, 0.0);
    }
    let (hi, lo) = two_product(difference, expiry);
    (hi, lo + difference_lo * expiry)
}

/// x = ln(S/K) + bT as a double-double (x, x_lo): ln(S/K) from `ln_ratio` (a few 1e-19),
/// added to the double-double carry b·T with Knuth's TwoSum. A non-finite bT (absurd rates)
/// gives (±inf, 0).
fn log_moneyness(spot: f64, strike: f64, (carry, carry_lo): (f64, f64)) -> (f64, f64) {
    let (l_hi, l_lo) = ln_ratio(spot, strike);
    if !carry.is_finite() {
        return (carry, 0.0);
    }
    let (sum, err) = two_sum(l_hi, carry);
    let err = err + l_lo + carry_lo;
    let x = sum + err;
    (x, err - (x - sum))
}

/// `x·e^e` without spurious overflow or underflow of `e^e` on its own: exact scaling by a
/// power of two times `e^f`, |f| ≤ ln2/2 (Cody-Waite reduction, ln 2 split as in fdlibm).
/// `+inf` (signed as `x`) only when the true product exceeds `f64::MAX`; never NaN for a
/// non-NaN `x` and `e`: a zero `x` stays 0, an infinite `x` stays infinite unless `e = -∞`.
pub(crate) fn mul_exp(x: f64, e: f64) -> f64 {
    if x == 0.0 || e == 0.0 {
        return x;
    }
    if e == f64::NEG_INFINITY {
        return 0.0 * x.signum();
    }
    if x.is_infinite() || e == f64::INFINITY {
        return f64::INFINITY * x.signum();
    }
    if e.abs() <= 700.0 {
        return x * fastmath::exp(e);
    }
    // |x| lies in [2^-1074, 2^1024): beyond |e| = 1500 the product is certainly out of range.
    if e > 1500.0 {
        return f64::INFINITY * x.signum();
    }
    if e < -1500.0 {
        return 0.0 * x.signum();
    }
    // fdlibm's split of ln 2: LN2_HI has 21 trailing zero bits, so k·LN2_HI is exact.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    let k = (e * std::f64::consts::LOG2_E).round();
    let f = (e - k * LN2_HI) - k * LN2_LO;
    let mut y = x * fastmath::exp(f);
    let mut k = k as i32; // |k| ≤ 2165
    while k != 0 {
        // Steps of at most 2^±1000 keep each factor a normal double; every step but the
        // last is exact, and the intermediate values lie between x·e^f and the result.
        let step = k.clamp(-1000, 1000);
        y *= f64::from_bits(((step + 1023) as u64) << 52);
        k -= step;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built field by field: `Inputs::new` rejects a discount factor or forward outside the
    /// double range at the boundary, and these tests exercise the rescaling that keeps the
    /// maths finite even without that check.
    fn inputs(kind: OptionKind, s: f64, k: f64, t: f64, r: f64, q: f64, v: f64) -> Inputs {
        let (spot, strike, expiry, rate, dividend, vol) = (s, k, t, r, q, v);
        Inputs {
            kind,
            spot,
            strike,
            expiry,
            rate,
            dividend,
            vol,
        }
    }

    #[test]
    fn mul_exp_matches_the_plain_product_in_range_and_scales_beyond() {
        assert_eq!(mul_exp(3.0, 2.0), 3.0 * fastmath::exp(2.0));
        // e^{-705}·e^{715} = e^{10}, although e^{715} alone overflows.
        let y = mul_exp((-705.0f64).exp(), 715.0);
        assert!((y / 10f64.exp() - 1.0).abs() < 1e-13, "{y}");
        assert_eq!(mul_exp(1e-300, 1e6), f64::INFINITY);
        assert_eq!(mul_exp(1e300, -1e6), 0.0);
        assert_eq!(mul_exp(0.0, f64::INFINITY), 0.0);
        assert_eq!(mul_exp(f64::INFINITY, f64::NEG_INFINITY), 0.0);
        assert_eq!(mul_exp(-2.0, f64::INFINITY), f64::NEG_INFINITY);
        // 2^-1074 · e^{744.44} ≈ 1: the smallest subnormal scaled back to normal range.
        let tiny = f64::from_bits(1);
        let back = mul_exp(tiny, 1074.0 * std::f64::consts::LN_2);
        assert!((back - 1.0).abs() < 1e-12, "{back}");
    }

    #[test]
    fn log_moneyness_is_accurate_near_the_money_and_beyond_the_double_range() {
        // One ulp above the strike: ln(S/K) = (S - K)/K to within (S - K)²/K².
        let k = 100.0f64;
        let s = f64::from_bits(k.to_bits() + 1);
        let (x, lo) = log_moneyness(s, k, (0.0, 0.0));
        assert!(((x + lo) / ((s - k) / k) - 1.0).abs() < 1e-15);
        assert_eq!(log_moneyness(5.0, 5.0, (0.0, 0.0)), (0.0, 0.0));
        // ln(S/K) cancelling the carry: 0.5 - 0.5 leaves only the low parts.
        let (x, lo) = log_moneyness(1.0, 0.5f64.exp(), (0.5, 0.0));
        assert!((x + lo).abs() < 1e-16, "{x} {lo}");
        let (wide, _) = log_moneyness(1e300, 1e-300, (0.0, 0.0));
        assert!((wide / (600.0 * std::f64::consts::LN_10) - 1.0).abs() < 1e-15);
        assert_eq!(
            log_moneyness(1.0, 1.0, (f64::INFINITY, 0.0)),
            (f64::INFINITY, 0.0)
        );
    }

    #[test]
    fn market_rescales_only_when_the_discounted_quantities_leave_the_double_range() {
        let plain = Market::new(&inputs(OptionKind::Call, 100.0, 90.0, 2.0, 0.05, 0.01, 0.2));
        assert_eq!(plain.ln_scale, 0.0);
        assert_eq!(plain.sdf, 100.0 * fastmath::exp(-0.02));
        // rate·expiry = 1000: e^{-rT} underflows, yet S e^{-qT} and K e^{-rT} are recovered.
        let m = Market::new(&inputs(
            OptionKind::Put,
            100.0,
            1e300,
            100.0,
            10.0,
            0.0,
            0.3,
        ));
        let ln_kdr = 1e300f64.ln() - 1000.0;
        assert!(((m.ln_scale + m.kdr.ln()) - ln_kdr).abs() < 1e-12);
        assert!(((m.ln_scale + m.sdf.ln()) - 100f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn limits_at_zero_expiry_and_zero_vol() {
        let at_expiry = inputs(OptionKind::Call, 105.0, 100.0, 0.0, 0.05, 0.02, 0.3);
        assert_eq!(price(&at_expiry), 5.0);
        let put_at_expiry = inputs(OptionKind::Put, 105.0, 100.0, 0.0, 0.05, 0.02, 0.3);
        assert_eq!(price(&put_at_expiry), 0.0);
        // vol = 0: e^{-rT} max(F - K, 0).
        let (s, k, t, r, q) = (100.0, 95.0, 2.0, 0.03, 0.01);
        let zero_vol = inputs(OptionKind::Call, s, k, t, r, q, 0.0);
        let expected = (-r * t).exp() * (s * ((r - q) * t).exp() - k);
        assert!((price(&zero_vol) / expected - 1.0).abs() < 1e-15);
        assert_eq!(price(&inputs(OptionKind::Put, s, k, t, r, q, 0.0)), 0.0);
    }
}
