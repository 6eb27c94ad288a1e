//! The forward and discount factor of one expiry from its option quotes, by put-call parity.
//!
//! For European options on one underlying and expiry, `C(K) - P(K) = D (F - K)` at every strike
//! (R. C. Merton, "Theory of rational option pricing", Bell Journal of Economics and Management
//! Science 4(1), 1973, section 3; with a dividend yield or discrete dividends alike, `F` being the
//! forward). So the points `(K, C - P)` over the strikes quoted on both sides lie on a line of
//! slope `-D` and intercept `D F`.
//!
//! Market quotes are noisy, and a stale or mis-keyed quote can be far off, so the line is fitted
//! in two passes:
//! 1. the least-median-of-squares line (P. J. Rousseeuw, "Least median of squares regression",
//!    Journal of the American Statistical Association 79 (1984), pp. 871-880), searched over
//!    the lines through every two points: up to half the points can be arbitrarily wrong
//!    without moving it far;
//! 2. ordinary least squares over the points whose residual from that line is within
//!    [`OUTLIER_MADS`] median absolute deviations (plus a rounding allowance), so the quotes
//!    that agree are used at full efficiency.
//!
//! With the discount factor given (a known rate), the slope is fixed: the first pass is the
//! median of `C - P + D K`, the second its mean over the points kept.

use crate::errors::PricingError;

/// Pairs whose residual from the robust line exceeds this many median absolute deviations are
/// left out of the final fit (about 3.4 standard deviations of normal noise: 1 MAD ~ 0.674 sd).
pub const OUTLIER_MADS: f64 = 5.0;
/// Allowance, relative to the largest `|C - P| + 1`, added to the outlier threshold: exact
/// quotes have a MAD of rounding size, which must not make every point an outlier.
const ROUNDING_ALLOWANCE: f64 = 1e-9;
/// Fewest strikes quoted on both sides.
pub const MIN_PAIRS: usize = 2;
/// Most quotes: the first pass looks at every two points and takes a median for each, `O(n^3)`
/// (a chain's expiry has tens to a few hundred strikes).
pub const MAX_QUOTES: usize = 1000;

/// A fitted expiry.
#[derive(Debug, Clone, PartialEq)]
pub struct ParityFit {
    pub forward: f64,
    pub discount: f64,
    /// Strikes quoted on both sides, and how many of them the final fit used.
    pub pairs: usize,
    pub used_pairs: usize,
    /// Per input row: whether it is a pair the final fit used.
    pub used: Vec<bool>,
}

fn invalid(param: &'static str, rule: String) -> PricingError {
    PricingError::Invalid {
        param: param.into(),
        rule,
    }
}

/// The median of `v` (the mean of the middle two for an even length); reorders `v`.
fn median(v: &mut [f64]) -> f64 {
    let n = v.len();
    let (_, upper, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        return upper;
    }
    let lower = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    0.5 * (lower + upper)
}

/// `(intercept, slope)` of the least-median-of-squares line through `(x, y)` (module docs); with
/// `slope` given, the median intercept.
fn robust_line(x: &[f64], y: &[f64], slope: Option<f64>) -> (f64, f64) {
    let mut scratch = vec![0.0; x.len()];
    if let Some(b) = slope {
        for ((s, &xi), &yi) in scratch.iter_mut().zip(x).zip(y) {
            *s = yi - b * xi;
        }
        return (median(&mut scratch), b);
    }
    let mut best = (f64::INFINITY, 0.0, 0.0);
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            if x[j] == x[i] {
                continue;
            }
            let b = (y[j] - y[i]) / (x[j] - x[i]);
            let a = y[i] - b * x[i];
            for ((s, &xk), &yk) in scratch.iter_mut().zip(x).zip(y) {
                let e = yk - a - b * xk;
                *s = e * e;
            }
            let score = median(&mut scratch);
            if score < best.0 {
                best = (score, a, b);
            }
        }
    }
    (best.1, best.2)
}

