//! Jäckel's normalised Black function and the undiscounted Black price, to full relative
//! precision everywhere, including far out of the money where the two terms of the formula
//! cancel.
//!
//! # Formula
//! ```text
//! b(x, s, θ) = θ·[ e^{x/2}·Φ(θ(x/s + s/2)) − e^{−x/2}·Φ(θ(x/s − s/2)) ],  x = ln(F/K), s = σ√T
//! ```
//! (P. Jäckel, "Let's Be Rational", Wilmott, January 2015: the normalised Black function).
//! θ folds into x:
//! b(x, s, −1) = b(−x, s, +1); in the money, b(x, s) = 2·sinh(x/2) + b(−x, s) (put-call parity,
//! ibid.), so everything reduces to the out-of-the-money case x < 0. There, with
//! h = x/s, t = s/2 and Y(z) = Φ(z)/φ(z) (Jäckel's scaled form),
//! ```text
//! b = e^{−(h²+t²)/2}/√(2π) · [Y(h+t) − Y(h−t)]      and      ∂b/∂s = e^{−(h²+t²)/2}/√(2π),
//! ```
//! so b/b' = Y(h+t) − Y(h−t) = ∫_{h−t}^{h+t} Y'(z) dz. How that bracket is evaluated depends on
//! how much the two Y values cancel:
//! - far out of the money (h + t <= −10): Jäckel's asymptotic expansion (ibid., and his
//!   2017 revision), summed here to convergence from A&S 26.2.12 in a cancellation-free form;
//! - near the money with small |x| (the "small t" region): the Taylor series in t,
//!   2·Σ Y^{(2n+1)}(h)·t^{2n+1}/(2n+1)!, every term positive;
//! - the rest of the cancelling region: Gauss-Legendre quadrature of Y' > 0 over [h−t, h+t]
//!   (this replaces Jäckel's use of the erfcx formula there, which loses up to ~1.5 digits);
//! - elsewhere, the erfcx form b = ½e^{−(h²+t²)/2}[erfcx(−(h+t)/√2) − erfcx(−(h−t)/√2)]
//!   (Jäckel 2017) or, when h + t > 0, the direct form.
//!
//! The factor e^{−(h²+t²)/2} is evaluated from a double-double exponent: rounding h = x/s
//! would otherwise cost up to h²·ε relative (1e-13 at h = −30).

mod double_double;
mod gauss_legendre_table;
mod mills;
mod yprime_table;

use crate::normal::{erf, erfcx, norm_cdf};
pub(crate) use double_double::{ln_ratio, two_product, two_sum};
use double_double::{split, two_product_split};
use gauss_legendre_table as gl;

/// 1/√(2π).
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
/// ln √(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// √(π/2).
const SQRT_PI_OVER_2: f64 = 1.253_314_137_315_500_3;
/// 1/(2√2): b(0, s) = erf(s/(2√2)).
const FRAC_1_2SQRT_2: f64 = 0.353_553_390_593_273_8;

/// Far out of the money when h + t is below this: the asymptotic expansion's smallest term,
/// about e^{−(h+t)²/2}, is then below 1e-21.
const ASYMPTOTIC_BELOW: f64 = -10.0;
/// The two Y values cancel by more than a factor of about 2 when t < SLOPE·|h| + OFFSET
/// (measured against mpmath; κ = Y(h+t)/(Y(h+t) − Y(h−t)) ≈ (|h| + t)/(2t) for large |h|).
const CANCEL_SLOPE: f64 = 0.4;
const CANCEL_OFFSET: f64 = 0.5;
/// The Taylor series' rounding error grows like sinh(|x|/2)/(|x|/2) ulps (its moments come
/// from a forward recurrence that is unstable for h < 0 by a factor |h| per step, tamed by
/// t^{2n}/(2n+1)!): below this |x| it stays under 1.2 ulps.
const TAYLOR_MAX_ABS_X: f64 = 2.0;

