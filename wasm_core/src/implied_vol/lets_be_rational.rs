//! The normalised implied volatility: the s = σ√T with b(x, s) = β for an out-of-the-money
//! normalised price β and log-moneyness x <= 0, after P. Jäckel, "Let's Be Rational", Wilmott,
//! January 2015, pp. 40-53, with the 2017 revision's
//! objective functions.
//!
//! Outline: four branches split at s_l < s_c < s_u: s_c = √(2|x|) is b's inflection
//! point, s_l and s_u where the tangent at s_c meets 0 and b_max = e^{x/2}. In the two middle
//! branches a rational cubic interpolates s(β) directly; in the outer two it interpolates a
//! transformed value f(β) whose inverse maps are closed-form. Then at most two
//! Householder(3) steps (fourth-order convergence) on an objective adapted to each branch: 1/ln b
//! in the lowest branch (b spans hundreds of orders of magnitude there), ln(b_max − b) in the
//! highest (b → b_max), plain b − β in between.

use super::rational_cubic::RationalCubic;
use crate::normal::{erfcx, inverse_norm_cdf, inverse_norm_cdf_above_half, norm_cdf};
use crate::normal::{norm_pdf, one_minus_erfcx};
use crate::normalised_black::{ln_normalised_vega, otm_black};

/// √(π/2).
const SQRT_PI_OVER_2: f64 = 1.253_314_137_315_500_3;
/// √(2π).
const SQRT_2PI: f64 = 2.506_628_274_631_000_5;
/// 2π/√27: the lower map f(s) = (2π/√27)·|x|·Φ(−|x|/(√3 s))³ (Jäckel 2015).
const TWO_PI_OVER_SQRT_27: f64 = 1.209_199_576_156_145_2;
/// √3/∛(2π), for the lower map's inverse.
const SQRT_3_OVER_CBRT_2PI: f64 = 0.938_643_487_427_383_6;
/// √3.
const SQRT_3: f64 = 1.732_050_807_568_877_2;
/// At most this many Householder(3) steps (Jäckel: two suffice from his initial guess).
const MAX_ITERATIONS: usize = 2;

/// Why no volatility reproduces the normalised price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unattainable {
    /// β >= b_max = e^{x/2}: at or above the upper no-arbitrage bound.
    AtOrAboveMaximum,
}

/// The implied normalised volatility s with b(x + x_lo, s) = β, for 0 <= β, x <= 0 (finite;
/// the caller guarantees this).
///
/// `x_lo` is a tiny correction to x from a double-double ln(F/K). β = 0 gives 0.
///
/// # Errors
/// [`Unattainable::AtOrAboveMaximum`] when β >= e^{x/2}.
pub fn implied_normalised_vol(beta: f64, x: f64, x_lo: f64) -> Result<f64, Unattainable> {
    if beta <= 0.0 {
        return Ok(0.0);
    }
    let b_max = crate::fastmath::exp(0.5 * x) * (1.0 + 0.5 * x_lo);
    if beta >= b_max {
        return Err(Unattainable::AtOrAboveMaximum);
    }
    let problem = Problem {
        beta,
        x,
        x_lo,
        b_max,
    };
    Ok(problem.solve())
}

/// One inversion: the target β and the moneyness.
struct Problem {
    beta: f64,
    x: f64,
    x_lo: f64,
    b_max: f64,
}

/// b's s-derivatives relative to b': b''/b' and b'''/b' (from b' = e^{−(h²+t²)/2}/√(2π)).
fn vega_ratios(x: f64, s: f64) -> (f64, f64) {
    let h = x / s;
    let x2_over_s3 = h * h / s;
    let h2 = x2_over_s3 - 0.25 * s;
    let h3 = h2 * h2 - 3.0 * x2_over_s3 / s - 0.25;
    (h2, h3)
}

/// The Householder(3) step ν·(1 + ν h₂/2)/(1 + ν(h₂ + ν h₃/6)) for ν = −g/g', h₂ = g''/g',
/// h₃ = g'''/g' (A. S. Householder, 1970; as in Jäckel 2015).
fn householder3(nu: f64, h2: f64, h3: f64) -> f64 {
    nu * (1.0 + 0.5 * h2 * nu) / (1.0 + nu * (h2 + h3 * nu / 6.0))
}

