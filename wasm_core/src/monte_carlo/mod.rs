//! Monte Carlo pricing of European options under GBM, Heston and rough Heston.
//!
//! # Public API
//! * [`McParams::new`] validates a request (docs/api.md, "Monte Carlo").
//! * [`run`] prices it on one thread: `simulate_blocks` over every block, then `finish`.
//! * [`block_count`], [`simulate_blocks`] and [`finish`] split the work among workers: a worker
//!   simulates a contiguous range of blocks and returns their [`BlockSums`] (flat transfer:
//!   [`BlockSums::to_array`] / [`BlockSums::from_array`]); the coordinator passes all blocks to
//!   `finish`. The result is **bit-identical** to `run` however the blocks were split, because
//!   every sample's random stream depends only on `(seed, sample index)` and blocks are reduced
//!   in block order (`stats.rs`).
//! * [`sample_paths`] returns the first paths of the same streams, for plots.
//! * Native and wasm builds give the same bits for GBM and Heston: every transcendental function
//!   on their path is [`crate::fastmath`]'s or an IEEE operation, never the platform's libm
//!   (checked by `tests/test_native_wasm_identity.py` and the benchmark's
//!   `identical_to_rust_native`). Rough Heston's kernel set-up still calls `powf`, `sin` and
//!   `exp` of the platform, so its last bits may differ between builds.
//!
//! # Estimator
//! Samples are antithetic pairs (default) or single paths. Each sample records the discounted
//! payoff `Y` and the control variate `C = e^{-rT} S_T - S e^{-qT}`, whose mean is exactly 0 in
//! every model here (the GBM step is exact; the Heston and rough Heston schemes are martingale-
//! corrected). The price is the regression estimator `mean(Y) - beta mean(C)`,
//! `beta = Cov(Y, C)/Var(C)` (P. Glasserman, "Monte Carlo Methods in Financial Engineering",
//! 2003, section 4.1.1, eqs. 4.3-4.5), used when there are at least [`MIN_SAMPLES_FOR_CONTROL`]
//! samples and `C` varies; its standard error is from the regression residuals (divisor n - 2).
//! The 95% interval is `price +- 1.959964 std_error`.
//!
//! # Greeks (`greeks: true`)
//! Bump-and-reprice with common random numbers, in the same pass: every sample also prices the
//! spot bumps `S (1 +- 1%)` (the models' log-returns do not depend on `S`, so these cost only a
//! payoff) and two vega-bumped models on the same draws. Central differences:
//! `delta = (V(S+h) - V(S-h)) / 2h`, `gamma = (V(S+h) - 2V(S) + V(S-h)) / h^2`, `h = 1% S`;
//! `vega = (V(+eps) - V(-eps)) / 2 eps` per unit of volatility, `eps = 1%` of the volatility
//! level (at least 1e-4; one-sided at a level below `eps`). GBM bumps `vol`; Heston and rough
//! Heston shift `sqrt(v0)` and `sqrt(theta)` together by `eps` (so with `xi = 0` and
//! `v0 = theta = vol^2` vega equals Black-Scholes vega). Each Greek's standard error is the
//! sample standard error of its per-sample difference quotient (no control variate).
//!
//! # Models and accuracy (measured; see `tests/monte_carlo_*.rs`)
//! * GBM (`gbm.rs`): exact log-normal steps, no discretisation bias.
//! * Heston (`heston.rs`): Andersen's QE scheme with martingale correction. On Lewis's harsh case
//!   (xi = 1) the bias is below the noise of 1e6 paths (s.e. 0.014) from 10 steps on.
//! * Rough Heston (`rough_heston.rs`, `kernel.rs`): an Inverse-Gaussian integrated-variance
//!   scheme (after Abi Jaber & Attal's iVi) with a collocated increment, on a 22-factor
//!   Markovian lift of the fractional kernel (100 steps). Against docs/references.md's values the bias
//!   at the default 100 steps is within +-0.005 at hurst 0.1, 0.3 and 0.5 (2e6 paths, s.e.
//!   0.0026): under 0.4 standard errors of a default 100k-path run.

mod engine;
mod gbm;
mod heston;
pub mod kernel;
mod lanes;
mod lsm;
mod normal_sampler;
mod params;
mod path_payoff;
pub mod payoff;
pub mod rng;
mod rough_heston;
mod stats;

