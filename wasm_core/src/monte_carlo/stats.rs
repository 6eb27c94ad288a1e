//! Per-block moments and their order-fixed reduction: the part of the engine that makes results
//! bit-identical however the paths are split among workers.
//!
//! A block is [`BLOCK_SAMPLES`] consecutive samples. Its moments are computed from its own
//! samples only (two passes: mean, then centred sums), and blocks are merged strictly in block
//! order with the pairwise update of Chan, Golub & LeVeque ("Updating formulae and a pairwise
//! algorithm for computing sample variances", 1979; eq. 2.1 for the co-moment form). So the
//! result depends on the samples and on nothing else — not on which worker produced a block.

use crate::errors::PricingError;

/// Samples per block: 256 antithetic pairs (512 paths), or 256 paths without antithetic. Small
/// enough that a few thousand samples split evenly among workers (5,000 paths: 20 blocks, 10 per
/// worker on two; at 1024 it was 5 blocks, split 3/2), large enough that the blocks' moments
/// stay a small fraction of the work (13 numbers per 256 samples) and that per-block
/// two-pass moments are accurate. A multiple of the Heston kernel's batch (8 or 16 samples).
pub const BLOCK_SAMPLES: u64 = 256;

/// The quantities recorded per sample, each already averaged over an antithetic pair:
/// `[y, c, d, g, v]` = discounted payoff, control variate (discounted terminal spot minus its
/// known mean `S e^{-qT}`), and the per-sample delta, gamma and vega estimators, with money
/// amounts in units of the run's scale (a power of two near the spot; see `engine.rs`).
pub(crate) const QUANTITIES: usize = 5;
pub(crate) const Y: usize = 0;
pub(crate) const C: usize = 1;
pub(crate) const D: usize = 2;
pub(crate) const G: usize = 3;
pub(crate) const V: usize = 4;

/// The moments of one block of samples (see the module docs).
///
/// `mean[k]` and `m2[k]` (sum of squared deviations from the block mean) for the quantities
/// `[payoff, control, delta, gamma, vega]`, and `c_payoff_control` the sum of cross-deviations of
/// payoff and control. Greek entries are 0 when Greeks were not requested.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockSums {
    /// The block's index: samples `block * 256 .. min((block + 1) * 256, samples)`.
    pub block: u64,
    /// Samples in the block ([`BLOCK_SAMPLES`], except possibly the last block).
    pub count: u64,
    pub mean: [f64; QUANTITIES],
    pub m2: [f64; QUANTITIES],
    pub c_payoff_control: f64,
}

impl BlockSums {
    /// Length of [`BlockSums::to_array`]'s output.
    pub const LEN: usize = 3 + 2 * QUANTITIES;

    /// A flat array for transfer between workers (e.g. as a `Float64Array`):
    /// `[block, count, mean[0..5], m2[0..5], c_payoff_control]`. Exact: `block` and `count` are
    /// integers below 2^53.
    pub fn to_array(&self) -> [f64; Self::LEN] {
        let mut a = [0.0; Self::LEN];
        a[0] = self.block as f64;
        a[1] = self.count as f64;
        a[2..2 + QUANTITIES].copy_from_slice(&self.mean);
        a[2 + QUANTITIES..2 + 2 * QUANTITIES].copy_from_slice(&self.m2);
        a[Self::LEN - 1] = self.c_payoff_control;
        a
    }

    /// The inverse of [`BlockSums::to_array`].
    ///
    /// # Errors
    /// `blocks` (the parameter name used by the bindings) when the slice has the wrong length
    /// or `block`/`count` are not non-negative integers.
    pub fn from_array(a: &[f64]) -> Result<Self, PricingError> {
        let bad = |rule: &str| PricingError::Invalid {
            param: "blocks".into(),
            rule: rule.into(),
        };
        if a.len() != Self::LEN {
            return Err(bad("must hold 13 numbers per block"));
        }
        let int = |x: f64| (0.0..9_007_199_254_740_992.0).contains(&x) && x.fract() == 0.0;
        if !int(a[0]) || !int(a[1]) {
            return Err(bad(
                "must start with an integer block index and sample count",
            ));
        }
        let mut mean = [0.0; QUANTITIES];
        let mut m2 = [0.0; QUANTITIES];
        mean.copy_from_slice(&a[2..2 + QUANTITIES]);
        m2.copy_from_slice(&a[2 + QUANTITIES..2 + 2 * QUANTITIES]);
        Ok(BlockSums {
            block: a[0] as u64,
            count: a[1] as u64,
            mean,
            m2,
            c_payoff_control: a[Self::LEN - 1],
        })
    }

