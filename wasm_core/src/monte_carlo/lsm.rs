//! Early exercise by least-squares regression: F. A. Longstaff and E. S. Schwartz, "Valuing
//! American options by simulation: a simple least-squares approach", Review of Financial
//! Studies 14(1) (2001), pp. 113-147.
//!
//! Two phases, so that the price is an honest **lower bound** with an ordinary standard error
//! (P. Glasserman, "Monte Carlo Methods in Financial Engineering", 2003, section 8.6: a stopping
//! rule estimated on independent paths is a feasible, hence sub-optimal, exercise policy):
//!
//! 1. [`train`]: [`training_paths`] paths from their own random streams
//!    ([`super::rng::TRAINING_DOMAIN`]) and backward induction. At each exercise date before
//!    expiry, the discounted cash flows of the in-the-money paths are regressed on a basis of
//!    the state; where the intrinsic value exceeds the fitted continuation value the path
//!    exercises (Longstaff & Schwartz's algorithm, section 1). The fits are kept.
//! 2. The priced samples (`path_payoff.rs`) exercise at the first date where the intrinsic value
//!    is positive and exceeds the fitted continuation value, else at expiry. Each sample's
//!    payoff depends only on its own stream and the fits, so blocks split among workers as for
//!    every other payoff.
//!
//! # From Bermudan to American
//! A Bermudan exercisable at `n` evenly spaced dates is worth less than the American by
//! `c / n + O(n^-2)` (the exercise boundary is a smooth curve, and the value lost by waiting for
//! the next date is first order in the spacing: e.g. Longstaff & Schwartz's put `S = K = 40`,
//! `r = 0.06`, `vol = 0.4`, `T = 2` has `n (A - B_n)` = 0.623, 0.640, 0.648, 0.664 at `n` = 10,
//! 73, 365, 730 by QuantLib's finite differences). So payoff `american` prices, on the same
//! paths, the Bermudan with a date at every step (`n` = `steps`) and at every other step, and
//! records the Richardson extrapolation `2 B_n - B_(n/2)` per sample (the two-point form of the
//! extrapolation in the number of exercise dates of R. Geske and H. E. Johnson, "The American
//! put option valued analytically", Journal of Finance 39(5), 1984). The estimate is no longer a lower bound;
//! `bermudan` with `exercise_dates = steps` is (the docs say so).
//!
//! Basis: with `z` the log-moneyness `ln(S_t/K)` standardised over the date's in-the-money paths,
//! `1, z, z^2, z^3` (Longstaff & Schwartz use three polynomials of the spot besides the constant);
//! Heston and rough Heston add the standardised variance `y`: `y, y^2, z y`. Every model adds `e`,
//! the standardised value of the European option on the remaining life (Black-Scholes-Merton at
//! the model's volatility; under Heston-type models at the root of the expected mean variance
//! `theta + (V_t - theta)(1 - e^{-kappa tau}) / (kappa tau)`): the continuation value is close to
//! it, so a few coefficients fit it far better than polynomials alone (the "European price as a
//! basis function" of Glasserman 2003, section 8.6.2). The normal equations are solved by Cholesky
//! with a relative ridge of [`RIDGE`] (the standardised basis keeps them well conditioned; the
//! ridge only guards degenerate dates, e.g. zero volatility).
//!
//! # The regression's control (GBM)
//! The regressed cash flow `Y` of a path (its discounted payoff at its exercise time `tau`) is
//! noisy; `M_tau - M_t`, with `M_u` the discounted European price on the remaining life at
//! time `u` (a martingale, stopped at `tau`), has conditional mean zero given the date's state
//! and is strongly correlated with `Y`. The regression therefore fits `Y - (M_tau - M_t)`, with
//! the same conditional mean (the continuation value) and far less noise: with 2^15 training
//! paths, the fitted policy loses under 1e-3 against the finite-difference Bermudan on the put
//! above and on `S = 36, vol = 0.2, T = 1` at 100-200 dates (3e-3 to 7e-3 without: more than
//! eight times the training paths do less). The value of holding at `t = 0` is estimated so too.
//! (The same martingale is the pricing phase's control variate, after N. S. Rasmussen,
//! "Control variates for Monte Carlo valuation of American options", Journal of Computational
//! Finance 9(1), 2005.)
//!
//! Under GBM the European value is also a bound: holding an American is worth at least the
//! European on the remaining life, so a path never exercises where the intrinsic value does not
//! exceed it, whatever the regression says (which removes the regression's worst mistakes, far
//! out of the money in time value). The rule stays a feasible policy, so each Bermudan price a
//! lower bound.

