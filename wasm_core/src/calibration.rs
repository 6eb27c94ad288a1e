//! Heston calibration: the five parameters that best reprice a set of option quotes.
//!
//! # Objective
//! Weighted least squares on implied-vol residuals, `r_i = sqrt(w_i) (σ(V_i) - σ_i)`: the
//! implied vol of the model price minus the quote's own (QuantLib's `ImpliedVolError`), which
//! weighs a cheap out-of-the-money quote like an expensive in-the-money one. Their Jacobian is
//! the price gradient over the Black-Scholes vega at the model's implied vol,
//! `dσ(V)/dp = (dV/dp) / vega(σ(V))` (the analytic price gradient of Y. Cui, S. del Baño Rollin
//! and G. Germano, "Full and fast calibration of the Heston stochastic volatility model",
//! European Journal of Operational Research 263 (2017), `calibration/fixed_rule.rs`). The
//! vega-scaled price residual `(V_i - P_i)/vega(σ_i)` agrees to first order only: on a real
//! surface whose fit leaves errors of a vol point or more (Sepp's DAX surface,
//! tests/test_calibration.py) its minimum is a visibly worse fit in implied vol. A model price
//! with no implied vol (outside the no-arbitrage bounds, by quadrature rounding far from the
//! money) falls back to that scaled residual, and so does a quote whose vega is at the floor
//! [`MIN_VEGA_REL`] (where the pricer's rounding over the true vega would swamp its vol).
//!
//! # Method
//! Levenberg-Marquardt (K. Madsen, H. B. Nielsen, O. Tingleff, "Methods for Non-Linear Least
//! Squares Problems", 2nd ed., DTU 2004, Algorithm 3.16, with Nielsen's damping update) in
//! unconstrained coordinates: `v0, kappa, theta, xi = e^x` (positive) and `rho = tanh x`
//! (inside (-1, 1)). The Jacobian is by forward differences of the pricer below. Feller's
//! condition `2 kappa theta >= xi^2` is reported, never imposed: market fits often break it.
//!
//! # Pricing inside the fit
//! The quotes of one expiry are priced together by [`crate::heston::prices_at_expiry`]: one
//! adaptive quadrature whose nodes serve every strike, so a trial parameter set costs one
//! characteristic function per node and expiry, whatever the number of strikes, at the full
//! accuracy of [`crate::heston::price`].
//!
//! # Start
//! Without `initial`: `v0` and `theta` from the implied variance of the quotes nearest the money
//! at the shortest and longest expiries, then the best of a small grid over `kappa, xi, rho`.

use crate::batch::{batch_len, Column, KindColumn};
use crate::errors::PricingError;
use crate::heston;
use crate::implied_vol;
use crate::inputs::{Inputs, OptionKind};
use crate::monte_carlo::HestonParams;
use fixed_rule::FixedRule;

mod dual;
mod fixed_rule;
pub mod rough;

/// Most Levenberg-Marquardt iterations.
pub const MAX_ITERATIONS: usize = 300;
/// Most iterations of the second stage (on the accurate prices), which starts at the first
/// stage's minimum and typically takes two or three.
pub const MAX_POLISH_ITERATIONS: usize = 30;
/// The second stage has converged when a step moves no coordinate by more than this (relative,
/// plus it absolutely): four orders below what a market's quotes determine, and above the
/// accurate objective's rounding noise (which would otherwise keep it stepping).
pub const STEP_TOL: f64 = 1e-8;
/// The first stage's: it ends near the minimum of the fixed rule's objective, the second stage
/// then moves to the accurate objective's.
const FAST_STEP_TOL: f64 = 1e-9;
/// ... or the gradient's largest entry is below this.
pub const GRADIENT_TOL: f64 = 1e-14;
/// Steps the second stage may reject in a row before it stops: it starts next to the minimum,
/// where the accurate objective's rounding noise is what rejects a step, and each rejection costs
/// an accurate evaluation.
const POLISH_PATIENCE: usize = 1;
/// Iterations of a first-stage round before its rule is rebuilt where it got to.
const ROUND_ITERATIONS: usize = 8;
/// A round that moved a coordinate by less than this (relative, plus it absolutely) ended where
/// it began: its rule was built close enough to its answer.
const REBUILD_MOVE: f64 = 1e-6;
/// The start grid only ranks candidate starts: a small fixed rule is enough.
const START_RULE_SIZE: usize = 32;
/// Fewest quotes: five parameters need at least as many equations.
pub const MIN_QUOTES: usize = 5;
/// A vega below this fraction of the spot (far from the money, or at expiry) is floored, so no
/// quote's residual is scaled without bound.
const MIN_VEGA_REL: f64 = 1e-6;

