//! The fast path's first form (the module note of `fast.rs`: the textbook formula and its
//! running error bound) for `L` rows at once, in straight-line code over the lanes, so that the
//! compiler emits SIMD (f64x2 in wasm `simd128`, 4-wide AVX2 natively where the CPU has it,
//! see `batch.rs`). One row alone is `L = 1`: [`super::candidate`].
//!
//! Branches become selects (both sides computed), except where a whole block can skip a side
//! (`erfcx`'s far range, `erf` when no term is near the money, `exp_m1` when no lane needs it),
//! which changes no lane's bits: a row gets the same answer in any block and alone (tested
//! below). No FMA anywhere (Rust never contracts `a*b + c`), so AVX2, SSE2 and wasm agree bit
//! for bit. Lanes the first form does not decide go on to the second form (the Taylor series,
//! [`FirstForms::candidate`]) and then to the accurate path, one row at a time.

use super::{
    ERFCX_ULPS, ERF_ULPS, EXP_M1_ULPS, EXP_ULPS, FRAC_1_SQRT_2PI, FRAC_1_SQRT_2_HI,
    FRAC_1_SQRT_2_LO, FRAC_1_SQRT_PI, LN_ULPS, MAX_ABS_X, MAX_ABS_Y, MAX_MAGNITUDE, MAX_RATE_TIME,
    MAX_REL_ERROR, MAX_TOTAL_VOL, MIN_MAGNITUDE, MIN_TOTAL_VOL,
};
use crate::fastmath;
use crate::inputs::Inputs;
use crate::normal::{erf_small, erfcx_large_lanes, CODY_SMALL};
use crate::normalised_black::{two_product, two_sum};

/// One value per lane.
type V<const L: usize> = [f64; L];

/// `[f(0), ..., f(L - 1)]`: one statement of the kernel, applied to every lane.
/// (A loop, not `std::array::from_fn`, which the compiler does not always inline.)
macro_rules! lanes {
    (|$i:ident| $e:expr) => {{
        let mut out = [Default::default(); L];
        for $i in 0..L {
            out[$i] = $e;
        }
        out
    }};
}

/// The first form of `L` rows, with what its second form (the Taylor series, `super::candidate`)
/// and the Greeks reuse. A lane's values mean something only where `ok`.
pub(crate) struct FirstForms<const L: usize> {
    /// Inside the bound's domain, with a price of at least [`MIN_MAGNITUDE`].
    pub ok: [bool; L],
    pub price: V<L>,
    /// The absolute error bound of `price`.
    pub bound: V<L>,
    pub theta: V<L>,
    /// A = S e^{-qT}, B = K e^{-rT}, x = ln(S/K) + (r - q)T, h = x/s, half = s/2.
    pub a: V<L>,
    pub b: V<L>,
    pub x: V<L>,
    pub h: V<L>,
    pub half: V<L>,
    /// σ√T and √T.
    pub total_vol: V<L>,
    pub sqrt_t: V<L>,
    /// y1 = -θ d1/√2 as hi + lo, and the Gaussian mass A e^{-y1²}.
    pub y1: V<L>,
    pub y1_lo: V<L>,
    pub m1: V<L>,
    /// A Φ(θ d1) and B Φ(θ d2), each to a few ulps (neither cancels).
    pub a1: V<L>,
    pub a2: V<L>,
    /// The relative errors (in ulps) of A, B, x and x̃, and the absolute error from rounding s.
    pub alpha: V<L>,
    pub beta: V<L>,
    pub x_err: V<L>,
    pub x_tilde_err: V<L>,
    pub vol_err: V<L>,
}

impl<const L: usize> FirstForms<L> {
    /// Whether lane `i` is in the domain and its bound proves it within [`MAX_REL_ERROR`].
    #[inline(always)]
    pub fn accurate(&self, i: usize) -> bool {
        self.ok[i] && self.bound[i] <= MAX_REL_ERROR * self.price[i]
    }
}