use super::engine::Plan;
use super::lanes::Recorder;
use super::params::{McParams, Model};
use super::payoff::{self, Payoff};
use super::rng::TRAINING_DOMAIN;
use crate::fastmath;
use crate::normal::norm_cdf;

/// Most basis functions (Heston: 8).
const MAX_BASIS: usize = 8;
/// Relative ridge on the normal equations' diagonal.
pub(crate) const RIDGE: f64 = 1e-12;
/// Most states kept by training (2^22: 32 MB per state variable).
const MAX_TRAINING_STATES: u64 = 1 << 22;
/// Most training paths (2^15).
const MAX_TRAINING_PATHS: u64 = 1 << 15;
/// Fewest in-the-money paths per basis function for a date to be fitted; a date with fewer never
/// exercises (the policy stays feasible, the price a lower bound).
const MIN_PATHS_PER_BASIS: usize = 8;

/// Training paths of a run with `dates` exercise dates: `min(2^15, 2^22 / dates)` (at least 8192
/// for the most dates, 512), an even number.
pub fn training_paths(dates: u64) -> u64 {
    (MAX_TRAINING_STATES / dates.max(1)).min(MAX_TRAINING_PATHS) & !1
}

/// One date's regression: the standardisation and the coefficients.
#[derive(Debug, Clone, Copy)]
struct Fit {
    u_mean: f64,
    u_scale: f64,
    v_mean: f64,
    v_scale: f64,
    e_mean: f64,
    e_scale: f64,
    beta: [f64; MAX_BASIS],
}

/// The European option on the remaining life, for the basis and the GBM bound.
#[derive(Debug, Clone, Copy)]
enum Volatility {
    /// GBM: the model's volatility.
    Constant(f64),
    /// Heston-type: the expected mean variance over the remaining life, from `V_t`.
    MeanReverting { kappa: f64, theta: f64 },
}

/// The fitted exercise policy of a run (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct ExerciseRule {
    /// Steps between exercise dates; date `j` (from 0) is step `(j + 1) * stride`.
    pub stride: usize,
    /// One per date before expiry; `None`: never exercise there.
    fits: Vec<Option<Fit>>,
    /// `e^{-r t_j}` and `e^{-(r-q) t_j}` per date before expiry.
    discount: Vec<f64>,
    carry_discount: Vec<f64>,
    /// The remaining life `tau = T - t_j` per date before expiry, and `[e^{-q tau}, e^{-r tau},
    /// (r - q) tau]`.
    remaining: Vec<f64>,
    remaining_factors: Vec<[f64; 3]>,
    volatility: Volatility,
    /// Exercise at `t = 0` (an American whose intrinsic value beats the mean continuation).
    pub at_start: bool,
    stochastic_vol: bool,
    ln_moneyness: f64,
    spot_rel: f64,
    strike_rel: f64,
    sign: f64,
}

impl ExerciseRule {
    /// The spot in the run's money units.
    pub fn spot(&self) -> f64 {
        self.spot_rel
    }

    /// Intrinsic value in the run's money units at log-return `x`.
    #[inline]
    pub fn intrinsic(&self, x: f64) -> f64 {
        (self.sign * (self.spot_rel * fastmath::exp(x) - self.strike_rel)).max(0.0)
    }

