//! SSVI: one implied-variance surface for all expiries, free of calendar arbitrage.
//!
//! J. Gatheral and A. Jacquier, "Arbitrage-free SVI volatility surfaces", Quantitative Finance
//! 14(1) (2014), eq. (4.1), with the power-law `phi` of their eq. (4.5):
//! ```text
//! w(k, t) = theta_t / 2 (1 + rho phi k + sqrt((phi k + rho)^2 + 1 - rho^2)),
//! phi(theta) = eta / (theta^gamma (1 + theta)^(1 - gamma))
//! ```
//! `theta_t` is the at-the-money total variance of expiry `t`. The surface is free of calendar
//! spread arbitrage when `theta_t` is non-decreasing and `0 <= d(theta phi)/d theta <= (1 +
//! sqrt(1 - rho^2)) phi / rho^2` (Theorem 4.1), which the power law meets for `gamma` in
//! `(0, 1)`; of butterfly arbitrage when `theta phi (1 + |rho|) < 4` and `theta phi^2 (1 + |rho|)
//! <= 4` (Theorem 4.2). The fit keeps `eta (1 + |rho|) <= 2` and `gamma <= 1/2` (the power-law
//! case of their section 4) and checks Theorem 4.2's conditions at every fitted `theta`
//! (`butterfly_free`).
//!
//! # Fit
//! `theta_t` per expiry from the quotes nearest the money (linear in `k` through `k = 0`),
//! made non-decreasing in `t`; then `(rho, eta, gamma)` by Nelder-Mead on the implied-vol
//! least squares, in coordinates that keep `|rho| < 1`, `gamma` in `(0, 1/2]` and
//! `eta (1 + |rho|) <= 2`.

use crate::batch::{batch_len, Column, KindColumn};
use crate::errors::PricingError;
use crate::inputs::OptionKind;
use crate::svi::nelder_mead;

/// What [`fit`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct SsviFit {
    pub rho: f64,
    pub eta: f64,
    pub gamma: f64,
    /// `(expiry, theta)` per expiry, increasing in both.
    pub theta: Vec<(f64, f64)>,
    /// Root-mean-square implied-vol error over the quotes.
    pub rmse_vol: f64,
    /// Theorem 4.1's conditions (monotone `theta`, `gamma` in (0, 1)).
    pub calendar_free: bool,
    /// Theorem 4.2's conditions at every fitted `theta`.
    pub butterfly_free: bool,
}

/// Fewest quotes per expiry (two either side of the money are enough for `theta_t`).
pub const MIN_PER_EXPIRY: usize = 2;

/// `phi(theta)` of the power law.
pub fn phi(theta: f64, eta: f64, gamma: f64) -> f64 {
    eta / (theta.powf(gamma) * (1.0 + theta).powf(1.0 - gamma))
}

/// SSVI total variance at log-moneyness `k` for ATM total variance `theta`.
pub fn total_variance(k: f64, theta: f64, rho: f64, eta: f64, gamma: f64) -> f64 {
    let p = phi(theta, eta, gamma);
    let z = p * k + rho;
    0.5 * theta * (1.0 + rho * p * k + (z * z + 1.0 - rho * rho).sqrt())
}

fn coords_to_params(x: &[f64; 3]) -> (f64, f64, f64) {
    let rho = x[0].tanh() * 0.999;
    let gamma = 0.5 / (1.0 + (-x[2]).exp()); // (0, 1/2)
    let eta_max = 2.0 / (1.0 + rho.abs());
    let eta = eta_max / (1.0 + (-x[1]).exp()); // (0, eta_max)
    (rho, eta, gamma)
}