/// One market quote, with the rate and dividend yield of its expiry (a term structure, or each
/// expiry's forward and discount factor inferred from put-call parity, gives one pair per expiry).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quote {
    pub kind: OptionKind,
    pub strike: f64,
    pub expiry: f64,
    pub price: f64,
    pub weight: f64,
    pub rate: f64,
    pub dividend: f64,
}

/// What [`calibrate`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub model: HestonParams,
    /// Root-mean-square of the implied-vol errors (model minus quote), over the quotes whose
    /// model price has an implied vol.
    pub rmse_vol: f64,
    /// Root-mean-square price error.
    pub rmse_price: f64,
    pub iterations: usize,
    pub converged: bool,
    /// Whether `2 kappa theta >= xi^2` (the variance cannot reach 0).
    pub feller: bool,
    /// The model's price of each quote (adaptive pricer), in the quotes' order.
    pub model_prices: Vec<f64>,
    /// Why the iteration stopped.
    pub message: &'static str,
}

/// The quotes grouped by expiry, with what the pricer needs per quote.
struct Surface {
    spot: f64,
    /// (expiry, indices of its quotes): quotes of one expiry with one rate and dividend (an
    /// expiry quoted on two markets makes two slices).
    expiries: Vec<(f64, Vec<usize>)>,
    quotes: Vec<Quote>,
    /// Black-Scholes vega at each quote's implied vol (floored): the scale of a residual whose
    /// model price has no implied vol, and of the fixed rule's accuracy.
    vega: Vec<f64>,
    /// Each quote's implied vol (NaN where it has none).
    market_vol: Vec<f64>,
    /// Whether the quote's vega is at the floor: so far from the money that the pricer's
    /// rounding, divided by the true vega, would swamp its vol residual. Such a quote keeps the
    /// floored scaled price residual.
    vega_floored: Vec<bool>,
}

impl Surface {
    /// Prices every quote under `h`, one expiry at a time, into `out` (NaN where the
    /// quadrature fails: a trial set the fit then rejects).
    fn prices(&self, h: &HestonParams, rel_tol: f64, out: &mut [f64]) {
        for (t, idx) in &self.expiries {
            let options: Vec<(OptionKind, f64)> = idx
                .iter()
                .map(|&i| (self.quotes[i].kind, self.quotes[i].strike))
                .collect();
            let mut prices = vec![0.0; idx.len()];
            let (rate, dividend) = self.market_of(idx);
            let ok = heston::prices_at_expiry(
                self.spot,
                rate,
                dividend,
                *t,
                h,
                &options,
                rel_tol,
                &mut prices,
            );
            for (j, &i) in idx.iter().enumerate() {
                out[i] = if ok.is_ok() { prices[j] } else { f64::NAN };
            }
        }
    }

    /// The rate and dividend yield a slice's quotes share.
    fn market_of(&self, idx: &[usize]) -> (f64, f64) {
        idx.first().map_or((0.0, 0.0), |&i| {
            (self.quotes[i].rate, self.quotes[i].dividend)
        })
    }

