//! Path-dependent Monte Carlo payoffs: exact identities between payoffs on common random numbers,
//! reproducibility across workers, and Longstaff-Schwartz against the American engine (an
//! independent method, itself checked against a Crank-Nicolson PDE in american_reference.rs).
//! The closed-form checks (Reiner-Rubinstein barriers, discrete geometric Asians) are against
//! QuantLib in tests/test_mc_payoffs.py.

use wasm_core::american::{self, Accuracy};
use wasm_core::inputs::{Inputs, OptionKind};
use wasm_core::monte_carlo::{
    block_count, finish, run, simulate_blocks, HestonParams, McOptions, McParams, McResult, Model,
    PayoffName,
};

/// A Monte Carlo estimate must lie within this many of its standard errors of the reference.
const SE_TOL: f64 = 4.0;
/// Two sums of the same per-path numbers, in a different order of operations.
const ROUNDING: f64 = 1e-12;

const H: HestonParams = HestonParams {
    v0: 0.04,
    kappa: 1.5,
    theta: 0.05,
    xi: 0.6,
    rho: -0.6,
};

fn payoff(name: &str) -> PayoffName {
    PayoffName::parse(name).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn mc(
    kind: OptionKind,
    model: Model,
    name: &str,
    barrier: Option<f64>,
    dates: Option<f64>,
    paths: f64,
    steps: Option<f64>,
    greeks: bool,
) -> McParams {
    let o = McOptions {
        paths: Some(paths),
        steps,
        seed: Some(11.0),
        greeks,
        payoff: payoff(name),
        barrier,
        exercise_dates: dates,
        ..McOptions::default()
    };
    McParams::new(kind, 100.0, 100.0, 1.0, 0.05, 0.02, model, o).unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
}

/// In + out = European path by path, so on common random numbers the plain estimates add up.
#[test]
fn knock_in_plus_knock_out_is_european() {
    for model in [Model::Gbm { vol: 0.3 }, Model::Heston(H)] {
        for (kind, level, pair) in [
            (OptionKind::Call, 120.0, ["up_and_in", "up_and_out"]),
            (OptionKind::Put, 85.0, ["down_and_in", "down_and_out"]),
        ] {
            let steps = Some(50.0);
            let e = run(&mc(
                kind, model, "european", None, None, 20_000.0, steps, false,
            ))
            .unwrap();
            let [i, o] = pair.map(|name| {
                run(&mc(
                    kind,
                    model,
                    name,
                    Some(level),
                    None,
                    20_000.0,
                    steps,
                    false,
                ))
                .unwrap()
            });
            let sum = i.price_without_control + o.price_without_control;
            assert!(
                close(sum, e.price_without_control, ROUNDING),
                "{pair:?} {model:?}: {sum} vs {}",
                e.price_without_control
            );
            // The knock-out is cheaper than the European, and both legs are worth something.
            assert!(o.price > 0.0 && i.price > 0.0 && o.price < e.price);
        }
    }
}

/// A barrier nobody reaches changes nothing; a spot beyond the barrier is knocked at once.
#[test]
fn unreachable_and_breached_barriers() {
    let gbm = Model::Gbm { vol: 0.2 };
    let e = run(&mc(
        OptionKind::Call,
        gbm,
        "european",
        None,
        None,
        4096.0,
        Some(20.0),
        false,
    ))
    .unwrap();
    let far = run(&mc(
        OptionKind::Call,
        gbm,
        "up_and_out",
        Some(1e9),
        None,
        4096.0,
        Some(20.0),
        false,
    ))
    .unwrap();
    assert_eq!(far.price_without_control, e.price_without_control);
    let breached = run(&mc(
        OptionKind::Call,
        gbm,
        "down_and_out",
        Some(150.0),
        None,
        4096.0,
        None,
        false,
    ))
    .unwrap();
    assert_eq!((breached.price, breached.std_error), (0.0, 0.0));
    let knocked_in = run(&mc(
        OptionKind::Call,
        gbm,
        "down_and_in",
        Some(150.0),
        None,
        4096.0,
        Some(20.0),
        false,
    ))
    .unwrap();
    assert_eq!(knocked_in.price_without_control, e.price_without_control);
}

/// An average over one fixing (at expiry) is the European payoff; a Bermudan with its only
/// date at expiry is the European option.
#[test]
fn one_date_payoffs_are_european() {
    for model in [Model::Gbm { vol: 0.25 }, Model::Heston(H)] {
        let steps = Some(if model == (Model::Gbm { vol: 0.25 }) {
            1.0
        } else {
            10.0
        });
        let e = run(&mc(
            OptionKind::Put,
            model,
            "european",
            None,
            None,
            8192.0,
            steps,
            false,
        ))
        .unwrap();
        let g = run(&mc(
            OptionKind::Put,
            model,
            "asian_geometric",
            None,
            None,
            8192.0,
            Some(1.0),
            false,
        ))
        .unwrap();
        let a = run(&mc(
            OptionKind::Put,
            model,
            "asian_arithmetic",
            None,
            None,
            8192.0,
            Some(1.0),
            false,
        ))
        .unwrap();
        if matches!(model, Model::Gbm { .. }) {
            assert!(close(
                g.price_without_control,
                e.price_without_control,
                ROUNDING
            ));
            assert!(close(
                a.price_without_control,
                e.price_without_control,
                ROUNDING
            ));
        }
        let b = run(&mc(
            OptionKind::Put,
            model,
            "bermudan",
            None,
            Some(1.0),
            8192.0,
            steps,
            false,
        ))
        .unwrap();
        assert!(
            close(b.price_without_control, e.price_without_control, ROUNDING),
            "{model:?}: {} vs {}",
            b.price_without_control,
            e.price_without_control
        );
    }
}

/// Averaging lowers the option value (Jensen: the average's spread is smaller), and the
/// geometric mean is below the arithmetic one path by path.
#[test]
fn asian_orderings() {
    let gbm = Model::Gbm { vol: 0.3 };
    let e = run(&mc(
        OptionKind::Call,
        gbm,
        "european",
        None,
        None,
        20_000.0,
        None,
        false,
    ))
    .unwrap();
    let a = run(&mc(
        OptionKind::Call,
        gbm,
        "asian_arithmetic",
        None,
        None,
        20_000.0,
        Some(12.0),
        false,
    ))
    .unwrap();
    let g = run(&mc(
        OptionKind::Call,
        gbm,
        "asian_geometric",
        None,
        None,
        20_000.0,
        Some(12.0),
        false,
    ))
    .unwrap();
    assert!(g.price_without_control < a.price_without_control);
    assert!(a.price < e.price);
    // The geometric control removes most of the arithmetic Asian's variance.
    assert!(a.std_error < 0.1 * a.std_error_without_control, "{a:?}");
}

/// Longstaff-Schwartz against the American engine on the cases of Longstaff & Schwartz (2001),
/// Table 1 (K = 40, r = 6%, 50 exercise dates a year): within 4 standard errors + 1e-3 of the
/// American price at 100,000 paths, and never above it by more than the noise (the estimate is
/// a lower bound: a Bermudan with `steps` dates, exercised by an estimated, sub-optimal rule).
/// Measured at 1e6 paths the gap is 0.009-0.025 (0.2-0.8%), of which the Bermudan's own
/// discreteness is most; see docs/api.md.
#[test]
fn lsm_american_put_against_the_exercise_boundary_engine() {
    for (spot, vol, expiry) in [
        (36.0, 0.2, 1.0),
        (36.0, 0.4, 2.0),
        (40.0, 0.2, 1.0),
        (44.0, 0.2, 1.0),
    ] {
        let (k, r, q) = (40.0, 0.06, 0.0);
        let o = McOptions {
            paths: Some(100_000.0),
            steps: Some(50.0 * expiry),
            seed: Some(3.0),
            payoff: payoff("american"),
            ..McOptions::default()
        };
        let p = McParams::new(
            OptionKind::Put,
            spot,
            k,
            expiry,
            r,
            q,
            Model::Gbm { vol },
            o,
        )
        .unwrap();
        let lsm = run(&p).unwrap();
        let inputs = Inputs::new(OptionKind::Put, spot, k, expiry, r, q, vol).unwrap();
        let exact = american::price(&inputs, Accuracy::Accurate).unwrap();
        assert!(
            (lsm.price - exact).abs() <= SE_TOL * lsm.std_error + 1e-3,
            "S={spot} vol={vol} T={expiry}: {lsm:?} vs {exact}"
        );
        assert!(lsm.price <= exact + SE_TOL * lsm.std_error);
    }
}

/// Deep in the money an American put is exercised at once: the price is the intrinsic value.
#[test]
fn lsm_exercises_at_the_start_deep_in_the_money() {
    let o = McOptions {
        paths: Some(10_000.0),
        steps: Some(50.0),
        payoff: payoff("american"),
        ..McOptions::default()
    };
    let p = McParams::new(
        OptionKind::Put,
        40.0,
        100.0,
        1.0,
        0.1,
        0.0,
        Model::Gbm { vol: 0.2 },
        o,
    )
    .unwrap();
    let r = run(&p).unwrap();
    assert_eq!((r.price, r.std_error), (60.0, 0.0));
}

fn assert_split_invariant(p: &McParams) {
    let whole: McResult = run(p).unwrap();
    let total = block_count(p);
    let mut blocks = simulate_blocks(p, 0, total / 3).unwrap();
    blocks.extend(simulate_blocks(p, total / 3, total - total / 3).unwrap());
    assert_eq!(finish(p, &blocks).unwrap(), whole);
}

/// Every payoff is the same double however its blocks are split among workers.
#[test]
fn payoffs_split_among_workers_give_the_same_bits() {
    let models = [
        Model::Gbm { vol: 0.25 },
        Model::Heston(H),
        Model::RoughHeston {
            heston: H,
            hurst: 0.2,
        },
    ];
    for model in models {
        for (name, barrier, dates, greeks) in [
            ("asian_arithmetic", None, None, true),
            ("asian_geometric", None, None, false),
            ("up_and_out", Some(130.0), None, true),
            ("down_and_in", Some(80.0), None, false),
            ("bermudan", None, Some(4.0), false),
            ("american", None, None, false),
        ] {
            let p = mc(
                OptionKind::Put,
                model,
                name,
                barrier,
                dates,
                3000.0,
                Some(20.0),
                greeks,
            );
            assert_split_invariant(&p);
        }
    }
}

/// Greeks of path payoffs: an Asian's delta is below the European's, and a far barrier's
/// Greeks are the European's.
#[test]
fn path_payoff_greeks() {
    let gbm = Model::Gbm { vol: 0.2 };
    let e = run(&mc(
        OptionKind::Call,
        gbm,
        "european",
        None,
        None,
        50_000.0,
        Some(10.0),
        true,
    ))
    .unwrap();
    let far = run(&mc(
        OptionKind::Call,
        gbm,
        "up_and_out",
        Some(1e9),
        None,
        50_000.0,
        Some(10.0),
        true,
    ))
    .unwrap();
    let (ge, gf) = (e.greeks.unwrap(), far.greeks.unwrap());
    assert!(close(ge.delta, gf.delta, ROUNDING) && close(ge.vega, gf.vega, ROUNDING));
    let a = run(&mc(
        OptionKind::Call,
        gbm,
        "asian_arithmetic",
        None,
        None,
        50_000.0,
        Some(10.0),
        true,
    ))
    .unwrap();
    let ga = a.greeks.unwrap();
    assert!(
        ga.delta > 0.0 && ga.delta < ge.delta && ga.vega < ge.vega,
        "{ga:?} {ge:?}"
    );
}
