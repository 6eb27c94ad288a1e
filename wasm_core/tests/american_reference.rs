//! American options against independent references:
//! - the PDE of tests/common/american_pde.rs (Crank-Nicolson, Brennan-Schwartz, Richardson), over
//!   a grid of moneyness 0.6-1.4, expiries of a week to five years, vols 5-80 %, rates and
//!   yields 0-12 %: each setting within its claimed relative accuracy plus the PDE's own error
//!   estimate;
//! - Andersen, Lake & Offengenden's high-precision example (their 2016 paper, table 2; the
//!   figure QuantLib's test suite pins);
//! - the limits: European cases exactly European, vol 0 exactly the deterministic optimum,
//!   deep in-the-money puts exactly intrinsic, call-put symmetry;
//! - Greeks against differences of the PDE; implied vol round trips and its bounds.

mod common {
    pub mod american_pde;
}

use common::american_pde::american_pde;
use wasm_core::american::{self, Accuracy};
use wasm_core::black_scholes;
use wasm_core::errors::PricingError;
use wasm_core::inputs::{Inputs, OptionKind};

/// The relative accuracy each setting claims (docs/api.md).
const CLAIMS: [(Accuracy, f64); 3] = [
    (Accuracy::Fast, 1e-6),
    (Accuracy::Accurate, 1e-8),
    (Accuracy::High, 1e-10),
];

fn inputs(kind: OptionKind, s: f64, k: f64, t: f64, r: f64, q: f64, v: f64) -> Inputs {
    Inputs::new(kind, s, k, t, r, q, v).unwrap()
}

fn price(i: &Inputs, a: Accuracy) -> f64 {
    american::price(i, a).unwrap()
}

/// (moneyness S/K, expiry, vol, rate, dividend), each priced as a put and a call.
type Case = (f64, f64, f64, f64, f64);
const GRID: [Case; 12] = [
    (0.6, 1.0 / 52.0, 0.8, 0.12, 0.0),
    (1.0, 1.0 / 52.0, 0.05, 0.05, 0.02),
    (1.4, 0.25, 0.3, 0.12, 0.12),
    (0.8, 5.0, 0.05, 0.02, 0.12),
    (1.2, 5.0, 0.8, 0.12, 0.0),
    (0.9, 1.0, 0.2, 0.0, 0.12),
    (1.1, 2.0, 0.4, 0.06, 0.06),
    (0.7, 0.5, 0.1, 0.12, 0.03),
    (1.0, 5.0, 0.25, 0.1, 0.03),
    (0.95, 3.0, 0.6, 0.01, 0.0),
    (1.05, 0.1, 0.15, 0.08, 0.01),
    (0.85, 1.5, 0.35, 0.03, 0.09),
];

