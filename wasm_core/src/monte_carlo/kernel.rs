//! The fractional kernel of rough Heston and its Markovian (sum-of-exponentials) approximation.
//!
//! `K(t) = t^(a-1) / Gamma(a)`, `a = hurst + 1/2` in (1/2, 1], is completely monotone:
//! `K(t) = int_0^oo e^(-x t) mu(dx)` with `mu(dx) = x^(-a) dx / (Gamma(a) Gamma(1-a))
//! = sin(pi a)/pi x^(-a) dx` (E. Abi Jaber & O. El Euch, "Multifactor approximation of rough
//! volatility models", SIAM J. Financial Math. 10 (2019): the kernel as a Laplace transform).
//! A quadrature of `mu` with
//! nodes `x_i` and weights `c_i > 0` gives `K(t) ~ sum_i c_i e^(-x_i t)`: `n` Ornstein-Uhlenbeck-
//! type factors that carry the memory of the variance (the "lift" of Abi Jaber, "Lifting the
//! Heston model", Quant. Finance 19 (2019)). At `a = 1` (hurst 1/2) `mu` is the unit mass at
//! 0: one factor with `c = 1, x = 0`, and the lift *is* Heston.
//!
//! The simulation (`rough_heston.rs`) uses the exact kernel inside the current time step and
//! the factors only for the memory of earlier steps, i.e. for `K(t)` at lags `t >= dt`. So the
//! quadrature targets `[dt, T]`: a two-point Gauss rule for the weight `x^(-a)` on
//! `[0, 1/(2T)]` (exact moments, closed form), then [`GL_POINTS`]-point Gauss-Legendre rules in
//! `ln x` on intervals of log-width [`LOG_WIDTH`] up to `x_max = 40/dt` (beyond it `e^(-x dt)`
//! < 5e-18 and the mass is dropped). In the spirit of the geometric partitions of Abi Jaber &
//! El Euch (2019, section 3.3) and of Bayer & Breneis ("Markovian approximations of stochastic
//! Volterra equations with the fractional kernel", Quant. Finance 23 (2023): Gauss rules on
//! geometrically spaced intervals). With 100 steps over a year this is 22 factors, and the
//! memory step weights `W_m` (below) are matched to about 3e-5 relative for every `m >= 1`
//! (unit test `memory_weights_match_the_exact_kernel`).

use std::f64::consts::PI;

/// Gauss-Legendre points per geometric interval.
pub const GL_POINTS: usize = 4;
/// Width of each geometric interval in `ln x` (ratio e^2 ~ 7.4 between interval ends).
pub const LOG_WIDTH: f64 = 2.0;
/// The lowest interval is `[0, LOWEST_EDGE / T]`.
pub const LOWEST_EDGE: f64 = 0.5;
/// Nodes stop at `x_max = DROP_RATE / dt`: memory weights at lags `>= dt` lose `< e^-40`.
pub const DROP_RATE: f64 = 40.0;

/// 4-point Gauss-Legendre abscissae and weights on [-1, 1] (Abramowitz & Stegun, "Handbook of
/// Mathematical Functions", Table 25.4).
const GL4_X: [f64; 4] = [
    -0.861_136_311_594_052_6,
    -0.339_981_043_584_856_3,
    0.339_981_043_584_856_3,
    0.861_136_311_594_052_6,
];
const GL4_W: [f64; 4] = [
    0.347_854_845_137_453_8,
    0.652_145_154_862_546_1,
    0.652_145_154_862_546_1,
    0.347_854_845_137_453_8,
];

/// Gamma(x) for x > 0, about 1e-15 relative: Lanczos's approximation with g = 7 and nine
/// coefficients (C. Lanczos, SIAM J. Numer. Anal. B 1 (1964); the coefficient set of
/// P. Godfrey, as in W. H. Press et al., "Numerical Recipes", 3rd ed., section 6.1), with the
/// reflection formula below 1/2.
pub fn gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const P: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return PI / ((PI * x).sin() * gamma(1.0 - x));
    }
    let x = x - 1.0;
    let mut acc = P[0];
    for (i, p) in P.iter().enumerate().skip(1) {
        acc += p / (x + i as f64);
    }
    let t = x + G + 0.5;
    (2.0 * PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * acc
}

