//! Raw SVI smiles fitted to one expiry's implied vols, free of butterfly arbitrage.
//!
//! # Parameterisation
//! J. Gatheral, "A parsimonious arbitrage-free implied volatility parameterization with
//! application to the valuation of volatility derivatives", Global Derivatives (2004); J.
//! Gatheral and A. Jacquier, "Arbitrage-free SVI volatility surfaces", Quantitative Finance
//! 14(1) (2014), eq. (3.1): total implied variance `w(k) = sigma_BS(k)^2 T` at log-moneyness
//! `k = ln(K/F)` is
//! ```text
//! w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2))
//! ```
//! with `b >= 0`, `|rho| < 1`, `sigma > 0` and `a + b sigma sqrt(1 - rho^2) >= 0` (`w >= 0`).
//!
//! # Fit
//! The quasi-explicit method (Zeliade Systems, "Quasi-explicit calibration of Gatheral's SVI
//! model", white paper ZWP-0005, 2009): with `y = (k - m)/sigma`, `w = a + d y + c sqrt(y^2 + 1)`,
//! `c = b sigma`, `d = rho b sigma`, is linear in `(a, d, c)` for fixed `(m, sigma)`; its weighted
//! least squares is solved exactly on the domain `0 <= c <= 4 sigma`, `|d| <= c`,
//! `|d| <= 4 sigma - c` (which keeps Lee's moment bound on both wings) and
//! `max(-(c - |d|), -max w) <= a <= max w`. Zeliade's paper has `a >= 0`; the bound
//! `a >= -(c - |d|)` is the linear condition that keeps the smallest total variance,
//! `a + c sqrt(1 - rho^2)`, >= 0 (as `sqrt(c^2 - d^2) >= c - |d|`), and lets the fit reach the
//! negative `a` that steep short smiles need (Sepp's 13-day DAX smile); `a >= -max w` keeps it
//! from the degenerate parabola of a huge `sigma` with `a` and `b sigma` cancelling. It is
//! solved exactly by
//! checking the unconstrained optimum and the optimum on every face, edge and vertex the active
//! constraints can form. The outer problem over `(m, ln sigma)` is a Nelder-Mead search from
//! several starts. The objective adds a penalty on negative Durrleman `g` (below) on a grid over
//! the quotes' range, so the fit is free of butterfly arbitrage there whenever such a fit is
//! close: `min_g` in the result says whether it is.
//!
//! # Butterfly arbitrage
//! Gatheral & Jacquier (2014), Lemma 2.2 and eq. (2.1): the smile is free of butterfly
//! arbitrage iff the density is non-negative, i.e.
//! `g(k) = (1 - k w'/(2w))^2 - (w'^2/4)(1/w + 1/4) + w''/2 >= 0` for every `k` (and `w > 0`).

use crate::errors::PricingError;

/// Raw SVI parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Svi {
    pub a: f64,
    pub b: f64,
    pub rho: f64,
    pub m: f64,
    pub sigma: f64,
}

impl Svi {
    /// Total implied variance at log-moneyness `k`.
    pub fn w(&self, k: f64) -> f64 {
        let x = k - self.m;
        self.a + self.b * (self.rho * x + (x * x + self.sigma * self.sigma).sqrt())
    }

    /// `(w, w', w'')` at `k`.
    fn derivatives(&self, k: f64) -> (f64, f64, f64) {
        let x = k - self.m;
        let r = (x * x + self.sigma * self.sigma).sqrt();
        let w = self.a + self.b * (self.rho * x + r);
        let w1 = self.b * (self.rho + x / r);
        let w2 = self.b * self.sigma * self.sigma / (r * r * r);
        (w, w1, w2)
    }

    /// Durrleman's `g(k)`: negative where the smile has butterfly arbitrage (module docs);
    /// `-inf` where `w <= 0`.
    pub fn durrleman_g(&self, k: f64) -> f64 {
        let (w, w1, w2) = self.derivatives(k);
        if w <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let t = 1.0 - k * w1 / (2.0 * w);
        t * t - 0.25 * w1 * w1 * (1.0 / w + 0.25) + 0.5 * w2
    }
}

/// What [`fit`] returns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SviFit {
    pub params: Svi,
    /// Root-mean-square error of the fitted total variance (unweighted).
    pub rmse_w: f64,
    /// Root-mean-square implied-vol error, `sqrt(w/T)` against the quotes' vols.
    pub rmse_vol: f64,
    /// The smallest Durrleman `g` on [`G_GRID`] points over the quotes' log-moneyness range
    /// widened by half its width on each side: >= 0 means no butterfly arbitrage there.
    pub min_g: f64,
}

