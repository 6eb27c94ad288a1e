//! The fast path of the batch Black-Scholes-Merton price: the textbook formula with one shared
//! Gaussian factor, and a per-row bound on its error that decides whether its answer is used.
//!
//! # Formula
//! With A = S e^{-qT}, B = K e^{-rT}, x = ln(S/K) + (r - q)T, s = σ√T, h = x/s, θ = ±1 and
//! y_i = -θ d_i/√2 (d_{1,2} = h ± s/2), the price is (Black & Scholes 1973; Merton 1973)
//! ```text
//! V = θ [A Φ(θ d1) - B Φ(θ d2)],        c Φ(θ d) = ½ c erfc(y)
//! ```
//! Each term is split as c Φ = k c + v, by Cody's first split y* = 0.46875 (W. J. Cody,
//! "Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969), using
//! erfc(y) = erfcx(y) e^{-y²}:
//! ```text
//! y >  y*:   k = 0,  v =  ½ M erfcx(y)
//! |y| <= y*: k = ½,  v = -½ c erf(y)
//! y < -y*:   k = 1,  v = -½ M erfcx(-y)
//! ```
//! where M = c e^{-y²} is the Gaussian mass, the same for both terms: y1² - y2² = x, so
//! A e^{-y1²} = B e^{-y2²} (the identity S e^{-qT} φ(d1) = K e^{-rT} φ(d2) of E. G. Haug, "The
//! Complete Guide to Option Pricing Formulas", 2nd ed., 2007, §2.1). It is computed once, from
//! A. The constant parts combine as k (A - B) = k B expm1(x) when both terms have the same k
//! (near the money both are ½, deep in the money both 1: no cancellation), else k1 A - k2 B.
//!
//! # Where the two terms cancel
//! Out of the money the price is smaller than either term by κ = (T1 + T2)/V, and the
//! terms' errors grow by κ. There the row is also evaluated as the out-of-the-money price
//! `M/√(2π)·[Y(h+t) − Y(h−t)]` (Jäckel's Y = Φ/φ; P. Jäckel, "Let's Be Rational", Wilmott 2015),
//! the bracket summed as the Taylor series of positive terms that `normalised_black::otm_black`
//! uses in the same region (|x| <= 2, t < 0.4|h| + 0.5), plus in the money the intrinsic value
//! B expm1(x); the smaller of the two bounds decides. What still fails is the log-moneyness's
//! own rounding times the cancellation (x̃'s error times B Φ(-|d2|), far out of the money at
//! small σ√T), the asymptotic far tail and |x| > 2.
//!
//! # What is carried beyond double precision, and why
//! An error in h common to both terms (from rounding x or x/s) changes nothing to first order:
//! ∂V/∂d1 = -∂V/∂d2 because A φ(d1) = B φ(d2). The roundings of h ± s/2 and of the scaling by
//! 1/√2 differ between the two terms, and where the terms cancel each would cost about ε·d²
//! relative. So y is carried as y_hi + y_lo (TwoSum, Dekker's TwoProduct) and y_lo enters to
//! first order, c Φ += -M y_lo/√π; the second term's mass carries the matching factor
//! 1 + 2 (y2 y2_lo - y1 y1_lo).
//!
//! # The bound that decides
//! A running error bound (N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd
//! ed., SIAM 2002, §3.3): every computed quantity's relative error is at most the tested
//! error of the function that made it (`fastmath::exp` and `ln` 0.52 ulp, `exp_m1` 0.6, Cody's
//! erfcx and erf [`ERFCX_ULPS`] and [`ERF_ULPS`], tested against mpmath in this module) plus half
//! an ulp per rounding, and |V̂ - V| is bounded by those errors times the magnitudes they
//! multiply (see [`candidate`]; "V" is the exact price of the given doubles). A row takes the
//! fast path iff the bound is at most [`MAX_REL_ERROR`]·V; the others, where the two terms
//! cancel (far out of the money at small σ√T, where V is much smaller than A Φ(θd1)), or
//! outside the domain where the bound is proved, go to the accurate path
//! ([`super::Market::price`]). The bound is first order: the products of two errors it leaves
//! out are below ε²·(1 + |x|)²/s² relative in the domain (s >= 1e-3, |x| <= 50), which the
//! one ulp of margin covers.