    /// The scaled residuals under `h`.
    fn residuals(&self, h: &HestonParams, rel_tol: f64, prices: &mut [f64], r: &mut [f64]) {
        self.prices(h, rel_tol, prices);
        self.scaled(prices, r);
    }

    /// The residuals of the model prices `prices` (module docs).
    fn scaled(&self, prices: &[f64], r: &mut [f64]) {
        for i in 0..r.len() {
            r[i] = self.residual(i, prices[i]).0;
        }
    }

    /// Quote `i`'s residual at the model price `price`, and the vega that scales its gradient:
    /// `sqrt(w) (σ(price) - σ_i)` with the vega at σ(price), or, where `price` has no implied
    /// vol, `sqrt(w) (price - P_i) / vega(σ_i)`.
    fn residual(&self, i: usize, price: f64) -> (f64, f64) {
        let q = &self.quotes[i];
        let root_w = q.weight.sqrt();
        let iv = if price.is_finite() && !self.vega_floored[i] {
            implied_vol::implied_vol(
                q.kind, price, self.spot, q.strike, q.expiry, q.rate, q.dividend,
            )
            .ok()
        } else {
            None
        };
        match iv {
            Some(vol) => (
                root_w * (vol - self.market_vol[i]),
                bs_vega(self.spot, q, vol),
            ),
            None => (root_w * (price - q.price) / self.vega[i], self.vega[i]),
        }
    }
}

/// The Black-Scholes vega of quote `q` at `vol`, floored at [`MIN_VEGA_REL`] of the spot (so no
/// residual's gradient is scaled without bound far from the money, at expiry, or at vol 0).
fn bs_vega(spot: f64, q: &Quote, vol: f64) -> f64 {
    let sd = vol * q.expiry.sqrt();
    let d1 = (forward(spot, q) / q.strike).ln() / sd + 0.5 * sd;
    let pdf = (-0.5 * d1 * d1).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let v = spot * (-q.dividend * q.expiry).exp() * pdf * q.expiry.sqrt();
    if v.is_finite() {
        v.max(MIN_VEGA_REL * spot)
    } else {
        MIN_VEGA_REL * spot
    }
}

/// The forward of quote `q`'s expiry.
fn forward(spot: f64, q: &Quote) -> f64 {
    spot * ((q.rate - q.dividend) * q.expiry).exp()
}

/// Unconstrained coordinates of a parameter set, and back.
fn to_x(h: &HestonParams) -> [f64; 5] {
    let pos = |v: f64| v.max(1e-12).ln();
    [
        pos(h.v0),
        pos(h.kappa),
        pos(h.theta),
        pos(h.xi),
        h.rho.clamp(-0.999_999, 0.999_999).atanh(),
    ]
}

fn from_x(x: &[f64; 5]) -> HestonParams {
    // exp of a coordinate beyond +-700 would overflow or vanish: the clamp keeps every trial
    // set finite (the fit never needs such values).
    let e = |v: f64| v.clamp(-700.0, 700.0).exp();
    HestonParams {
        v0: e(x[0]),
        kappa: e(x[1]),
        theta: e(x[2]),
        xi: e(x[3]),
        rho: x[4].tanh(),
    }
}

fn norm2(r: &[f64]) -> f64 {
    r.iter().map(|v| v * v).sum()
}