    /// Exercising at date `j` in state `(x, v)`: the discounted cash flow and the stopped
    /// martingale of the control variate (`path_payoff.rs`), or `None` to hold.
    #[inline]
    pub fn exercise(&self, j: usize, x: f64, v: f64) -> Option<(f64, f64)> {
        let fit = self.fits.get(j).copied().flatten()?;
        let value = self.discount[j] * self.intrinsic(x);
        if value <= 0.0 {
            return None;
        }
        let european = self.european(j, x, v);
        self.decides(&fit, value, european, x, v)
            .then(|| (value, self.martingale(j, x, european)))
    }

    /// The stopped martingale at date `j`: under GBM the European option on the remaining life
    /// discounted to `t = 0` (`european`), else `e^{-(r-q) t_j} S_t`; both in money units.
    #[inline]
    fn martingale(&self, j: usize, x: f64, european: f64) -> f64 {
        if self.stochastic_vol {
            self.carry_discount[j] * self.spot_rel * fastmath::exp(x)
        } else {
            european
        }
    }

    /// As [`ExerciseRule::exercises`] with the date's European value known (`value` > 0).
    fn decides(&self, fit: &Fit, value: f64, european: f64, x: f64, v: f64) -> bool {
        if !self.stochastic_vol && value <= european {
            return false;
        }
        value > fit.continuation(self.basis(fit, x, v, european))
    }

    /// The European option on the remaining life at date `j` in state `(x, v)`, discounted to
    /// `t = 0`, in the run's money units (Black-Scholes-Merton, Hull's "Options, Futures and
    /// Other Derivatives", eq. 15.20-15.21 with a continuous yield).
    fn european(&self, j: usize, x: f64, v: f64) -> f64 {
        let tau = self.remaining[j];
        let variance = match self.volatility {
            Volatility::Constant(vol) => vol * vol,
            Volatility::MeanReverting { kappa, theta } => {
                let k = kappa * tau;
                // (1 - e^{-k}) / k, -> 1 as k -> 0.
                let weight = if k > 1e-8 {
                    -fastmath::exp_m1(-k) / k
                } else {
                    1.0
                };
                (theta + (v.max(0.0) - theta) * weight).max(0.0)
            }
        };
        let [dividend_discount, rate_discount, carry] = self.remaining_factors[j];
        let forward_spot = self.spot_rel * fastmath::exp(x) * dividend_discount;
        let strike = self.strike_rel * rate_discount;
        let total = (variance * tau).sqrt();
        let price = if total > 0.0 {
            // ln(forward_spot / strike) without a logarithm: ln(S/K) + x + (r - q) tau.
            let d1 = (self.ln_moneyness + x + carry) / total + 0.5 * total;
            let theta = self.sign;
            theta * (forward_spot * norm_cdf(theta * d1) - strike * norm_cdf(theta * (d1 - total)))
        } else {
            (self.sign * (forward_spot - strike)).max(0.0)
        };
        self.discount[j] * price.max(0.0)
    }

    fn basis(&self, fit: &Fit, x: f64, v: f64, european: f64) -> ([f64; MAX_BASIS], usize) {
        let z = (self.ln_moneyness + x - fit.u_mean) / fit.u_scale;
        let e = (european - fit.e_mean) / fit.e_scale;
        let mut b = [0.0; MAX_BASIS];
        b[..5].copy_from_slice(&[1.0, z, z * z, z * z * z, e]);
        if !self.stochastic_vol {
            return (b, 5);
        }
        let y = (v - fit.v_mean) / fit.v_scale;
        b[5..].copy_from_slice(&[y, y * y, z * y]);
        (b, MAX_BASIS)
    }
}

impl Fit {
    fn continuation(&self, (b, k): ([f64; MAX_BASIS], usize)) -> f64 {
        b[..k].iter().zip(&self.beta[..k]).map(|(x, c)| x * c).sum()
    }
}

