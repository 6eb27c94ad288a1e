//! Rough Heston calibration: the six parameters (Heston's five and the Hurst exponent) that
//! best reprice a set of option quotes.
//!
//! The objective is the Heston fit's ([`super`]): weighted least squares on implied-vol
//! residuals, the same surface checks, the same Levenberg-Marquardt (Madsen, Nielsen & Tingleff
//! 2004, Algorithm 3.16) in unconstrained coordinates, with `hurst = 1/(2 (1 + e^-x))` inside
//! (0, 1/2). The prices are [`crate::rough_heston::prices_at_expiry`]'s (the fractional Adams
//! scheme with its Richardson companion, one set of Fourier nodes per expiry shared by its
//! strikes) at `steps` Adams steps; the Jacobian is by forward differences of those prices
//! (the scheme at fixed steps is a smooth function of the parameters, so differences of
//! [`DIFF_STEP`] are accurate to about 1e-8 of the gradient).
//!
//! # Start
//! Without `initial`: the Heston fit's starting point ([`super::starting_point`]: `v0`,
//! `theta` from the implied variances nearest the money, the best of a grid over
//! `kappa, xi, rho`), then the best of [`START_HURSTS`] for it.

use super::{levenberg_marquardt, norm2, starting_point, Quote, Surface};
use crate::errors::PricingError;
use crate::implied_vol;
use crate::inputs::OptionKind;
use crate::monte_carlo::HestonParams;
use crate::rough_heston::{self, RoughParams};

/// Adams steps of the fit's pricer by default: with the Richardson companion, within about
/// 1e-8 of the spot of the converged price on `rough_heston`'s test cases, well below what a
/// market's quotes resolve.
pub const CALIBRATION_STEPS: usize = 100;
/// Most Levenberg-Marquardt iterations.
pub const MAX_ITERATIONS: usize = 100;
/// Converged when a step moves no coordinate by more than this (relative, plus it absolutely).
pub const STEP_TOL: f64 = 1e-8;
/// Forward-difference step in the unconstrained coordinates.
const DIFF_STEP: f64 = 1e-6;
/// The fields of a `calibrate_rough_heston` request: `calibrate_heston`'s and `steps`.
pub const FIELDS: [&str; 10] = [
    "spot", "rate", "dividend", "kind", "strike", "expiry", "price", "weight", "initial", "steps",
];
/// The fields of `initial`.
pub const INITIAL_FIELDS: [&str; 6] = ["v0", "kappa", "theta", "xi", "rho", "hurst"];
/// Fewest quotes: six parameters need at least as many equations.
pub const MIN_QUOTES: usize = 6;
/// The Hurst exponents tried for the start.
const START_HURSTS: [f64; 5] = [0.05, 0.1, 0.2, 0.3, 0.45];
/// The largest Hurst exponent the coordinates reach exactly: `1/2` is at infinity.
const MAX_HURST: f64 = 0.5 - 1e-9;

/// What [`calibrate`] returns (as [`super::Calibration`], with the Hurst exponent).
#[derive(Debug, Clone, PartialEq)]
pub struct RoughCalibration {
    pub model: RoughParams,
    pub rmse_vol: f64,
    pub rmse_price: f64,
    pub iterations: usize,
    pub converged: bool,
    pub feller: bool,
    pub model_prices: Vec<f64>,
    pub message: &'static str,
    pub steps: usize,
}

fn to_x(p: &RoughParams) -> [f64; 6] {
    let h = super::to_x(&p.heston);
    let two_h = (2.0 * p.hurst.min(MAX_HURST)).max(1e-12);
    [h[0], h[1], h[2], h[3], h[4], (two_h / (1.0 - two_h)).ln()]
}

fn from_x(x: &[f64; 6]) -> RoughParams {
    RoughParams {
        heston: super::from_x(&[x[0], x[1], x[2], x[3], x[4]]),
        hurst: 0.5 / (1.0 + (-x[5].clamp(-700.0, 700.0)).exp()),
    }
}

