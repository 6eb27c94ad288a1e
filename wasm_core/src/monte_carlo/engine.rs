//! The driver: turns validated [`McParams`] into a simulation plan, simulates blocks of samples
//! and records each sample's payoff, control variate and Greek estimators.
//!
//! A *sample* is one antithetic pair of paths (or one path without antithetic sampling). Each
//! sample has its own random stream ([`SampleStream`], keyed by the seed, counter = sample index)
//! and simulates several *lanes* in lockstep on the same draws: the antithetic partner, and with
//! Greeks the two vega-bumped models (common random numbers). Spot bumps need no extra lanes:
//! every model's log-return `ln(S_T/S_0)` is independent of `S_0`.

use super::gbm::Gbm;
use super::heston::Heston;
use super::lanes::{Lanes, NoRecord, Recorder};
use super::lsm::Policy;
use super::params::{HestonParams, McParams, Model};
use super::path_payoff::PathTracker;
use super::rng::SampleStream;
use super::rough_heston::RoughHeston;
use super::stats::{BlockSums, BLOCK_SAMPLES, C, D, G, QUANTITIES, V, Y};
use crate::fastmath;

/// Relative spot bump `h` of delta and gamma: `S (1 +- h)`, central differences.
pub const SPOT_BUMP_REL: f64 = 0.01;
/// Relative vega bump: `eps = 1% of the volatility level` (GBM: `vol`; Heston and rough
/// Heston: `max(sqrt(v0), sqrt(theta))`), and at least [`VEGA_BUMP_MIN`].
pub const VEGA_BUMP_REL: f64 = 0.01;
/// Smallest vega bump, in units of volatility (for a volatility level below 1%).
pub const VEGA_BUMP_MIN: f64 = 1e-4;

/// Most samples simulated in one [`Plan::simulate_batch`] call.
pub(crate) const BATCH: usize = super::heston::BATCH;

pub(crate) enum Simulator {
    Gbm(Gbm),
    Heston(Heston),
    Rough(RoughHeston),
}

/// The vega bump: the variants' volatility levels are `level + up` and `level - down`.
#[derive(Debug, Clone, Copy)]
struct VegaBump {
    up: f64,
    down: f64,
}

/// `eps = max(1% of level, 1e-4)` up; down by the same amount, or only to 0 when the level is
/// smaller (a one-sided difference at zero volatility, where the price has a kink).
fn vega_bump(level: f64) -> VegaBump {
    let eps = (VEGA_BUMP_REL * level).max(VEGA_BUMP_MIN);
    VegaBump {
        up: eps,
        down: eps.min(level),
    }
}

/// `(v0, theta)` of the base model and of the vega bumps: a parallel shift of `sqrt(v0)` and
/// `sqrt(theta)` by `+up` and `-down` (squared back), so vega is per unit of volatility, like
/// GBM's: with `xi = 0` and `v0 = theta = vol^2` it equals Black-Scholes vega.
fn heston_variants(h: &HestonParams, greeks: bool) -> (Vec<(f64, f64)>, Option<VegaBump>) {
    let (s0, s_inf) = (h.v0.sqrt(), h.theta.sqrt());
    let mut variants = vec![(h.v0, h.theta)];
    if !greeks {
        return (variants, None);
    }
    let bump = vega_bump(s0.max(s_inf));
    let shift = |e: f64| ((s0 + e) * (s0 + e), (s_inf + e) * (s_inf + e));
    variants.push(shift(bump.up));
    variants.push(shift(-bump.down));
    (variants, Some(bump))
}

/// The unit of money amounts inside the engine: a power of two near the spot, so converting is
/// exact (an expiry-0 payoff is computed exactly as `S - K`) and squares of payoffs cannot
/// overflow for any representable spot.
pub(crate) fn money_scale(spot: f64) -> f64 {
    // floor(log2(spot)) from the exponent bits (no libm: the same everywhere), clamped so that
    // 2^e itself is a normal double (powi(-1030) would underflow to 0). A subnormal spot has
    // exponent bits 0: its scale is clamped anyway.
    let e = ((spot.to_bits() >> 52) & 0x7ff) as i64 - 1023;
    f64::from_bits(((e.clamp(-1000, 1000) + 1023) as u64) << 52)
}

