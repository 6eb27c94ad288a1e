//! Rough Heston Monte Carlo against docs/references.md's values (fractional Riccati, Adams scheme
//! with 1,600 steps, Lewis's formula): S=K=100, T=1, r=q=0, v0=theta=0.02, kappa=0.3, xi=0.3,
//! rho=-0.7, call: hurst 0.1 -> 4.53874, 0.3 -> 4.63083, 0.5 -> 4.73925 (= Heston, QuantLib
//! 4.739249).
//!
//! The `#[ignore]`d bias table runs 2e6 paths per row:
//! `cargo test --release --test monte_carlo_rough -- --ignored --nocapture`.

use wasm_core::inputs::OptionKind;
use wasm_core::monte_carlo::{run, HestonParams, McOptions, McParams, McResult, Model};

/// A Monte Carlo estimate must lie within this many of its standard errors of the reference.
const SE_TOL: f64 = 4.0;

const CASE: HestonParams = HestonParams {
    v0: 0.02,
    kappa: 0.3,
    theta: 0.02,
    xi: 0.3,
    rho: -0.7,
};
/// (hurst, call price) from docs/references.md.
const REFERENCE: [(f64, f64); 3] = [(0.1, 4.53874), (0.3, 4.63083), (0.5, 4.73925)];
/// docs/references.md quotes 5 decimals (its 400- and 800-step values differ by 1e-4 at hurst 0.1):
/// the reference's own uncertainty, added to the statistical tolerance.
const REFERENCE_TOL: f64 = 2e-4;

fn rough(hurst: f64, paths: f64, steps: Option<f64>, seed: f64) -> McResult {
    let o = McOptions {
        paths: Some(paths),
        steps,
        seed: Some(seed),
        ..McOptions::default()
    };
    let model = Model::RoughHeston {
        heston: CASE,
        hurst,
    };
    run(&McParams::new(OptionKind::Call, 100.0, 100.0, 1.0, 0.0, 0.0, model, o).unwrap()).unwrap()
}

#[test]
fn reference_values_at_default_steps() {
    for (i, (hurst, want)) in REFERENCE.into_iter().enumerate() {
        let r = rough(hurst, 20_000.0, None, i as f64);
        assert_eq!(r.steps, 100);
        let tol = SE_TOL * r.std_error + REFERENCE_TOL;
        assert!(
            (r.price - want).abs() <= tol,
            "hurst {hurst}: {} ± {} vs {want}",
            r.price,
            r.std_error
        );
    }
}

/// At hurst 1/2 the model is Heston: the rough engine (one factor, integrated-variance scheme)
/// and the Heston engine (QE) agree within their joint noise, on independent seeds.
#[test]
fn hurst_one_half_agrees_with_heston() {
    let r = rough(0.5, 12_000.0, None, 5.0);
    let o = McOptions {
        paths: Some(12_000.0),
        seed: Some(6.0),
        ..McOptions::default()
    };
    let h = run(&McParams::new(
        OptionKind::Call,
        100.0,
        100.0,
        1.0,
        0.0,
        0.0,
        Model::Heston(CASE),
        o,
    )
    .unwrap())
    .unwrap();
    let joint = (r.std_error.powi(2) + h.std_error.powi(2)).sqrt();
    assert!(
        (r.price - h.price).abs() <= SE_TOL * joint,
        "rough {r:?} heston {h:?}"
    );
}

/// Roughness matters: at hurst 0.1 the at-the-money price is clearly below Heston's
/// (docs/references.md: 4.539 against 4.739, 20 standard errors of these runs apart).
#[test]
fn roughness_lowers_the_at_the_money_price() {
    let r01 = rough(0.1, 10_000.0, Some(50.0), 7.0);
    let r05 = rough(0.5, 10_000.0, Some(50.0), 7.0);
    assert!(
        r05.price - r01.price > 0.1,
        "{} vs {}",
        r01.price,
        r05.price
    );
}

/// Bias against docs/references.md by step count, 2e6 paths per row (s.e. about 0.0026). From the
/// default 100 steps on, the bias must stay below one standard error of a default 100k-path run
/// (the spec's criterion for the default step count).
#[test]
#[ignore = "statistical: 2e6 paths per row; run in release"]
fn rough_bias_table() {
    const PATHS: f64 = 2e6;
    println!("hurst | steps | price | std error | bias | bias / s.e. | bias / s.e. of 100k paths");
    for (hurst, want) in REFERENCE {
        for steps in [10.0, 25.0, 50.0, 100.0, 200.0, 400.0] {
            let r = rough(hurst, PATHS, Some(steps), 13.0);
            let bias = r.price - want;
            let se_100k = r.std_error * (PATHS / 1e5).sqrt();
            println!(
                "{hurst} | {steps} | {:.5} | {:.5} | {bias:+.5} | {:+.2} | {:+.2}",
                r.price,
                r.std_error,
                bias / r.std_error,
                bias / se_100k
            );
            if steps >= 100.0 {
                assert!(
                    bias.abs() <= se_100k + REFERENCE_TOL,
                    "hurst {hurst} steps {steps}"
                );
            }
        }
    }
}

/// The rough engine at hurst 1/2 on Lewis's harsh Heston case (xi = 1, kappa = 4; docs/references.md:
/// call K=100 -> 16.070154917028834), 1e6 paths: within 4 s.e. from 25 steps on. (The implicit
/// placement c = 1 of Abi Jaber & Attal gives -0.48, -0.18, -0.08 at 10, 25, 50 steps here.)
#[test]
#[ignore = "statistical: 1e6 paths per row; run in release"]
fn rough_engine_on_lewis_heston_case() {
    let lewis = HestonParams {
        v0: 0.04,
        kappa: 4.0,
        theta: 0.25,
        xi: 1.0,
        rho: -0.5,
    };
    let want = 16.070154917028834;
    println!("steps | price | std error | bias / s.e.");
    for steps in [10.0, 25.0, 50.0, 100.0] {
        let o = McOptions {
            paths: Some(1e6),
            steps: Some(steps),
            seed: Some(17.0),
            ..McOptions::default()
        };
        let model = Model::RoughHeston {
            heston: lewis,
            hurst: 0.5,
        };
        let p = McParams::new(OptionKind::Call, 100.0, 100.0, 1.0, 0.01, 0.02, model, o).unwrap();
        let r = run(&p).unwrap();
        let z = (r.price - want) / r.std_error;
        println!("{steps} | {:.5} | {:.5} | {z:+.2}", r.price, r.std_error);
        if steps >= 25.0 {
            assert!(z.abs() <= SE_TOL);
        }
    }
}