/// Points of the butterfly check.
pub const G_GRID: usize = 1001;
/// Weight of the butterfly penalty (the mean of `max(-g, 0)` over the grid) against the least
/// squares, which is scaled so that fitting a flat line scores 1: linear in `g`, so that even a
/// slightly negative density costs more than any plausible gain in fit.
const G_PENALTY: f64 = 1e3;
/// The penalty starts below this `g`, not at 0: between two grid points `g` can dip a little
/// under its values at them, and the margin keeps it positive there too.
const G_MARGIN: f64 = 1e-4;
/// Nelder-Mead: most evaluations per start, and the simplex size at which it stops.
const NM_MAX_EVALS: usize = 2000;
const NM_TOL: f64 = 1e-12;
/// Fewest quotes: five parameters.
pub const MIN_POINTS: usize = 5;
/// The linear constraints of the inner `(a, d, c)` problem (module docs).
const CONSTRAINTS: usize = 10;

/// Checks the fit's inputs; returns log-moneyness and total variance per quote.
fn points(
    strike: &[f64],
    vol: &[f64],
    weight: &[f64],
    expiry: f64,
    forward: f64,
) -> Result<(Vec<f64>, Vec<f64>), PricingError> {
    crate::errors::positive("expiry", expiry)?;
    crate::errors::positive("forward", forward)?;
    if strike.len() < MIN_POINTS {
        return Err(PricingError::Invalid {
            param: "strike".into(),
            rule: format!(
                "must hold at least {MIN_POINTS} quotes to fit five parameters (got {})",
                strike.len()
            ),
        });
    }
    for (name, len) in [("vol", vol.len()), ("weight", weight.len())] {
        if len != strike.len() {
            return Err(PricingError::Invalid {
                param: name.into(),
                rule: format!("has length {len} but strike has length {}: the arrays must have the same length", strike.len()),
            });
        }
    }
    let mut k = Vec::with_capacity(strike.len());
    let mut w = Vec::with_capacity(strike.len());
    for i in 0..strike.len() {
        let s = positive_at("strike", i, strike[i])?;
        let v = positive_at("vol", i, vol[i])?;
        if !(weight[i] >= 0.0 && weight[i].is_finite()) {
            return Err(PricingError::Invalid {
                param: format!("weight[{i}]"),
                rule: format!("must be a finite number >= 0 (got {})", weight[i]),
            });
        }
        k.push((s / forward).ln());
        w.push(v * v * expiry);
    }
    Ok((k, w))
}

fn positive_at(name: &str, i: usize, x: f64) -> Result<f64, PricingError> {
    if x > 0.0 && x.is_finite() {
        Ok(x)
    } else {
        Err(PricingError::Invalid {
            param: format!("{name}[{i}]"),
            rule: format!("must be a finite number > 0 (got {x})"),
        })
    }
}

