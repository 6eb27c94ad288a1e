//! `fastmath::{exp, ln, exp_m1}` against mpmath at 50 digits
//! (tests/oracles/fastmath_oracle.py → tests/data/fastmath_mpmath.rs), in ulps of the exact value.

use wasm_core::fastmath::{exp, exp_m1, ln};

mod data {
    include!("data/fastmath_mpmath.rs");
}

/// The module's promise: within one ulp everywhere, subnormal results included.
const MAX_ULP: f64 = 1.0;
/// The bounds of the error analysis in `fastmath.rs` (normal results).
const EXP_NORMAL_MAX_ULP: f64 = 0.52;
const LN_MAX_ULP: f64 = 0.52;
const EXP_M1_MAX_ULP: f64 = 0.6;

/// The spacing of the doubles in the binade of the exact value `hi + frac ulp`.
fn ulp_of_exact(hi: f64, frac: f64) -> f64 {
    let a = hi.abs();
    if a < f64::MIN_POSITIVE {
        return f64::from_bits(1);
    }
    let e = ((a.to_bits() >> 52) as i32) - 1023;
    // 2^(e - 52), built from bits (powi would overflow on the way for e < -970).
    let u = if e - 52 >= -1022 {
        f64::from_bits(((e - 52 + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e - 52 + 1074))
    };
    // hi a power of two with the exact value below it: the binade below.
    if a.to_bits() & ((1 << 52) - 1) == 0 && frac * hi.signum() < 0.0 && e > -1022 {
        u / 2.0
    } else {
        u
    }
}

/// The error of `got` in ulps of the exact value; `None` when the reference is infinite (the
/// caller checks that `got` is the same infinity).
fn ulp_error(got: f64, hi: f64, frac: f64) -> Option<f64> {
    if hi.is_infinite() {
        return None;
    }
    let u = ulp_of_exact(hi, frac);
    // got - hi is exact for results within a few ulps of hi.
    Some(((got - hi) / u - frac).abs())
}

/// Checks a function over its table; returns (worst ulp error over normal results, over all).
fn check(name: &str, f: fn(f64) -> f64, table: &[(f64, f64, f64)]) -> (f64, f64) {
    let (mut worst_normal, mut worst, mut worst_x) = (0.0f64, 0.0f64, 0.0f64);
    let mut failures = Vec::new();
    for &(x, hi, frac) in table {
        let got = f(x);
        match ulp_error(got, hi, frac) {
            None => {
                if got != hi {
                    failures.push(format!("{name}({x:e}) = {got:e}, want {hi:e}"));
                }
            }
            Some(err) => {
                if err > worst {
                    (worst, worst_x) = (err, x);
                }
                if hi.abs() >= f64::MIN_POSITIVE {
                    worst_normal = worst_normal.max(err);
                }
                if err > MAX_ULP {
                    failures.push(format!(
                        "{name}({x:e}) = {got:e}, want {hi:e}: {err:.3} ulp"
                    ));
                }
            }
        }
    }
    println!(
        "{name}: {} points, worst {worst:.4} ulp at {worst_x:e} ({worst_normal:.4} over normal \
         results)",
        table.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    (worst_normal, worst)
}

#[test]
fn exp_within_half_an_ulp_and_a_bit() {
    let (normal, _) = check("exp", exp, data::EXP);
    assert!(normal <= EXP_NORMAL_MAX_ULP, "exp: {normal} ulp");
}

#[test]
fn ln_within_half_an_ulp_and_a_bit() {
    let (_, all) = check("ln", ln, data::LN);
    assert!(all <= LN_MAX_ULP, "ln: {all} ulp");
}

#[test]
fn exp_m1_within_its_bound() {
    let (_, all) = check("exp_m1", exp_m1, data::EXP_M1);
    assert!(all <= EXP_M1_MAX_ULP, "exp_m1: {all} ulp");
}
