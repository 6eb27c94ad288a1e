//! Black-Scholes-Merton price and Greeks against independent references:
//! - mpmath at 50 digits, every Greek by numerical differentiation of the price
//!   (tests/oracles/bs_greeks_mpmath.py → tests/data/bs_greeks_mpmath.rs);
//! - published figures (Haug's book, FinancePy PR #245);
//! - put-call parity for the price and each Greek, the documented limits at expiry = 0 and
//!   vol = 0, and a property test over random valid inputs (finite, never NaN).

use wasm_core::batch::{black_scholes_many, greeks_many, BsColumns, Column, KindColumn};
use wasm_core::black_scholes::price;
use wasm_core::greeks::{greeks, Greeks};
use wasm_core::inputs::{Inputs, OptionKind};

mod data {
    include!("data/bs_greeks_mpmath.rs");
}

/// Relative tolerance against the 50-digit reference: 1e-12, about 4500 ulps. The closed
/// forms reach a few ulps for ordinary inputs; the margin covers the error of d1 amplified
/// by d1² in the far tails (|d1| up to ~40 on the grid).
const REL_TOL: f64 = 1e-12;

/// Absolute floor, as a multiple of each Greek's condition scale cond_g = Σ_x |x ∂g/∂x|
/// (computed by the oracle over spot, strike, expiry, rate, dividend, vol). A double
/// evaluation rounds ln(S/K), (r - q)·T and σ√T, which is the same as perturbing the inputs
/// by a few ulps, so no implementation can beat ~eps·cond_g; near a zero of a Greek (vanna
/// at d2 = 0, speed at d1 = -σ√T, theta where its terms balance) this floor, not the tiny
/// value, sets the attainable accuracy. 1e-15 is about 4.5 ulps of every input at once.
const COND_FLOOR: f64 = 1e-15;

const NAMES: [&str; 14] = [
    "price", "delta", "gamma", "speed", "vega", "volga", "vanna", "zomma", "theta", "charm",
    "color", "veta", "rho", "epsilon",
];

fn as_array(g: &Greeks) -> [f64; 14] {
    [
        g.price, g.delta, g.gamma, g.speed, g.vega, g.volga, g.vanna, g.zomma, g.theta, g.charm,
        g.color, g.veta, g.rho, g.epsilon,
    ]
}

fn kind_of(sign: f64) -> OptionKind {
    if sign > 0.0 {
        OptionKind::Call
    } else {
        OptionKind::Put
    }
}

fn opt(kind: OptionKind, s: f64, k: f64, t: f64, r: f64, q: f64, v: f64) -> Inputs {
    Inputs::new(kind, s, k, t, r, q, v).expect("valid test inputs")
}

/// One row through the batch functions (their fast path where its bound allows):
/// `greeks_many`'s Greeks and `black_scholes_many`'s price.
fn batch_row(i: &Inputs) -> (Greeks, f64) {
    let kind = KindColumn::One(i.kind);
    let args = BsColumns {
        kind: &kind,
        spot: Column::Scalar(i.spot),
        strike: Column::Scalar(i.strike),
        expiry: Column::Scalar(i.expiry),
        rate: Column::Scalar(i.rate),
        dividend: Column::Scalar(i.dividend),
        vol: Column::Scalar(i.vol),
    };
    let (g, _) = greeks_many(&args, 1).unwrap();
    let (p, _) = black_scholes_many(&args, 1).unwrap();
    (g[0], p[0])
}

fn scalar_row(i: &Inputs) -> (Greeks, f64) {
    (greeks(i), price(i))
}

/// Checks every row of an oracle table; returns the number of values checked.
fn check_table(name: &str, table: &[[f64; 35]]) -> usize {
    check_table_with(name, table, scalar_row)
}