impl Problem {
    fn solve(&self) -> f64 {
        let (beta, x) = (self.beta, self.x);
        if x == 0.0 {
            // b(0, s) = erf(s/√8) = 2Φ(s/2) − 1: invert directly (AS 241), then polish.
            let s = 2.0 * inverse_norm_cdf_above_half(0.5 * beta);
            return if beta > 0.5 * self.b_max {
                self.iterate_upper(s)
            } else {
                self.iterate_middle(s)
            };
        }
        let ax = -x;
        let s_c = (2.0 * ax).sqrt();
        let ome = one_minus_erfcx(ax.sqrt());
        // b_c = b(x, s_c) = ½·b_max·(1 − erfcx(√|x|)), b'(s_c) = b_max/√(2π).
        let b_c = 0.5 * self.b_max * ome;
        let inv_vega_c = SQRT_2PI / self.b_max;
        if beta < b_c {
            let s_l = s_c - SQRT_PI_OVER_2 * ome; // s_c − b_c/b'(s_c)
            let lower = otm_black(x, self.x_lo, s_l);
            let b_l = lower.b;
            if beta < b_l {
                return self.iterate_lowest(self.guess_lowest(s_l, b_l));
            }
            let cubic = RationalCubic {
                x_l: b_l,
                x_r: b_c,
                y_l: s_l,
                y_r: s_c,
                d_l: 1.0 / lower.vega,
                d_r: inv_vega_c,
            };
            // s(β) has zero curvature at b_c: b''(s_c) = 0.
            let s = cubic.value(beta, cubic.convex_r_right(0.0));
            return self.iterate_middle(s);
        }
        let s_u = s_c + SQRT_PI_OVER_2 * (2.0 - ome); // s_c + (b_max − b_c)/b'(s_c)
        let upper = otm_black(x, self.x_lo, s_u);
        let b_u = upper.b;
        if beta <= b_u {
            let cubic = RationalCubic {
                x_l: b_c,
                x_r: b_u,
                y_l: s_c,
                y_r: s_u,
                d_l: inv_vega_c,
                d_r: 1.0 / upper.vega,
            };
            let s = cubic.value(beta, cubic.convex_r_left(0.0));
            return self.iterate_middle(s);
        }
        let s = self.guess_highest(s_u, b_u);
        if beta > 0.5 * self.b_max {
            self.iterate_upper(s)
        } else {
            self.iterate_middle(s)
        }
    }

    /// Lowest branch guess: interpolate f(β) with f = (2π/√27)|x|Φ(−z)³, z = |x|/(√3 s), which
    /// behaves like b itself as s → 0 (f(0) = 0, f'(0) = 1), then invert f in closed form
    /// (Jäckel 2015, lowest branch).
    fn guess_lowest(&self, s_l: f64, b_l: f64) -> f64 {
        let ax = -self.x;
        let z = ax / (SQRT_3 * s_l);
        let phi_tail = norm_cdf(-z);
        let f_l = TWO_PI_OVER_SQRT_27 * ax * phi_tail * phi_tail * phi_tail;
        // df/dβ = (df/ds)/b'(s) = 2π z² Φ(−z)² e^{z² + s²/8}.
        let growth = crate::fastmath::exp(z * z + 0.125 * s_l * s_l);
        let fp_l = 2.0 * std::f64::consts::PI * z * z * phi_tail * phi_tail * growth;
        // d²f/dβ² = (d/ds df/dβ)/b'(s), with d ln(df/dβ)/ds = −2(1+z²)/s + s/4 + 2zφ(z)/(sΦ(−z)).
        let log_slope =
            -2.0 * (1.0 + z * z) / s_l + 0.25 * s_l + 2.0 * z * norm_pdf(z) / (s_l * phi_tail);
        let inv_vega_l = SQRT_2PI * crate::fastmath::exp(1.5 * z * z + 0.125 * s_l * s_l);
        let fpp_l = fp_l * log_slope * inv_vega_l;
        let mut f = f64::NAN;
        if fpp_l.is_finite() && fp_l.is_finite() {
            let cubic = RationalCubic {
                x_l: 0.0,
                x_r: b_l,
                y_l: 0.0,
                y_r: f_l,
                d_l: 1.0,
                d_r: fp_l,
            };
            f = cubic.value(self.beta, cubic.convex_r_right(fpp_l));
        }
        if f.is_nan() || f <= 0.0 {
            // Quadratic through f(0) = 0, f'(0) = 1, f(b_l) = f_l (Jäckel's fallback, which
            // only extreme |x| need).
            let t = self.beta / b_l;
            f = (f_l * t + b_l * (1.0 - t)) * t;
        }
        // Inverse: Φ(−z) = ∛(f·√27/(2π|x|)) = (√3/∛(2π))·∛f/∛|x|; s = |x|/(√3 z). The two cube
        // roots are kept apart so that f near the underflow threshold does not vanish.
        let p = SQRT_3_OVER_CBRT_2PI * f.cbrt() / ax.cbrt();
        (ax / (SQRT_3 * inverse_norm_cdf(p))).abs()
    }