pub use engine::{SPOT_BUMP_REL, VEGA_BUMP_MIN, VEGA_BUMP_REL};
pub use lsm::training_paths;
pub use normal_sampler::{inverse_normal_cdf, ziggurat_normal};
pub use params::{
    HestonParams, McOptions, McParams, Model, DEFAULT_PATHS, DEFAULT_STEPS_GBM,
    DEFAULT_STEPS_STOCHASTIC_VOL, MAX_PATHS, MAX_PATH_STEPS, MAX_SEED_EXCLUSIVE, MAX_STEPS,
};
pub use payoff::{Average, BarrierStyle, Payoff, PayoffName, MAX_EXERCISE_DATES, PAYOFF_NAMES};
pub use stats::{BlockSums, BLOCK_SAMPLES};

use crate::errors::PricingError;
use crate::fastmath;
use engine::{Plan, BATCH};
use lanes::Recorder;
use stats::{Totals, C, D, G, V, Y};

/// Two-sided 95% normal quantile, `Phi^-1(0.975)`.
pub const Z_95: f64 = 1.959_963_984_540_054;
/// Fewest samples for which the control variate's estimated coefficient is used: below it the
/// coefficient's own noise is not negligible and the plain mean is reported.
pub const MIN_SAMPLES_FOR_CONTROL: u64 = 64;
/// Largest `n` of [`sample_paths`].
pub const MAX_SAMPLE_PATHS: usize = 10_000;
/// Largest `points` of [`sample_paths`].
pub const MAX_SAMPLE_POINTS: usize = 100_001;

/// Monte Carlo Greeks with their standard errors (see the module docs for the bumps).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McGreeks {
    pub delta: f64,
    pub delta_std_error: f64,
    pub gamma: f64,
    pub gamma_std_error: f64,
    /// Per unit of volatility (not per 1%).
    pub vega: f64,
    pub vega_std_error: f64,
}

/// The result of a Monte Carlo run. Every field is finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McResult {
    pub price: f64,
    /// Standard error of `price` (0 with a single sample, where it cannot be estimated).
    pub std_error: f64,
    /// 95% confidence interval `price -+ 1.959964 std_error`.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Paths simulated (with antithetic sampling, twice the pairs: an odd request is rounded up).
    pub paths: u64,
    pub steps: u64,
    /// Independent samples behind `std_error` (antithetic pairs, or paths).
    pub samples: u64,
    /// Whether the control variate was applied (see [`MIN_SAMPLES_FOR_CONTROL`]).
    pub control_variate: bool,
    /// The plain Monte Carlo estimate (no control variate) and its standard error, to show
    /// what the control variate bought.
    pub price_without_control: f64,
    pub std_error_without_control: f64,
    /// Present when `greeks` was requested.
    pub greeks: Option<McGreeks>,
}

/// Number of blocks of [`BLOCK_SAMPLES`] samples (the last may be partial).
pub fn block_count(p: &McParams) -> u64 {
    p.samples().div_ceil(BLOCK_SAMPLES)
}

/// Simulates blocks `first_block .. first_block + n_blocks` and returns their moments.
///
/// # Errors
/// `blocks` when the range is not inside `0 .. block_count(p)`.
pub fn simulate_blocks(
    p: &McParams,
    first_block: u64,
    n_blocks: u64,
) -> Result<Vec<BlockSums>, PricingError> {
    let total = block_count(p);
    if first_block > total || n_blocks > total - first_block {
        return Err(PricingError::Invalid {
            param: "blocks".into(),
            rule: format!(
                "must be a range inside 0..{total} (got {first_block}..{})",
                first_block.saturating_add(n_blocks)
            ),
        });
    }
    Ok(engine::simulate_blocks(p, first_block, n_blocks))
}

/// The error for a result that overflowed double precision.
fn overflow() -> PricingError {
    PricingError::SimulationOverflow
}

/// Reduces the blocks of a run (every block `0 .. block_count(p)` exactly once, in any order
/// in the slice) to the result.
///
/// # Errors
/// `blocks` when blocks are missing, repeated or do not match `p`; `inputs` when the simulation
/// overflowed (non-finite sums).
pub fn finish(p: &McParams, blocks: &[BlockSums]) -> Result<McResult, PricingError> {
    let total = block_count(p);
    let bad = |rule: String| PricingError::Invalid {
        param: "blocks".into(),
        rule,
    };
    if blocks.len() as u64 != total {
        return Err(bad(format!(
            "must hold all {total} blocks of the run (got {})",
            blocks.len()
        )));
    }
    let mut ordered: Vec<&BlockSums> = blocks.iter().collect();
    ordered.sort_by_key(|b| b.block);
    let mut t = Totals::default();
    for (i, b) in ordered.iter().enumerate() {
        let expected_count = (p.samples() - i as u64 * BLOCK_SAMPLES).min(BLOCK_SAMPLES);
        if b.block != i as u64 || b.count != expected_count {
            return Err(bad(format!(
                "must hold blocks 0..{total} once each, with their sample counts"
            )));
        }
        t.merge(b);
    }
    result(p, &t)
}