/// The first form of each row (module note).
#[inline(always)]
pub(crate) fn first_forms<const L: usize>(rows: &[Inputs; L]) -> FirstForms<L> {
    let theta: V<L> = lanes!(|i| rows[i].kind.sign());
    let spot: V<L> = lanes!(|i| rows[i].spot);
    let strike: V<L> = lanes!(|i| rows[i].strike);
    let expiry: V<L> = lanes!(|i| rows[i].expiry);
    let rate: V<L> = lanes!(|i| rows[i].rate);
    let dividend: V<L> = lanes!(|i| rows[i].dividend);
    let vol: V<L> = lanes!(|i| rows[i].vol);

    let sqrt_t: V<L> = lanes!(|i| expiry[i].sqrt());
    let s: V<L> = lanes!(|i| vol[i] * sqrt_t[i]);
    let q_t: V<L> = lanes!(|i| dividend[i] * expiry[i]);
    let r_t: V<L> = lanes!(|i| rate[i] * expiry[i]);
    let ratio: V<L> = lanes!(|i| spot[i] / strike[i]);
    // `&` rather than `&&`: every condition is computed, none branches.
    let mut ok: [bool; L] = lanes!(|i| (expiry[i] > 0.0)
        & (vol[i] > 0.0)
        & (MIN_TOTAL_VOL..=MAX_TOTAL_VOL).contains(&s[i])
        & (q_t[i].abs() <= MAX_RATE_TIME)
        & (r_t[i].abs() <= MAX_RATE_TIME)
        & fastmath::ln_lane_usable(ratio[i]));
    let a: V<L> = {
        let e = fastmath::exp_lanes::<L>(lanes!(|i| -q_t[i]));
        lanes!(|i| spot[i] * e[i])
    };
    let b: V<L> = {
        let e = fastmath::exp_lanes::<L>(lanes!(|i| -r_t[i]));
        lanes!(|i| strike[i] * e[i])
    };
    let ln_sk = fastmath::ln_lanes::<L>(ratio);
    let carry: V<L> = lanes!(|i| (rate[i] - dividend[i]) * expiry[i]);
    let x: V<L> = lanes!(|i| ln_sk[i] + carry[i]);
    let h: V<L> = lanes!(|i| x[i] / s[i]);
    let half: V<L> = lanes!(|i| 0.5 * s[i]);
    let (y1, y1_lo) = scaled(lanes!(|i| -theta[i]), h, half);
    let (y2, y2_lo) = scaled(lanes!(|i| -theta[i]), h, lanes!(|i| -half[i]));
    let p: [(f64, f64); L] = lanes!(|i| two_product(y1[i], y1[i]));
    let gauss = fastmath::exp_lanes::<L>(lanes!(|i| -p[i].0));
    let m1: V<L> = lanes!(|i| a[i] * gauss[i] * (1.0 - p[i].1));
    for i in 0..L {
        ok[i] &= magnitude_in_range(a[i])
            & magnitude_in_range(b[i])
            & (x[i].abs() <= MAX_ABS_X)
            & (y1[i].abs() <= MAX_ABS_Y)
            & (y2[i].abs() <= MAX_ABS_Y)
            & fastmath::exp_lane_usable(p[i].0)
            & (m1[i] >= MIN_MAGNITUDE);
    }
    let m2: V<L> = lanes!(|i| m1[i] * (1.0 + 2.0 * (y2[i] * y2_lo[i] - y1[i] * y1_lo[i])));
    let t1 = terms(a, y1, y1_lo, m1);
    let t2 = terms(b, y2, y2_lo, m2);

    // Relative errors of the inputs' roundings, in ulps (module note of `fast.rs`): A and B
    // (exp of a rounded argument, then a product), x (the quotient, ln, the carry and the
    // sum), and x̃ = h·s, the log-moneyness the shared mass implies (h's rounding on top).
    let alpha: V<L> = lanes!(|i| 0.5 + EXP_ULPS + 0.5 * q_t[i].abs());
    let beta: V<L> = lanes!(|i| 0.5 + EXP_ULPS + 0.5 * r_t[i].abs());
    let x_err: V<L> =
        lanes!(|i| 0.5 + LN_ULPS * ln_sk[i].abs() + carry[i].abs() + 0.5 * x[i].abs());
    let x_tilde_err: V<L> = lanes!(|i| x_err[i] + 0.5 * x[i].abs());

    let diff_form: [bool; L] = lanes!(|i| (t1.k[i] == t2.k[i]) & (t1.k[i] > 0.0));
    let expm1_x = exp_m1_if(diff_form, x);
    let mut constant = [0.0; L];
    let mut constant_err = [0.0; L];
    for i in 0..L {
        // The difference form k (A - B) = k B (e^x - 1): exp_m1's error and one product (B's
        // own error is counted with B's below); x's error times k B e^x (= k A, with a margin
        // for A's and B's). Otherwise k ∈ {0, ½, 1}: exact products, one rounding.
        let kp_diff = t1.k[i] * b[i] * expm1_x[i];
        let err_diff = (EXP_M1_ULPS + 0.5) * kp_diff.abs() + 1.01 * t1.k[i] * a[i] * x_err[i];
        let kp = t1.k[i] * a[i] - t2.k[i] * b[i];
        (constant[i], constant_err[i]) = if diff_form[i] {
            (kp_diff, err_diff)
        } else {
            (kp, 0.5 * kp.abs())
        };
    }
    let sum: V<L> = lanes!(|i| constant[i] + t1.v[i] - t2.v[i]);
    let price: V<L> = lanes!(|i| theta[i] * sum[i]);
    let vol_err: V<L> = lanes!(|i| 1.01 * FRAC_1_SQRT_2PI * m1[i] * s[i]);
    let mut bound = [0.0; L];
    for i in 0..L {
        let (v1, v2) = (t1.v[i].abs(), t2.v[i].abs());
        let ulps = |tail: bool| if tail { ERFCX_ULPS } else { ERF_ULPS } + 1.0;
        // A's relative error scales every part made from A by the same factor, so it
        // multiplies their signed sum (as they enter `sum`), and likewise B's: v1 and k1 A are
        // made from A; v2 from A when it comes from the shared mass (with x̃'s error on top),
        // else from B; the constant of the difference form from B.
        let v2_from_a = if t2.tail[i] { t2.v[i] } else { 0.0 };
        let a_parts = t1.v[i] - v2_from_a + if diff_form[i] { 0.0 } else { t1.k[i] * a[i] };
        let b_parts = -(t2.v[i] - v2_from_a)
            + if diff_form[i] {
                constant[i]
            } else {
                -t2.k[i] * b[i]
            };
        let inputs_err =
            alpha[i] * a_parts.abs() + beta[i] * b_parts.abs() + x_tilde_err[i] * v2_from_a.abs();
        // The mass: exp, (1 - p_lo) and two products, common to every tail part; the second
        // term's correction factor adds a rounding and a product.
        let tail_parts = if t1.tail[i] { t1.v[i] } else { 0.0 } - v2_from_a;
        let mass_err = (EXP_ULPS + 1.5) * tail_parts.abs() + v2_from_a.abs();
        let terms_err = ulps(t1.tail[i]) * v1 + ulps(t2.tail[i]) * v2;
        let sum_err = 0.5 * (constant[i].abs() + v1) + 0.5 * sum[i].abs();
        let margin = sum[i].abs();
        bound[i] = f64::EPSILON
            * (inputs_err + mass_err + terms_err + constant_err[i] + sum_err + vol_err[i] + margin);
        // `price >= MIN_MAGNITUDE` also rejects NaN.
        ok[i] &= price[i] >= MIN_MAGNITUDE;
    }
    FirstForms {
        ok,
        price,
        bound,
        theta,
        a,
        b,
        x,
        h,
        half,
        total_vol: s,
        sqrt_t,
        y1,
        y1_lo,
        m1,
        a1: lanes!(|i| t1.k[i] * a[i] + t1.v[i]),
        a2: lanes!(|i| t2.k[i] * b[i] + t2.v[i]),
        alpha,
        beta,
        x_err,
        x_tilde_err,
        vol_err,
    }
}

