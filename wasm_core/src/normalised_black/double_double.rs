//! The few double-double operations that keep the normalised Black function accurate where
//! its exponent is large: exact products and sums (Dekker 1971; Knuth, TAOCP vol. 2, 4.2.2)
//! and ln(F/K) to a few 1e-19 (relative, or absolute below 1).
//!
//! No fused multiply-add: wasm32 has none in hardware and `f64::mul_add` would fall back to a
//! slow software routine there; Veltkamp's split gives the same exact products everywhere.

/// Veltkamp's split a = hi + lo with hi holding the upper 26 bits, so that products of halves
/// are exact; for |a| < 1e150.
pub fn split(a: f64) -> (f64, f64) {
    let c = 134_217_729.0 * a; // 2^27 + 1
    let hi = c - (c - a);
    (hi, a - hi)
}

/// a·b = p + e exactly (Dekker's product) from the splits of a and b.
pub fn two_product_split(a: f64, (ah, al): (f64, f64), b: f64, (bh, bl): (f64, f64)) -> (f64, f64) {
    let p = a * b;
    (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
}

/// a·b = p + e exactly (Dekker's product with Veltkamp's split), for |a|, |b| < 1e150.
pub fn two_product(a: f64, b: f64) -> (f64, f64) {
    two_product_split(a, split(a), b, split(b))
}

/// a + b = s + e exactly (Knuth's TwoSum).
pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// ln 2 as hi + lo, hi with trailing zero bits so that k·hi is exact for |k| < 2^11
/// (Cody & Waite, "Software Manual for the Elementary Functions", 1980, ch. 5).
const LN2_HI: f64 = 6.931_471_803_691_238e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// ln(f/k) for positive normal f, k, as hi + lo with |lo| <= ulp(hi) and a total error of
/// about 2e-19·max(1, |ln(f/k)|) (instead of the half-ulp of the rounded quotient f/k plus
/// the half-ulp of `ln`).
///
/// # Formula
/// r = f/k rounded, corrected by δ = (f − r·k)/(r·k) from the exact product r·k;
/// r = m·2^j with m ∈ [1/√2, √2); ln m = 2·atanh(u), u = (m − 1)/(m + 1), |u| < 0.172:
/// ln m = 2u + 2u³·Σ_{n≥0} u^{2n}/(2n + 3) (A&S 4.1.27), the leading 2u carried in double-double.
pub fn ln_ratio(f: f64, k: f64) -> (f64, f64) {
    let r = f / k;
    // Dekker's split needs magnitudes well inside the double range (1e-290..1e290 leaves the
    // products and their error terms normal); beyond, plain logarithms are all one can ask for.
    let inside = |v: f64| (1e-290..=1e290).contains(&v.abs());
    if !(inside(f) && inside(k) && inside(r)) {
        return (crate::fastmath::ln(f) - crate::fastmath::ln(k), 0.0);
    }
    let (p, p_err) = two_product(r, k);
    let delta = ((f - p) - p_err) / p; // f − p is exact: p is within an ulp of f
                                       // r = m·2^j, m ∈ [1/√2, √2).
    let bits = r.to_bits();
    let mut j = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5; // exact
        j += 1;
    }
    // u = (m − 1)/(m + 1) as u_hi + u_lo: m − 1 is exact; m + 1 = a + a_err exactly.
    let numerator = m - 1.0;
    let (a, a_err) = two_sum(m, 1.0);
    let u_hi = numerator / a;
    let (q, q_err) = two_product(u_hi, a);
    let u_lo = ((numerator - q) - q_err - u_hi * a_err) / a;
    let u2 = u_hi * u_hi;
    let mut series = 0.0;
    for n in (0..12).rev() {
        series = series * u2 + 1.0 / f64::from(2 * n + 3);
    }
    let tail = 2.0 * u_hi * u2 * series;
    // Sum: j·ln2_hi (exact) + 2·u_hi (exact) + small terms.
    let jf = f64::from(j);
    let (s1, e1) = two_sum(jf * LN2_HI, 2.0 * u_hi);
    let small = e1 + jf * LN2_LO + 2.0 * u_lo + tail + delta;
    let hi = s1 + small;
    (hi, small - (hi - s1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (significand, exponent) with x = significand·2^exponent exactly.
    fn integer_form(x: f64) -> (i128, i32) {
        let bits = x.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32;
        let significand = (bits & 0xf_ffff_ffff_ffff | 1 << 52) as i128;
        let sign = if x < 0.0 { -1 } else { 1 };
        (sign * significand, exponent - 1075)
    }

    #[test]
    fn two_product_is_exact() {
        for &(a, b) in &[
            (0.1, 0.3),
            (1.0 / 3.0, 3.0e10),
            (-7.123456789, 1e-5),
            (1e100, 1e-120),
        ] {
            let (p, e) = two_product(a, b);
            let (ma, ea) = integer_form(a);
            let (mb, eb) = integer_form(b);
            let base = ea + eb; // the exact product's lowest bit
            let (mp, ep) = integer_form(p);
            let (me, ee) = integer_form(e);
            let exact = ma * mb;
            // e is a multiple of 2^base; its 53-bit significand may carry trailing zeros.
            let low = if e == 0.0 {
                0
            } else if ee >= base {
                me << (ee - base)
            } else {
                assert_eq!(
                    me % (1 << (base - ee)),
                    0,
                    "{a} * {b}: error term below the product's last bit"
                );
                me >> (base - ee)
            };
            let got = (mp << (ep - base)) + low;
            assert_eq!(got, exact, "{a} * {b}");
        }
        let (s, err) = two_sum(1.0, 1e-20);
        assert_eq!((s, err), (1.0, 1e-20));
    }

    #[test]
    fn ln_ratio_is_accurate_beyond_double() {
        // (f, k, ln(f/k) rounded to double, remainder): mpmath at 50 digits,
        // tests/oracles/normalised_black_oracle.py's method (exact doubles in).
        let cases = [
            (100.0, 80.0, 0.22314355131420976, -9.091_270_597_324_798e-18),
            (1.0, 3.0, -1.0986122886681098, 9.071_297_235_001_53e-17),
            (1e-140, 1e140, -644.7238260383328, 5.359_971_359_988_303e-14),
        ];
        for (f, k, hi, lo) in cases {
            let (got_hi, got_lo) = ln_ratio(f, k);
            let error = (got_hi - hi) + (got_lo - lo);
            assert!(
                error.abs() <= 4e-19 * hi.abs().max(1.0),
                "{f}/{k}: error {error:e}"
            );
        }
        assert_eq!(ln_ratio(7.0, 7.0), (0.0, 0.0));
        // A quotient outside the double range falls back to ln f − ln k, still finite.
        let (hi, _) = ln_ratio(1e-200, 1e200);
        assert!((hi - (-921.0340371976183)).abs() < 1e-12);
    }
}