/// Prices `p` on this thread (equal, bit for bit, to `finish` over any split of the blocks).
///
/// # Errors
/// `inputs` when the simulation overflowed double precision.
pub fn run(p: &McParams) -> Result<McResult, PricingError> {
    // `finish`'s reduction, block by block as they are simulated (no list of all blocks).
    let mut t = Totals::default();
    engine::for_each_block(p, 0, block_count(p), |b| t.merge(&b));
    result(p, &t)
}

/// Prices `p` on up to `threads` threads (natively; one in wasm): contiguous ranges of blocks
/// per thread, reduced in block order by [`finish`], so the result is the same double as
/// [`run`]'s for any thread count.
///
/// # Errors
/// As [`run`].
pub fn run_threads(p: &McParams, threads: usize) -> Result<McResult, PricingError> {
    let total = block_count(p);
    if crate::parallel::threads_for(usize::try_from(total).unwrap_or(usize::MAX), threads, 1) <= 1 {
        return run(p);
    }
    // An early-exercise policy is fitted once, before the threads start.
    let rule = matches!(p.payoff(), Payoff::Exercise { .. }).then(|| lsm::train(p));
    let parts = crate::parallel::map_ranges(total, threads, |first, end| {
        engine::simulate_blocks_with(p, first, end - first, rule.as_ref())
    });
    let blocks: Vec<BlockSums> = parts.into_iter().flatten().collect();
    finish(p, &blocks)
}

/// Sample standard error of a mean from `m2` (sum of squared deviations) over `n` samples.
fn std_error(m2: f64, n: u64, fitted: u64) -> f64 {
    if n <= fitted + 1 {
        return 0.0;
    }
    (m2.max(0.0) / (n - 1 - fitted) as f64 / n as f64).sqrt()
}

fn result(p: &McParams, t: &Totals) -> Result<McResult, PricingError> {
    let n = t.count;
    // Money amounts were recorded in units of a power of two near the spot (engine.rs).
    let s = engine::money_scale(p.spot());
    let plain = t.mean[Y];
    let plain_se = std_error(t.m2[Y], n, 0);
    // Use the control only when it varies measurably: at vol 0 its deviations are rounding
    // noise, and a regression on noise could move the price.
    let control_scale = p.spot() / s * fastmath::exp(-p.dividend() * p.expiry());
    let varies = t.m2[C] > n as f64 * (1e-12 * control_scale).powi(2);
    let use_control = n >= MIN_SAMPLES_FOR_CONTROL && varies;
    let (unit_price, unit_se) = if use_control {
        let beta = t.c_payoff_control / t.m2[C];
        let residual = t.m2[Y] - beta * t.c_payoff_control;
        (plain - beta * t.mean[C], std_error(residual, n, 1))
    } else {
        (plain, plain_se)
    };
    let price = s * unit_price;
    let se = s * unit_se;
    let greeks = p.greeks().then(|| McGreeks {
        delta: t.mean[D],
        delta_std_error: std_error(t.m2[D], n, 0),
        gamma: t.mean[G] / s,
        gamma_std_error: std_error(t.m2[G], n, 0) / s,
        vega: s * t.mean[V],
        vega_std_error: s * std_error(t.m2[V], n, 0),
    });
    let r = McResult {
        price,
        std_error: se,
        ci_low: price - Z_95 * se,
        ci_high: price + Z_95 * se,
        paths: p.paths(),
        steps: p.steps(),
        samples: n,
        control_variate: use_control,
        price_without_control: s * plain,
        std_error_without_control: s * plain_se,
        greeks,
    };
    let mut all = vec![
        r.price,
        r.std_error,
        r.ci_low,
        r.ci_high,
        r.price_without_control,
        r.std_error_without_control,
    ];
    if let Some(g) = r.greeks {
        all.extend([
            g.delta,
            g.delta_std_error,
            g.gamma,
            g.gamma_std_error,
            g.vega,
            g.vega_std_error,
        ]);
    }
    if all.iter().all(|v| v.is_finite()) {
        Ok(r)
    } else {
        Err(overflow())
    }
}

/// Sampled paths for plots: `spot[i][j]` and `variance[i][j]` of path `i` at `times[j]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplePaths {
    pub times: Vec<f64>,
    pub spot: Vec<Vec<f64>>,
    /// GBM: `vol^2`; Heston: the variance at `t`; rough Heston: the mean variance over the step
    /// ending at `t` (at `t = 0`: `v0`).
    pub variance: Vec<Vec<f64>>,
}

