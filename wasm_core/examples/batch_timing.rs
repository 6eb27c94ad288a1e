//! `black_scholes_many` and `greeks_many` on the same 10^6 rows (the benchmark's ranges: spot and
//! strike 50-150, expiry 0.05-3, vol 5-80 %, r = 3 %, q = 1 %), one thread, best of 5:
//! the ratio behind issue 9's goal "13 Greeks within 3x the price".
//!
//! `cargo run --release --example batch_timing`

use std::time::Instant;
use wasm_core::batch::{black_scholes_many, greeks_many, BsColumns, Column, KindColumn};
use wasm_core::inputs::OptionKind;

fn main() {
    let n = 1_000_000;
    // xorshift64 (Marsaglia 2003): reproducible columns without a dependency.
    let mut state = 12345u64;
    let mut uniform = |lo: f64, hi: f64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        lo + (hi - lo) * ((state >> 11) as f64 / (1u64 << 53) as f64)
    };
    let mut column = |lo, hi| (0..n).map(|_| uniform(lo, hi)).collect::<Vec<f64>>();
    let (spot, strike, expiry, vol) = (
        column(50.0, 150.0),
        column(50.0, 150.0),
        column(0.05, 3.0),
        column(0.05, 0.8),
    );
    let kind = KindColumn::One(OptionKind::Call);
    let args = BsColumns {
        kind: &kind,
        spot: Column::Values(&spot),
        strike: Column::Values(&strike),
        expiry: Column::Values(&expiry),
        rate: Column::Scalar(0.03),
        dividend: Column::Scalar(0.01),
        vol: Column::Values(&vol),
    };
    let best = |f: &dyn Fn() -> f64| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let price = best(&|| black_scholes_many(&args, 1).unwrap().0[0]);
    let all = best(&|| greeks_many(&args, 1).unwrap().0[0].theta);
    println!(
        "black_scholes_many {:.1} ns/row, greeks_many {:.1} ns/row: {:.2}x",
        price * 1e9 / n as f64,
        all * 1e9 / n as f64,
        all / price
    );
}