pub(crate) mod lanes;

use crate::fastmath;
use crate::inputs::Inputs;
use crate::normalised_black::{taylor_applies, taylor_scaled};
use lanes::FirstForms;

/// A fast row's guaranteed relative error: 32 ulps (7.1e-15). The accurate path stays within a
/// few ulps; at 32 the fast path takes about 91 % of ordinary rows (bench: spot and strike
/// 50-150, expiry 0.05-3 years, vol 5-80 %, calls and puts).
pub const MAX_REL_ERROR: f64 = 32.0 * f64::EPSILON;
/// Relative error of Cody's erfcx on (0.46875, 27], in ulps: measured 2.95 on 3,000 points
/// (the worst near y = 2.48), tested against mpmath below.
pub(crate) const ERFCX_ULPS: f64 = 3.5;
/// Relative error of Cody's erf on [-0.46875, 0.46875], in ulps: measured 1.93 on 1,000 points.
pub(crate) const ERF_ULPS: f64 = 2.5;
/// Relative error of `normalised_black::taylor_scaled` where `otm_black` uses it, in ulps
/// (measured under 1.2 there; the bound's mpmath test below covers this region).
const TAYLOR_ULPS: f64 = 2.0;
/// `fastmath`'s tested bounds (fastmath.rs: exp 0.511, ln 0.5001, exp_m1 0.583 ulp).
const EXP_ULPS: f64 = 0.52;
const LN_ULPS: f64 = 0.52;
const EXP_M1_ULPS: f64 = 0.6;

/// The domain of the bound. s >= 1e-3 and |x| <= 50 keep the common error of h below 1e-11
/// (second order negligible); |rate·expiry|, |dividend·expiry| <= 50 and the magnitudes within
/// 1e±250 keep every product and its error a normal double; |y| <= 27 is where erfcx is tested.
const MIN_TOTAL_VOL: f64 = 1e-3;
const MAX_TOTAL_VOL: f64 = 20.0;
const MAX_ABS_X: f64 = 50.0;
const MAX_RATE_TIME: f64 = 50.0;
const MIN_MAGNITUDE: f64 = 1e-250;
const MAX_MAGNITUDE: f64 = 1e250;
const MAX_ABS_Y: f64 = 27.0;

/// 1/√2 as a double-double.
const FRAC_1_SQRT_2_HI: f64 = std::f64::consts::FRAC_1_SQRT_2;
const FRAC_1_SQRT_2_LO: f64 = -4.833_646_656_726_457e-17;
const FRAC_1_SQRT_PI: f64 = 0.564_189_583_547_756_3;
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// The fast path's price of a row, when its bound proves it within [`MAX_REL_ERROR`].
pub(crate) fn price(inputs: &Inputs) -> Option<f64> {
    candidate(inputs)
        .filter(Candidate::is_accurate)
        .map(|c| c.price)
}

/// The fast formula's value and its error bound (absolute), whether or not the bound is small,
/// with the quantities the Greeks share (`crate::greeks`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub price: f64,
    pub bound: f64,
    /// σ√T and √T.
    pub total_vol: f64,
    pub sqrt_t: f64,
    /// d1, d2 (rounded).
    pub d1: f64,
    pub d2: f64,
    /// A Φ(θ d1) and B Φ(θ d2), each to a few ulps (neither cancels).
    pub a1: f64,
    pub a2: f64,
    /// A φ(d1) = B φ(d2).
    pub density: f64,
    /// Whether the price is the cancelling rows' form (Taylor series of Y(h+t) - Y(h-t)); the
    /// tests count it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub taylor: bool,
}