/// The out-of-the-money normalised Black function and its s-derivative, in a form that keeps
/// the far tail usable without underflow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OtmBlack {
    /// b(x, s), x < 0.
    pub b: f64,
    /// b/b' = Y(h+t) − Y(h−t); may be +inf where b' underflows (only for very large s).
    pub scaled: f64,
    /// b' = ∂b/∂s = e^{−(h²+t²)/2}/√(2π).
    pub vega: f64,
    /// ln b', accurate even where b' underflows.
    pub ln_vega: f64,
}

impl OtmBlack {
    /// ln b, without underflow when b is below the double range.
    pub fn ln_b(&self) -> f64 {
        if self.scaled.is_finite() && self.scaled > 0.0 {
            crate::fastmath::ln(self.scaled) + self.ln_vega
        } else {
            crate::fastmath::ln(self.b)
        }
    }
}

/// The normalised Black function b(x, s, θ) (Jäckel 2015); see the module note.
///
/// `x` is the log-moneyness ln(F/K), `s` the total volatility σ√T >= 0, `theta` +1 for a call
/// and −1 for a put. Limits: b(x, 0, θ) is the normalised intrinsic value
/// max(2·sinh(θx/2), 0); b(x, ∞, θ) = e^{θx/2}. Relative accuracy a few ulps wherever the
/// result is a normal double. NaN in, or s < 0, gives NaN (this is a maths kernel; the
/// validated API is [`crate::implied_vol::implied_vol`] and the pricing functions).
pub fn normalised_black(x: f64, s: f64, theta: f64) -> f64 {
    let tx = if theta < 0.0 { -x } else { x };
    if s.is_nan() || s < 0.0 || tx.is_nan() {
        return f64::NAN;
    }
    if s == 0.0 {
        return normalised_intrinsic(tx);
    }
    if s == f64::INFINITY {
        return crate::fastmath::exp(0.5 * tx);
    }
    if tx == 0.0 {
        return erf(s * FRAC_1_2SQRT_2);
    }
    let otm = otm_black(-tx.abs(), 0.0, s).b;
    if tx > 0.0 {
        normalised_intrinsic(tx) + otm
    } else {
        otm
    }
}

/// Undiscounted Black price of a call (theta = +1) or put (theta = −1) with forward F, strike K
/// and total volatility s = σ√T: √(F K)·b(ln(F/K), s, θ), computed as the intrinsic value
/// max(θ(F − K), 0) plus √(F K)·b(−|ln(F/K)|, s) (put-call parity, as in Jäckel 2015).
///
/// Exact limits: at s = 0 the intrinsic value; at s = ∞ the upper bound F (call) or K (put).
/// Accuracy: a few ulps relative to the exact price for the given doubles. ln(F/K) is carried in
/// double-double: far out of the money the price's relative sensitivity to it is |x|/s², so its
/// plain rounding would cost hundreds of ulps.
pub fn black(forward: f64, strike: f64, total_vol: f64, theta: f64) -> f64 {
    let intrinsic = if theta < 0.0 {
        strike - forward
    } else {
        forward - strike
    }
    .max(0.0);
    if total_vol == 0.0 {
        return intrinsic;
    }
    if total_vol == f64::INFINITY {
        return if theta < 0.0 { strike } else { forward };
    }
    if forward == strike {
        return forward * erf(total_vol * FRAC_1_2SQRT_2);
    }
    let (x, x_lo) = ln_ratio(forward, strike);
    let scale = forward.sqrt() * strike.sqrt();
    let otm = if x > 0.0 {
        otm_black(-x, -x_lo, total_vol)
    } else {
        otm_black(x, x_lo, total_vol)
    };
    intrinsic + scale * otm.b
}

/// max(2·sinh(x/2), 0) = e^{x/2} − e^{−x/2} for x > 0.
///
/// With m = e^{x/2} − 1 (`exp_m1`, no cancellation), 2·sinh(x/2) = m + m/(m + 1): two positive
/// terms, so the result keeps exp_m1's accuracy (about 2 ulps, tested against mpmath).
pub(crate) fn normalised_intrinsic(x: f64) -> f64 {
    normalised_intrinsic_dd(x, 0.0)
}

