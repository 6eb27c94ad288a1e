//! Geometric Brownian motion: the exact log-normal step.
//!
//! `ln S_(t+dt) = ln S_t + (r - q - vol^2/2) dt + vol sqrt(dt) Z` (e.g. P. Glasserman, "Monte
//! Carlo Methods in Financial Engineering", 2003, eq. 3.3): exact for every `dt`, so one step
//! prices a European option without discretisation bias.

use super::lanes::{Lanes, Recorder};
use super::normal_sampler::ziggurat_normal;
use super::rng::SampleStream;

/// GBM lanes: one volatility per variant (base, and the vega bumps when Greeks are on).
pub(crate) struct Gbm {
    lanes: Lanes,
    steps: usize,
    drift_dt: Vec<f64>,
    vol_sqrt_dt: Vec<f64>,
    variance: Vec<f64>,
}

impl Gbm {
    pub fn new(
        vols: &[f64],
        lanes: Lanes,
        expiry: f64,
        rate: f64,
        dividend: f64,
        steps: usize,
    ) -> Self {
        let dt = expiry / steps as f64;
        Gbm {
            lanes,
            steps,
            drift_dt: vols
                .iter()
                .map(|v| (rate - dividend - 0.5 * v * v) * dt)
                .collect(),
            vol_sqrt_dt: vols.iter().map(|v| v * dt.sqrt()).collect(),
            variance: vols.iter().map(|v| v * v).collect(),
        }
    }

    /// Simulates one sample (`sample` = its index in the batch, for the recorder): `x[lane]`
    /// receives `ln(S_T / S_0)`; lane `variant * signs + s` uses the shocks `+Z` (s = 0) or `-Z`
    /// (s = 1, the antithetic path).
    pub fn simulate<R: Recorder>(
        &self,
        stream: &mut SampleStream,
        sample: usize,
        x: &mut [f64],
        record: &mut R,
    ) {
        let signs = self.lanes.signs;
        x.fill(0.0);
        for step in 0..self.steps {
            let z = ziggurat_normal(stream);
            for v in 0..self.lanes.variants {
                for s in 0..signs {
                    let lane = v * signs + s;
                    let shock = if s == 0 { z } else { -z };
                    x[lane] += self.drift_dt[v] + self.vol_sqrt_dt[v] * shock;
                    record.record(step + 1, sample, lane, x[lane], self.variance[v]);
                }
            }
        }
    }
}