/// Keeps each training path's state at every exercise date before expiry.
struct States {
    stride: usize,
    dates: usize,
    signs: usize,
    /// `x[j * n + path]`, `v[j * n + path]`, `path = sample * signs + sign`.
    x: Vec<f64>,
    v: Vec<f64>,
    n: usize,
    first: usize,
}

impl Recorder for States {
    fn record(&mut self, step: usize, sample: usize, lane: usize, x: f64, v: f64) {
        if step.is_multiple_of(self.stride) && step / self.stride <= self.dates && lane < self.signs
        {
            let j = step / self.stride - 1;
            let path = (self.first + sample) * self.signs + lane;
            self.x[j * self.n + path] = x;
            self.v[j * self.n + path] = v;
        }
    }
}

/// The fitted exercise policy of a run: the rule at the run's dates, and for an American the
/// rule at every other one, whose price the extrapolation needs (module docs).
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub fine: ExerciseRule,
    pub coarse: Option<ExerciseRule>,
}

impl ExerciseRule {
    /// The unfitted rule of `p` with an exercise date every `stride` steps.
    fn new(p: &McParams, stride: usize) -> Self {
        let steps = p.steps() as usize;
        // Decision dates before expiry; the last date is expiry itself.
        let decisions = steps / stride - 1;
        let scale = super::engine::money_scale(p.spot());
        let dt = p.expiry() / steps as f64;
        let time = |j: usize| dt * (j * stride) as f64;
        let remaining = |j: usize| dt * (steps - j * stride) as f64;
        ExerciseRule {
            stride,
            fits: vec![None; decisions],
            discount: (1..=decisions)
                .map(|j| fastmath::exp(-p.rate() * time(j)))
                .collect(),
            carry_discount: (1..=decisions)
                .map(|j| fastmath::exp(-(p.rate() - p.dividend()) * time(j)))
                .collect(),
            remaining: (1..=decisions).map(remaining).collect(),
            volatility: match p.model() {
                Model::Gbm { vol } => Volatility::Constant(vol),
                Model::Heston(h) | Model::RoughHeston { heston: h, .. } => {
                    Volatility::MeanReverting {
                        kappa: h.kappa,
                        theta: h.theta,
                    }
                }
            },
            remaining_factors: (1..=decisions)
                .map(|j| {
                    let tau = remaining(j);
                    [
                        fastmath::exp(-p.dividend() * tau),
                        fastmath::exp(-p.rate() * tau),
                        (p.rate() - p.dividend()) * tau,
                    ]
                })
                .collect(),
            at_start: false,
            stochastic_vol: !matches!(p.model(), Model::Gbm { .. }),
            ln_moneyness: fastmath::ln(p.spot() / p.strike()),
            spot_rel: p.spot() / scale,
            strike_rel: p.strike() / scale,
            sign: p.kind().sign(),
        }
    }
}

/// Fits the exercise policy of `p` (an `american` or `bermudan` payoff) on its training paths.
pub(crate) fn train(p: &McParams) -> Policy {
    let Payoff::Exercise { dates, at_start } = p.payoff() else {
        unreachable!("train is only called for exercise payoffs")
    };
    let stride = p.steps() as usize / dates as usize;
    let mut fine = ExerciseRule::new(p, stride);
    // An American is extrapolated from its dates and every other one (`steps` is even).
    let mut coarse = at_start.then(|| ExerciseRule::new(p, 2 * stride));
    let mut plan = Plan::new(p);
    plan.domain = TRAINING_DOMAIN;
    let signs = plan.lanes.signs;
    let lanes = plan.lanes.count();
    let samples = (training_paths(dates) as usize) / signs;
    let n = samples * signs;
    let decisions = fine.fits.len();
    let mut states = States {
        stride,
        dates: decisions,
        signs,
        x: vec![0.0; decisions * n],
        v: vec![0.0; decisions * n],
        n,
        first: 0,
    };
    let mut payoffs = vec![0.0; n];
    let final_discount = fastmath::exp(-p.rate() * p.expiry());
    let batch = super::engine::BATCH;
    let mut x = vec![0.0; batch * lanes];
    let mut first = 0;
    while first < samples {
        let count = (samples - first).min(batch);
        states.first = first;
        plan.simulate_batch(p.seed(), first as u64, count, &mut x, &mut states);
        for i in 0..count {
            for s in 0..signs {
                payoffs[(first + i) * signs + s] =
                    final_discount * fine.intrinsic(x[i * lanes + s]);
            }
        }
        first += count;
    }
    // GBM: the European price at t = 0 (money units), the mean of the regression's control.
    let european_now = match p.model() {
        Model::Gbm { vol } => {
            let (s, k, t, r, q) = (p.spot(), p.strike(), p.expiry(), p.rate(), p.dividend());
            payoff::black_scholes_price(p.kind(), s, k, t, r, q, vol)
                .map(|v| v / super::engine::money_scale(s))
        }
        _ => None,
    };
    let mut hold = induct(&mut fine, &states, &payoffs, european_now);
    if let Some(c) = &mut coarse {
        hold = 2.0 * hold - induct(c, &states, &payoffs, european_now);
    }
    let now = at_start && fine.intrinsic(0.0) > hold;
    fine.at_start = now;
    if let Some(c) = &mut coarse {
        c.at_start = now;
    }
    Policy { fine, coarse }
}