/// Fits SSVI to quotes over several expiries: `strike`, implied `vol`, `expiry` and that
/// expiry's `forward`, all of one length.
///
/// # Errors
/// Arrays of different lengths; a strike, vol, expiry or forward not finite and > 0 (named with
/// its index); an expiry with fewer than [`MIN_PER_EXPIRY`] quotes.
pub fn fit(
    strike: &[f64],
    vol: &[f64],
    expiry: &[f64],
    forward: &[f64],
) -> Result<SsviFit, PricingError> {
    let n = strike.len();
    for (name, len) in [
        ("vol", vol.len()),
        ("expiry", expiry.len()),
        ("forward", forward.len()),
    ] {
        if len != n {
            return Err(PricingError::Invalid {
                param: name.into(),
                rule: format!("has length {len} but strike has length {n}: the arrays must have the same length"),
            });
        }
    }
    let mut quotes = Vec::with_capacity(n);
    for i in 0..n {
        for (name, x) in [
            ("strike", strike[i]),
            ("vol", vol[i]),
            ("expiry", expiry[i]),
            ("forward", forward[i]),
        ] {
            if !(x > 0.0 && x.is_finite()) {
                return Err(PricingError::Invalid {
                    param: format!("{name}[{i}]"),
                    rule: format!("must be a finite number > 0 (got {x})"),
                });
            }
        }
        quotes.push((
            (strike[i] / forward[i]).ln(),
            vol[i] * vol[i] * expiry[i],
            expiry[i],
            vol[i],
        ));
    }
    let mut expiries: Vec<f64> = quotes.iter().map(|q| q.2).collect();
    expiries.sort_by(f64::total_cmp);
    expiries.dedup();
    // ATM total variance per expiry: the line through the two quotes nearest k = 0 on either
    // side (or the two nearest), evaluated at 0.
    let mut theta = Vec::with_capacity(expiries.len());
    for &t in &expiries {
        let mut slice: Vec<(f64, f64)> = quotes
            .iter()
            .filter(|q| q.2 == t)
            .map(|q| (q.0, q.1))
            .collect();
        if slice.len() < MIN_PER_EXPIRY {
            return Err(PricingError::Invalid {
                param: "expiry".into(),
                rule: format!(
                    "{t} has {} quote(s): each expiry needs at least {MIN_PER_EXPIRY}",
                    slice.len()
                ),
            });
        }
        slice.sort_by(|a, b| a.0.total_cmp(&b.0));
        let below = slice.iter().rev().find(|q| q.0 <= 0.0).copied();
        let above = slice.iter().find(|q| q.0 > 0.0).copied();
        let (a, b) = match (below, above) {
            (Some(a), Some(b)) => (a, b),
            _ => {
                let mut by_distance = slice.clone();
                by_distance.sort_by(|p, q| p.0.abs().total_cmp(&q.0.abs()));
                (by_distance[0], by_distance[1])
            }
        };
        let w0 = if b.0 == a.0 {
            0.5 * (a.1 + b.1)
        } else {
            a.1 + (b.1 - a.1) * (0.0 - a.0) / (b.0 - a.0)
        };
        theta.push((t, w0.max(1e-12)));
    }
    // Non-decreasing in t (no calendar arbitrage at the money).
    for i in 1..theta.len() {
        theta[i].1 = theta[i].1.max(theta[i - 1].1);
    }
    let theta_of = |t: f64| theta.iter().find(|p| p.0 == t).map_or(1e-12, |p| p.1);
    let objective = |x: [f64; 3]| -> f64 {
        let (rho, eta, gamma) = coords_to_params(&x);
        quotes
            .iter()
            .map(|&(k, _, t, v)| {
                let w = total_variance(k, theta_of(t), rho, eta, gamma);
                let e = (w.max(0.0) / t).sqrt() - v;
                e * e
            })
            .sum()
    };
    let mut best = ([0.0; 3], f64::INFINITY);
    for rho0 in [-0.7, -0.3, 0.0, 0.3] {
        for eta0 in [-1.0, 1.0] {
            let x0 = [(rho0 / 0.999f64).atanh(), eta0, 0.0];
            let (x, v) = nelder_mead(&objective, x0, [0.3, 0.5, 0.5]);
            if v < best.1 {
                best = (x, v);
            }
        }
    }
    let (rho, eta, gamma) = coords_to_params(&best.0);
    let rmse_vol = (best.1 / n as f64).sqrt();
    let calendar_free = theta.windows(2).all(|p| p[1].1 >= p[0].1) && gamma > 0.0 && gamma < 1.0;
    let butterfly_free = theta.iter().all(|&(_, th)| {
        let p = phi(th, eta, gamma);
        th * p * (1.0 + rho.abs()) < 4.0 && th * p * p * (1.0 + rho.abs()) <= 4.0
    });
    Ok(SsviFit {
        rho,
        eta,
        gamma,
        theta,
        rmse_vol,
        calendar_free,
        butterfly_free,
    })
}

/// [`fit`] on batch columns: each of `strike`, `vol`, `expiry`, `forward` a scalar (one value
/// for every quote) or one value per quote, the arrays of one length.
///
/// # Errors
/// Arrays of different lengths, then as [`fit`].
pub fn fit_columns(
    strike: Column<'_>,
    vol: Column<'_>,
    expiry: Column<'_>,
    forward: Column<'_>,
) -> Result<SsviFit, PricingError> {
    let named = [
        ("strike", strike),
        ("vol", vol),
        ("expiry", expiry),
        ("forward", forward),
    ];
    // No kind column here: a single kind adds no length of its own.
    let n = batch_len(&KindColumn::One(OptionKind::Call), &named)?;
    let [k, v, t, f] = named.map(|(_, c)| (0..n).map(|i| c.get(i)).collect::<Vec<f64>>());
    fit(&k, &v, &t, &f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_surface() {
        let (rho, eta, gamma) = (-0.6, 1.1, 0.4);
        let (mut k_, mut v_, mut t_, mut f_) = (vec![], vec![], vec![], vec![]);
        for (t, th) in [(0.1, 0.004), (0.5, 0.02), (1.0, 0.04), (2.0, 0.085)] {
            for i in 0..11 {
                let k = -0.4 + 0.08 * i as f64;
                let w = total_variance(k, th, rho, eta, gamma);
                k_.push(100.0 * f64::exp(k));
                v_.push((w / t).sqrt());
                t_.push(t);
                f_.push(100.0);
            }
        }
        let fit = fit(&k_, &v_, &t_, &f_).unwrap();
        assert!(
            (fit.rho - rho).abs() < 1e-6
                && (fit.eta - eta).abs() < 1e-5
                && (fit.gamma - gamma).abs() < 1e-5,
            "{fit:?}"
        );
        assert!(
            fit.rmse_vol < 1e-8 && fit.calendar_free && fit.butterfly_free,
            "{fit:?}"
        );
    }

    #[test]
    fn bad_input_is_named() {
        let e = fit(
            &[90.0, 110.0, 100.0],
            &[0.2, 0.2, 0.2],
            &[1.0, 1.0, 2.0],
            &[100.0; 3],
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("each expiry needs at least 2"),
            "{e}"
        );
        let e = fit(&[90.0, 110.0], &[0.2, 0.2], &[1.0, -1.0], &[100.0; 2]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expiry[1] must be a finite number > 0 (got -1)"
        );
    }
}