impl Candidate {
    /// Whether the bound proves the price within [`MAX_REL_ERROR`].
    pub fn is_accurate(&self) -> bool {
        self.bound <= MAX_REL_ERROR * self.price
    }
}

/// The fast formula and its bound (module note), or None outside the bound's domain.
pub(crate) fn candidate(inputs: &Inputs) -> Option<Candidate> {
    lanes::first_forms(&[*inputs]).candidate(0)
}

impl<const L: usize> FirstForms<L> {
    /// Lane `i` as a [`Candidate`]: the first form, or the second (the Taylor form) where the
    /// first's bound fails and the second's is smaller; None outside the domain.
    pub(crate) fn candidate(&self, i: usize) -> Option<Candidate> {
        if !self.ok[i] {
            return None;
        }
        let (mut price, mut bound, mut taylor) = (self.price[i], self.bound[i], false);
        if bound > MAX_REL_ERROR * price {
            if let Some((value, taylor_bound)) = self.taylor_form(i) {
                if taylor_bound < bound {
                    (price, bound, taylor) = (value, taylor_bound, true);
                }
            }
        }
        let (h, half) = (self.h[i], self.half[i]);
        Some(Candidate {
            price,
            bound,
            total_vol: self.total_vol[i],
            sqrt_t: self.sqrt_t[i],
            d1: h + half,
            d2: h - half,
            a1: self.a1[i],
            a2: self.a2[i],
            density: FRAC_1_SQRT_2PI * self.m1[i],
            taylor,
        })
    }