/// Backward induction of `rule` on the training paths' `states` (kept at every date of the
/// finest rule) from their discounted `payoffs` at expiry; returns the value of holding at
/// `t = 0`, the mean cash flow (under GBM with its control, `european_now` its mean).
fn induct(
    rule: &mut ExerciseRule,
    states: &States,
    payoffs: &[f64],
    european_now: Option<f64>,
) -> f64 {
    let n = states.n;
    let ratio = rule.stride / states.stride;
    let mut cash = payoffs.to_vec();
    // GBM: the European price martingale stopped at each path's exercise time (at expiry, the
    // payoff: the cash flow itself), the regression's control (module docs).
    let mut stopped = european_now.map(|_| payoffs.to_vec());
    let k = if rule.stochastic_vol { MAX_BASIS } else { 5 };
    let mut itm = Vec::with_capacity(n);
    let mut europeans = Vec::with_capacity(n);
    let mut targets = Vec::with_capacity(n);
    for j in (0..rule.fits.len()).rev() {
        let row = (j + 1) * ratio - 1;
        let xs = &states.x[row * n..(row + 1) * n];
        let vs = &states.v[row * n..(row + 1) * n];
        itm.clear();
        itm.extend((0..n).filter(|&i| rule.intrinsic(xs[i]) > 0.0));
        if itm.len() < MIN_PATHS_PER_BASIS * k {
            continue;
        }
        europeans.clear();
        europeans.extend(itm.iter().map(|&i| rule.european(j, xs[i], vs[i])));
        targets.clear();
        targets.extend(itm.iter().zip(&europeans).map(|(&i, &e)| match &stopped {
            Some(m) => cash[i] - (m[i] - e),
            None => cash[i],
        }));
        let fit = fit_date(rule, &itm, &europeans, xs, vs, &targets, k);
        for (&i, &european) in itm.iter().zip(&europeans) {
            let value = rule.discount[j] * rule.intrinsic(xs[i]);
            if rule.decides(&fit, value, european, xs[i], vs[i]) {
                cash[i] = value;
                if let Some(m) = &mut stopped {
                    m[i] = european;
                }
            }
        }
        rule.fits[j] = Some(fit);
    }
    // At t = 0 every path has the same state: the continuation value is the mean cash flow.
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
    match (&stopped, european_now) {
        (Some(m), Some(e)) => mean(&cash) - (mean(m) - e),
        _ => mean(&cash),
    }
}