#[inline(always)]
fn magnitude_in_range(v: f64) -> bool {
    (MIN_MAGNITUDE..=MAX_MAGNITUDE).contains(&v)
}

/// `super::scaled` of each lane: y = sign·(h + half)/√2 as hi + lo.
#[inline(always)]
fn scaled<const L: usize>(sign: V<L>, h: V<L>, half: V<L>) -> (V<L>, V<L>) {
    let d: [(f64, f64); L] = lanes!(|i| two_sum(h[i], half[i]));
    let u: V<L> = lanes!(|i| sign[i] * d[i].0);
    let y: [(f64, f64); L] = lanes!(|i| two_product(u[i], FRAC_1_SQRT_2_HI));
    (
        lanes!(|i| y[i].0),
        lanes!(|i| y[i].1 + sign[i] * (d[i].0 * FRAC_1_SQRT_2_LO + d[i].1 * FRAC_1_SQRT_2_HI)),
    )
}

/// `super::Term` of each lane.
struct Terms<const L: usize> {
    k: V<L>,
    v: V<L>,
    tail: [bool; L],
}

/// `super::term` of each lane: both of its forms where the block needs them, then a select.
#[inline(always)]
fn terms<const L: usize>(c: V<L>, y: V<L>, y_lo: V<L>, m: V<L>) -> Terms<L> {
    let tail: [bool; L] = lanes!(|i| y[i].abs() > CODY_SMALL);
    // Lanes near the money get a harmless argument for erfcx (their value is not used).
    let erfcx = erfcx_large_lanes::<L>(lanes!(|i| if tail[i] { y[i].abs() } else { 1.0 }));
    let erf: V<L> = if tail.iter().all(|&t| t) {
        [0.0; L]
    } else {
        lanes!(|i| erf_small(y[i]))
    };
    let mut out = Terms {
        k: [0.0; L],
        v: [0.0; L],
        tail,
    };
    for i in 0..L {
        let correction = -m[i] * y_lo[i] * FRAC_1_SQRT_PI;
        let far = 0.5 * m[i] * erfcx[i];
        (out.k[i], out.v[i]) = if y[i] > CODY_SMALL {
            (0.0, far + correction)
        } else if y[i] < -CODY_SMALL {
            (1.0, correction - far)
        } else {
            (0.5, correction - 0.5 * c[i] * erf[i])
        };
    }
    out
}

