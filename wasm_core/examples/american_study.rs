//! The American settings' convergence study: each setting against the method on far finer
//! settings (96 Chebyshev nodes, tanh-sinh points), over random contracts in the ranges of
//! wasm_core/tests/american_reference.rs, and each setting's time per option on the
//! benchmark's contracts (benchmarks/american.py).
//!
//! `cargo run --release --example american_study [contracts, default 1000]`

use wasm_core::american::{self, Accuracy};
use wasm_core::inputs::{Inputs, OptionKind};

const SETTINGS: [(Accuracy, f64); 3] = [
    (Accuracy::Fast, 1e-6),
    (Accuracy::Accurate, 1e-8),
    (Accuracy::High, 1e-10),
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    // The test's generator (a 64-bit LCG), so its first 60 contracts are the test's.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut uniform = |lo: f64, hi: f64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        lo + (hi - lo) * ((seed >> 11) as f64 / (1u64 << 53) as f64)
    };
    let mut worst = [0.0f64; 3];
    for c in 0..n {
        let kind = if c % 2 == 0 {
            OptionKind::Put
        } else {
            OptionKind::Call
        };
        let spot = 100.0 * uniform(0.6, 1.4);
        let expiry = uniform((1.0f64 / 52.0).ln(), 5.0f64.ln()).exp();
        let (rate, dividend, vol) = (uniform(0.0, 0.12), uniform(0.0, 0.12), uniform(0.05, 0.8));
        let Ok(i) = Inputs::new(kind, spot, 100.0, expiry, rate, dividend, vol) else {
            continue;
        };
        let converged = american::price_on_scheme(&i, 96, 80, 1e-15, 1.0 / 32.0, 1e-15);
        let scale = converged.max(1e-6 * i.strike);
        for (j, (a, claim)) in SETTINGS.iter().enumerate() {
            let Ok(p) = american::price(&i, *a) else {
                continue;
            };
            worst[j] = worst[j].max((p - converged).abs() / scale / claim);
        }
    }
    println!("{n} contracts, worst error / claim (fast, accurate, high): {worst:.3?}");
    for (a, _) in SETTINGS {
        let start = std::time::Instant::now();
        let mut count = 0;
        for kind in [OptionKind::Put, OptionKind::Call] {
            for m in [0.8, 0.9, 1.0, 1.1, 1.2] {
                for days in [30.0, 182.0, 365.0, 1095.0] {
                    for vol in [0.15, 0.3, 0.45] {
                        let i = Inputs::new(kind, 100.0 * m, 100.0, days / 365.0, 0.05, 0.02, vol);
                        if let Ok(i) = i {
                            std::hint::black_box(american::price(&i, a).ok());
                            count += 1;
                        }
                    }
                }
            }
        }
        let us = start.elapsed().as_secs_f64() / f64::from(count) * 1e6;
        println!("{a:?}: {us:.1} us per option");
    }
}