    /// The second form and its bound, where the Taylor series applies.
    ///
    /// Where the two terms cancel (out of the money, or the time value in the money): the
    /// out-of-the-money option is the shared mass times Jäckel's Y(h+t) - Y(h-t) (module note
    /// of `normalised_black`), summed as a Taylor series of positive terms where `otm_black`
    /// would use it, plus in the money the intrinsic value k(A - B) = B expm1(x) of the
    /// difference form. The mass is taken at the exact h + t of the doubles h, t (the y1_lo
    /// factor), so the out-of-the-money price is W(A, x̃) of the module note: A's and the
    /// mass's errors are relative, x̃'s is times its second term, B Φ(-|d2|) (B - T2 in the
    /// money).
    fn taylor_form(&self, i: usize) -> Option<(f64, f64)> {
        let (theta, h, x, half) = (self.theta[i], self.h[i], self.x[i], self.half[i]);
        let (a, b) = (self.a[i], self.b[i]);
        let in_the_money = theta * h > 0.0;
        let (h_otm, x_otm) = (-(theta * h).abs(), -(theta * x).abs());
        if !taylor_applies(x_otm, h_otm, half) {
            return None;
        }
        let mass = self.m1[i] * (1.0 - 2.0 * self.y1[i] * self.y1_lo[i]);
        let time_value = mass * FRAC_1_SQRT_2PI * taylor_scaled(h_otm, half);
        let t2 = self.a2[i];
        let otm_second = if in_the_money { b - t2 } else { t2 }.abs() + f64::EPSILON * b;
        let relative = self.alpha[i] + EXP_ULPS + 1.5 + 1.0 + 1.0 + TAYLOR_ULPS + 0.5;
        let time_value_err = relative * time_value + 1.01 * self.x_tilde_err[i] * otm_second;
        let (value, intrinsic_err) = if in_the_money {
            let intrinsic = (theta * b * fastmath::exp_m1(x)).abs();
            let err = (self.beta[i] + EXP_M1_ULPS + 0.5) * intrinsic + 1.01 * a * self.x_err[i];
            (intrinsic + time_value, err + 0.5 * (intrinsic + time_value))
        } else {
            (time_value, 0.0)
        };
        let taylor_bound =
            f64::EPSILON * (time_value_err + intrinsic_err + self.vol_err[i] + value);
        (value >= MIN_MAGNITUDE).then_some((value, taylor_bound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::black_scholes::{self, batch_price as batch_row};
    use crate::inputs::OptionKind;
    use crate::normal::{erf_small, erfcx_large};

    #[allow(clippy::all)]
    mod mpmath {
        include!("../../tests/data/bs_fast_mpmath.rs");
    }

    fn relative_ulps(got: f64, want: f64) -> f64 {
        (got - want).abs() / (want.abs() * f64::EPSILON)
    }

    #[test]
    fn erfcx_and_erf_are_within_the_bounds_the_guard_assumes() {
        let worst = |table: &[(f64, f64)], f: fn(f64) -> f64| {
            table
                .iter()
                .map(|&(x, want)| relative_ulps(f(x), want))
                .fold(0.0, f64::max)
        };
        // The reference is itself rounded (half an ulp): the functions' errors are at most
        // the measured distance plus that.
        let erfcx = worst(mpmath::ERFCX_DENSE, erfcx_large) + 0.5;
        let erf = worst(mpmath::ERF_SMALL_DENSE, erf_small) + 0.5;
        eprintln!("erfcx {erfcx:.2} ulps, erf {erf:.2} ulps (with the reference's rounding)");
        assert!(erfcx <= ERFCX_ULPS, "erfcx {erfcx} ulps");
        assert!(erf <= ERF_ULPS, "erf {erf} ulps");
    }

    fn inputs(row: &(bool, f64, f64, f64, f64, f64, f64, f64)) -> Inputs {
        let &(call, s, k, t, r, q, v, _) = row;
        let kind = if call {
            OptionKind::Call
        } else {
            OptionKind::Put
        };
        Inputs::new(kind, s, k, t, r, q, v).unwrap()
    }

    /// The bound holds on every row where the formula is evaluated, taken or not (the
    /// reference's own rounding, half an ulp, on top), and the table holds rows on both sides
    /// of the limit: just inside (bound between half the limit and the limit) and just
    /// outside (up to twice it).
    #[test]
    fn the_bound_holds_against_mpmath_on_both_sides_of_the_limit() {
        let (mut taken, mut inside, mut outside, mut refused, mut by_taylor) = (0, 0, 0, 0, 0);
        let mut tightest: f64 = 0.0;
        for row in mpmath::PRICES {
            let exact = row.7;
            let Some(c) = candidate(&inputs(row)) else {
                refused += 1;
                continue;
            };
            let error = (c.price - exact).abs();
            assert!(
                error <= c.bound + 0.5 * f64::EPSILON * exact,
                "{row:?}: fast {:e}, mpmath {exact:e}, error {error:e} > bound {:e}",
                c.price,
                c.bound
            );
            tightest = tightest.max(error / c.bound);
            let ratio = c.bound / (MAX_REL_ERROR * c.price);
            if ratio <= 1.0 {
                taken += 1;
                by_taylor += usize::from(c.taylor);
                assert!(error <= MAX_REL_ERROR * exact + 0.5 * f64::EPSILON * exact);
                if ratio > 0.5 {
                    inside += 1;
                }
            } else {
                refused += 1;
                if ratio <= 2.0 {
                    outside += 1;
                }
            }
        }
        eprintln!(
            "taken {taken} ({by_taylor} by the Taylor form), refused {refused}; just inside \
             {inside}, just outside {outside}; largest error/bound {tightest:.3}"
        );
        assert!(inside >= 100 && outside >= 100, "{inside} / {outside}");
        assert!(by_taylor >= 100, "{by_taylor}");
    }

    /// The batch answer of a refused row is the accurate path's, of a taken row the fast one.
    #[test]
    fn the_batch_takes_the_fast_path_exactly_where_the_bound_allows() {
        for row in mpmath::PRICES.iter().step_by(7) {
            let i = inputs(row);
            let fast = price(&i);
            let taken = candidate(&i).is_some_and(|c| c.is_accurate());
            assert_eq!(fast.is_some(), taken);
            let batch = batch_row(&i);
            match fast {
                Some(p) => assert_eq!(batch, p),
                None => assert_eq!(batch, black_scholes::price(&i)),
            }
        }
    }
}
