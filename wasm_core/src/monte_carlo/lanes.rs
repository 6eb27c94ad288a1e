//! What every model's simulator shares with the engine that drives it: the lanes a sample
//! simulates in lockstep and the recorder that watches them step by step.
//!
//! It sits below both: the engine (`engine.rs`) builds lanes and recorders and calls the models
//! (`gbm.rs`, `heston.rs`, `rough_heston.rs`), which only read them, so the dependencies run one
//! way: engine -> models -> lanes and the sampling primitives (`rng.rs`, `normal_sampler.rs`).
//! The models need no common trait: the engine's `Simulator` enum dispatches to each, since
//! Heston simulates a batch of samples at once and the others one sample at a time.

/// How many lanes a sample simulates: `variants` models (1, or 3 with Greeks: base, vega up,
/// vega down) times `signs` (1, or 2 with antithetic sampling). Lane = `variant * signs + sign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lanes {
    pub variants: usize,
    pub signs: usize,
}

impl Lanes {
    pub fn count(&self) -> usize {
        self.variants * self.signs
    }
}

/// Receives every lane's state after each step (for sample paths); pricing uses [`NoRecord`].
pub(crate) trait Recorder {
    /// False for [`NoRecord`]: lets simulators skip work only a recorder needs.
    const RECORDS: bool = true;
    /// `step` counts from 1; `sample` is the index within the batch being simulated;
    /// `x = ln(S_t/S_0)`, `v` = the variance at `t` (GBM: `vol^2`).
    fn record(&mut self, step: usize, sample: usize, lane: usize, x: f64, v: f64);
}

/// The recorder that records nothing (compiles away).
pub(crate) struct NoRecord;

impl Recorder for NoRecord {
    const RECORDS: bool = false;
    #[inline(always)]
    fn record(&mut self, _step: usize, _sample: usize, _lane: usize, _x: f64, _v: f64) {}
}
