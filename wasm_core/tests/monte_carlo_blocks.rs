//! Reproducibility across workers, sample paths, and robustness of the public API.

use wasm_core::errors::PricingError;
use wasm_core::inputs::OptionKind;
use wasm_core::monte_carlo::{
    block_count, finish, run, sample_paths, simulate_blocks, BlockSums, HestonParams, McOptions,
    McParams, McResult, Model, BLOCK_SAMPLES,
};

const H: HestonParams = HestonParams {
    v0: 0.04,
    kappa: 1.5,
    theta: 0.05,
    xi: 0.6,
    rho: -0.6,
};

fn models() -> [Model; 3] {
    [
        Model::Gbm { vol: 0.25 },
        Model::Heston(H),
        Model::RoughHeston {
            heston: H,
            hurst: 0.2,
        },
    ]
}

fn params(model: Model, paths: f64, steps: f64, antithetic: bool, greeks: bool) -> McParams {
    let o = McOptions {
        paths: Some(paths),
        steps: Some(steps),
        seed: Some(42.0),
        antithetic,
        greeks,
        ..McOptions::default()
    };
    McParams::new(OptionKind::Put, 100.0, 105.0, 0.75, 0.03, 0.01, model, o).unwrap()
}

/// A worker simulates a contiguous range of blocks; the coordinator finishes with all of them.
/// Any split, in any order of arrival, gives the single-thread result bit for bit.
#[test]
fn results_are_bit_identical_however_the_paths_are_split() {
    for model in models() {
        for antithetic in [true, false] {
            // 3 full blocks and a partial last one.
            let p = params(
                model,
                (3 * BLOCK_SAMPLES * 2 + 300) as f64,
                6.0,
                antithetic,
                true,
            );
            let n = block_count(&p);
            let whole = run(&p).unwrap();
            for cuts in [vec![], vec![1], vec![2, 3], vec![1, 2, 3], vec![3]] {
                let mut bounds = vec![0];
                bounds.extend(cuts.iter().copied().filter(|&c| c < n));
                bounds.push(n);
                let mut blocks: Vec<BlockSums> = Vec::new();
                // Workers report back in reverse order; transfer through the flat arrays.
                for w in bounds.windows(2).rev() {
                    for b in simulate_blocks(&p, w[0], w[1] - w[0]).unwrap() {
                        blocks.push(BlockSums::from_array(&b.to_array()).unwrap());
                    }
                }
                let split = finish(&p, &blocks).unwrap();
                assert_eq!(
                    split, whole,
                    "{model:?} antithetic {antithetic} cuts {cuts:?}"
                );
            }
        }
    }
}

#[test]
fn same_seed_same_result_other_seed_other_result() {
    let p = params(Model::Heston(H), 3000.0, 10.0, true, false);
    assert_eq!(run(&p).unwrap(), run(&p).unwrap());
    let o = McOptions {
        paths: Some(3000.0),
        steps: Some(10.0),
        seed: Some(43.0),
        ..McOptions::default()
    };
    let q = McParams::new(
        OptionKind::Put,
        100.0,
        105.0,
        0.75,
        0.03,
        0.01,
        Model::Heston(H),
        o,
    )
    .unwrap();
    assert_ne!(run(&p).unwrap().price, run(&q).unwrap().price);
}

#[test]
fn block_ranges_and_block_sets_are_checked() {
    let p = params(Model::Gbm { vol: 0.2 }, 5000.0, 1.0, true, false);
    let n = block_count(&p);
    // 2500 pairs: full blocks and a partial last one.
    assert_eq!(n, 2500u64.div_ceil(BLOCK_SAMPLES));
    assert!(n >= 3 && 2500 % BLOCK_SAMPLES != 0);
    assert!(simulate_blocks(&p, 0, n + 1).is_err());
    assert!(simulate_blocks(&p, n, 1).is_err());
    assert!(simulate_blocks(&p, u64::MAX, 2).is_err());
    assert!(simulate_blocks(&p, n, 0).unwrap().is_empty());
    let all = simulate_blocks(&p, 0, n).unwrap();
    let msg = |r: Result<McResult, PricingError>| r.unwrap_err().to_string();
    let missing = &all[..all.len() - 1];
    assert!(msg(finish(&p, missing)).starts_with("blocks "));
    // As many blocks as the run has, one of them twice (and one missing).
    let mut dup = all.clone();
    dup[1] = all[0];
    assert!(msg(finish(&p, &dup)).starts_with("blocks "));
    let other = params(Model::Gbm { vol: 0.2 }, 4000.0, 1.0, true, false);
    assert!(finish(&other, &all).is_err());
}