/// max(2·sinh((x + x_lo)/2), 0) for a double-double x + x_lo (|x_lo| <= ulp(x)): as
/// [`normalised_intrinsic`], plus the first-order term x_lo·cosh(x/2). That term is at most
/// half an ulp of the result, but put-call parity subtracts this value from a price, so every
/// half ulp of it shows in the time value that remains.
pub(crate) fn normalised_intrinsic_dd(x: f64, x_lo: f64) -> f64 {
    if x > 0.0 {
        let m = crate::fastmath::exp_m1(0.5 * x);
        if m.is_infinite() {
            return m; // beyond e^{709}: m/(m + 1) would be NaN
        }
        let sinh = m + m / (m + 1.0);
        if x_lo == 0.0 {
            return sinh;
        }
        let cosh = 0.5 * ((m + 1.0) + 1.0 / (m + 1.0));
        sinh + x_lo * cosh
    } else {
        0.0
    }
}

/// b(x + x_lo, s) for x < 0, 0 < s < ∞, with its vega (see the module note for the regions).
/// `x_lo` is a tiny correction to x (|x_lo| <= ulp(x)) from a double-double ln(F/K); it only
/// matters in the exponent e^{−(h²+t²)/2} and in e^{x/2}.
pub(crate) fn otm_black(x: f64, x_lo: f64, s: f64) -> OtmBlack {
    let h = x / s;
    let t = 0.5 * s;
    if h.is_infinite() {
        // s so small that x/s overflows: b and b' are far below the double range.
        return OtmBlack {
            b: 0.0,
            scaled: 0.0,
            vega: 0.0,
            ln_vega: f64::NEG_INFINITY,
        };
    }
    let (e_hi, e_lo) = half_exponent(x, x_lo, s, h);
    let vega = FRAC_1_SQRT_2PI * crate::fastmath::exp(-e_hi) * (1.0 - e_lo);
    let ln_vega = -LN_SQRT_2PI - e_hi - e_lo;
    let scaled_parts = |scaled: f64| OtmBlack {
        b: scaled * vega,
        scaled,
        vega,
        ln_vega,
    };
    if h + t <= ASYMPTOTIC_BELOW {
        return scaled_parts(asymptotic_scaled(h, t));
    }
    if t < CANCEL_SLOPE * -h + CANCEL_OFFSET {
        return scaled_parts(if -x <= TAYLOR_MAX_ABS_X {
            taylor_scaled(h, t)
        } else {
            quadrature_scaled(h, t)
        });
    }
    let lower = erfcx((t - h) * std::f64::consts::FRAC_1_SQRT_2);
    if h + t <= 0.0 {
        // Both erfcx arguments are >= 0: no exponential growth, cancellation at most ~2x.
        let upper = erfcx(-(h + t) * std::f64::consts::FRAC_1_SQRT_2);
        return scaled_parts(SQRT_PI_OVER_2 * (upper - lower));
    }
    // h + t > 0: b = e^{x/2}·Φ(h+t) − e^{−x/2}·Φ(h−t), the second term as b'·Y(h−t).
    let forward_part = crate::fastmath::exp(0.5 * x) * (1.0 + 0.5 * x_lo);
    let b = forward_part * norm_cdf(h + t) - vega * SQRT_PI_OVER_2 * lower;
    OtmBlack {
        b,
        scaled: b / vega,
        vega,
        ln_vega,
    }
}

/// ln b'(x + x_lo, s) = −(h² + t²)/2 − ln √(2π), h = x/s, t = s/2, without forming b' (which
/// underflows far from the money); the exponent in double-double.
pub(crate) fn ln_normalised_vega(x: f64, x_lo: f64, s: f64) -> f64 {
    let h = x / s;
    let (e_hi, e_lo) = half_exponent(x, x_lo, s, h);
    -LN_SQRT_2PI - e_hi - e_lo
}

