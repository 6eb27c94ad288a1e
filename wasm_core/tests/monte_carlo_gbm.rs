//! GBM Monte Carlo against Black-Scholes-Merton closed forms.
//!
//! Reference values: `tests/oracles/mc_references.py` (mpmath, 30 digits).

use wasm_core::inputs::OptionKind;
use wasm_core::monte_carlo::{run, HestonParams, McOptions, McParams, Model};

/// A Monte Carlo estimate must lie within this many of its standard errors of the reference.
const SE_TOL: f64 = 4.0;

/// (kind, spot, strike, expiry, rate, dividend, vol) -> (price, delta, gamma, vega).
#[allow(clippy::type_complexity)]
const BS: [(&str, f64, f64, f64, f64, f64, f64, [f64; 4]); 4] = [
    (
        "call",
        100.0,
        100.0,
        1.0,
        0.05,
        0.02,
        0.2,
        [
            9.227005508154049,
            0.586851146134764,
            0.018950578755008714,
            37.90115751001743,
        ],
    ),
    (
        "put",
        100.0,
        110.0,
        0.5,
        0.03,
        0.0,
        0.35,
        [
            14.973521008289271,
            -0.5795562705989625,
            0.01579810977378023,
            27.6466921041154,
        ],
    ),
    (
        "call",
        50.0,
        40.0,
        2.0,
        -0.01,
        0.03,
        0.5,
        [
            15.521435373866987,
            0.6694917360696838,
            0.009104833976480146,
            22.762084941200367,
        ],
    ),
    (
        "put",
        1.0,
        1.2,
        0.25,
        0.0,
        0.0,
        0.1,
        [
            0.20000177125586469,
            -0.9998535111017728,
            0.011326751116326002,
            0.00028316877790815004,
        ],
    ),
];

fn kind(s: &str) -> OptionKind {
    OptionKind::parse(s).unwrap()
}

fn opts(paths: f64, greeks: bool) -> McOptions {
    McOptions {
        paths: Some(paths),
        greeks,
        seed: Some(2024.0),
        ..McOptions::default()
    }
}

#[test]
fn prices_within_four_standard_errors_of_black_scholes() {
    for (k, s, x, t, r, q, vol, want) in BS {
        for steps in [1.0, 4.0] {
            let o = McOptions {
                steps: Some(steps),
                ..opts(40_000.0, false)
            };
            let p = McParams::new(kind(k), s, x, t, r, q, Model::Gbm { vol }, o).unwrap();
            let res = run(&p).unwrap();
            assert!(
                (res.price - want[0]).abs() <= SE_TOL * res.std_error,
                "{k} {s} {x}: {} ± {} vs {}",
                res.price,
                res.std_error,
                want[0]
            );
            assert!(res.ci_low < res.price && res.price < res.ci_high);
            assert_eq!((res.paths, res.steps), (40_000, steps as u64));
        }
    }
}

/// Greeks by bump-and-reprice: the finite-difference bias (relative bumps of 1%) is far below
/// the standard errors here, so the same 4-s.e. rule applies.
#[test]
fn greeks_within_four_standard_errors_of_black_scholes() {
    for (k, s, x, t, r, q, vol, want) in BS {
        let p = McParams::new(
            kind(k),
            s,
            x,
            t,
            r,
            q,
            Model::Gbm { vol },
            opts(40_000.0, true),
        )
        .unwrap();
        let g = run(&p).unwrap().greeks.unwrap();
        for (name, got, se, exact) in [
            ("delta", g.delta, g.delta_std_error, want[1]),
            ("gamma", g.gamma, g.gamma_std_error, want[2]),
            ("vega", g.vega, g.vega_std_error, want[3]),
        ] {
            // The deep-in-the-money put has (almost) deterministic Greeks: a floor for its
            // near-zero standard errors (the finite-difference error of a 1% bump).
            let tol = SE_TOL * se + 1e-3 * exact.abs().max(1e-6);
            assert!(
                (got - exact).abs() <= tol,
                "{k} {s} {x} {name}: {got} ± {se} vs {exact}"
            );
        }
    }
}

/// The control variate pays: on the at-the-money call the standard error falls by far more than
/// noise could explain (measured ratio about 3.6 with antithetic pairs, 1e6 paths).
#[test]
fn control_variate_reduces_the_standard_error() {
    let p = McParams::new(
        kind("call"),
        100.0,
        100.0,
        1.0,
        0.05,
        0.02,
        Model::Gbm { vol: 0.2 },
        opts(20_000.0, false),
    )
    .unwrap();
    let r = run(&p).unwrap();
    assert!(r.control_variate);
    assert!(r.std_error < 0.5 * r.std_error_without_control, "{r:?}");
}

#[test]
fn limits_are_exact() {
    // expiry 0: the intrinsic value, no noise.
    let p = McParams::new(
        kind("put"),
        90.0,
        100.0,
        0.0,
        0.05,
        0.0,
        Model::Gbm { vol: 0.3 },
        opts(1000.0, true),
    )
    .unwrap();
    let r = run(&p).unwrap();
    assert!(
        (r.price - 10.0).abs() < 1e-12 && r.std_error < 1e-12,
        "{r:?}"
    );
    // vol 0: the discounted intrinsic value of the forward (to rounding).
    let p = McParams::new(
        kind("call"),
        100.0,
        90.0,
        2.0,
        0.03,
        0.01,
        Model::Gbm { vol: 0.0 },
        opts(1000.0, false),
    )
    .unwrap();
    let r = run(&p).unwrap();
    let exact = (-0.03f64 * 2.0).exp() * (100.0 * (0.02f64 * 2.0).exp() - 90.0);
    assert!(
        (r.price - exact).abs() < 1e-12 * exact && r.std_error < 1e-12,
        "{r:?}"
    );
    assert!(!r.control_variate);
}

/// Heston with `xi = 0` and `v0 = theta = vol^2` is GBM: same price and the same vega (the
/// Heston vega bump shifts sqrt(v0) and sqrt(theta) together, in units of volatility).
#[test]
fn heston_without_vol_of_vol_is_black_scholes() {
    let (k, s, x, t, r, q, vol, want) = BS[0];
    let h = HestonParams {
        v0: vol * vol,
        kappa: 2.0,
        theta: vol * vol,
        xi: 0.0,
        rho: -0.5,
    };
    let o = McOptions {
        steps: Some(8.0),
        ..opts(40_000.0, true)
    };
    let res = run(&McParams::new(kind(k), s, x, t, r, q, Model::Heston(h), o).unwrap()).unwrap();
    let g = res.greeks.unwrap();
    assert!(
        (res.price - want[0]).abs() <= SE_TOL * res.std_error,
        "{res:?}"
    );
    assert!(
        (g.vega - want[3]).abs() <= SE_TOL * g.vega_std_error + 1e-3 * want[3],
        "{g:?}"
    );
}
