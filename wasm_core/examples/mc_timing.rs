//! Single-thread timing of the Monte Carlo engine (run with `--release`).
//!
//! `cargo run --release --example mc_timing [repeats]`
//!
//! Prints the median wall time over `repeats` (default 21) of:
//! * Heston, 5,000 paths x 100 steps (antithetic pairs, QE with martingale correction): the
//!   docs/references.md anchor (naive single-thread Rust Euler, 5,000 x 100: ~14 ms native);
//! * the same for rough Heston (hurst 0.1, 22 memory factors) and GBM (1 step, 1e6 paths);
//! * the normal samplers: 1e7 variates from one sample stream by the ziggurat and by AS241's inverse CDF.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wasm_core::inputs::OptionKind;
use wasm_core::monte_carlo::rng::SampleStream;
use wasm_core::monte_carlo::{
    inverse_normal_cdf, run, ziggurat_normal, HestonParams, McOptions, McParams, Model,
};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<F: FnMut() -> f64>(repeats: usize, mut f: F) -> Duration {
    let mut sink = 0.0;
    let times = (0..repeats)
        .map(|_| {
            let t = Instant::now();
            sink += f();
            t.elapsed()
        })
        .collect();
    black_box(sink);
    median(times)
}

fn params(model: Model, paths: f64, steps: f64) -> McParams {
    let options = McOptions {
        paths: Some(paths),
        steps: Some(steps),
        ..McOptions::default()
    };
    McParams::new(
        OptionKind::Call,
        100.0,
        100.0,
        1.0,
        0.05,
        0.0,
        model,
        options,
    )
    .expect("valid parameters")
}

fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(21);
    let h = HestonParams {
        v0: 0.04,
        kappa: 1.5,
        theta: 0.04,
        xi: 0.3,
        rho: -0.7,
    };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    let heston = params(Model::Heston(h), 5_000.0, 100.0);
    let t = time(repeats, || run(&heston).expect("run").price);
    println!(
        "heston 5,000 x 100 (QE, antithetic):           {:8.2} ms",
        ms(t)
    );

    let rough = params(
        Model::RoughHeston {
            heston: h,
            hurst: 0.1,
        },
        5_000.0,
        100.0,
    );
    let t = time(repeats, || run(&rough).expect("run").price);
    println!(
        "rough heston 5,000 x 100 (hurst 0.1):          {:8.2} ms",
        ms(t)
    );

    let gbm = params(Model::Gbm { vol: 0.2 }, 1e6, 1.0);
    let t = time(repeats, || run(&gbm).expect("run").price);
    println!(
        "gbm 1,000,000 x 1:                             {:8.2} ms",
        ms(t)
    );

    const VARIATES: usize = 10_000_000;
    let t = time(repeats.min(5), || {
        let mut s = SampleStream::new(1, 0);
        (0..VARIATES).map(|_| ziggurat_normal(&mut s)).sum()
    });
    println!(
        "1e7 normals, ziggurat:                         {:8.2} ms",
        ms(t)
    );
    let t = time(repeats.min(5), || {
        let mut s = SampleStream::new(1, 0);
        (0..VARIATES).map(|_| inverse_normal_cdf(s.uniform())).sum()
    });
    println!(
        "1e7 normals, inverse CDF (AS241):              {:8.2} ms",
        ms(t)
    );
    let t = time(repeats.min(5), || {
        let mut s = SampleStream::new(1, 0);
        (0..VARIATES).map(|_| s.uniform()).sum()
    });
    println!(
        "1e7 uniforms (a sample stream alone):          {:8.2} ms",
        ms(t)
    );
}