/// Everything a block simulation needs, computed once per call from the parameters.
pub(crate) struct Plan {
    pub sim: Simulator,
    pub lanes: Lanes,
    /// `ln D = -r T` and the known mean of the control, `e^{-qT}`.
    log_discount: f64,
    control_mean: f64,
    /// Spot in units of [`money_scale`].
    spot_rel: f64,
    /// Discounted strike in units of [`money_scale`], `e^{-rT} K / scale`.
    strike_pv: f64,
    /// +1 call, -1 put.
    sign: f64,
    vega: Option<VegaBump>,
    zero_expiry: bool,
    /// The counter domain of the random streams (0; the LSM training paths use their own).
    pub domain: u32,
    /// Each variant's variance at `t = 0` (GBM: `vol^2`; Heston-type: `v0`).
    pub start_variance: Vec<f64>,
}

impl Plan {
    pub fn new(p: &McParams) -> Self {
        let greeks = p.greeks();
        let lanes = Lanes {
            variants: if greeks { 3 } else { 1 },
            signs: if p.antithetic() { 2 } else { 1 },
        };
        let steps = p.steps() as usize;
        let (t, r, q) = (p.expiry(), p.rate(), p.dividend());
        let (sim, vega, start_variance) = match p.model() {
            Model::Gbm { vol } => {
                let mut vols = vec![vol];
                let bump = greeks.then(|| vega_bump(vol));
                if let Some(b) = bump {
                    vols.push(vol + b.up);
                    vols.push(vol - b.down);
                }
                let start = vols.iter().map(|v| v * v).collect();
                (
                    Simulator::Gbm(Gbm::new(&vols, lanes, t, r, q, steps)),
                    bump,
                    start,
                )
            }
            Model::Heston(h) => {
                let (variants, bump) = heston_variants(&h, greeks);
                (
                    Simulator::Heston(Heston::new(&h, &variants, lanes, t, r, q, steps)),
                    bump,
                    variants.iter().map(|v| v.0).collect(),
                )
            }
            Model::RoughHeston { heston, hurst } => {
                let (variants, bump) = heston_variants(&heston, greeks);
                (
                    Simulator::Rough(RoughHeston::new(
                        &heston, hurst, &variants, lanes, t, r, q, steps,
                    )),
                    bump,
                    variants.iter().map(|v| v.0).collect(),
                )
            }
        };
        let scale = money_scale(p.spot());
        Plan {
            sim,
            lanes,
            log_discount: -r * t,
            control_mean: p.spot() / scale * fastmath::exp(-q * t),
            spot_rel: p.spot() / scale,
            strike_pv: fastmath::exp(-r * t) * (p.strike() / scale),
            sign: p.kind().sign(),
            vega,
            zero_expiry: t == 0.0,
            domain: 0,
            start_variance,
        }
    }

    /// Simulates samples `first .. first + n` (`1 <= n <= BATCH`) of the run keyed by `seed`:
    /// `x[i * lanes + lane] = ln(S_T/S_0)` of sample `first + i`. Each sample's values depend
    /// only on `(seed, sample)`, not on the batch it is simulated in.
    pub fn simulate_batch<R: Recorder>(
        &mut self,
        seed: u64,
        first: u64,
        n: usize,
        x: &mut [f64],
        record: &mut R,
    ) {
        let lanes = self.lanes.count();
        if self.zero_expiry {
            // Nothing moves in zero time; skip the draws (the payoff is the intrinsic value).
            x[..n * lanes].fill(0.0);
            return;
        }
        match &mut self.sim {
            Simulator::Heston(m) => {
                // A short batch is padded with copies of its last sample (simulated, not reported).
                let domain = self.domain;
                let mut streams: [SampleStream; BATCH] = std::array::from_fn(|i| {
                    SampleStream::in_domain(seed, first + i.min(n - 1) as u64, domain)
                });
                m.simulate(&mut streams, n, x, record);
            }
            Simulator::Gbm(m) => {
                for i in 0..n {
                    let mut stream = SampleStream::in_domain(seed, first + i as u64, self.domain);
                    m.simulate(&mut stream, i, &mut x[i * lanes..(i + 1) * lanes], record);
                }
            }
            Simulator::Rough(m) => {
                for i in 0..n {
                    let mut stream = SampleStream::in_domain(seed, first + i as u64, self.domain);
                    m.simulate(&mut stream, i, &mut x[i * lanes..(i + 1) * lanes], record);
                }
            }
        }
    }

    /// Discounted payoff in units of `scale` for the discounted terminal spot `d = e^{-rT} S_T /
    /// scale` and spot factor `s` (`s = 1 +- h` for the bumped spots):
    /// `max(+-(s d - e^{-rT} K / scale), 0)`.
    #[inline]
    pub(crate) fn payoff(&self, d: f64, s: f64) -> f64 {
        (self.sign * (s * d - self.strike_pv)).max(0.0)
    }