/// (h² + t²)/2 with h = (x + x_lo)/s, t = s/2, as an unevaluated sum hi + lo (Dekker's exact
/// products): e^{−(h²+t²)/2} is then accurate to the library `exp`.
fn half_exponent(x: f64, x_lo: f64, s: f64, h: f64) -> (f64, f64) {
    let t = 0.5 * s;
    if !(h.abs() < 1e150 && s < 1e150) {
        return (0.5 * (h * h + t * t), 0.0); // far beyond the range where e^{−·} is nonzero
    }
    let (h_split, s_split) = (split(h), split(s));
    let (p, p_err) = two_product_split(h, h_split, s, s_split);
    let h_lo = ((x - p) - p_err + x_lo) / s; // x − p is exact (Sterbenz)
    let (hh, hh_err) = two_product_split(h, h_split, h, h_split);
    let (ss, ss_err) = two_product_split(s, s_split, s, s_split);
    let (sum, sum_err) = two_sum(hh, 0.25 * ss);
    let lo = sum_err + hh_err + 2.0 * h * h_lo + 0.25 * ss_err;
    let hi = sum + lo;
    let lo = lo - (hi - sum);
    (0.5 * hi, 0.5 * lo)
}

/// Y(h+t) − Y(h−t) for h + t <= −10 by the asymptotic expansion of Y (A&S 26.2.12),
/// Y(z) = −Σ_k c_k z^{−(2k+1)}, c_k = (−1)^k (2k−1)!!, regrouped without cancellation:
/// (h+t)^{−m} − (h−t)^{−m} = −2·t·h^{m−1}·S_m(e)/r^m with r = h² − t², e = (t/h)² and
/// S_m(e) = Σ_i C(m, 2i+1) e^i > 0, so that
/// ```text
/// Y(h+t) − Y(h−t) = (2t/r) · Σ_k c_k q^k S_{2k+1}(e),   q = (h/r)²
/// ```
/// (Jäckel's expansion of A(h, t) := (r/t)·[Y(h+t) − Y(h−t)] in "Let's Be Rational", here summed to
/// convergence). S_m and T_m = Σ_i C(m, 2i) e^i obey S_{m+1} = S_m + T_m, T_{m+1} = T_m + e·S_m.
fn asymptotic_scaled(h: f64, t: f64) -> f64 {
    let e = (t / h) * (t / h);
    let r = (h + t) * (h - t);
    let q = (h / r) * (h / r);
    let (mut s_m, mut t_m) = (1.0, 1.0); // S_1, T_1
    let mut coefficient = 1.0; // c_k q^k
    let mut sum = 1.0; // k = 0 term
    let mut last = f64::INFINITY;
    for k in 1..80 {
        for _ in 0..2 {
            let s_next = s_m + t_m;
            t_m += e * s_m;
            s_m = s_next;
        }
        coefficient *= -f64::from(2 * k - 1) * q;
        let term = coefficient * s_m;
        // An asymptotic series: stop at convergence, or before the terms start to grow.
        if term.abs() >= last {
            break;
        }
        sum += term;
        if term.abs() <= 0.125 * f64::EPSILON * sum {
            break;
        }
        last = term.abs();
    }
    2.0 * t / r * sum
}

/// 1/((2n)(2n+1)) for n = 1, 2, ...: the ratios of successive t^{2n+1}/(2n+1)!, precomputed
/// (a division per term would dominate the series' cost). 40 terms: t <= 1.4 in the region
/// where the series is used, and t^{80}/81! is far below ε there.
const TAYLOR_RECIPROCALS: [f64; 40] = {
    let mut table = [0.0; 40];
    let mut n = 1;
    while n <= 40 {
        table[n - 1] = 1.0 / ((2 * n) * (2 * n + 1)) as f64;
        n += 1;
    }
    table
};