/// Least squares of `targets` (one per path of `itm`) on the basis over the paths `itm`.
fn fit_date(
    rule: &ExerciseRule,
    itm: &[usize],
    europeans: &[f64],
    xs: &[f64],
    vs: &[f64],
    targets: &[f64],
    k: usize,
) -> Fit {
    let m = itm.len() as f64;
    let moments = |f: &dyn Fn(usize) -> f64| {
        let mean = itm.iter().map(|&i| f(i)).sum::<f64>() / m;
        let var = itm.iter().map(|&i| (f(i) - mean).powi(2)).sum::<f64>() / m;
        let scale = var.sqrt();
        (mean, if scale > 0.0 { scale } else { 1.0 })
    };
    let (u_mean, u_scale) = moments(&|i| rule.ln_moneyness + xs[i]);
    let (v_mean, v_scale) = moments(&|i| vs[i]);
    let (e_mean, e_scale) = {
        let mean = europeans.iter().sum::<f64>() / m;
        let var = europeans.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / m;
        (mean, if var > 0.0 { var.sqrt() } else { 1.0 })
    };
    let mut fit = Fit {
        u_mean,
        u_scale,
        v_mean,
        v_scale,
        e_mean,
        e_scale,
        beta: [0.0; MAX_BASIS],
    };
    let mut a = [[0.0; MAX_BASIS]; MAX_BASIS];
    let mut b = [0.0; MAX_BASIS];
    for ((&i, &european), &target) in itm.iter().zip(europeans).zip(targets) {
        let (phi, _) = rule.basis(&fit, xs[i], vs[i], european);
        for r in 0..k {
            b[r] += phi[r] * target;
            for c in 0..=r {
                a[r][c] += phi[r] * phi[c];
            }
        }
    }
    let trace: f64 = (0..k).map(|r| a[r][r]).sum();
    for (r, row) in a.iter_mut().enumerate().take(k) {
        row[r] += RIDGE * trace;
    }
    fit.beta = cholesky_solve(&a, &b, k);
    fit
}

/// Solves `A beta = b` for the symmetric positive definite `A` (lower triangle given) of order
/// `k`; a pivot that is not positive (cannot happen with the ridge, short of NaN input) gives 0
/// for its coefficient.
fn cholesky_solve(
    a: &[[f64; MAX_BASIS]; MAX_BASIS],
    b: &[f64; MAX_BASIS],
    k: usize,
) -> [f64; MAX_BASIS] {
    let mut l = [[0.0; MAX_BASIS]; MAX_BASIS];
    for r in 0..k {
        for c in 0..=r {
            let s = a[r][c] - (0..c).map(|t| l[r][t] * l[c][t]).sum::<f64>();
            l[r][c] = if r == c {
                if s > 0.0 {
                    s.sqrt()
                } else {
                    f64::INFINITY
                }
            } else {
                s / l[c][c]
            };
        }
    }
    let mut y = [0.0; MAX_BASIS];
    for r in 0..k {
        y[r] = (b[r] - (0..r).map(|t| l[r][t] * y[t]).sum::<f64>()) / l[r][r];
    }
    let mut x = [0.0; MAX_BASIS];
    for r in (0..k).rev() {
        x[r] = (y[r] - (r + 1..k).map(|t| l[t][r] * x[t]).sum::<f64>()) / l[r][r];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_a_small_system() {
        let mut a = [[0.0; MAX_BASIS]; MAX_BASIS];
        a[0][0] = 4.0;
        a[1][0] = 2.0;
        a[1][1] = 3.0;
        let mut b = [0.0; MAX_BASIS];
        b[0] = 2.0;
        b[1] = 5.0;
        let x = cholesky_solve(&a, &b, 2);
        // [[4, 2], [2, 3]] x = [2, 5] -> x = [-0.5, 2].
        assert!(
            (x[0] + 0.5).abs() < 1e-15 && (x[1] - 2.0).abs() < 1e-15,
            "{x:?}"
        );
    }

    #[test]
    fn training_paths_bound_the_memory() {
        assert_eq!(training_paths(1), 1 << 15);
        assert_eq!(training_paths(100), 1 << 15);
        assert_eq!(training_paths(200), 20_970);
        assert_eq!(training_paths(512), 8192);
    }
}