/// `fastmath::exp_m1(x)` (for the lanes where `wanted`), skipped when no lane wants it.
#[inline(always)]
fn exp_m1_if<const L: usize>(wanted: [bool; L], x: V<L>) -> V<L> {
    if wanted.iter().any(|&w| w) {
        fastmath::exp_m1_lanes::<L>(x)
    } else {
        [0.0; L]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::OptionKind;

    /// Over a spread of ordinary and extreme rows, a block of 16 lanes gives each lane the
    /// same verdict and the same bits as that row alone (the block-wide skips change nothing).
    #[test]
    fn a_block_gives_each_row_what_it_gives_alone() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut uniform = |lo: f64, hi: f64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            lo + (hi - lo) * ((state >> 11) as f64 / (1u64 << 53) as f64)
        };
        let (mut accurate, mut total) = (0, 0);
        for _ in 0..5_000 {
            let rows: [Inputs; 16] = std::array::from_fn(|_| {
                let kind = if uniform(0.0, 1.0) < 0.5 {
                    OptionKind::Call
                } else {
                    OptionKind::Put
                };
                let strike = 100.0 * uniform(-3.0, 3.0).exp();
                let expiry = uniform(-6.0, 2.0).exp();
                let vol = uniform(-7.0, 1.5).exp();
                let rate = uniform(-0.1, 0.3);
                let dividend = uniform(-0.1, 0.2);
                Inputs::new(kind, 100.0, strike, expiry, rate, dividend, vol).unwrap()
            });
            let block = first_forms(&rows);
            for (i, row) in rows.iter().enumerate() {
                let alone = first_forms(&[*row]);
                total += 1;
                assert_eq!(block.ok[i], alone.ok[0], "{row:?}");
                if alone.ok[0] {
                    assert_eq!(
                        block.price[i].to_bits(),
                        alone.price[0].to_bits(),
                        "{row:?}"
                    );
                    assert_eq!(
                        block.bound[i].to_bits(),
                        alone.bound[0].to_bits(),
                        "{row:?}"
                    );
                    assert_eq!(block.a2[i].to_bits(), alone.a2[0].to_bits(), "{row:?}");
                    accurate += usize::from(alone.accurate(0));
                }
            }
        }
        eprintln!("{accurate} of {total} rows decided by the first form");
        assert!(accurate > total / 4, "{accurate} of {total}");
    }
}