/// The sample paths are the run's own paths: with as many paths as the run, the plain payoff
/// mean over their terminal spots is the run's plain (no control variate) price.
#[test]
fn sample_paths_are_the_runs_paths() {
    for model in models() {
        for antithetic in [true, false] {
            let p = params(model, 64.0, 8.0, antithetic, false);
            let sp = sample_paths(&p, 64, 100).unwrap();
            assert_eq!(sp.times.len(), 9);
            assert_eq!((sp.times[0], sp.times[8]), (0.0, 0.75));
            assert_eq!(sp.spot.len(), 64);
            assert!(sp.spot.iter().all(|row| row.len() == 9 && row[0] == 100.0));
            assert!(sp
                .variance
                .iter()
                .flatten()
                .all(|&v| v >= 0.0 && v.is_finite()));
            let disc = (-0.03f64 * 0.75).exp();
            let mean: f64 = sp
                .spot
                .iter()
                .map(|row| disc * (105.0 - row[8]).max(0.0))
                .sum::<f64>()
                / 64.0;
            let r = run(&p).unwrap();
            assert!(
                (mean - r.price_without_control).abs() < 1e-12 * mean,
                "{model:?}: {mean} vs {r:?}"
            );
            // Fewer paths: the same first paths, bit for bit (a sample's path does not depend
            // on the other samples simulated alongside it).
            let few = sample_paths(&p, 5, 100).unwrap();
            assert_eq!(few.spot[..], sp.spot[..5]);
            assert_eq!(few.variance[..], sp.variance[..5]);
            // Fewer points: a sub-grid of the same paths.
            let coarse = sample_paths(&p, 3, 3).unwrap();
            assert_eq!(coarse.times, vec![0.0, 0.375, 0.75]);
            assert_eq!(
                coarse.spot[2],
                vec![sp.spot[2][0], sp.spot[2][4], sp.spot[2][8]]
            );
        }
    }
    let p = params(Model::Gbm { vol: 0.2 }, 10.0, 1.0, true, false);
    assert_eq!(
        sample_paths(&p, 0, 5)
            .unwrap_err()
            .to_string()
            .split(' ')
            .next(),
        Some("n")
    );
    assert_eq!(
        sample_paths(&p, 5, 1)
            .unwrap_err()
            .to_string()
            .split(' ')
            .next(),
        Some("points")
    );
}

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA
/// 2014): the property tests' own generator, independent of the engine's Philox.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / 9_007_199_254_740_992.0
    }
    /// Uniform in [lo, hi].
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Log-uniform in [lo, hi] (lo > 0), or exactly 0 one time in eight.
    fn scale(&mut self, lo: f64, hi: f64) -> f64 {
        if self.next().is_multiple_of(8) {
            0.0
        } else {
            (lo.ln() + (hi.ln() - lo.ln()) * self.unit()).exp()
        }
    }
}

fn all_finite(r: &McResult) -> bool {
    let g = r.greeks.map_or(vec![], |g| {
        vec![
            g.delta,
            g.delta_std_error,
            g.gamma,
            g.gamma_std_error,
            g.vega,
            g.vega_std_error,
        ]
    });
    [
        r.price,
        r.std_error,
        r.ci_low,
        r.ci_high,
        r.price_without_control,
        r.std_error_without_control,
    ]
    .iter()
    .chain(&g)
    .all(|v| v.is_finite())
        && r.price >= 0.0
}

fn random_model(g: &mut SplitMix, wide: bool) -> Model {
    let (var_hi, kappa_hi, xi_hi) = if wide {
        (1e6, 1e6, 1e4)
    } else {
        (4.0, 50.0, 5.0)
    };
    let heston = HestonParams {
        v0: g.scale(1e-8, var_hi),
        kappa: g.scale(1e-6, kappa_hi),
        theta: g.scale(1e-8, var_hi),
        xi: g.scale(1e-9, xi_hi),
        rho: [-1.0, 1.0, 0.0, g.range(-1.0, 1.0)][(g.next() % 4) as usize],
    };
    match g.next() % 3 {
        0 => Model::Gbm {
            vol: g.scale(1e-8, if wide { 1e3 } else { 5.0 }),
        },
        1 => Model::Heston(heston),
        _ => Model::RoughHeston {
            heston,
            hurst: [0.5, 1e-6, g.range(1e-3, 0.5)][(g.next() % 3) as usize],
        },
    }
}