    /// Highest branch guess: interpolate f(β) = Φ(−s/2) on [b_u, b_max] (f(b_max) = 0,
    /// f'(b_max) = −½), then s = −2Φ⁻¹(f) (Jäckel 2015, highest branch).
    fn guess_highest(&self, s_u: f64, b_u: f64) -> f64 {
        let f_u = norm_cdf(-0.5 * s_u);
        let h = self.x / s_u;
        let w = h * h;
        // df/dβ = −½e^{h²/2}; d²f/dβ² = √(π/2)·e^{h² + s²/8}·h²/s.
        let fp_u = -0.5 * crate::fastmath::exp(0.5 * w);
        let fpp_u = SQRT_PI_OVER_2 * crate::fastmath::exp(w + 0.125 * s_u * s_u) * w / s_u;
        let mut f = f64::NAN;
        if fpp_u.is_finite() && fp_u.is_finite() {
            let cubic = RationalCubic {
                x_l: b_u,
                x_r: self.b_max,
                y_l: f_u,
                y_r: 0.0,
                d_l: fp_u,
                d_r: -0.5,
            };
            f = cubic.value(self.beta, cubic.convex_r_left(fpp_u));
        }
        if f.is_nan() || f <= 0.0 {
            // Quadratic through f(b_u) = f_u, f(b_max) = 0, f'(b_max) = −½.
            let width = self.b_max - b_u;
            let t = (self.beta - b_u) / width;
            f = (f_u * (1.0 - t) + 0.5 * width * t) * (1.0 - t);
        }
        -2.0 * inverse_norm_cdf(f)
    }

    /// Householder(3) on g(s) = 1/ln b(s) − 1/ln β (the lowest branch), with λ = 1/ln b:
    /// ν = (ln β − ln b)·ln b/ln β · b/b', h₂ = b''/b' − (b'/b)(1 + 2λ),
    /// h₃ = b'''/b' + (b'/b)²(2 + 6λ(1 + λ)) − (b''/b)·3(1 + 2λ).
    fn iterate_lowest(&self, mut s: f64) -> f64 {
        let ln_beta = crate::fastmath::ln(self.beta);
        for _ in 0..MAX_ITERATIONS {
            let parts = otm_black(self.x, self.x_lo, s);
            let ln_b = parts.ln_b();
            let b_over_vega = parts.scaled;
            if !(b_over_vega > 0.0 && ln_b.is_finite()) {
                break;
            }
            let bpob = 1.0 / b_over_vega; // b'/b
            let (b_h2, b_h3) = vega_ratios(self.x, s);
            let lambda = 1.0 / ln_b;
            let one_plus_2lambda = 1.0 + 2.0 * lambda;
            let nu = (ln_beta - ln_b) * ln_b / ln_beta * b_over_vega;
            let h2 = b_h2 - bpob * one_plus_2lambda;
            let h3 = b_h3 + bpob * bpob * (2.0 + 6.0 * lambda * (1.0 + lambda))
                - b_h2 * bpob * 3.0 * one_plus_2lambda;
            let ds = householder3(nu, h2, h3);
            s += ds;
            if ds.abs() <= f64::EPSILON * s {
                break;
            }
        }
        s
    }

    /// Householder(3) on g(s) = b(s) − β: ν = (β − b)/b', h₂ = b''/b', h₃ = b'''/b'.
    fn iterate_middle(&self, mut s: f64) -> f64 {
        for _ in 0..MAX_ITERATIONS {
            let parts = otm_black(self.x, self.x_lo, s);
            if parts.vega.is_nan() || parts.vega <= 0.0 {
                break;
            }
            let nu = (self.beta - parts.b) / parts.vega;
            let (h2, h3) = vega_ratios(self.x, s);
            let ds = householder3(nu, h2, h3);
            s += ds;
            if ds.abs() <= f64::EPSILON * s {
                break;
            }
        }
        s
    }

    /// Householder(3) on g(s) = ln((b_max − β)/(b_max − b(s))) (the 2017 revision's upper
    /// objective), with b_max − b = b'·√(π/2)·[erfcx((t+h)/√2) + erfcx((t−h)/√2)] free of
    /// cancellation. With γ = b'/(b_max − b): ν = −g/γ, h₂ = b''/b' + γ,
    /// h₃ = b'''/b' + γ(2γ + 3b''/b').
    fn iterate_upper(&self, mut s: f64) -> f64 {
        let beta_bar = self.b_max - self.beta;
        for _ in 0..MAX_ITERATIONS {
            let h = self.x / s;
            let t = 0.5 * s;
            let bar_over_vega = SQRT_PI_OVER_2
                * (erfcx((t + h) * std::f64::consts::FRAC_1_SQRT_2)
                    + erfcx((t - h) * std::f64::consts::FRAC_1_SQRT_2));
            let ln_b_bar =
                crate::fastmath::ln(bar_over_vega) + ln_normalised_vega(self.x, self.x_lo, s);
            if !ln_b_bar.is_finite() {
                break;
            }
            let gamma = 1.0 / bar_over_vega;
            let g = crate::fastmath::ln(beta_bar) - ln_b_bar;
            let (b_h2, b_h3) = vega_ratios(self.x, s);
            let nu = -g * bar_over_vega;
            let h2 = b_h2 + gamma;
            let h3 = b_h3 + gamma * (2.0 * gamma + 3.0 * b_h2);
            let ds = householder3(nu, h2, h3);
            s += ds;
            if ds.abs() <= f64::EPSILON * s {
                break;
            }
        }
        s
    }
}