/// Solves the PxP symmetric positive definite system `a x = b` by Cholesky; None if singular.
#[allow(clippy::needless_range_loop)] // triangular index arithmetic reads best as indices
fn solve<const P: usize>(a: &[[f64; P]; P], b: &[f64; P]) -> Option<[f64; P]> {
    let mut l = [[0.0; P]; P];
    for i in 0..P {
        for j in 0..=i {
            let mut s = a[i][j];
            for k in 0..j {
                s -= l[i][k] * l[j][k];
            }
            if i == j {
                if s.is_nan() || s <= 0.0 {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    let mut y = [0.0; P];
    for i in 0..P {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i][k] * y[k];
        }
        y[i] = s / l[i][i];
    }
    let mut x = [0.0; P];
    for i in (0..P).rev() {
        let mut s = y[i];
        for k in i + 1..P {
            s -= l[k][i] * x[k];
        }
        x[i] = s / l[i][i];
    }
    Some(x)
}

/// Checks the quotes and builds the surface.
fn surface(spot: f64, quotes: &[Quote]) -> Result<Surface, PricingError> {
    if quotes.len() < MIN_QUOTES {
        return Err(PricingError::Invalid {
            param: "price".into(),
            rule: format!(
                "must hold at least {MIN_QUOTES} quotes to fit five parameters (got {})",
                quotes.len()
            ),
        });
    }
    let mut vega = Vec::with_capacity(quotes.len());
    let mut market_vol = Vec::with_capacity(quotes.len());
    for q in quotes {
        Inputs::new(q.kind, spot, q.strike, q.expiry, q.rate, q.dividend, 0.0)?;
        crate::errors::positive("expiry", q.expiry)?;
        crate::errors::non_negative("weight", q.weight)?;
        // A quote must carry time value: its implied vol is what scales its residual.
        let vol = implied_vol::implied_vol(
            q.kind, q.price, spot, q.strike, q.expiry, q.rate, q.dividend,
        )?;
        market_vol.push(vol);
        vega.push(bs_vega(spot, q, vol));
    }
    let mut expiries: Vec<(f64, Vec<usize>)> = Vec::new();
    for (i, q) in quotes.iter().enumerate() {
        let same = |j: &usize| {
            let o = &quotes[*j];
            (o.expiry, o.rate, o.dividend) == (q.expiry, q.rate, q.dividend)
        };
        match expiries
            .iter_mut()
            .find(|(t, idx)| *t == q.expiry && idx.first().is_some_and(same))
        {
            Some((_, idx)) => idx.push(i),
            None => expiries.push((q.expiry, vec![i])),
        }
    }
    expiries.sort_by(|a, b| a.0.total_cmp(&b.0));
    let vega_floored = vega.iter().map(|&v| v <= MIN_VEGA_REL * spot).collect();
    Ok(Surface {
        spot,
        expiries,
        quotes: quotes.to_vec(),
        vega,
        market_vol,
        vega_floored,
    })
}

/// The implied variance of the quote nearest the money at the expiry `t`.
fn atm_variance(s: &Surface, t: f64) -> f64 {
    let idx = &s.expiries.iter().find(|(e, _)| *e == t).map(|e| &e.1);
    let f = |q: &Quote| forward(s.spot, q);
    let best = idx
        .iter()
        .flat_map(|v| v.iter())
        .min_by(|&&i, &&j| {
            let di = (s.quotes[i].strike / f(&s.quotes[i])).ln().abs();
            let dj = (s.quotes[j].strike / f(&s.quotes[j])).ln().abs();
            di.total_cmp(&dj)
        })
        .copied()
        .unwrap_or(0);
    let v = s.market_vol[best];
    (v * v).max(1e-6)
}

fn starting_point(s: &Surface) -> HestonParams {
    let first = s.expiries.first().map_or(1.0, |e| e.0);
    let last = s.expiries.last().map_or(1.0, |e| e.0);
    let (v0, theta) = (atm_variance(s, first), atm_variance(s, last));
    let mut best = HestonParams {
        v0,
        kappa: 2.0,
        theta,
        xi: 0.5,
        rho: -0.5,
    };
    let n = s.quotes.len();
    let (mut prices, mut r) = (vec![0.0; n], vec![0.0; n]);
    let mut best_cost = f64::INFINITY;
    let rule = FixedRule::of_size(s, &best, START_RULE_SIZE);
    for kappa in [0.5, 2.0, 5.0] {
        for xi in [0.2, 0.6, 1.2] {
            for rho in [-0.8, -0.4, 0.0, 0.4] {
                let h = HestonParams {
                    v0,
                    kappa,
                    theta,
                    xi,
                    rho,
                };
                rule.prices(s, &h, &mut prices);
                s.scaled(&prices, &mut r);
                let cost = norm2(&r);
                if cost < best_cost {
                    best_cost = cost;
                    best = h;
                }
            }
        }
    }
    best
}

/// The fields of a `calibrate_heston` request, in the order they are checked.
pub const FIELDS: [&str; 9] = [
    "spot", "rate", "dividend", "kind", "strike", "expiry", "price", "weight", "initial",
];
/// The fields a request must have.
pub const REQUIRED: [&str; 7] = [
    "spot", "rate", "dividend", "kind", "strike", "expiry", "price",
];
/// The fields of `initial`.
pub const INITIAL_FIELDS: [&str; 5] = ["v0", "kappa", "theta", "xi", "rho"];

/// Checks a request's field names (every frontend calls this with its object's keys).
///
/// # Errors
/// An unknown field (a typo such as `strikes` must not be ignored) or a missing one.
pub fn check_fields(
    keys: &[String],
    fields: &[&str],
    required: &[&str],
    what: &str,
) -> Result<(), PricingError> {
    if let Some(k) = keys.iter().find(|k| !fields.contains(&k.as_str())) {
        return Err(PricingError::Invalid {
            param: k.clone(),
            rule: format!("is not a field of {what} (fields: {})", fields.join(", ")),
        });
    }
    if let Some(k) = required.iter().find(|k| !keys.iter().any(|key| key == *k)) {
        return Err(PricingError::Invalid {
            param: (*k).into(),
            rule: format!("is required ({what} needs {})", required.join(", ")),
        });
    }
    Ok(())
}

/// The quotes of a calibration request given as batch columns (`kind` one or per row; `rate`,
/// `dividend`, `strike`, `expiry`, `price` and the optional `weight`, default 1, scalars or
/// arrays of one length).
///
/// # Errors
/// Columns of different lengths; a row's kind that is not "call" or "put", named by its index.
pub fn quotes_from_columns(
    rate: Column<'_>,
    dividend: Column<'_>,
    kind: &KindColumn,
    strike: Column<'_>,
    expiry: Column<'_>,
    price: Column<'_>,
    weight: Option<Column<'_>>,
) -> Result<Vec<Quote>, PricingError> {
    let weight = weight.unwrap_or(Column::Scalar(1.0));
    let n = batch_len(
        kind,
        &[
            ("rate", rate),
            ("dividend", dividend),
            ("strike", strike),
            ("expiry", expiry),
            ("price", price),
            ("weight", weight),
        ],
    )?;
    (0..n)
        .map(|i| {
            let kind = kind.get(i).map_err(|_| PricingError::Invalid {
                param: format!("kind[{i}]"),
                rule: "must be \"call\" or \"put\"".into(),
            })?;
            Ok(Quote {
                kind,
                strike: strike.get(i),
                expiry: expiry.get(i),
                price: price.get(i),
                weight: weight.get(i),
                rate: rate.get(i),
                dividend: dividend.get(i),
            })
        })
        .collect()
}

/// How a Levenberg-Marquardt run ended.
struct Minimum<const P: usize = 5> {
    x: [f64; P],
    iterations: usize,
    converged: bool,
    message: &'static str,
}

/// Levenberg-Marquardt (module docs) from `x` for at most `max_iterations`: `residuals(x, r)`
/// fills the residuals at `x`, `jacobian(x, jac)` their Jacobian in `x` at an accepted point.
/// Converged when a step moves no coordinate by more than `step_tol` (relative, plus it
/// absolutely), the gradient vanishes, a step gains nothing, or `patience` steps in a row are
/// rejected.
fn levenberg_marquardt<const P: usize>(
    mut x: [f64; P],
    n: usize,
    max_iterations: usize,
    step_tol: f64,
    patience: usize,
    mut residuals: impl FnMut(&[f64; P], &mut [f64]),
    mut jacobian: impl FnMut(&[f64; P], &mut [[f64; P]]),
) -> Minimum<P> {
    let (mut r, mut r_trial) = (vec![0.0; n], vec![0.0; n]);
    residuals(&x, &mut r);
    let mut cost = norm2(&r);
    let mut jac = vec![[0.0; P]; n];
    let (mut mu, mut nu) = (-1.0, 2.0);
    let mut converged = false;
    let mut message = "the iteration limit was reached";
    let mut iterations = 0;
    'outer: while iterations < max_iterations {
        iterations += 1;
        jacobian(&x, &mut jac);
        let mut a = [[0.0; P]; P];
        let mut g = [0.0; P];
        for i in 0..n {
            for p in 0..P {
                g[p] += jac[i][p] * r[i];
                for q in 0..P {
                    a[p][q] += jac[i][p] * jac[i][q];
                }
            }
        }
        if g.iter().all(|v| v.abs() <= GRADIENT_TOL) {
            converged = true;
            message = "the gradient vanished";
            break;
        }
        if mu < 0.0 {
            mu = 1e-3 * (0..P).map(|p| a[p][p]).fold(0.0, f64::max).max(1e-300);
        }
        let mut rejected = 0;
        loop {
            let mut damped = a;
            for (p, row) in damped.iter_mut().enumerate() {
                row[p] += mu;
            }
            let neg_g = g.map(|v| -v);
            let Some(step) = solve(&damped, &neg_g) else {
                mu *= nu;
                nu *= 2.0;
                if !mu.is_finite() {
                    message = "the normal equations became singular";
                    break 'outer;
                }
                continue;
            };
            if step
                .iter()
                .zip(&x)
                .all(|(d, xi)| d.abs() <= step_tol * (xi.abs() + step_tol))
            {
                converged = true;
                message = "the step became negligible";
                break 'outer;
            }
            let mut trial = x;
            for p in 0..P {
                trial[p] += step[p];
            }
            residuals(&trial, &mut r_trial);
            let trial_cost = norm2(&r_trial);
            let predicted: f64 = (0..P).map(|p| step[p] * (mu * step[p] - g[p])).sum::<f64>();
            let rho_gain = (cost - trial_cost) / predicted.max(1e-300);
            if trial_cost.is_finite() && rho_gain > 0.0 {
                let relative_drop = (cost - trial_cost) / cost.max(1e-300);
                x = trial;
                std::mem::swap(&mut r, &mut r_trial);
                cost = trial_cost;
                mu *= (1.0f64 / 3.0).max(1.0 - (2.0 * rho_gain - 1.0).powi(3));
                nu = 2.0;
                if relative_drop < 1e-15 || cost == 0.0 {
                    converged = true;
                    message = "the fit stopped improving";
                    break 'outer;
                }
                break;
            }
            mu *= nu;
            nu *= 2.0;
            rejected += 1;
            if !mu.is_finite() || mu > 1e30 || rejected >= patience {
                converged = true;
                message = "no step improves the fit (a local minimum)";
                break 'outer;
            }
        }
    }
    Minimum {
        x,
        iterations,
        converged,
        message,
    }
}

/// The residuals' Jacobian in the unconstrained coordinates at `x`, from the fixed rule's
/// price gradient over the vega at each model price's implied vol (module docs; `v0, kappa,
/// theta, xi = e^x`: `dp/dx = p`; `rho = tanh x`: `1 - rho^2`).
fn jacobian_at(s: &Surface, rule: &FixedRule, x: &[f64; 5], jac: &mut [[f64; 5]]) {
    let h = from_x(x);
    let mut prices = vec![0.0; s.quotes.len()];
    rule.prices_and_gradient(s, &h, &mut prices, jac);
    let chain = [h.v0, h.kappa, h.theta, h.xi, 1.0 - h.rho * h.rho];
    for (i, row) in jac.iter_mut().enumerate() {
        let scale = s.quotes[i].weight.sqrt() / s.residual(i, prices[i]).1;
        for p in 0..5 {
            row[p] *= chain[p] * scale;
        }
    }
}

/// Fits Heston's parameters to `quotes` (each with its expiry's rate and dividend) on `spot`.
///
/// Two stages (module docs): Levenberg-Marquardt on the fixed rule's prices with its analytic
/// gradient, then on the adaptive pricer's prices (full accuracy) with the gradient of a rule
/// rebuilt at the first stage's answer. The first stage does nearly all the iterations; the
/// second makes the answer the minimum of the accurate objective.
///
/// # Errors
/// Bad input, named as the batch functions name it: spot > 0, rate and dividend finite; every
/// quote's strike > 0, expiry > 0, weight >= 0 and a price with time value (strictly between
/// the no-arbitrage bounds, as `implied_vol` requires); at least [`MIN_QUOTES`] quotes; an
/// `initial` set breaking the Heston rules. A fit that does not converge is not an error:
/// `converged` is false and `message` says why.
pub fn calibrate(
    spot: f64,
    quotes: &[Quote],
    initial: Option<HestonParams>,
) -> Result<Calibration, PricingError> {
    let s = surface(spot, quotes)?;
    let start = match initial {
        Some(h) => h.validate()?,
        None => starting_point(&s),
    };
    let n = quotes.len();
    let mut prices = vec![0.0; n];
    // First stage: rounds of Levenberg-Marquardt on a fixed rule, each rule built where the
    // previous round ended (a rule is accurate near the point it was built for), until a round
    // ends where it began.
    let mut fast = Minimum {
        x: to_x(&start),
        iterations: 0,
        converged: false,
        message: "the iteration limit was reached",
    };
    let mut rule = FixedRule::build(&s, &start);
    while fast.iterations < MAX_ITERATIONS {
        let round = levenberg_marquardt(
            fast.x,
            n,
            ROUND_ITERATIONS.min(MAX_ITERATIONS - fast.iterations),
            FAST_STEP_TOL,
            usize::MAX,
            |x, r| {
                rule.prices(&s, &from_x(x), &mut prices);
                s.scaled(&prices, r);
            },
            |x, jac| jacobian_at(&s, &rule, x, jac),
        );
        let moved = round
            .x
            .iter()
            .zip(&fast.x)
            .any(|(a, b)| (a - b).abs() > REBUILD_MOVE * (1.0 + b.abs()));
        fast = Minimum {
            iterations: fast.iterations + round.iterations,
            ..round
        };
        rule = rule.rebuild(&s, &from_x(&fast.x));
        if !moved && fast.converged {
            break;
        }
    }
    // The accurate prices of the best point yet: the model prices reported.
    let mut best = (f64::INFINITY, vec![0.0; n]);
    let polish = levenberg_marquardt(
        fast.x,
        n,
        MAX_POLISH_ITERATIONS,
        STEP_TOL,
        POLISH_PATIENCE,
        |x, r| {
            s.residuals(&from_x(x), heston::REL_TOL, &mut prices, r);
            let cost = norm2(r);
            if cost < best.0 {
                best = (cost, prices.clone());
            }
        },
        |x, jac| jacobian_at(&s, &rule, x, jac),
    );
    let (x, converged, message) = (polish.x, fast.converged && polish.converged, polish.message);
    let iterations = fast.iterations + polish.iterations;
    let message = if fast.converged {
        message
    } else {
        fast.message
    };
    let model = from_x(&x);
    let model_prices = if best.0.is_finite() {
        best.1
    } else {
        let mut p = vec![0.0; n];
        s.prices(&model, heston::REL_TOL, &mut p);
        p
    };
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
    Ok(Calibration {
        model,
        rmse_vol: if n_vol > 0 {
            (se_vol / n_vol as f64).sqrt()
        } else {
            f64::NAN
        },
        rmse_price: (se_price / n as f64).sqrt(),
        iterations,
        converged,
        feller: 2.0 * model.kappa * model.theta >= model.xi * model.xi,
        model_prices,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface_of(h: HestonParams) -> Vec<Quote> {
        let mut quotes = Vec::new();
        for t in [0.1, 0.25, 0.5, 1.0, 2.0, 3.0] {
            for k in [
                70.0, 80.0, 90.0, 95.0, 100.0, 105.0, 110.0, 120.0, 130.0, 140.0, 150.0,
            ] {
                let kind = if k < 100.0 {
                    OptionKind::Put
                } else {
                    OptionKind::Call
                };
                let price = heston::price(kind, 100.0, k, t, 0.02, 0.01, h).unwrap();
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
    fn one_expiry_priced_together_is_each_priced_alone() {
        let h = HestonParams {
            v0: 0.05,
            kappa: 1.2,
            theta: 0.06,
            xi: 0.9,
            rho: -0.75,
        };
        let quotes = surface_of(h);
        let s = surface(100.0, &quotes).unwrap();
        let mut prices = vec![0.0; quotes.len()];
        s.prices(&h, heston::REL_TOL, &mut prices);
        for (q, p) in quotes.iter().zip(&prices) {
            // The shared quadrature refines until every strike meets the tolerance: at least
            // as accurate as each alone.
            assert!((p - q.price).abs() <= 1e-12 * q.price + 1e-13, "{q:?}: {p}");
        }
    }

    /// Calibrates to `h`'s own surface from the fit's own start: converged, every parameter to
    /// 1e-4 (relative; rho absolute).
    fn assert_recovers(h: HestonParams) -> Calibration {
        let fit = calibrate(100.0, &surface_of(h), None).unwrap();
        let m = fit.model;
        assert!(fit.converged, "{h:?}: {fit:?}");
        for (got, want) in [
            (m.v0, h.v0),
            (m.kappa, h.kappa),
            (m.theta, h.theta),
            (m.xi, h.xi),
        ] {
            assert!((got / want - 1.0).abs() < 1e-4, "{h:?}: {fit:?}");
        }
        assert!((m.rho - h.rho).abs() < 1e-4, "{h:?}: {fit:?}");
        fit
    }

    #[test]
    fn recovers_the_parameters_of_its_own_surface() {
        let h = HestonParams {
            v0: 0.04,
            kappa: 1.5,
            theta: 0.06,
            xi: 0.5,
            rho: -0.6,
        };
        let fit = assert_recovers(h);
        // The quotes were priced one at a time, the fit's model prices an expiry at a time: the
        // quadratures differ by ~1e-14 in price, 1e-7 in vol at the 2e-11 price of the
        // shortest 150 call (the rest agree far better).
        assert!(fit.rmse_vol < 1e-6, "{fit:?}");
    }

    #[test]
    fn recovers_an_extreme_surface() {
        // A large vol of vol with rho near -1: the short expiries' Fourier tails oscillate for
        // long, no small Gauss-Legendre rule prices them, and the fit must still find the model.
        for h in [
            HestonParams {
                v0: 0.02,
                kappa: 3.0,
                theta: 0.04,
                xi: 1.5,
                rho: -0.9,
            },
            HestonParams {
                v0: 0.09,
                kappa: 0.3,
                theta: 0.02,
                xi: 1.2,
                rho: -0.95,
            },
        ] {
            assert_recovers(h);
        }
    }

    #[test]
    fn bad_quotes_are_named() {
        let mut q = surface_of(HestonParams {
            v0: 0.04,
            kappa: 1.5,
            theta: 0.04,
            xi: 0.3,
            rho: -0.7,
        });
        assert!(calibrate(100.0, &q[..3], None)
            .unwrap_err()
            .to_string()
            .contains("at least 5 quotes"));
        q[2].price = 1e6;
        let e = calibrate(100.0, &q, None).unwrap_err().to_string();
        assert!(e.contains("upper bound"), "{e}");
    }
}