    /// `e^{-rT} S_T / scale` for the terminal log-return `x`.
    #[inline]
    pub(crate) fn discounted_spot(&self, x: f64) -> f64 {
        self.spot_rel * fastmath::exp(x + self.log_discount)
    }

    /// The spot in money units.
    pub(crate) fn spot_rel(&self) -> f64 {
        self.spot_rel
    }

    /// The mean of the terminal-spot control, `S e^{-qT}` in money units.
    pub(crate) fn control_mean(&self) -> f64 {
        self.control_mean
    }

    /// The vega difference quotient's denominator (the bumps' span), when Greeks are on.
    pub(crate) fn vega_denominator(&self) -> Option<f64> {
        self.vega.map(|b| b.up + b.down)
    }

    /// The recorded quantities of one sample from its lanes' terminal log-returns, each
    /// averaged over the antithetic pair.
    pub(crate) fn sample_values(&self, x: &[f64]) -> [f64; QUANTITIES] {
        let signs = self.lanes.signs;
        let w = 1.0 / signs as f64;
        let mut out = [0.0; QUANTITIES];
        let (mut up, mut down) = (0.0, 0.0);
        let h = SPOT_BUMP_REL;
        for &xs in &x[..signs] {
            let d = self.discounted_spot(xs);
            out[Y] += w * self.payoff(d, 1.0);
            out[C] += w * (d - self.control_mean);
            if self.vega.is_some() {
                up += w * self.payoff(d, 1.0 + h);
                down += w * self.payoff(d, 1.0 - h);
            }
        }
        if let Some(bump) = self.vega {
            out[D] = (up - down) / (2.0 * h * self.spot_rel);
            out[G] = (up - 2.0 * out[Y] + down) / (h * h * self.spot_rel * self.spot_rel);
            let (mut vu, mut vd) = (0.0, 0.0);
            for s in 0..signs {
                vu += w * self.payoff(self.discounted_spot(x[signs + s]), 1.0);
                vd += w * self.payoff(self.discounted_spot(x[2 * signs + s]), 1.0);
            }
            out[V] = (vu - vd) / (bump.up + bump.down);
        }
        out
    }
}

/// Simulates blocks `first .. first + count` (the caller checked the range).
pub(crate) fn simulate_blocks(p: &McParams, first: u64, count: u64) -> Vec<BlockSums> {
    simulate_blocks_with(p, first, count, None)
}

/// As [`simulate_blocks`], with an early-exercise payoff's policy already fitted (`rule`, from
/// [`lsm::train`] on the same params: threads of one run share one fit instead of each fitting
/// the same one).
pub(crate) fn simulate_blocks_with(
    p: &McParams,
    first: u64,
    count: u64,
    rule: Option<&Policy>,
) -> Vec<BlockSums> {
    let mut out = Vec::with_capacity(count as usize);
    for_each_block_with(p, first, count, rule, |b| out.push(b));
    out
}

/// Simulates blocks `first .. first + count` in order, handing each to `sink` as it is done.
pub(crate) fn for_each_block(p: &McParams, first: u64, count: u64, sink: impl FnMut(BlockSums)) {
    for_each_block_with(p, first, count, None, sink);
}

fn for_each_block_with(
    p: &McParams,
    first: u64,
    count: u64,
    rule: Option<&Policy>,
    mut sink: impl FnMut(BlockSums),
) {
    let mut plan = Plan::new(p);
    let lanes = plan.lanes.count();
    let mut x = vec![0.0; BATCH * lanes];
    let mut values = Vec::with_capacity(BLOCK_SAMPLES as usize);
    // Path payoffs follow every step (and an early-exercise payoff fits its policy first).
    let mut tracker = p
        .payoff()
        .path_dependent()
        .then(|| PathTracker::new(p, &plan, rule));
    for block in first..first + count {
        let start = block * BLOCK_SAMPLES;
        let end = (start + BLOCK_SAMPLES).min(p.samples());
        values.clear();
        let mut sample = start;
        while sample < end {
            let n = (end - sample).min(BATCH as u64) as usize;
            match &mut tracker {
                None => {
                    plan.simulate_batch(p.seed(), sample, n, &mut x, &mut NoRecord);
                    for i in 0..n {
                        values.push(plan.sample_values(&x[i * lanes..(i + 1) * lanes]));
                    }
                }
                Some(t) => {
                    t.reset();
                    plan.simulate_batch(p.seed(), sample, n, &mut x, t);
                    for i in 0..n {
                        values.push(t.sample_values(&plan, i, &x[i * lanes..(i + 1) * lanes]));
                    }
                }
            }
            sample += n as u64;
        }
        sink(BlockSums::from_samples(block, &values));
    }
}