impl Surface {
    /// Prices every quote under `p` at `steps` Adams steps into `out` (NaN for an expiry where
    /// the scheme is unstable: a trial set the fit then rejects).
    fn rough_prices(&self, p: &RoughParams, steps: usize, out: &mut [f64]) {
        for (t, idx) in &self.expiries {
            let options: Vec<(OptionKind, f64)> = idx
                .iter()
                .map(|&i| (self.quotes[i].kind, self.quotes[i].strike))
                .collect();
            let mut prices = vec![0.0; idx.len()];
            let (rate, dividend) = self.market_of(idx);
            let ok = rough_heston::prices_at_expiry(
                self.spot,
                rate,
                dividend,
                *t,
                p,
                &options,
                steps,
                &mut prices,
            );
            for (j, &i) in idx.iter().enumerate() {
                out[i] = if ok.is_ok() { prices[j] } else { f64::NAN };
            }
        }
    }
}

/// Fits rough Heston's six parameters to `quotes` on `spot` with `steps` Adams steps (module
/// docs).
///
/// # Errors
/// The Heston fit's input rules ([`super::calibrate`]), at least [`MIN_QUOTES`] quotes, an
/// `initial` set breaking the rough Heston rules, `steps` outside `[1, MAX_STEPS]`. A fit that
/// does not converge is not an error: `converged` is false and `message` says why.
pub fn calibrate(
    spot: f64,
    quotes: &[Quote],
    initial: Option<RoughParams>,
    steps: usize,
) -> Result<RoughCalibration, PricingError> {
    rough_heston::check_steps(steps)?;
    if quotes.len() < MIN_QUOTES {
        return Err(PricingError::Invalid {
            param: "price".into(),
            rule: format!(
                "must hold at least {MIN_QUOTES} quotes to fit six parameters (got {})",
                quotes.len()
            ),
        });
    }
    let s = super::surface(spot, quotes)?;
    let n = quotes.len();
    let (mut prices, mut r) = (vec![0.0; n], vec![0.0; n]);
    let start = match initial {
        Some(p) => p.validate()?,
        None => {
            let heston: HestonParams = starting_point(&s);
            let mut best = (f64::INFINITY, START_HURSTS[0]);
            for hurst in START_HURSTS {
                s.rough_prices(&RoughParams { heston, hurst }, steps, &mut prices);
                s.scaled(&prices, &mut r);
                let cost = norm2(&r);
                if cost < best.0 {
                    best = (cost, hurst);
                }
            }
            RoughParams {
                heston,
                hurst: best.1,
            }
        }
    };
    let mut base = vec![0.0; n];
    let mut bumped = vec![0.0; n];
    let mut jac_prices = vec![0.0; n];
    let fit = levenberg_marquardt(
        to_x(&start),
        n,
        MAX_ITERATIONS,
        STEP_TOL,
        usize::MAX,
        |x, r| {
            s.rough_prices(&from_x(x), steps, &mut prices);
            s.scaled(&prices, r);
        },
        |x, jac| {
            s.rough_prices(&from_x(x), steps, &mut jac_prices);
            s.scaled(&jac_prices, &mut base);
            for p in 0..6 {
                let mut y = *x;
                let d = DIFF_STEP * (1.0 + x[p].abs());
                y[p] += d;
                s.rough_prices(&from_x(&y), steps, &mut jac_prices);
                s.scaled(&jac_prices, &mut bumped);
                for i in 0..n {
                    jac[i][p] = (bumped[i] - base[i]) / d;
                }
            }
        },
    );
    let model = from_x(&fit.x);
    let mut model_prices = vec![0.0; n];
    s.rough_prices(&model, steps, &mut model_prices);
    let (mut se_price, mut se_vol, mut n_vol) = (0.0, 0.0, 0usize);
    for (i, q) in quotes.iter().enumerate() {
        let p = model_prices[i];
        se_price += (p - q.price) * (p - q.price);
        if let Ok(v) =
            implied_vol::implied_vol(q.kind, p, spot, q.strike, q.expiry, q.rate, q.dividend)
        {
            se_vol += (v - s.market_vol[i]) * (v - s.market_vol[i]);
            n_vol += 1;
        }
    }
    let h = model.heston;
    Ok(RoughCalibration {
        model,
        rmse_vol: if n_vol > 0 {
            (se_vol / n_vol as f64).sqrt()
        } else {
            f64::NAN
        },
        rmse_price: (se_price / n as f64).sqrt(),
        iterations: fit.iterations,
        converged: fit.converged,
        feller: 2.0 * h.kappa * h.theta >= h.xi * h.xi,
        model_prices,
        message: fit.message,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A surface priced by the rough pricer at many more steps than the fit uses (so the fit
    /// does not see its own discretisation).
    fn surface_of(p: RoughParams) -> Vec<Quote> {
        let mut quotes = Vec::new();
        for t in [0.1, 0.25, 0.5, 1.0, 2.0] {
            for k in [80.0, 90.0, 95.0, 100.0, 105.0, 110.0, 120.0] {
                let kind = if k < 100.0 {
                    OptionKind::Put
                } else {
                    OptionKind::Call
                };
                let price = rough_heston::price(kind, 100.0, k, t, 0.02, 0.01, p, 1600).unwrap();
                quotes.push(Quote {
                    kind,
                    strike: k,
                    expiry: t,
                    price,
                    weight: 1.0,
                    rate: 0.02,
                    dividend: 0.01,
                });
            }
        }
        quotes
    }

    #[test]
    fn recovers_the_parameters_of_a_finer_surface() {
        for p in [
            RoughParams {
                heston: HestonParams {
                    v0: 0.04,
                    kappa: 1.0,
                    theta: 0.05,
                    xi: 0.4,
                    rho: -0.7,
                },
                hurst: 0.1,
            },
            RoughParams {
                heston: HestonParams {
                    v0: 0.02,
                    kappa: 2.0,
                    theta: 0.04,
                    xi: 0.6,
                    rho: -0.5,
                },
                hurst: 0.3,
            },
        ] {
            let t0 = std::time::Instant::now();
            let fit = calibrate(100.0, &surface_of(p), None, CALIBRATION_STEPS).unwrap();
            println!("{:?} {:?}", t0.elapsed(), fit);
            let m = fit.model;
            assert!(fit.converged, "{p:?}: {fit:?}");
            for (got, want) in [
                (m.heston.v0, p.heston.v0),
                (m.heston.kappa, p.heston.kappa),
                (m.heston.theta, p.heston.theta),
                (m.heston.xi, p.heston.xi),
                (m.hurst, p.hurst),
            ] {
                assert!((got / want - 1.0).abs() < 1e-3, "{p:?}: {fit:?}");
            }
            assert!((m.heston.rho - p.heston.rho).abs() < 1e-3, "{p:?}: {fit:?}");
        }
    }

    #[test]
    fn bad_input_is_named() {
        let p = RoughParams {
            heston: HestonParams {
                v0: 0.04,
                kappa: 1.0,
                theta: 0.05,
                xi: 0.4,
                rho: -0.7,
            },
            hurst: 0.1,
        };
        let q = surface_of(p);
        let e = calibrate(100.0, &q[..5], None, 100)
            .unwrap_err()
            .to_string();
        assert!(e.contains("at least 6 quotes"), "{e}");
        let e = calibrate(100.0, &q, None, 0).unwrap_err().to_string();
        assert!(e.contains("steps"), "{e}");
        let bad = RoughParams { hurst: 0.7, ..p };
        let e = calibrate(100.0, &q, Some(bad), 100)
            .unwrap_err()
            .to_string();
        assert!(e.contains("hurst"), "{e}");
    }
}