/// Whether [`taylor_scaled`] is the form `otm_black` uses for (x, s) (x < 0, h = x/s, t = s/2):
/// the cancelling region near the money, where its error was measured (under 1.2 ulps).
pub(crate) fn taylor_applies(x: f64, h: f64, t: f64) -> bool {
    h + t > ASYMPTOTIC_BELOW && t < CANCEL_SLOPE * -h + CANCEL_OFFSET && -x <= TAYLOR_MAX_ABS_X
}

/// Y(h+t) − Y(h−t) = 2·Σ_n M_{2n+1}·t^{2n+1}/(2n+1)! with M_k = Y^{(k)}(h) > 0, from
/// M_0 = Y(h), M_1 = Y'(h) and M_{k+1} = h·M_k + k·M_{k−1} (differentiate Y' = 1 + h·Y).
/// Every term is positive; for |x| = 2|h|t <= 2 the recurrence's error growth stays tame.
pub(crate) fn taylor_scaled(h: f64, t: f64) -> f64 {
    let t2 = t * t;
    let (mut prev, mut cur) = mills::y_and_y_prime(h); // M_{k−1}, M_k with k = 1
    let mut power = t; // t^{2n+1}/(2n+1)!
    let mut sum = cur * power;
    let mut k = 1.0;
    for &reciprocal in &TAYLOR_RECIPROCALS {
        let next = h * cur + k * prev;
        let next2 = h * next + (k + 1.0) * cur;
        k += 2.0;
        prev = next;
        cur = next2;
        power *= t2 * reciprocal;
        let term = cur * power;
        sum += term;
        if term <= 0.125 * f64::EPSILON * sum {
            break;
        }
    }
    2.0 * sum
}