#[allow(clippy::needless_range_loop)] // small matrices: index arithmetic reads best
/// The inner problem: the best `(a, d, c)` for fixed `(m, sigma)` on the Zeliade domain, and
/// its weighted squared error.
fn inner(k: &[f64], w: &[f64], wt: &[f64], m: f64, sigma: f64, w_max: f64) -> ([f64; 3], f64) {
    // Normal equations of min sum wt (a + d y + c z - w)^2 in the basis (1, y, z).
    let mut g = [[0.0; 3]; 3];
    let mut h = [0.0; 3];
    let basis: Vec<[f64; 3]> = k
        .iter()
        .map(|&ki| {
            let y = (ki - m) / sigma;
            [1.0, y, (y * y + 1.0).sqrt()]
        })
        .collect();
    for (i, f) in basis.iter().enumerate() {
        for p in 0..3 {
            h[p] += wt[i] * f[p] * w[i];
            for q in 0..3 {
                g[p][q] += wt[i] * f[p] * f[q];
            }
        }
    }
    let cost = |x: &[f64; 3]| -> f64 {
        basis
            .iter()
            .zip(w)
            .zip(wt)
            .map(|((f, wi), t)| {
                let e = x[0] * f[0] + x[1] * f[1] + x[2] * f[2] - wi;
                t * e * e
            })
            .sum()
    };
    // Constraints n . x <= r, in (a, d, c).
    let s4 = 4.0 * sigma;
    let cons: [([f64; 3], f64); CONSTRAINTS] = [
        ([0.0, 0.0, -1.0], 0.0),   // c >= 0
        ([0.0, 0.0, 1.0], s4),     // c <= 4 sigma
        ([0.0, 1.0, -1.0], 0.0),   // d <= c
        ([0.0, -1.0, -1.0], 0.0),  // -d <= c
        ([0.0, 1.0, 1.0], s4),     // d <= 4 sigma - c
        ([0.0, -1.0, 1.0], s4),    // -d <= 4 sigma - c
        ([-1.0, 1.0, -1.0], 0.0),  // a + c - d >= 0
        ([-1.0, -1.0, -1.0], 0.0), // a + c + d >= 0
        ([-1.0, 0.0, 0.0], w_max), // a >= -max w
        ([1.0, 0.0, 0.0], w_max),  // a <= max w
    ];
    let feasible = |x: &[f64; 3]| {
        cons.iter()
            .all(|(n, r)| n[0] * x[0] + n[1] * x[1] + n[2] * x[2] <= r + 1e-12 * (1.0 + r.abs()))
    };
    let mut best = ([0.0, 0.0, 0.0], f64::INFINITY);
    // Records `x` if it is feasible and better; returns whether it was feasible.
    let mut consider = |x: [f64; 3]| {
        let ok = x.iter().all(|v| v.is_finite()) && feasible(&x);
        if ok {
            let c = cost(&x);
            if c < best.1 {
                best = (x, c);
            }
        }
        ok
    };
    // Minimise the quadratic with the active constraints as equalities (KKT via a bordered
    // system): every subset of at most 3 constraints, the empty one first. The problem is
    // convex, so a feasible unconstrained minimum is the answer.
    let subsets = (0u32..1 << CONSTRAINTS).filter(|s| s.count_ones() <= 3);
    for set in subsets {
        let mut a = [[0.0; KKT]; KKT];
        let mut b = [0.0; KKT];
        for p in 0..3 {
            a[p][..3].copy_from_slice(&g[p]);
            b[p] = h[p];
        }
        let mut n = 3;
        for ci in (0..CONSTRAINTS).filter(|i| set & (1 << i) != 0) {
            for p in 0..3 {
                a[p][n] = cons[ci].0[p];
                a[n][p] = cons[ci].0[p];
            }
            b[n] = cons[ci].1;
            n += 1;
        }
        let accepted = solve_dense(&mut a, &mut b, n).is_some_and(|x| consider([x[0], x[1], x[2]]));
        if set == 0 && accepted {
            break;
        }
    }
    best
}

/// The largest KKT system: 3 unknowns and 3 active constraints.
const KKT: usize = 6;

/// Gaussian elimination with partial pivoting on the leading `n` x `n` block of a small dense
/// system (in place, no allocation: the SVI fit solves thousands of these).
#[allow(clippy::needless_range_loop)]
fn solve_dense(a: &mut [[f64; KKT]; KKT], b: &mut [f64; KKT], n: usize) -> Option<[f64; KKT]> {
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-14 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            for c in col..n {
                a[row][c] -= f * a[col][c];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; KKT];
    for row in (0..n).rev() {
        let mut s = b[row];
        for c in row + 1..n {
            s -= a[row][c] * x[c];
        }
        x[row] = s / a[row][row];
    }
    Some(x)
}

fn params_of(m: f64, sigma: f64, x: &[f64; 3]) -> Svi {
    let (a, d, c) = (x[0], x[1], x[2]);
    let b = c / sigma;
    let rho = if c > 0.0 {
        (d / c).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    Svi {
        a,
        b,
        rho,
        m,
        sigma,
    }
}

fn g_grid(k: &[f64]) -> Vec<f64> {
    let (lo, hi) = k
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
            (l.min(x), h.max(x))
        });
    let pad = 0.5 * (hi - lo).max(0.1);
    (0..G_GRID)
        .map(|i| lo - pad + (hi - lo + 2.0 * pad) * i as f64 / (G_GRID - 1) as f64)
        .collect()
}