#[test]
fn prices_match_the_pde_reference() {
    let cases: Vec<(OptionKind, Case)> = GRID
        .iter()
        .flat_map(|c| [(OptionKind::Put, *c), (OptionKind::Call, *c)])
        .collect();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|&(kind, (m, t, v, r, q))| {
                scope.spawn(move || {
                    let (s, k) = (100.0 * m, 100.0);
                    let i = inputs(kind, s, k, t, r, q, v);
                    let (pde, err) =
                        american_pde(kind == OptionKind::Call, s, k, t, r, q, v, 4000, 2000);
                    let mut bad = Vec::new();
                    for (a, claim) in CLAIMS {
                        let x = price(&i, a);
                        if (x - pde).abs() > claim * pde + 2.0 * err {
                            bad.push(format!(
                                "{kind:?} S/K {m} T {t} vol {v} r {r} q {q} {a:?}: {x} vs PDE \
                                 {pde} ± {err:.1e} ({:.1e} relative)",
                                x / pde - 1.0
                            ));
                        }
                    }
                    bad
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn each_setting_is_within_its_claim_of_the_converged_method() {
    // A pseudo-random grid over the same ranges, against the method on far finer settings
    // (which the PDE test shows converged): the settings' claims beyond the PDE's reach.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut uniform = |lo: f64, hi: f64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        lo + (hi - lo) * ((seed >> 11) as f64 / (1u64 << 53) as f64)
    };
    let mut worst = [0.0f64; 3];
    for n in 0..60 {
        let kind = if n % 2 == 0 {
            OptionKind::Put
        } else {
            OptionKind::Call
        };
        let i = inputs(
            kind,
            100.0 * uniform(0.6, 1.4),
            100.0,
            (uniform((1.0f64 / 52.0).ln(), 5.0f64.ln())).exp(),
            uniform(0.0, 0.12),
            uniform(0.0, 0.12),
            uniform(0.05, 0.8),
        );
        // 96 nodes (the settings use at most 64, so the interpolant's error is not shared) and
        // tanh-sinh points (not the settings' Gauss-Legendre ones).
        let converged = american::price_on_scheme(&i, 96, 80, 1e-15, 1.0 / 32.0, 1e-15);
        // Prices below 1e-6 of the strike are compared on that scale (their relative digits
        // are set by the boundary far out of the money, where no setting resolves 1e-10).
        let scale = converged.max(1e-6 * i.strike);
        for (j, (a, claim)) in CLAIMS.iter().enumerate() {
            let e = (price(&i, *a) - converged).abs() / scale;
            worst[j] = worst[j].max(e / claim);
            assert!(e <= *claim, "{i:?} {a:?}: {e:.1e} relative");
        }
    }
    println!("worst error / claim: {worst:?}");
}

#[test]
fn andersen_lake_offengenden_high_precision_example() {
    // ALO 2016, the put S = K = 100, T = 1, vol 25 %, r = q = 5 %: early-exercise premium
    // 0.1069527028 (their high-precision figure, as QuantLib's test suite pins it).
    let i = inputs(OptionKind::Put, 100.0, 100.0, 1.0, 0.05, 0.05, 0.25);
    let premium = price(&i, Accuracy::High) - black_scholes::price(&i);
    assert!((premium - 0.106_952_702_8).abs() < 1e-9, "{premium}");
}

#[test]
fn european_where_early_exercise_never_pays() {
    for (kind, r, q) in [
        (OptionKind::Call, 0.05, 0.0),
        (OptionKind::Call, 0.05, -0.02),
        (OptionKind::Call, -0.01, -0.01),
        (OptionKind::Put, 0.0, 0.03),
        (OptionKind::Put, -0.01, 0.02),
        (OptionKind::Put, -0.02, -0.01),
    ] {
        let i = inputs(kind, 95.0, 100.0, 2.0, r, q, 0.3);
        for (a, _) in CLAIMS {
            assert_eq!(
                price(&i, a),
                black_scholes::price(&i),
                "{kind:?} r {r} q {q}"
            );
        }
    }
    for (kind, r, q) in [
        (OptionKind::Put, -0.01, -0.02),
        (OptionKind::Call, -0.02, -0.01),
    ] {
        let i = inputs(kind, 95.0, 100.0, 2.0, r, q, 0.3);
        assert_eq!(
            american::price(&i, Accuracy::Accurate),
            Err(PricingError::DoubleExerciseBoundary)
        );
    }
}

#[test]
fn limits() {
    // vol 0: the best exercise time of K e^{-rt} - S e^{-qt}; here t* = ln(qS/(rK))/(q - r).
    let (s, k, r, q) = (100.0_f64, 105.0_f64, 0.03_f64, 0.08_f64);
    let g = |t: f64| k * (-r * t).exp() - s * (-q * t).exp();
    let t_star = (q * s / (r * k)).ln() / (q - r);
    assert!(t_star > 0.0 && t_star < 30.0 && g(t_star) > g(0.0).max(g(30.0)));
    assert_eq!(
        price(
            &inputs(OptionKind::Put, s, k, 30.0, r, q, 0.0),
            Accuracy::Accurate
        ),
        g(t_star)
    );
    // Expiry 0: intrinsic.
    assert_eq!(
        price(
            &inputs(OptionKind::Put, 90.0, 100.0, 0.0, 0.05, 0.0, 0.3),
            Accuracy::Fast
        ),
        10.0
    );
    // Deep in the money with a high rate: exercised now, exactly intrinsic.
    let i = inputs(OptionKind::Put, 50.0, 100.0, 1.0, 0.1, 0.0, 0.2);
    assert_eq!(price(&i, Accuracy::High), 50.0);
    let greeks = american::greeks(&i, Accuracy::High).unwrap();
    assert_eq!((greeks.delta, greeks.gamma, greeks.theta), (-1.0, 0.0, 0.0));
    // Call-put symmetry C(S, K, r, q) = P(K, S, q, r) (McDonald & Schroder 1998).
    for (s, k, t, r, q, v) in [
        (110.0, 100.0, 1.0, 0.02, 0.06, 0.3),
        (80.0, 120.0, 3.0, 0.1, 0.04, 0.5),
    ] {
        let c = price(&inputs(OptionKind::Call, s, k, t, r, q, v), Accuracy::High);
        let p = price(&inputs(OptionKind::Put, k, s, t, q, r, v), Accuracy::High);
        assert!((c - p).abs() < 1e-10 * c, "{c} vs {p}");
    }
}

#[test]
fn greeks_match_differences_of_the_pde() {
    for (kind, s, k, t, r, q, v) in [
        (OptionKind::Put, 95.0, 100.0, 1.0, 0.06, 0.01, 0.3),
        (OptionKind::Call, 110.0, 100.0, 2.0, 0.02, 0.07, 0.25),
    ] {
        let i = inputs(kind, s, k, t, r, q, v);
        let g = american::greeks(&i, Accuracy::Accurate).unwrap();
        let call = kind == OptionKind::Call;
        let pde = |s: f64, t: f64, r: f64, q: f64, v: f64| {
            american_pde(call, s, k, t, r, q, v, 2000, 1000).0
        };
        let h = 1e-3;
        let checks = [
            (
                "delta",
                g.delta,
                (pde(s + h * s, t, r, q, v) - pde(s - h * s, t, r, q, v)) / (2.0 * h * s),
            ),
            (
                "gamma",
                g.gamma,
                (pde(s * (1.0 + 10.0 * h), t, r, q, v) - 2.0 * g.price
                    + pde(s * (1.0 - 10.0 * h), t, r, q, v))
                    / (10.0 * h * s).powi(2),
            ),
            (
                "theta",
                g.theta,
                -(pde(s, t + h, r, q, v) - pde(s, t - h, r, q, v)) / (2.0 * h),
            ),
            (
                "vega",
                g.vega,
                (pde(s, t, r, q, v + h) - pde(s, t, r, q, v - h)) / (2.0 * h),
            ),
            (
                "rho",
                g.rho,
                (pde(s, t, r + h, q, v) - pde(s, t, r - h, q, v)) / (2.0 * h),
            ),
            (
                "epsilon",
                g.epsilon,
                (pde(s, t, r, q + h, v) - pde(s, t, r, q - h, v)) / (2.0 * h),
            ),
        ];
        for (name, got, want) in checks {
            assert!(
                (got - want).abs() < 1e-4 * want.abs().max(1.0),
                "{kind:?} {name}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn implied_vol_inverts_the_price() {
    for (kind, s, k, t, r, q) in [
        (OptionKind::Put, 90.0, 100.0, 1.0, 0.08, 0.0),
        (OptionKind::Call, 120.0, 100.0, 0.5, 0.01, 0.09),
        (OptionKind::Put, 130.0, 100.0, 3.0, 0.05, 0.02),
    ] {
        for v in [0.05, 0.2, 0.8] {
            let p = price(&inputs(kind, s, k, t, r, q, v), Accuracy::Accurate);
            if p <= price(&inputs(kind, s, k, t, r, q, 0.0), Accuracy::Accurate) * (1.0 + 1e-6) {
                continue; // exercised at once for every vol up to v: no unique inverse
            }
            let got = american::implied_vol(kind, p, s, k, t, r, q, Accuracy::Accurate).unwrap();
            assert!(
                (got - v).abs() < 1e-9 * v.max(0.1) / (p / k).min(1.0),
                "{kind:?} {v}: {got}"
            );
        }
    }
    let iv = |p: f64| {
        american::implied_vol(
            OptionKind::Put,
            p,
            90.0,
            100.0,
            1.0,
            0.08,
            0.0,
            Accuracy::Accurate,
        )
    };
    assert_eq!(iv(10.0), Ok(0.0));
    assert!(matches!(
        iv(9.0),
        Err(PricingError::AmericanPriceBelowLowerBound { .. })
    ));
    assert!(matches!(
        iv(100.0),
        Err(PricingError::AmericanPriceAtOrAboveUpperBound { .. })
    ));
}
