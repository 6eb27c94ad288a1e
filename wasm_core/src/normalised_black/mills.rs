//! The scaled normal tail Y(z) = Φ(z)/φ(z) and its derivative Y'(z) = 1 + z·Y(z), to full
//! relative precision for every z.
//!
//! The normalised Black function is b = e^{−(h²+t²)/2}/√(2π) · [Y(h+t) − Y(h−t)] (Jäckel,
//! "Let's Be Rational", 2015, with his Y), and Y(h+t) − Y(h−t) = ∫ Y'(z) dz over
//! [h−t, h+t]: Y' is what the expansions and the quadrature of the parent module consume.
//!
//! Y'(z) > 0 everywhere, but 1 + z·Y(z) cancels for z ≪ 0 (z·Y(z) → −1). So:
//! - z <= −21: the asymptotic series Y'(z) = Σ_{k≥1} (−1)^{k+1} (2k−1)!! z^{−2k}, from
//!   Abramowitz & Stegun 26.2.12 (Y(z) = −Σ_{k≥0} (−1)^k (2k−1)!! z^{−2k−1}); its smallest term
//!   is below 1e-80 there.
//! - −21 < z <= −6: Y'(z) = √π·(1/√π − w·erfcx(w)), w = −z/√2 > 4.24, with the difference taken
//!   from Cody's third rational approximation without subtraction (accurate to 1e-16 relative
//!   for w <= 15, checked against mpmath).
//! - −6 < z < −0.5: piecewise degree-13 polynomials fitted with mpmath (see `yprime_table.rs`).
//! - z >= −0.5: 1 + z·Y(z), where the cancellation costs at most one bit.

use super::yprime_table as table;
use crate::normal::{erfcx, erfcx_tail_correction, exp_half_square};

/// √(π/2).
const SQRT_PI_OVER_2: f64 = 1.253_314_137_315_500_3;
/// √(2π).
const SQRT_2PI: f64 = 2.506_628_274_631_000_5;
/// √π.
const SQRT_PI: f64 = 1.772_453_850_905_516;

/// Below this, Y' from the asymptotic series.
const ASYMPTOTIC_BELOW: f64 = -21.0;
/// Below this (and above `ASYMPTOTIC_BELOW`), Y' from Cody's tail rational function.
const CODY_TAIL_BELOW: f64 = -6.0;

/// Y(z) = Φ(z)/φ(z) = √(π/2)·erfcx(−z/√2) (A&S 7.1.2 with Φ(z) = ½·erfc(−z/√2)).
/// For z > 0 it is taken as √(2π)·e^{z²/2} − Y(−z) (since Φ(z) = 1 − Φ(−z)) with the
/// exponential from an exact split of z²: erfcx(−z/√2) would carry the rounding of z/√2
/// amplified by z².
pub fn y(z: f64) -> f64 {
    if z > 0.0 {
        return SQRT_2PI * exp_half_square(z) - y(-z);
    }
    SQRT_PI_OVER_2 * erfcx(-z * std::f64::consts::FRAC_1_SQRT_2)
}

/// Y'(z) = 1 + z·Y(z), to a few ulps relative for every z (see the module note).
pub fn y_prime(z: f64) -> f64 {
    y_prime_with(z, y)
}

/// Y(z) and Y'(z) together, sharing the evaluation of Y where Y' needs it.
pub fn y_and_y_prime(z: f64) -> (f64, f64) {
    let value = y(z);
    (value, y_prime_with(z, |_| value))
}

/// Y'(z), calling `y_of` for Y(z) only in the branch that needs it.
fn y_prime_with(z: f64, y_of: impl Fn(f64) -> f64) -> f64 {
    if z <= ASYMPTOTIC_BELOW {
        y_prime_asymptotic(z)
    } else if z <= CODY_TAIL_BELOW {
        SQRT_PI * erfcx_tail_correction(-z * std::f64::consts::FRAC_1_SQRT_2)
    } else if z < table::HIGH {
        y_prime_table(z)
    } else {
        1.0 + z * y_of(z)
    }
}

/// Σ_{k≥1} (−1)^{k+1} (2k−1)!! z^{−2k}, summed until the terms no longer matter.
fn y_prime_asymptotic(z: f64) -> f64 {
    let w = 1.0 / (z * z);
    let mut term = w;
    let mut sum = 0.0;
    // For |z| >= 21 the terms fall at least 441/(2k+1)-fold per step: 40 steps is plenty.
    for k in 1..40 {
        sum += term;
        if term.abs() <= 0.25 * f64::EPSILON * sum {
            break;
        }
        term *= -f64::from(2 * k + 1) * w;
    }
    sum
}

/// The fitted polynomial of the piece holding z (−6 < z < −0.5).
fn y_prime_table(z: f64) -> f64 {
    let offset = (z - table::LOW) / table::WIDTH;
    // `as usize` saturates; the clamp keeps rounding at the ends inside the table.
    let index = (offset as usize).min(table::PIECES.len() - 1);
    let centre = table::LOW + table::WIDTH * (index as f64 + 0.5);
    let u = (z - centre) / (0.5 * table::WIDTH);
    table::PIECES[index]
        .iter()
        .rev()
        .fold(0.0, |acc, &c| acc * u + c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::all)]
    mod mpmath {
        include!("../../tests/data/mills_mpmath.rs");
    }

    /// Promised accuracy of `y` and `y_prime`, in ulps of the reference value.
    const ULPS: f64 = 4.0;

    fn ulps(got: f64, want: f64) -> f64 {
        (got - want).abs() / (want.abs() * f64::EPSILON)
    }

    #[test]
    fn y_prime_matches_mpmath_on_all_branches() {
        let mut worst = 0.0f64;
        for &(z, want) in mpmath::Y_PRIME {
            let e = ulps(y_prime(z), want);
            assert!(
                e <= ULPS,
                "Y'({z}) = {}, mpmath {want}: {e:.2} ulps",
                y_prime(z)
            );
            worst = worst.max(e);
        }
        eprintln!("y_prime: worst {worst:.2} ulps");
    }

    #[test]
    fn y_matches_mpmath() {
        for &(z, want) in mpmath::Y {
            let e = ulps(y(z), want);
            assert!(e <= ULPS, "Y({z}) = {}, mpmath {want}: {e:.2} ulps", y(z));
        }
    }
}