/// Nelder-Mead on `f` from `x0` with initial steps `step` (J. A. Nelder and R. Mead, "A simplex
/// method for function minimization", Computer Journal 7 (1965), standard coefficients), in
/// `N` dimensions; stops when the simplex is smaller than [`NM_TOL`] or after [`NM_MAX_EVALS`].
pub(crate) fn nelder_mead<const N: usize>(
    f: &impl Fn([f64; N]) -> f64,
    x0: [f64; N],
    step: [f64; N],
) -> ([f64; N], f64) {
    let mut s: Vec<[f64; N]> = (0..=N)
        .map(|i| {
            let mut x = x0;
            if i > 0 {
                x[i - 1] += step[i - 1];
            }
            x
        })
        .collect();
    let mut v: Vec<f64> = s.iter().map(|x| f(*x)).collect();
    let mut evals = N + 1;
    while evals < NM_MAX_EVALS {
        let mut idx: Vec<usize> = (0..=N).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        s = idx.iter().map(|&i| s[i]).collect();
        v = idx.iter().map(|&i| v[i]).collect();
        let size = s[1..]
            .iter()
            .flat_map(|x| x.iter().zip(&s[0]).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if size < NM_TOL {
            break;
        }
        let mut c = [0.0; N];
        for x in &s[..N] {
            for d in 0..N {
                c[d] += x[d] / N as f64;
            }
        }
        let worst = s[N];
        let at = |t: f64| {
            let mut x = c;
            for d in 0..N {
                x[d] += t * (worst[d] - c[d]);
            }
            x
        };
        let xr = at(-1.0);
        let fr = f(xr);
        evals += 1;
        if fr < v[0] {
            let xe = at(-2.0);
            let fe = f(xe);
            evals += 1;
            (s[N], v[N]) = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < v[N - 1] {
            (s[N], v[N]) = (xr, fr);
        } else {
            let xc = if fr < v[N] { at(-0.5) } else { at(0.5) };
            let fc = f(xc);
            evals += 1;
            if fc < v[N].min(fr) {
                (s[N], v[N]) = (xc, fc);
            } else {
                let best = s[0];
                for i in 1..=N {
                    for d in 0..N {
                        s[i][d] = 0.5 * (best[d] + s[i][d]);
                    }
                    v[i] = f(s[i]);
                }
                evals += N;
            }
        }
    }
    let best = (0..=N).min_by(|&i, &j| v[i].total_cmp(&v[j])).unwrap_or(0);
    (s[best], v[best])
}

/// Fits raw SVI to one expiry's quotes: `strike`, implied `vol` (and `weight`, e.g. vega or
/// 1/spread^2) at `expiry` with the `forward`.
///
/// # Errors
/// `expiry`, `forward` > 0; at least [`MIN_POINTS`] quotes; every strike and vol finite and
/// > 0 (named with its index); weights finite and >= 0; arrays of one length.
pub fn fit(
    strike: &[f64],
    vol: &[f64],
    weight: &[f64],
    expiry: f64,
    forward: f64,
) -> Result<SviFit, PricingError> {
    let (k, w) = points(strike, vol, weight, expiry, forward)?;
    let w_max = w.iter().fold(0.0f64, |a, &b| a.max(b));
    let grid = g_grid(&k);
    let total_weight: f64 = weight.iter().sum::<f64>().max(1e-300);
    // The objective's scale: the squared error of fitting w by its mean, so the butterfly
    // penalty weighs the same for any level of variance.
    let mean = w.iter().zip(weight).map(|(a, b)| a * b).sum::<f64>() / total_weight;
    let scale = w
        .iter()
        .zip(weight)
        .map(|(a, b)| b * (a - mean) * (a - mean))
        .sum::<f64>()
        .max(1e-12 * mean * mean * total_weight)
        .max(1e-300);
    let objective = |p: [f64; 2]| -> f64 {
        let sigma = p[1].exp();
        if !sigma.is_finite() || sigma <= 0.0 {
            return f64::INFINITY;
        }
        let (x, c) = inner(&k, &w, weight, p[0], sigma, w_max);
        if !c.is_finite() {
            return f64::INFINITY;
        }
        let svi = params_of(p[0], sigma, &x);
        let penalty: f64 = grid
            .iter()
            .map(|&kk| (G_MARGIN - svi.durrleman_g(kk)).max(0.0))
            .map(|neg| if neg.is_finite() { neg } else { 1e3 })
            .sum();
        c / scale + G_PENALTY * penalty / G_GRID as f64
    };
    let (lo, hi) = k
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
            (l.min(x), h.max(x))
        });
    let width = (hi - lo).max(0.05);
    let mut best = ([0.0, 0.0], f64::INFINITY);
    for m0 in [lo + 0.25 * width, 0.5 * (lo + hi), lo + 0.75 * width] {
        for s0 in [0.05 * width, 0.2 * width, 0.6 * width] {
            let (x, v) = nelder_mead(&objective, [m0, s0.ln()], [0.1 * width, 0.5]);
            if v < best.1 {
                best = (x, v);
            }
        }
    }
    let (m, sigma) = (best.0[0], best.0[1].exp());
    let (x, _) = inner(&k, &w, weight, m, sigma, w_max);
    let params = params_of(m, sigma, &x);
    let n = k.len() as f64;
    let rmse_w = (k
        .iter()
        .zip(&w)
        .map(|(&ki, &wi)| (params.w(ki) - wi).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let rmse_vol = (k
        .iter()
        .zip(vol)
        .map(|(&ki, &vi)| ((params.w(ki).max(0.0) / expiry).sqrt() - vi).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let min_g = grid
        .iter()
        .map(|&kk| params.durrleman_g(kk))
        .fold(f64::INFINITY, f64::min);
    Ok(SviFit {
        params,
        rmse_w,
        rmse_vol,
        min_g,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vols(p: &Svi, strikes: &[f64], t: f64, f: f64) -> Vec<f64> {
        strikes
            .iter()
            .map(|k| (p.w((k / f).ln()) / t).sqrt())
            .collect()
    }

    #[test]
    fn recovers_an_arbitrage_free_slice() {
        // Gatheral & Jacquier (2014), section 5's SPX-like raw SVI slice shape.
        let truth = Svi {
            a: 0.04,
            b: 0.4,
            rho: -0.4,
            m: 0.05,
            sigma: 0.2,
        };
        let (t, f) = (1.0, 100.0);
        let strikes: Vec<f64> = (0..21).map(|i| 50.0 + 5.0 * i as f64).collect();
        let v = vols(&truth, &strikes, t, f);
        let fit = fit(&strikes, &v, &vec![1.0; strikes.len()], t, f).unwrap();
        let p = fit.params;
        for (got, want) in [
            (p.a, truth.a),
            (p.b, truth.b),
            (p.rho, truth.rho),
            (p.m, truth.m),
            (p.sigma, truth.sigma),
        ] {
            assert!((got - want).abs() < 1e-6, "{fit:?}");
        }
        assert!(fit.rmse_vol < 1e-9 && fit.min_g >= 0.0, "{fit:?}");
    }

    #[test]
    fn durrleman_g_flags_a_known_arbitrage() {
        // Gatheral & Jacquier (2014), Example 3.1 (Axel Vogt's slice): butterfly arbitrage.
        let vogt = Svi {
            a: -0.0410,
            b: 0.1331,
            rho: 0.3060,
            m: 0.3586,
            sigma: 0.4153,
        };
        let min = (0..400)
            .map(|i| vogt.durrleman_g(-1.5 + 3.0 * i as f64 / 399.0))
            .fold(f64::INFINITY, f64::min);
        assert!(min < 0.0, "{min}");
    }

    #[test]
    fn a_slice_with_arbitrage_is_fitted_without_it() {
        let vogt = Svi {
            a: -0.0410,
            b: 0.1331,
            rho: 0.3060,
            m: 0.3586,
            sigma: 0.4153,
        };
        let strikes: Vec<f64> = (0..25).map(|i| 40.0 + 5.0 * i as f64).collect();
        let v = vols(&vogt, &strikes, 1.0, 100.0);
        let fit = fit(&strikes, &v, &vec![1.0; strikes.len()], 1.0, 100.0).unwrap();
        assert!(fit.min_g >= 0.0, "{fit:?}");
        // Close to the quotes without the arbitrage (a >= 0 in the fit's domain; Vogt's a < 0).
        assert!(fit.rmse_vol < 0.02, "{fit:?}");
    }

    #[test]
    fn bad_input_is_named() {
        let e = fit(&[90.0, 100.0], &[0.2, 0.2], &[1.0, 1.0], 1.0, 100.0).unwrap_err();
        assert!(e.to_string().contains("at least 5 quotes"));
        let s = [80.0, 90.0, 100.0, 110.0, 120.0];
        let e = fit(&s, &[0.2, 0.2, -0.2, 0.2, 0.2], &[1.0; 5], 1.0, 100.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "vol[2] must be a finite number > 0 (got -0.2)"
        );
    }
}
