//! Native timing of `implied_vol`: 1e6 calls over a mixed grid (calls and puts, in and out of
//! the money, expiries from a day to 20 years, vols from 1% to 300%). Not a test.
//!
//! Run with `cargo run --release --example iv_timing`.

use std::hint::black_box;
use std::time::Instant;

use wasm_core::implied_vol::implied_vol;
use wasm_core::inputs::OptionKind;
use wasm_core::normalised_black::black;

/// One prepared inversion: (kind, price, spot, strike, expiry, rate, dividend).
type Case = (OptionKind, f64, f64, f64, f64, f64, f64);

fn grid() -> Vec<Case> {
    let mut cases = Vec::new();
    for &expiry in &[1.0 / 365.0, 1.0 / 12.0, 0.5, 2.0, 20.0] {
        for &vol in &[0.01, 0.1, 0.25, 0.6, 1.2, 3.0] {
            let s = vol * f64::sqrt(expiry);
            for i in -8..=8 {
                for kind in [OptionKind::Call, OptionKind::Put] {
                    let (spot, rate, dividend) = (100.0, 0.03, 0.01);
                    let forward = spot * ((rate - dividend) * expiry).exp();
                    let strike = forward * (-0.5 * f64::from(i) * s).exp();
                    let price = (-rate * expiry).exp() * black(forward, strike, s, kind.sign());
                    cases.push((kind, price, spot, strike, expiry, rate, dividend));
                }
            }
        }
    }
    cases
}

fn main() {
    let cases = grid();
    const CALLS: usize = 1_000_000;
    const ROUNDS: usize = 5;
    // Warm up, and count the cases the timing loop will see as errors (prices at a bound).
    let errors = cases
        .iter()
        .filter(|c| implied_vol(c.0, c.1, c.2, c.3, c.4, c.5, c.6).is_err())
        .count();
    // The machine may be shared: report the best and the median of several rounds.
    let mut per_call: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            let mut sum = 0.0;
            for i in 0..CALLS {
                let c = black_box(&cases[i % cases.len()]);
                sum += implied_vol(c.0, c.1, c.2, c.3, c.4, c.5, c.6).unwrap_or(0.0);
            }
            black_box(sum);
            start.elapsed().as_nanos() as f64 / CALLS as f64
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    println!(
        "implied_vol: {:.0} ns/call best, {:.0} ns/call median of {ROUNDS} rounds of {CALLS} calls \
         ({} distinct inputs, {errors} of them bound errors)",
        per_call[0],
        per_call[ROUNDS / 2],
        cases.len()
    );
}