/// Ordinary least squares `y = a + b x` over the points `keep` (the slope fixed if given).
fn least_squares(x: &[f64], y: &[f64], keep: &[usize], slope: Option<f64>) -> (f64, f64) {
    let n = keep.len() as f64;
    let mx = keep.iter().map(|&i| x[i]).sum::<f64>() / n;
    let my = keep.iter().map(|&i| y[i]).sum::<f64>() / n;
    let b = slope.unwrap_or_else(|| {
        let sxy: f64 = keep.iter().map(|&i| (x[i] - mx) * (y[i] - my)).sum();
        let sxx: f64 = keep.iter().map(|&i| (x[i] - mx).powi(2)).sum();
        sxy / sxx
    });
    (my - b * mx, b)
}

/// The forward and discount factor of one expiry from call and put prices per strike (module
/// docs). `call[i]`, `put[i]`: the prices at `strike[i]`, NaN where that side is not quoted;
/// `discount`: the discount factor if known (then only the forward is fitted).
///
/// # Errors
/// Arrays of different lengths or more than [`MAX_QUOTES`]; a strike not finite and > 0; a
/// price not NaN, finite and >= 0; `discount` not finite and > 0; fewer than [`MIN_PAIRS`]
/// distinct strikes quoted on both sides; quotes whose parity line implies `D <= 0` or `F <= 0`.
pub fn parity_forward(
    strike: &[f64],
    call: &[f64],
    put: &[f64],
    discount: Option<f64>,
) -> Result<ParityFit, PricingError> {
    let n = strike.len();
    for (name, len) in [("call", call.len()), ("put", put.len())] {
        if len != n {
            return Err(invalid(
                name,
                format!("must have one price per strike ({n}); got {len}"),
            ));
        }
    }
    if n > MAX_QUOTES {
        return Err(invalid(
            "strike",
            format!("must have at most {MAX_QUOTES} quotes; got {n}"),
        ));
    }
    for &k in strike {
        crate::errors::positive("strike", k)?;
    }
    for (name, prices) in [("call", call), ("put", put)] {
        if let Some(p) = prices
            .iter()
            .find(|p| !(p.is_nan() || (p.is_finite() && **p >= 0.0)))
        {
            return Err(invalid(
                name,
                format!("prices must be finite and >= 0, or NaN where not quoted; got {p}"),
            ));
        }
    }
    if let Some(d) = discount {
        crate::errors::positive("discount", d)?;
    }
    let rows: Vec<usize> = (0..n)
        .filter(|&i| !call[i].is_nan() && !put[i].is_nan())
        .collect();
    let x: Vec<f64> = rows.iter().map(|&i| strike[i]).collect();
    let y: Vec<f64> = rows.iter().map(|&i| call[i] - put[i]).collect();
    let distinct = {
        let mut s = x.clone();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s.len()
    };
    if distinct < MIN_PAIRS {
        return Err(invalid(
            "strike",
            format!(
                "must have at least {MIN_PAIRS} distinct strikes quoted with both a call and a \
                 put price; got {distinct}"
            ),
        ));
    }
    let slope = discount.map(|d| -d);
    let (a, b) = robust_line(&x, &y, slope);
    let residuals: Vec<f64> = x.iter().zip(&y).map(|(xi, yi)| yi - (a + b * xi)).collect();
    let mad = median(&mut residuals.iter().map(|e| e.abs()).collect::<Vec<_>>());
    let level = y.iter().fold(0.0f64, |m, v| m.max(v.abs())) + 1.0;
    let threshold = OUTLIER_MADS * mad + ROUNDING_ALLOWANCE * level;
    let mut keep: Vec<usize> = (0..x.len())
        .filter(|&i| residuals[i].abs() <= threshold)
        .collect();
    let kept_strikes = {
        let mut s: Vec<f64> = keep.iter().map(|&i| x[i]).collect();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s.len()
    };
    let (a, b) = if kept_strikes >= MIN_PAIRS || (slope.is_some() && !keep.is_empty()) {
        least_squares(&x, &y, &keep, slope)
    } else {
        keep = (0..x.len()).collect();
        (a, b)
    };
    let d = -b;
    let forward = a / d;
    if !(d.is_finite() && d > 0.0 && forward.is_finite() && forward > 0.0) {
        return Err(invalid(
            "call",
            format!(
                "and put prices imply a discount factor {d} and a forward {forward} by put-call \
                 parity (C - P = D (F - K)); both must be > 0 (C - P must fall as the strike rises)"
            ),
        ));
    }
    let mut used = vec![false; n];
    for &i in &keep {
        used[rows[i]] = true;
    }
    Ok(ParityFit {
        forward,
        discount: d,
        pairs: x.len(),
        used_pairs: keep.len(),
        used,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact parity quotes: `C - P = D (F - K)`, each side with a time value of at least 1.
    fn quotes(f: f64, d: f64, strikes: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let put: Vec<f64> = strikes
            .iter()
            .map(|k| (d * (k - f)).max(0.0) + 1.0 + 0.01 * k)
            .collect();
        let call = strikes
            .iter()
            .zip(&put)
            .map(|(k, p)| p + d * (f - k))
            .collect();
        (call, put)
    }

    #[test]
    fn recovers_an_exact_forward_and_discount() {
        let strikes: Vec<f64> = (0..11).map(|i| 80.0 + 4.0 * f64::from(i)).collect();
        let (call, put) = quotes(101.3, 0.97, &strikes);
        let fit = parity_forward(&strikes, &call, &put, None).unwrap();
        assert!((fit.forward - 101.3).abs() < 1e-12 * 101.3, "{fit:?}");
        assert!((fit.discount - 0.97).abs() < 1e-13, "{fit:?}");
        assert_eq!((fit.pairs, fit.used_pairs), (11, 11));
    }

    #[test]
    fn a_mis_keyed_quote_is_left_out() {
        let strikes: Vec<f64> = (0..9).map(|i| 90.0 + 2.5 * f64::from(i)).collect();
        let (mut call, put) = quotes(100.0, 0.99, &strikes);
        call[3] += 2.0; // a stale call
        let fit = parity_forward(&strikes, &call, &put, None).unwrap();
        assert!((fit.forward - 100.0).abs() < 1e-10, "{fit:?}");
        assert!(!fit.used[3] && fit.used_pairs == 8, "{fit:?}");
    }

    #[test]
    fn a_known_discount_fixes_the_slope() {
        let strikes = [95.0, 100.0, 105.0];
        let (call, put) = quotes(102.0, 0.95, &strikes);
        let fit = parity_forward(&strikes, &call, &put, Some(0.95)).unwrap();
        assert!((fit.forward - 102.0).abs() < 1e-12 * 102.0, "{fit:?}");
        assert_eq!(fit.discount, 0.95);
    }

    #[test]
    fn one_sided_strikes_are_not_pairs() {
        let strikes = [90.0, 95.0, 100.0, 105.0];
        let (mut call, mut put) = quotes(100.0, 1.0, &strikes);
        call[0] = f64::NAN;
        put[3] = f64::NAN;
        let fit = parity_forward(&strikes, &call, &put, None).unwrap();
        assert_eq!(fit.pairs, 2);
        assert_eq!(fit.used, vec![false, true, true, false]);
        call[1] = f64::NAN;
        let e = parity_forward(&strikes, &call, &put, None).unwrap_err();
        assert!(
            e.to_string().starts_with("strike must have at least 2"),
            "{e}"
        );
    }

    #[test]
    fn bad_input_names_its_parameter() {
        let e = parity_forward(&[100.0, 110.0], &[1.0], &[1.0, 2.0], None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "call must have one price per strike (2); got 1"
        );
        let e = parity_forward(&[100.0, 110.0], &[1.0, -1.0], &[1.0, 2.0], None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("call prices must be finite and >= 0"),
            "{e}"
        );
        let e = parity_forward(&[100.0, 110.0], &[1.0, 2.0], &[1.0, 2.0], Some(0.0)).unwrap_err();
        assert!(e.to_string().starts_with("discount must be > 0"), "{e}");
        // C - P rising with the strike: no positive discount factor.
        let e = parity_forward(&[100.0, 110.0], &[1.0, 5.0], &[1.0, 1.0], None).unwrap_err();
        assert!(e.to_string().contains("both must be > 0"), "{e}");
    }
}
