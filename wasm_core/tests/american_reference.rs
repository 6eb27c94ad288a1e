//! American prices against the independent PDE reference (tests/common/american_pde.rs).

mod common {
    pub mod american_pde;
}

use common::american_pde::american_pde;
use wasm_core::american::{self, Accuracy};
use wasm_core::inputs::{Inputs, OptionKind};

fn amer(kind: OptionKind, s: f64, k: f64, t: f64, r: f64, q: f64, v: f64, a: Accuracy) -> f64 {
    american::price(&Inputs::new(kind, s, k, t, r, q, v).unwrap(), a).unwrap()
}

#[test]
#[ignore]
fn study() {
    let cases = [
        (OptionKind::Put, 100.0, 100.0, 1.0, 0.05, 0.05, 0.25),
        (OptionKind::Put, 100.0, 100.0, 1.0, 0.075, 0.05, 0.25),
        (OptionKind::Put, 100.0, 95.0, 1.0, 0.075, 0.05, 0.25),
        (OptionKind::Put, 80.0, 100.0, 0.5, 0.08, 0.0, 0.3),
        (OptionKind::Call, 110.0, 100.0, 2.0, 0.03, 0.07, 0.4),
        (OptionKind::Put, 100.0, 120.0, 5.0, 0.1, 0.03, 0.25),
    ];
    for (kind, s, k, t, r, q, v) in cases {
        let (pde, err) = american_pde(kind == OptionKind::Call, s, k, t, r, q, v, 4000, 2000);
        let (pde2, err2) = american_pde(kind == OptionKind::Call, s, k, t, r, q, v, 2000, 1000);
        let i = Inputs::new(kind, s, k, t, r, q, v).unwrap();
        let ultra = american::price_on_scheme(&i, 64, 60, 1e-15, 1.0 / 32.0, 1e-15);
        let ultra2 = american::price_on_scheme(&i, 48, 40, 1e-14, 1.0 / 16.0, 1e-15);
        println!("  pde2 {:.1e} ±{err2:.1e} ultra-pde {:.1e} ultra2 {:.1e}", (pde2 - pde) / pde, (ultra - pde) / pde, (ultra2 - ultra) / ultra);
        let pde = ultra;
        let f = amer(kind, s, k, t, r, q, v, Accuracy::Fast);
        let a = amer(kind, s, k, t, r, q, v, Accuracy::Accurate);
        let h = amer(kind, s, k, t, r, q, v, Accuracy::High);
        println!("{kind:?} {s} {k} {t} {r} {q} {v}: pde {pde:.12} ±{err:.1e}  fast {:.1e} acc {:.1e} high {:.1e}  (high {h:.12})",
            (f - pde) / pde, (a - pde) / pde, (h - pde) / pde);
    }
}

#[test]
#[ignore]
fn study_schemes() {
    let cases = [
        (OptionKind::Call, 80.0, 100.0, 5.0, 0.02, 0.12, 0.05),
        (OptionKind::Put, 100.0, 100.0, 5.0, 0.1, 0.03, 0.25),
        (OptionKind::Put, 80.0, 100.0, 0.5, 0.08, 0.0, 0.3),
    ];
    for (kind, s, k, t, r, q, v) in cases {
        let i = Inputs::new(kind, s, k, t, r, q, v).unwrap();
        let ultra = american::price_on_scheme(&i, 64, 60, 1e-15, 1.0 / 32.0, 1e-15);
        println!("{kind:?} {s} {k} {t} {r} {q} {v}: {ultra}");
        for nodes in [8, 12, 16, 24, 32] {
            for (steps, tol) in [(6, 1e-7), (12, 1e-10), (24, 1e-12)] {
                let mut line = format!("  n {nodes:2} steps {steps} tol {tol:.0e}:");
                for h in [0.25, 0.125] {
                    let p = american::price_on_scheme(&i, nodes, steps, tol, h, 1e-14);
                    line += &format!(" {:9.1e}", (p - ultra) / ultra);
                }
                println!("{line}");
            }
        }
    }
}

#[test]
#[ignore]
fn study_grid() {
    let mut worst = [0.0f64; 4];
    let mut count = 0;
    for &(m, t, v, r, q) in &[
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
    ] {
        for kind in [OptionKind::Put, OptionKind::Call] {
            let (s, k) = (100.0 * m, 100.0);
            let (call, rr, qq) = (kind == OptionKind::Call, r, q);
            let i = Inputs::new(kind, s, k, t, rr, qq, v).unwrap();
            let (pde, err) = american_pde(call, s, k, t, rr, qq, v, 4000, 2000);
            let ultra = american::price_on_scheme(&i, 64, 60, 1e-15, 1.0 / 32.0, 1e-15);
            let mut line = format!("{kind:?} m {m} t {t:.3} v {v} r {r} q {q}: pde {pde:.10e} ±{:.0e} ultra {:.1e}", err / pde, ultra / pde - 1.0);
            for (j, a) in [Accuracy::Fast, Accuracy::Accurate, Accuracy::High].into_iter().enumerate() {
                let p = american::price(&i, a).unwrap();
                let e = (p / pde - 1.0).abs();
                if pde > 1e-12 * k { worst[j] = worst[j].max(e); }
                line += &format!(" {:8.1e}", p / pde - 1.0);
            }
            count += 1;
            println!("{line}");
        }
    }
    println!("{count} cases, worst fast/acc/high {worst:?}");
}

#[test]
#[ignore]
fn study_alo() {
    for r in [0.05, 0.075] {
        let i = Inputs::new(OptionKind::Put, 100.0, 100.0, 1.0, r, 0.05, 0.25).unwrap();
        let e = wasm_core::black_scholes::price(&i);
        let ultra = american::price_on_scheme(&i, 64, 60, 1e-15, 1.0 / 32.0, 1e-15);
        let (pde, err) = american_pde(false, 100.0, 100.0, 1.0, r, 0.05, 0.25, 8000, 4000);
        println!("r {r}: premium ultra {:.13} high {:.13} pde {:.13} ± {err:.1e}", ultra - e, american::price(&i, Accuracy::High).unwrap() - e, pde - e);
    }
}
