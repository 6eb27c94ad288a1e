//! The QD+ approximation of an American put's exercise boundary: the fixed-point iteration's
//! starting guess.
//!
//! Li, "Analytical approximations for the critical stock prices of American options: a
//! performance comparison", Review of Derivatives Research 13, 2010, section 2.3 (QD+, building
//! on Ju & Zhong, "An approximate formula for pricing American options", Journal of Derivatives
//! 7(2), 1999): with `h = 1 - e^{-r tau}`, `omega = 2(r - q)/sigma^2`,
//! `lambda = (-(omega - 1) - sqrt((omega - 1)^2 + 8r/(sigma^2 h)))/2` and Li's `c0` (his eq. 24,
//! with the European put's theta), the boundary `S*` solves
//! `(1 - e^{-q tau} N(-d1(S*))) S* + (lambda + c0)(K - S* - p(S*)) = 0`, `p` the European put.

use super::illinois::illinois;
use crate::normal::{norm_cdf, norm_pdf};

/// QD+'s boundary at time to expiry `tau > 0`, in `(0, x_max]`; `x_max` (the boundary at
/// `tau = 0+`) when the equation has no root there (a guess is all it is).
pub fn put_boundary(strike: f64, rate: f64, dividend: f64, vol: f64, tau: f64, x_max: f64) -> f64 {
    // Err for a residual beyond the double range: the guess falls back to x_max.
    let f = |s: f64| {
        let v = residual(strike, rate, dividend, vol, tau, s);
        if v.is_finite() {
            Ok(v)
        } else {
            Err(())
        }
    };
    // A bracket: halve down from x_max until the sign changes.
    let bracket = || -> Result<Option<(Point, Point)>, ()> {
        let mut hi = (x_max, f(x_max)?);
        for _ in 0..60 {
            let lo = 0.5 * hi.0;
            let f_lo = f(lo)?;
            if f_lo.signum() != hi.1.signum() {
                return Ok(Some(((lo, f_lo), hi)));
            }
            hi = (lo, f_lo);
        }
        Ok(None)
    };
    match bracket() {
        Ok(Some((lo, hi))) => match illinois(f, lo, hi, GUESS_WIDTH, 100) {
            Ok(s) if s > 0.0 && s <= x_max => s,
            _ => x_max,
        },
        _ => x_max,
    }
}

/// `(x, f(x))`.
type Point = (f64, f64);

/// The relative width to which the guess is solved (the fixed-point iteration does the rest).
const GUESS_WIDTH: f64 = 1e-10;

/// The QD+ equation's left side at spot `s`.
fn residual(k: f64, r: f64, q: f64, vol: f64, tau: f64, s: f64) -> f64 {
    let sigma2 = vol * vol;
    let v = vol * tau.sqrt();
    let dr = (-r * tau).exp();
    let dq = (-q * tau).exp();
    // r/h, by its series where r tau is small (h = 1 - e^{-r tau} -> r tau).
    let r_over_h = if (r * tau).abs() > 1e-5 {
        r / -(-r * tau).exp_m1()
    } else {
        1.0 / (tau * (1.0 - 0.5 * r * tau * (1.0 - r * tau / 3.0)))
    };
    let omega = 2.0 * (r - q) / sigma2;
    let root = ((omega - 1.0).powi(2) + 8.0 * r_over_h / sigma2).sqrt();
    let lambda = 0.5 * (-(omega - 1.0) - root);
    // d lambda/dh, times r (Li's c0 carries lambda' with a factor r/h^2 folded in here).
    let lambda_prime = 2.0 * r_over_h * r_over_h / (sigma2 * root);
    let denom = 2.0 * lambda + omega - 1.0;
    let alpha = 2.0 * dr / (sigma2 * denom);
    let d1 = (s * dq / (k * dr)).ln() / v + 0.5 * v;
    let d2 = d1 - v;
    let n_d1 = norm_cdf(-d1);
    let n_d2 = norm_cdf(-d2);
    let put = dr * k * n_d2 - s * dq * n_d1;
    // The European put's theta (per unit of calendar time).
    let theta = r * k * dr * n_d2 - q * s * dq * n_d1 - sigma2 * s / (2.0 * v) * dq * norm_pdf(d1);
    let gap = k - s - put;
    if gap == 0.0 {
        // The limit of (lambda + c0) gap as the gap closes.
        return (1.0 - dq * n_d1) * s + alpha * theta / dr;
    }
    let c0 = -alpha * (r_over_h + lambda_prime / denom) + alpha * theta / (dr * gap);
    (1.0 - dq * n_d1) * s + (lambda + c0) * gap
}