struct PathRecorder<'a> {
    /// Which step index maps to which output column (`usize::MAX` = not kept).
    column: &'a [usize],
    spot: f64,
    /// Lanes recorded per sample (the base variant's: its antithetic signs); the output rows
    /// of sample `i`, lane `l` are `rows[i * signs + l]`.
    signs: usize,
    rows: &'a mut [(Vec<f64>, Vec<f64>)],
}

impl Recorder for PathRecorder<'_> {
    fn record(&mut self, step: usize, sample: usize, lane: usize, x: f64, v: f64) {
        if lane < self.signs {
            let col = self.column[step];
            if col != usize::MAX {
                let row = &mut self.rows[sample * self.signs + lane];
                row.0[col] = self.spot * fastmath::exp(x);
                row.1[col] = v;
            }
        }
    }
}

/// The first `n` paths of the run's random streams, at `points` times evenly spread over the
/// step grid (`points` is capped at `steps + 1`; the grid indices are
/// `round(j * steps / (points - 1))`). Path `2i` and `2i + 1` are sample `i`'s antithetic pair
/// (without antithetic sampling, path `i` is sample `i`). Greeks settings are ignored.
///
/// # Errors
/// `n` outside `[1, 10000]` or `points` outside `[2, 100001]`; `inputs` on overflow.
pub fn sample_paths(p: &McParams, n: usize, points: usize) -> Result<SamplePaths, PricingError> {
    if !(1..=MAX_SAMPLE_PATHS).contains(&n) {
        return Err(PricingError::OutOfRange {
            param: "n",
            value: n as f64,
            rule: "must be an integer in [1, 10000]",
        });
    }
    if !(2..=MAX_SAMPLE_POINTS).contains(&points) {
        return Err(PricingError::OutOfRange {
            param: "points",
            value: points as f64,
            rule: "must be an integer in [2, 100001]",
        });
    }
    let base = McParams::new(
        p.kind(),
        p.spot(),
        p.strike(),
        p.expiry(),
        p.rate(),
        p.dividend(),
        p.model(),
        McOptions {
            paths: Some(p.paths() as f64),
            steps: Some(p.steps() as f64),
            seed: Some(p.seed() as f64),
            antithetic: p.antithetic(),
            greeks: false,
            // The payoff does not change the paths.
            ..McOptions::default()
        },
    )?;
    let steps = base.steps() as usize;
    let points = points.min(steps + 1);
    let mut column = vec![usize::MAX; steps + 1];
    let mut grid = Vec::with_capacity(points);
    for j in 0..points {
        let k = ((j as f64) * steps as f64 / (points - 1) as f64).round() as usize;
        if grid.last() != Some(&k) {
            grid.push(k);
        }
    }
    for (col, &k) in grid.iter().enumerate() {
        column[k] = col;
    }
    let times: Vec<f64> = grid
        .iter()
        .map(|&k| base.expiry() * k as f64 / steps as f64)
        .collect();
    let v0 = match base.model() {
        Model::Gbm { vol } => vol * vol,
        Model::Heston(h) | Model::RoughHeston { heston: h, .. } => h.v0,
    };
    let mut plan = Plan::new(&base);
    let signs = plan.lanes.signs;
    let mut x = vec![0.0; BATCH * plan.lanes.count()];
    let mut spot = Vec::with_capacity(n);
    let mut variance = Vec::with_capacity(n);
    let samples = n.div_ceil(signs);
    let mut first = 0;
    while first < samples {
        let count = (samples - first).min(BATCH);
        let mut rows: Vec<(Vec<f64>, Vec<f64>)> = (0..count * signs)
            .map(|_| (vec![base.spot(); grid.len()], vec![v0; grid.len()]))
            .collect();
        if base.expiry() > 0.0 {
            let mut rec = PathRecorder {
                column: &column,
                spot: base.spot(),
                signs,
                rows: &mut rows,
            };
            plan.simulate_batch(base.seed(), first as u64, count, &mut x, &mut rec);
        }
        for (s, v) in rows {
            if spot.len() < n {
                spot.push(s);
                variance.push(v);
            }
        }
        first += count;
    }
    let finite = spot
        .iter()
        .chain(&variance)
        .all(|row| row.iter().all(|v| v.is_finite()));
    if !finite {
        return Err(overflow());
    }
    Ok(SamplePaths {
        times,
        spot,
        variance,
    })
}