/// As [`check_table`], with the Greeks and the price they must carry from `f`.
fn check_table_with(name: &str, table: &[[f64; 35]], f: fn(&Inputs) -> (Greeks, f64)) -> usize {
    let mut failures = Vec::new();
    // The largest error as a fraction of its tolerance, and the largest relative error
    // among values not near a zero (where the relative part of the tolerance dominates).
    let (mut worst_fraction, mut worst_relative) = (0.0f64, 0.0f64);
    for row in table {
        let inputs = opt(
            kind_of(row[0]),
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
        );
        let (g, p) = f(&inputs);
        let ours = as_array(&g);
        assert_eq!(
            ours[0], p,
            "the Greeks' price must be the price for {inputs:?}"
        );
        for (i, greek) in NAMES.iter().enumerate() {
            let (want, cond) = (row[7 + i], row[21 + i]);
            let err = (ours[i] - want).abs();
            let floor = COND_FLOOR * cond;
            let tol = REL_TOL * want.abs() + floor;
            if err <= tol {
                worst_fraction = worst_fraction.max(err / tol);
                if REL_TOL * want.abs() > floor {
                    worst_relative = worst_relative.max(err / want.abs());
                }
            } else {
                failures.push(format!(
                    "{greek}: got {:e}, want {want:e} (rel err {:.2e}, cond {cond:.2e}) for {inputs:?}",
                    ours[i],
                    err / want.abs()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: {} of {} values out of tolerance:\n{}",
        failures.len(),
        table.len() * NAMES.len(),
        failures.join("\n")
    );
    eprintln!(
        "{name}: {} rows; worst error {worst_fraction:.3} of its tolerance; \
         worst relative error {worst_relative:.2e} away from zeros",
        table.len()
    );
    table.len() * NAMES.len()
}

#[test]
fn matches_mpmath_on_the_grid() {
    assert_eq!(check_table("GRID", data::GRID), 360 * 14);
}

#[test]
fn matches_mpmath_on_extreme_inputs() {
    check_table("EXTREME", data::EXTREME);
}

/// The batch functions, fast path included, to the same tolerances.
#[test]
fn batch_functions_match_mpmath_on_the_grid_and_extreme_inputs() {
    check_table_with("GRID (batch)", data::GRID, batch_row);
    check_table_with("EXTREME (batch)", data::EXTREME, batch_row);
}

/// Absurd-but-valid inputs (rate·expiry = 1000, strike/spot = 1e500, vol·√T = 164, ...):
/// the price still matches mpmath, to REL_TOL or, where the true price is below the
/// smallest normal double, to within that.
#[test]
fn prices_of_absurd_inputs_match_mpmath() {
    for row in data::PRICE_ONLY {
        // Built field by field: some rows (rate·expiry = 1000 ...) are rejected by
        // `Inputs::new`'s range check at the API boundary; the maths is checked without it.
        let inputs = Inputs {
            kind: kind_of(row[0]),
            spot: row[1],
            strike: row[2],
            expiry: row[3],
            rate: row[4],
            dividend: row[5],
            vol: row[6],
        };
        let (got, want) = (price(&inputs), row[7]);
        let tol = REL_TOL * want.abs() + f64::MIN_POSITIVE;
        assert!(
            (got - want).abs() <= tol,
            "{inputs:?}: got {got:e}, want {want:e}"
        );
    }
}

/// Published values, quoted to four decimals: |ours - published| ≤ half a unit in the last
/// printed place.
const FOUR_DECIMALS: f64 = 5e-5;

#[test]
fn haug_book_examples() {
    // E. G. Haug, "The Complete Guide to Option Pricing Formulas" (1st ed. 1998, pp. 2-16;
    // 2nd ed. 2007, §1.1 and ch. 2), as reproduced in QuantLib's
    // test-suite/europeanoption.cpp (testValues, testGreekValues).
    use OptionKind::{Call, Put};
    // Prices (Haug §1.1.1 and §1.1.6 examples).
    let prices = [
        (Call, 60.0, 65.0, 0.25, 0.08, 0.0, 0.30, 2.1334),
        (Put, 100.0, 95.0, 0.5, 0.10, 0.05, 0.20, 2.4648),
        (Put, 19.0, 19.0, 0.75, 0.10, 0.10, 0.28, 1.7011),
        (Call, 19.0, 19.0, 0.75, 0.10, 0.10, 0.28, 1.7011),
        (Call, 1.56, 1.60, 0.5, 0.06, 0.08, 0.12, 0.0291),
        (Put, 75.0, 70.0, 0.5, 0.10, 0.05, 0.35, 4.0870),
    ];
    for (kind, s, k, t, r, q, v, want) in prices {
        let got = price(&opt(kind, s, k, t, r, q, v));
        assert!(
            (got - want).abs() <= FOUR_DECIMALS,
            "{kind:?} {s} {k}: {got} vs {want}"
        );
    }
    // Greeks (Haug 1998 pp. 11-16).
    let g = |kind, s, k, t, r, q, v| greeks(&opt(kind, s, k, t, r, q, v));
    let close = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() <= FOUR_DECIMALS,
            "{what}: {got} vs {want}"
        );
    };
    close(
        g(Call, 105.0, 100.0, 0.5, 0.10, 0.10, 0.36).delta,
        0.5946,
        "call delta",
    );
    close(
        g(Put, 105.0, 100.0, 0.5, 0.10, 0.10, 0.36).delta,
        -0.3566,
        "put delta",
    );
    let put = g(Put, 105.0, 100.0, 0.5, 0.10, 0.10, 0.36);
    close(
        put.delta * 105.0 / put.price,
        -4.8775,
        "put elasticity = delta·S/V",
    );
    for kind in [Call, Put] {
        let x = g(kind, 55.0, 60.0, 0.75, 0.10, 0.0, 0.30);
        close(x.gamma, 0.0278, "gamma");
        close(x.vega, 18.9358, "vega (per unit vol)");
    }
    // Theta per year of calendar time (QuantLib's sign convention, which is ours) and per day.
    let theta = g(Put, 430.0, 405.0, 1.0 / 12.0, 0.07, 0.05, 0.20).theta;
    close(theta, -31.1924, "put theta per year");
    close(theta / 365.0, -0.0855, "put theta per day");
    close(
        g(Call, 72.0, 75.0, 1.0, 0.09, 0.0, 0.19).rho,
        38.7325,
        "call rho",
    );
    // QuantLib's dividendRho = ∂V/∂q, our epsilon.
    close(
        g(Put, 500.0, 490.0, 0.25, 0.08, 0.05, 0.15).epsilon,
        42.2254,
        "put epsilon",
    );
}

#[test]
fn financepy_pr_245_vanna() {
    // FinancePy PR #245 (domokane/FinancePy): at S=100, K=120, t=2, r=0.03, q=0.01, v=0.10
    // the corrected analytic vanna and the finite difference d(delta)/d(vol) both give
    // +2.71875 (printed to 6 significant digits), while the old code gave -3.84489.
    // Their convention is ours: vanna = ∂delta/∂vol = ∂vega/∂spot per unit of vol (the PR
    // removes a spurious factor -√t: -3.84489 = -√2 · 2.71875). Vanna is the same for calls
    // and puts (parity), so both must give it.
    for kind in [OptionKind::Call, OptionKind::Put] {
        let g = greeks(&opt(kind, 100.0, 120.0, 2.0, 0.03, 0.01, 0.10));
        assert!(
            (g.vanna - 2.71875).abs() <= 5e-6,
            "{kind:?} vanna {}",
            g.vanna
        );
        assert!(
            (-2f64.sqrt() * g.vanna - -3.84489).abs() <= 5e-5,
            "their old value"
        );
    }
}

/// Put-call parity C - P = S e^{-qT} - K e^{-rT} holds for the price and, differentiated,
/// for every Greek. Checked relative to the size of the terms (the difference of two
/// large numbers can lose their relative precision, not more).
const PARITY_TOL: f64 = 1e-13;

#[test]
fn put_call_parity_for_price_and_every_greek() {
    let mut rng = SplitMix64(0x5eed_0f9a_1234);
    for _ in 0..20_000 {
        let s = 100.0;
        let k = s * (rng.uniform() * 3.0 - 1.5).exp();
        let t = 1.0 / 365.0 + rng.uniform() * 10.0;
        let r = rng.uniform() * 0.2 - 0.05;
        let q = rng.uniform() * 0.1 - 0.02;
        let v = 0.02 + rng.uniform() * 1.5;
        let c = greeks(&opt(OptionKind::Call, s, k, t, r, q, v));
        let p = greeks(&opt(OptionKind::Put, s, k, t, r, q, v));
        let (df, dr) = ((-q * t).exp(), (-r * t).exp());
        // The forward contract S e^{-qT} - K e^{-rT} and its derivatives, with the size of
        // their terms (what a difference can lose its precision against).
        let (sd, kd) = (s * df, k * dr);
        let forward = [
            ("price", c.price, p.price, sd - kd, sd + kd),
            ("delta", c.delta, p.delta, df, df),
            ("gamma", c.gamma, p.gamma, 0.0, 0.0),
            ("speed", c.speed, p.speed, 0.0, 0.0),
            ("vega", c.vega, p.vega, 0.0, 0.0),
            ("volga", c.volga, p.volga, 0.0, 0.0),
            ("vanna", c.vanna, p.vanna, 0.0, 0.0),
            ("zomma", c.zomma, p.zomma, 0.0, 0.0),
            (
                "theta",
                c.theta,
                p.theta,
                q * sd - r * kd,
                (q * sd).abs() + (r * kd).abs(),
            ),
            ("charm", c.charm, p.charm, q * df, (q * df).abs()),
            ("color", c.color, p.color, 0.0, 0.0),
            ("veta", c.veta, p.veta, 0.0, 0.0),
            ("rho", c.rho, p.rho, t * kd, t * kd),
            ("epsilon", c.epsilon, p.epsilon, -t * sd, t * sd),
        ];
        for (name, call, put, want, terms) in forward {
            let scale = call.abs().max(put.abs()).max(terms);
            let err = (call - put - want).abs();
            assert!(
                err <= PARITY_TOL * scale,
                "{name}: C - P = {} vs {want} (err {err:e}) at K={k} T={t} r={r} q={q} v={v}",
                call - put
            );
        }
    }
}

/// The documented limits (docs/api.md "Limits"), typed here from their definitions.
#[test]
fn limits_at_zero_expiry_and_zero_vol() {
    use OptionKind::{Call, Put};
    let n0 = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
    let (s, r, q) = (100.0, 0.05, 0.02);
    // expiry = 0 (any vol): intrinsic value and the payoff's derivatives.
    for v in [0.0, 0.3] {
        let itm = greeks(&opt(Call, s, 90.0, 0.0, r, q, v));
        let expected = Greeks {
            price: 10.0,
            delta: 1.0,
            gamma: 0.0,
            speed: 0.0,
            vega: 0.0,
            volga: 0.0,
            vanna: 0.0,
            zomma: 0.0,
            theta: q * s - r * 90.0,
            charm: q,
            color: 0.0,
            veta: 0.0,
            rho: 0.0,
            epsilon: 0.0,
        };
        assert_eq!(itm, expected);
        let otm = greeks(&opt(Put, s, 90.0, 0.0, r, q, v));
        assert!(as_array(&otm).iter().all(|&x| x == 0.0), "{otm:?}");
        // At the kink: half the jumps; vega and vanna vanish with √T.
        let kink = greeks(&opt(Put, s, s, 0.0, r, q, v));
        assert_eq!(kink.price, 0.0);
        assert_eq!(kink.delta, -0.5);
        assert_eq!(kink.theta, -0.5 * (q * s - r * s));
        assert_eq!(kink.charm, -0.5 * q);
        assert_eq!(
            (kink.gamma, kink.vega, kink.vanna, kink.veta),
            (0.0, 0.0, 0.0, 0.0)
        );
    }
    // vol = 0, expiry > 0: the discounted payoff of the forward.
    let t = 2.0;
    let (df, dr) = ((-q * t).exp(), (-r * t).exp());
    let fwd = s * ((r - q) * t).exp();
    let itm = greeks(&opt(Put, s, 120.0, t, r, q, 0.0));
    let close = |got: f64, want: f64, what: &str| {
        assert!(
            (got - want).abs() <= 1e-14 * want.abs().max(1.0),
            "{what}: {got} vs {want}"
        );
    };
    close(itm.price, dr * (120.0 - fwd), "price");
    close(itm.delta, -df, "delta");
    close(itm.theta, -(q * s * df - r * 120.0 * dr), "theta");
    close(itm.charm, -q * df, "charm");
    close(itm.rho, -t * 120.0 * dr, "rho");
    close(itm.epsilon, t * s * df, "epsilon");
    for x in [
        itm.gamma, itm.speed, itm.vega, itm.volga, itm.vanna, itm.zomma, itm.color, itm.veta,
    ] {
        assert_eq!(x, 0.0);
    }
    // Exactly at the forward (F = K, here with r = q so that K = S is exact): finite limits.
    let at = greeks(&opt(Call, s, s, t, 0.03, 0.03, 0.0));
    let d = (-0.03 * t).exp();
    close(at.delta, 0.5 * d, "delta at the kink");
    close(at.vega, s * d * t.sqrt() * n0, "vega at the kink");
    close(at.vanna, d * t.sqrt() * n0 / 2.0, "vanna at the kink");
    close(
        at.veta,
        s * d * t.sqrt() * n0 * (0.03 - 0.5 / t),
        "veta at the kink",
    );
    close(at.rho, 0.5 * t * s * d, "rho at the kink");
    assert_eq!(
        (at.gamma, at.speed, at.zomma, at.color, at.volga),
        (0.0, 0.0, 0.0, 0.0, 0.0)
    );
}

/// The limit values are the limits of the smooth formulas: at a small but positive vol the
/// Greeks approach them (away from the kink exponentially fast; at the kink like σ).
#[test]
fn limits_are_continuous_with_the_smooth_formulas() {
    use OptionKind::{Call, Put};
    for kind in [Call, Put] {
        for k in [80.0, 100.0, 125.0] {
            // r = q so that the kink F = K sits exactly at K = S = 100.
            let (t, r, q) = (1.5, 0.04, 0.04);
            let limit = as_array(&greeks(&opt(kind, 100.0, k, t, r, q, 0.0)));
            let near = as_array(&greeks(&opt(kind, 100.0, k, t, r, q, 1e-9)));
            for (i, name) in NAMES.iter().enumerate() {
                if k == 100.0 && matches!(*name, "gamma" | "speed" | "zomma" | "color") {
                    continue; // infinite limits, reported as 0
                }
                let tol = 1e-7 * limit[i].abs().max(1.0);
                assert!(
                    (near[i] - limit[i]).abs() <= tol,
                    "{kind:?} K={k} {name}: vol 1e-9 gives {} vs limit {}",
                    near[i],
                    limit[i]
                );
            }
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny deterministic generator for property tests.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// 10^u with u uniform in [lo, hi).
    fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        10f64.powf(lo + (hi - lo) * self.uniform())
    }
    /// A finite double from a random bit pattern: every exponent equally likely.
    fn any_finite(&mut self) -> f64 {
        loop {
            let x = f64::from_bits(self.next_u64());
            if x.is_finite() {
                return x;
            }
        }
    }
    fn kind(&mut self) -> OptionKind {
        if self.next_u64() & 1 == 0 {
            OptionKind::Call
        } else {
            OptionKind::Put
        }
    }
}

/// Every Greek is finite over a wide domain that still has representable answers: spot
/// and strike 1e-50..1e50, expiry 0 or 1e-6..100 years, |rate|, |dividend| ≤ 5 (so that
/// rate·expiry reaches ±500), vol 0 or 1e-4..10 (1000 %); plus exact edge cases (expiry 0,
/// vol 0, spot = strike, zero dividend).
#[test]
fn finite_everywhere_on_a_wide_domain() {
    let mut rng = SplitMix64(2024);
    for i in 0..200_000 {
        let kind = rng.kind();
        let s = rng.log_uniform(-50.0, 50.0);
        let k = if i % 7 == 0 {
            s
        } else {
            rng.log_uniform(-50.0, 50.0)
        };
        let t = if i % 11 == 0 {
            0.0
        } else {
            rng.log_uniform(-6.0, 2.0)
        };
        let r = rng.uniform() * 10.0 - 5.0;
        let q = if i % 5 == 0 {
            0.0
        } else {
            rng.uniform() * 10.0 - 5.0
        };
        let v = if i % 13 == 0 {
            0.0
        } else {
            rng.log_uniform(-4.0, 1.0)
        };
        let inputs = opt(kind, s, k, t, r, q, v);
        let g = greeks(&inputs);
        for (name, x) in NAMES.iter().zip(as_array(&g)) {
            assert!(x.is_finite(), "{name} = {x} for {inputs:?}");
        }
        assert!(g.price >= 0.0, "{inputs:?}");
        assert!(g.gamma >= 0.0 && g.vega >= 0.0, "{inputs:?}");
    }
}

/// Over the whole validated domain (any finite rate and dividend, spot and strike from the
/// smallest subnormal to f64::MAX, any expiry and vol), nothing is NaN and the price is
/// never negative; values may be ±inf only where the true value (or a term of its closed
/// form) exceeds f64::MAX. Each field is either an ordinary value or a random bit pattern,
/// so absurd and ordinary inputs meet in every combination.
#[test]
fn never_nan_for_any_valid_inputs() {
    let mut rng = SplitMix64(7);
    for _ in 0..300_000 {
        let kind = rng.kind();
        let mut field = |ordinary: f64| {
            if rng.next_u64() & 1 == 0 {
                ordinary
            } else {
                rng.any_finite()
            }
        };
        let (s, k, t) = (field(100.0).abs(), field(95.0).abs(), field(0.5).abs());
        let (r, q, v) = (field(0.03), field(0.01), field(0.25).abs());
        let Ok(inputs) = Inputs::new(kind, s, k, t, r, q, v) else {
            continue; // a zero spot or strike
        };
        let g = greeks(&inputs);
        for (name, x) in NAMES.iter().zip(as_array(&g)) {
            assert!(!x.is_nan(), "{name} is NaN for {inputs:?}");
        }
        assert!(g.price >= 0.0, "{inputs:?}");
    }
}