/// Property: realistic-but-wide valid parameters (vol up to 500%, xi up to 5, kappa up to 50,
/// expiry up to 30 years, rates within +-50%) always price: finite, non-negative, no panic.
#[test]
fn valid_parameters_always_give_finite_results() {
    let mut g = SplitMix(0x5EED);
    for case in 0..300 {
        let model = random_model(&mut g, false);
        let kind = if g.next().is_multiple_of(2) {
            OptionKind::Call
        } else {
            OptionKind::Put
        };
        let spot = g.scale(1e-3, 1e5).max(1e-3);
        let strike = spot * g.scale(0.2, 5.0).max(0.2);
        let expiry = g.scale(1e-6, 30.0);
        let (rate, dividend) = (g.range(-0.5, 0.5), g.range(-0.5, 0.5));
        let o = McOptions {
            paths: Some((1 + g.next() % 200) as f64),
            steps: Some((1 + g.next() % 12) as f64),
            seed: Some((g.next() >> 11) as f64),
            antithetic: g.next().is_multiple_of(2),
            greeks: g.next().is_multiple_of(2),
            ..McOptions::default()
        };
        let p = McParams::new(kind, spot, strike, expiry, rate, dividend, model, o).unwrap();
        let r = run(&p).unwrap_or_else(|e| panic!("case {case}: {p:?}: {e}"));
        assert!(all_finite(&r), "case {case}: {p:?}: {r:?}");
        let sp = sample_paths(&p, 3, 5).unwrap();
        assert!(sp
            .spot
            .iter()
            .chain(&sp.variance)
            .flatten()
            .all(|v| v.is_finite()));
    }
}

/// Property: any valid parameters, however extreme (spot 1e-300..1e300, variances to 1e6, rates
/// to +-1e3, expiries to 1e4 years), never panic; the result is finite or the documented
/// overflow error naming the inputs.
#[test]
fn extreme_parameters_never_panic_or_give_nan() {
    let mut g = SplitMix(0xD1CE);
    for case in 0..300 {
        let model = random_model(&mut g, true);
        let spot = g.scale(1e-300, 1e300).max(1e-300);
        let strike = g.scale(1e-300, 1e300).max(1e-300);
        let o = McOptions {
            paths: Some((1 + g.next() % 100) as f64),
            steps: Some((1 + g.next() % 6) as f64),
            seed: Some(case as f64),
            antithetic: g.next().is_multiple_of(2),
            greeks: g.next().is_multiple_of(2),
            ..McOptions::default()
        };
        let (rate, dividend) = (g.range(-1e3, 1e3), g.range(-1e3, 1e3));
        let p = McParams::new(
            OptionKind::Call,
            spot,
            strike,
            g.scale(1e-9, 1e4),
            rate,
            dividend,
            model,
            o,
        )
        .unwrap();
        match run(&p) {
            Ok(r) => assert!(all_finite(&r), "case {case}: {p:?}: {r:?}"),
            Err(e) => assert!(
                e.to_string().starts_with("inputs overflow"),
                "case {case}: {e}"
            ),
        }
    }
}

/// Property: invalid numbers are errors naming a parameter, never panics.
#[test]
fn invalid_parameters_are_errors() {
    let mut g = SplitMix(0xBAD);
    let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, -1e-300];
    for _ in 0..300 {
        let mut v = [100.0, 100.0, 1.0, 0.0, 0.0, 0.04, 1.0, 0.04, 0.5, -0.5, 0.1];
        let i = (g.next() % v.len() as u64) as usize;
        v[i] = bad[(g.next() % bad.len() as u64) as usize];
        if matches!(i, 3 | 4 | 9) && v[i].is_finite() {
            continue; // negative rates and dividends, and rho in [-1, 0), are valid
        }
        let h = HestonParams {
            v0: v[5],
            kappa: v[6],
            theta: v[7],
            xi: v[8],
            rho: v[9],
        };
        let model = Model::RoughHeston {
            heston: h,
            hurst: v[10],
        };
        let e = McParams::new(
            OptionKind::Call,
            v[0],
            v[1],
            v[2],
            v[3],
            v[4],
            model,
            McOptions::default(),
        );
        let names = [
            "spot", "strike", "expiry", "rate", "dividend", "v0", "kappa", "theta", "xi", "rho",
            "hurst",
        ];
        let msg = e.expect_err("invalid input accepted").to_string();
        assert!(msg.starts_with(names[i]), "{msg}");
    }
}