    /// The moments of one block from its samples (`samples[i]` = the 5 quantities of sample i).
    pub(crate) fn from_samples(block: u64, samples: &[[f64; QUANTITIES]]) -> Self {
        let n = samples.len();
        let mut mean = [0.0; QUANTITIES];
        if n > 0 {
            for s in samples {
                for k in 0..QUANTITIES {
                    mean[k] += s[k];
                }
            }
            for m in &mut mean {
                *m /= n as f64;
            }
        }
        let mut m2 = [0.0; QUANTITIES];
        let mut cyc = 0.0;
        for s in samples {
            for k in 0..QUANTITIES {
                let d = s[k] - mean[k];
                m2[k] += d * d;
            }
            cyc += (s[Y] - mean[Y]) * (s[C] - mean[C]);
        }
        BlockSums {
            block,
            count: n as u64,
            mean,
            m2,
            c_payoff_control: cyc,
        }
    }
}

/// Moments of all samples so far; blocks are folded in with [`Totals::merge`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Totals {
    pub count: u64,
    pub mean: [f64; QUANTITIES],
    pub m2: [f64; QUANTITIES],
    pub c_payoff_control: f64,
}

impl Totals {
    /// Chan, Golub & LeVeque (1979), eq. 2.1: with `delta = mean_b - mean_a`,
    /// `M2 = M2_a + M2_b + delta^2 n_a n_b / n` (and the same for the co-moment).
    pub fn merge(&mut self, b: &BlockSums) {
        if b.count == 0 {
            return;
        }
        let na = self.count as f64;
        let nb = b.count as f64;
        let n = na + nb;
        let delta: [f64; QUANTITIES] = std::array::from_fn(|k| b.mean[k] - self.mean[k]);
        for (k, d) in delta.iter().enumerate() {
            self.mean[k] += d * (nb / n);
            self.m2[k] += b.m2[k] + d * d * (na * nb / n);
        }
        self.c_payoff_control += b.c_payoff_control + delta[Y] * delta[C] * (na * nb / n);
        self.count += b.count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Merged block moments equal the moments of the pooled samples (up to rounding).
    #[test]
    fn merge_matches_pooled_moments() {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / 9_007_199_254_740_992.0
        };
        let samples: Vec<[f64; QUANTITIES]> = (0..1000)
            .map(|_| {
                let a = next();
                [a * 3.0 + 100.0, a - next(), next(), next() * 1e-3, -next()]
            })
            .collect();
        let mut t = Totals::default();
        for (i, chunk) in samples.chunks(77).enumerate() {
            t.merge(&BlockSums::from_samples(i as u64, chunk));
        }
        let all = BlockSums::from_samples(0, &samples);
        assert_eq!(t.count, 1000);
        const REL: f64 = 1e-12;
        for k in 0..QUANTITIES {
            assert!((t.mean[k] - all.mean[k]).abs() <= REL * all.mean[k].abs().max(1.0));
            assert!((t.m2[k] - all.m2[k]).abs() <= REL * all.m2[k]);
        }
        assert!((t.c_payoff_control - all.c_payoff_control).abs() <= REL * all.m2[Y]);
    }

    #[test]
    fn array_round_trip() {
        let b = BlockSums {
            block: 17,
            count: 1024,
            mean: [1.0, 2.0, 3.0, 4.0, 5.0],
            m2: [6.0, 7.0, 8.0, 9.0, 10.0],
            c_payoff_control: -11.0,
        };
        assert_eq!(BlockSums::from_array(&b.to_array()).unwrap(), b);
        assert!(BlockSums::from_array(&[0.0; 12]).is_err());
        let mut a = b.to_array();
        a[0] = 1.5;
        assert!(BlockSums::from_array(&a).is_err());
    }
}