/// The factors of the kernel approximation: `K(t) ~ sum_i c[i] e^(-x[i] t)`.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelFactors {
    pub c: Vec<f64>,
    pub x: Vec<f64>,
}

/// The factors for `a = hurst + 1/2` over `[dt, expiry]` (see the module docs); `expiry > 0`,
/// `dt > 0`. One factor `(c = 1, x = 0)` at `a = 1`.
pub fn kernel_factors(a: f64, expiry: f64, dt: f64) -> KernelFactors {
    if a >= 1.0 {
        return KernelFactors {
            c: vec![1.0],
            x: vec![0.0],
        };
    }
    // mu(dx) = density * x^(-a) dx, density = 1/(Gamma(a) Gamma(1-a)) = sin(pi a)/pi.
    let density = (PI * a).sin() / PI;
    let mut c = Vec::new();
    let mut x = Vec::new();

    // [0, L]: two-point Gauss for the weight x^(-a). With x = L y the moments of y^(-a) on
    // [0, 1] are m_k = 1/(k + 1 - a); the nodes are the roots of y^2 + p y + q, orthogonal to
    // 1 and y: m_2 + p m_1 + q m_0 = 0 and m_3 + p m_2 + q m_1 = 0.
    let edge = LOWEST_EDGE / expiry;
    let m: [f64; 4] = [
        1.0 / (1.0 - a),
        1.0 / (2.0 - a),
        1.0 / (3.0 - a),
        1.0 / (4.0 - a),
    ];
    let det = m[1] * m[1] - m[0] * m[2];
    let p = (m[0] * m[3] - m[1] * m[2]) / det;
    let q = (m[2] * m[2] - m[1] * m[3]) / det;
    let disc = (p * p - 4.0 * q).sqrt();
    let (y1, y2) = (0.5 * (-p - disc), 0.5 * (-p + disc));
    let w2 = (m[1] - y1 * m[0]) / (y2 - y1);
    let w1 = m[0] - w2;
    let scale = density * edge.powf(1.0 - a);
    for (y, w) in [(y1, w1), (y2, w2)] {
        c.push(w * scale);
        x.push(y * edge);
    }

    // [L, x_max]: Gauss-Legendre in u = ln x, mu(dx) = density e^{(1-a) u} du.
    let u_lo = edge.ln();
    let u_hi = (DROP_RATE / dt).ln();
    let intervals = ((u_hi - u_lo) / LOG_WIDTH).ceil().max(0.0) as usize;
    for k in 0..intervals {
        let mid = u_lo + (k as f64 + 0.5) * LOG_WIDTH;
        for (gx, gw) in GL4_X.iter().zip(GL4_W) {
            let u = mid + 0.5 * LOG_WIDTH * gx;
            c.push(gw * 0.5 * LOG_WIDTH * density * ((1.0 - a) * u).exp());
            x.push(u.exp());
        }
    }
    KernelFactors { c, x }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gamma from mpmath (tests/oracles/mc_rough_kernel.py).
    const GAMMA: [(f64, f64); 7] = [
        (0.55, 1.616_124_268_733_575),
        (0.6, 1.489_192_248_812_817),
        (0.8, 1.164_229_713_725_303_4),
        (1.6, 0.893_515_349_287_690_3),
        (1.8, 0.931_383_770_980_242_7),
        (2.6, 1.429_624_558_860_304_4),
        (2.99, 1.981_668_387_096_856_8),
    ];
    const GAMMA_REL_TOL: f64 = 1e-14;

    #[test]
    fn gamma_matches_mpmath() {
        for (x, want) in GAMMA {
            assert!(
                (gamma(x) / want - 1.0).abs() < GAMMA_REL_TOL,
                "{x}: {}",
                gamma(x)
            );
        }
        assert!((gamma(0.5) - PI.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn gauss_legendre_is_exact_to_degree_seven() {
        for k in 0..8 {
            let q: f64 = GL4_X.iter().zip(GL4_W).map(|(x, w)| w * x.powi(k)).sum();
            let exact = if k % 2 == 0 {
                2.0 / (k as f64 + 1.0)
            } else {
                0.0
            };
            assert!((q - exact).abs() < 1e-15, "degree {k}");
        }
    }

    /// `W_m = Kbar((m+1) dt) - Kbar(m dt)` from the factors: `sum_i c_i b_i e^(-x_i m dt)` with
    /// `b_i = (1 - e^(-x_i dt))/x_i`.
    fn factor_weight(f: &KernelFactors, dt: f64, m: usize) -> f64 {
        f.c.iter()
            .zip(&f.x)
            .map(|(c, x)| {
                let b = if *x == 0.0 {
                    dt
                } else {
                    -(-x * dt).exp_m1() / x
                };
                c * b * (-x * m as f64 * dt).exp()
            })
            .sum()
    }

    /// Memory weights from mpmath (tests/oracles/mc_rough_kernel.py), dt = 0.01, T = 1.
    const STEP_WEIGHTS: [(f64, usize, f64); 6] = [
        (0.1, 1, 0.036_417_410_799_853_466),
        (0.1, 10, 0.016_544_951_670_691_593),
        (0.1, 99, 0.006_728_542_876_285_776),
        (0.3, 1, 0.019_987_054_984_910_416),
        (0.3, 10, 0.013_482_265_722_581_405),
        (0.3, 99, 0.008_597_994_110_103_747),
    ];
    /// The approximation's design accuracy for the memory weights (module docs).
    const MEMORY_WEIGHT_REL_TOL: f64 = 5e-5;

    #[test]
    fn memory_weights_match_mpmath() {
        for (hurst, m, want) in STEP_WEIGHTS {
            let f = kernel_factors(hurst + 0.5, 1.0, 0.01);
            let got = factor_weight(&f, 0.01, m);
            assert!(
                (got / want - 1.0).abs() < MEMORY_WEIGHT_REL_TOL,
                "H={hurst} m={m}: {got}"
            );
        }
    }

    #[test]
    fn memory_weights_match_the_exact_kernel() {
        for hurst in [0.01, 0.1, 0.25, 0.4, 0.49, 0.4999] {
            let a = hurst + 0.5;
            for (expiry, steps) in [(1.0, 100usize), (0.25, 10), (5.0, 1000), (1e-3, 50)] {
                let dt = expiry / steps as f64;
                let f = kernel_factors(a, expiry, dt);
                assert!(f.c.iter().all(|&c| c > 0.0) && f.x.iter().all(|&x| x > 0.0));
                let kbar = |t: f64| t.powf(a) / gamma(a + 1.0);
                for m in 1..steps {
                    let exact = kbar((m + 1) as f64 * dt) - kbar(m as f64 * dt);
                    let got = factor_weight(&f, dt, m);
                    assert!(
                        (got / exact - 1.0).abs() < MEMORY_WEIGHT_REL_TOL,
                        "H={hurst} T={expiry} N={steps} m={m}: {got} vs {exact}"
                    );
                }
            }
        }
    }

    #[test]
    fn hurst_one_half_is_one_factor() {
        assert_eq!(
            kernel_factors(1.0, 1.0, 0.01),
            KernelFactors {
                c: vec![1.0],
                x: vec![0.0]
            }
        );
        assert_eq!(kernel_factors(1.0, 1.0, 0.01).c.len(), 1);
        assert_eq!(kernel_factors(0.6, 1.0, 0.01).c.len(), 22);
    }
}