/// Y(h+t) − Y(h−t) = t·∫_{−1}^{1} Y'(h + t·u) du by Gauss-Legendre quadrature. The number of
/// points grows with t/|h|, the half-width relative to the distance from the region where Y'
/// stops behaving like 1/z²; the thresholds hold the truncation error below 2e-17 (measured
/// with mpmath over the region this is used in).
fn quadrature_scaled(h: f64, t: f64) -> f64 {
    let ratio = t / -h;
    let rule: &[(f64, f64)] = if ratio <= 0.06 {
        &gl::GL6
    } else if ratio <= 0.14 {
        &gl::GL8
    } else if ratio <= 0.24 {
        &gl::GL10
    } else if ratio <= 0.34 {
        &gl::GL12
    } else if ratio <= 0.44 {
        &gl::GL14
    } else {
        &gl::GL16
    };
    let sum: f64 = rule
        .iter()
        .map(|&(u, w)| w * (mills::y_prime(h + t * u) + mills::y_prime(h - t * u)))
        .sum();
    t * sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::all)]
    mod mpmath {
        include!("../tests/data/normalised_black_mpmath.rs");
    }

    /// Promised relative accuracy of `normalised_black` (and so of the OTM kernel), in ulps of
    /// the reference value. Results below the normal range are held to this many subnormal
    /// spacings instead.
    const ULPS: f64 = 5.0;

    fn ulps(got: f64, want: f64) -> f64 {
        if got == want {
            return 0.0;
        }
        (got - want).abs() / (want.abs() * f64::EPSILON).max(f64::from_bits(1))
    }

    #[test]
    fn normalised_black_matches_mpmath_everywhere() {
        let mut worst = (0.0, 0.0, 0.0, 0.0);
        for &(x, s, theta, want) in mpmath::NORMALISED_BLACK {
            let got = normalised_black(x, s, theta);
            let e = ulps(got, want);
            assert!(
                e <= ULPS,
                "b({x:e}, {s:e}, {theta}) = {got:e}, mpmath {want:e}: {e:.1} ulps"
            );
            if e > worst.0 {
                worst = (e, x, s, theta);
            }
        }
        eprintln!(
            "normalised_black: worst {:.2} ulps at x={:e} s={:e} θ={}",
            worst.0, worst.1, worst.2, worst.3
        );
    }

    #[test]
    fn black_matches_mpmath() {
        for &(f, k, s, theta, want) in mpmath::BLACK {
            let got = black(f, k, s, theta);
            let e = ulps(got, want);
            assert!(
                e <= ULPS,
                "black({f}, {k}, {s}, {theta}) = {got:e}, mpmath {want:e}: {e:.1} ulps"
            );
        }
    }

    #[test]
    fn normalised_intrinsic_matches_mpmath() {
        // (x, 2·sinh(x/2)): mpmath at 50 digits, rounded to double.
        let cases = [
            (1e-300, 1e-300),
            (1e-10, 1e-10),
            (0.001, 0.001_000_000_041_666_667_3),
            (0.3, 0.301_126_266_303_225_3),
            (1.0, 1.042_190_610_987_494_8),
            (2.5, 3.203_838_160_601_651_3),
            (10.0, 148.406_421_155_577_5),
            (100.0, 5.184_705_528_587_072e21),
            (700.0, 1.007_090_887_028_079_7e152),
            (1400.0, 1.014_232_054_735_004_5e304),
        ];
        for (x, want) in cases {
            let e = ulps(normalised_intrinsic(x), want);
            assert!(e <= 2.0, "x = {x}: {e:.2} ulps");
        }
        assert_eq!(normalised_intrinsic(1500.0), f64::INFINITY);
        assert_eq!(normalised_intrinsic(0.0), 0.0);
        assert_eq!(normalised_intrinsic(-3.0), 0.0);
    }

    #[test]
    fn limits() {
        assert_eq!(normalised_black(0.3, 0.0, 1.0), normalised_intrinsic(0.3));
        assert_eq!(normalised_black(0.3, 0.0, -1.0), 0.0);
        assert_eq!(
            normalised_black(-0.3, f64::INFINITY, 1.0),
            crate::fastmath::exp(-0.15f64)
        );
        assert_eq!(black(100.0, 90.0, 0.0, 1.0), 10.0);
        assert_eq!(black(100.0, 90.0, 0.0, -1.0), 0.0);
        assert_eq!(black(100.0, 90.0, f64::INFINITY, -1.0), 90.0);
        assert_eq!(black(100.0, 90.0, f64::INFINITY, 1.0), 100.0);
        assert!(normalised_black(0.1, -1.0, 1.0).is_nan());
        // Far below the double range, the value underflows to zero, never NaN.
        assert_eq!(normalised_black(-1e3, 1e-3, 1.0), 0.0);
        assert_eq!(normalised_black(-1e300, 1e-300, 1.0), 0.0);
    }

    #[test]
    fn parity_and_symmetry_hold_exactly_in_structure() {
        // b(x,s,+1) − b(x,s,−1) = 2 sinh(x/2) and b(x,s,−1) = b(−x,s,+1) (Jäckel 2015).
        for &x in &[-3.0, -0.2, 0.2, 3.0] {
            for &s in &[0.05, 0.7, 4.0] {
                let call = normalised_black(x, s, 1.0);
                let put = normalised_black(x, s, -1.0);
                assert_eq!(put, normalised_black(-x, s, 1.0));
                let parity = call - put - 2.0 * (0.5 * x).sinh();
                assert!(parity.abs() <= 4.0 * f64::EPSILON * call.max(put));
            }
        }
    }

    #[test]
    fn ln_b_survives_underflow() {
        // x = −2000, s = 1: b ≈ e^{−h²/2} with h = −2000 underflows, ln b does not.
        let parts = otm_black(-2000.0, 0.0, 1.0);
        assert_eq!(parts.b, 0.0);
        let ln_b = parts.ln_b();
        // ln b = ln(Y(h+t) − Y(h−t)) − (h²+t²)/2 − ln√(2π), h = −2000, t = 0.5; to leading order
        // Y(h+t) − Y(h−t) ≈ 2t/(h² − t²).
        let expected = (1.0f64 / (4.0e6 - 0.25)).ln() - 0.5 * (4.0e6 + 0.25) - LN_SQRT_2PI;
        assert!(
            (ln_b - expected).abs() <= 1e-9 * expected.abs(),
            "{ln_b} vs {expected}"
        );
    }
}
