//! Heston's model by Andersen's quadratic-exponential (QE) scheme with martingale correction.
//!
//! L. Andersen, "Efficient Simulation of the Heston Stochastic Volatility Model", J. Comput.
//! Finance 11(3), 2008 (SSRN 946405, 2007). The parts are named rather than numbered (the SSRN and
//! journal versions number them differently); QuantLib's `HestonProcess::evolve`
//! (`QuadraticExponentialMartingale`) implements the same formulas and was used to cross-check.
//!
//! * variance: the next `V` is drawn from a two-moment match of the exact (non-central
//!   chi-square) CIR transition, with the exact conditional mean and variance
//!   `m = theta + (V - theta) e^{-kappa dt}`,
//!   `s^2 = V xi^2 e^{-kappa dt} (1 - e^{-kappa dt}) / kappa + theta xi^2 (1 - e^{-kappa dt})^2 / (2 kappa)`.
//!   With `psi = s^2 / m^2`: for `psi <= psi_c = 1.5` the quadratic sample `a (b + Z_V)^2`,
//!   `b^2 = 2/psi - 1 + sqrt(2/psi) sqrt(2/psi - 1)`, `a = m / (1 + b^2)`; else the exponential
//!   sample with an atom at 0, `p = (psi - 1)/(psi + 1)`, `beta = (1 - p)/m`,
//!   `V = ln((1 - p)/(1 - U_V)) / beta` for `U_V > p`, else 0. One uniform `U_V` drives both
//!   (`Z_V = Phi^-1(U_V)`), so the draw is monotone in `U_V` and the antithetic partner uses
//!   `1 - U_V`. Valid where Feller's condition `2 kappa theta >= xi^2` fails: the atom at 0 is the
//!   discrete image of the variance touching 0, and `V >= 0` always.
//! * spot: the central discretisation `gamma_1 = gamma_2 = 1/2` of the integrated variance,
//!   `ln S += (r - q) dt + K0 + K1 V_t + K2 V_(t+dt) + sqrt(K3 V_t + K4 V_(t+dt)) Z`,
//!   `K1 = g1 dt (kappa rho / xi - 1/2) - rho / xi`, `K2 = g2 dt (kappa rho / xi - 1/2) + rho / xi`,
//!   `K3 = g1 dt (1 - rho^2)`, `K4 = g2 dt (1 - rho^2)`.
//! * martingale correction: `K0* = -ln M(A) - (K1 + K3/2) V_t`, `A = K2 + K4/2`, with
//!   `M(A) = E[exp(A V_(t+dt)) | V_t]` of the *sampled* law: quadratic
//!   `exp(A b^2 a / (1 - 2 A a)) / sqrt(1 - 2 A a)` (needs `A < 1/(2a)`), exponential
//!   `p + beta (1 - p) / (beta - A)` (needs `A < beta`). Then `E[S_(t+dt) | S_t, V_t] =
//!   S_t e^{(r-q) dt}` exactly: the discounted spot is a martingale of the discrete scheme and the
//!   control variate's mean `S e^{-qT}` is exact. Where the condition fails (large `dt` with
//!   `rho > 0`, rare) the uncorrected `K0 = -rho kappa theta dt / xi` is used, as Andersen does.
//!
//! With `xi` below [`XI_DETERMINISTIC`] the variance is deterministic (`V_(t+dt) = m`, exact)
//! and the spot step is `(r - q - V_bar/2) dt + sqrt(V_bar dt) Z`, `V_bar` the trapezoid mean:
//! the `xi -> 0` limit of the scheme (whose `rho / xi` terms would otherwise cancel in rounding).

use super::engine::{Lanes, Recorder};
use super::normal_sampler::{inverse_normal_cdf, ziggurat_normal};
use super::params::HestonParams;
use super::rng::SampleStream;

/// Andersen's switching level between the quadratic and exponential samples (any value in
/// [1, 2] works; 1.5 is his choice).
pub(crate) const PSI_C: f64 = 1.5;
/// Below this `xi` the variance is simulated as deterministic. The error of doing so is
/// `O(xi^2)` in the price (far below Monte Carlo noise); above it the scheme's `rho / xi`
/// terms cancel to about `1e-16 V / xi` per step.
pub(crate) const XI_DETERMINISTIC: f64 = 1e-7;
/// Below this `psi = s^2/m^2` the quadratic sample's noise (relative size `sqrt(psi)`, 1e-12) is
/// dropped: `b^2 ~ 4/psi` would overflow before reaching the smallest doubles.
pub(crate) const PSI_NEGLIGIBLE: f64 = 1e-24;
/// Central-discretisation weights of the integrated variance (Andersen's choice).
const GAMMA1: f64 = 0.5;
const GAMMA2: f64 = 0.5;

/// A moment-matched draw of the next variance, with `ln M(A) = ln E[exp(A V_next)]` of the
/// drawn law split as `ln M = lin - ln(factor)/2`: the caller accumulates the factors of many
/// steps in a product and takes one logarithm at the end (a logarithm per step was a fifth of the
/// step's time).
#[derive(Debug, Clone, Copy)]
pub(crate) struct QeDraw {
    pub v_next: f64,
    /// `Some((lin, factor))`, or `None` when `M(A)` is infinite (no correction then).
    pub log_mgf_parts: Option<(f64, f64)>,
}

impl QeDraw {
    /// `ln M(A)` in one piece.
    #[cfg(test)]
    pub fn log_mgf(&self) -> Option<f64> {
        self.log_mgf_parts
            .map(|(lin, factor)| lin - 0.5 * factor.ln())
    }
}

/// Andersen's QE sample with mean `m >= 0` and variance `s2 >= 0`, driven by the uniform `u`,
/// and the log moment generating function at `a_coef` of that two-parameter law.
#[inline]
pub(crate) fn qe_draw(m: f64, s2: f64, u: f64, a_coef: f64) -> QeDraw {
    if m <= 0.0 || !(m.is_finite()) {
        // Mean 0: the variance stays at 0 (s2 is then 0 as well); a non-finite mean cannot
        // occur for valid parameters, and 0 keeps the path finite if it ever did.
        return QeDraw {
            v_next: 0.0,
            log_mgf_parts: Some((0.0, 1.0)),
        };
    }
    let psi = s2 / (m * m);
    if psi <= PSI_NEGLIGIBLE {
        return QeDraw {
            v_next: m,
            log_mgf_parts: Some((a_coef * m, 1.0)),
        };
    }
    if psi <= PSI_C {
        // b^2 = 2/psi - 1 + sqrt(2/psi) sqrt(2/psi - 1), a = m / (1 + b^2).
        let two_over = 2.0 / psi;
        let b2 = two_over - 1.0 + (two_over * (two_over - 1.0)).sqrt();
        let a = m / (1.0 + b2);
        let b = b2.sqrt();
        let z = inverse_normal_cdf(u);
        let v_next = a * (b + z) * (b + z);
        // M = exp(A b^2 a / (1 - 2 A a)) / sqrt(1 - 2 A a).
        let denom = 1.0 - 2.0 * a_coef * a;
        let parts = (denom > 0.0).then(|| (a_coef * b2 * a / denom, denom));
        QeDraw {
            v_next,
            log_mgf_parts: parts,
        }
    } else {
        // p = (psi - 1)/(psi + 1), beta = (1 - p)/m; 1 - p = 2/(psi + 1) without cancellation
        // (and p -> 1, not NaN, when psi overflows).
        let one_minus_p = 2.0 / (psi + 1.0);
        let p = 1.0 - one_minus_p;
        let beta = one_minus_p / m;
        // The inverse of the mixed CDF p + (1 - p)(1 - e^{-beta x}).
        let v_next = if u <= p || beta <= 0.0 {
            0.0
        } else {
            (one_minus_p / (1.0 - u)).ln() / beta
        };
        // M = p + beta (1 - p) / (beta - A) = exp(-ln(M^-2)/2).
        let mgf = if a_coef < beta {
            Some(p + beta * one_minus_p / (beta - a_coef))
        } else if beta <= 0.0 && a_coef <= 0.0 {
            Some(p)
        } else {
            None
        };
        let parts = mgf.filter(|&mm| mm > 0.0).map(|mm| (0.0, 1.0 / (mm * mm)));
        QeDraw {
            v_next,
            log_mgf_parts: parts,
        }
    }
}

/// Per-variant constants of the QE step (a variant = one `(v0, theta)` pair: base or vega bump).
#[derive(Debug, Clone, Copy)]
struct Variant {
    v0: f64,
    /// `e^{-kappa dt}`.
    decay: f64,
    /// `theta (1 - e^{-kappa dt})`: `m = V decay + mean_shift`.
    mean_shift: f64,
    /// `s^2 = V s2_v + s2_c`.
    s2_v: f64,
    s2_c: f64,
    /// Uncorrected `K0` (used only when the martingale correction is unavailable).
    k0: f64,
}

/// Heston paths by QE, several variants in lockstep on the same draws.
pub(crate) struct Heston {
    lanes: Lanes,
    steps: usize,
    drift_dt: f64,
    deterministic: bool,
    k1: f64,
    k2: f64,
    k3: f64,
    k4: f64,
    variants: Vec<Variant>,
    /// Variance per lane (scratch).
    v_state: Vec<f64>,
    /// Martingale-correction factor product per lane (scratch).
    factor_product: Vec<f64>,
}

/// `(1 - e^{-k t}) / k`, equal to `t` at `k = 0` (no cancellation for small `k t`).
pub(crate) fn one_minus_exp_over(k: f64, t: f64) -> f64 {
    if k == 0.0 {
        t
    } else {
        -(-k * t).exp_m1() / k
    }
}

impl Heston {
    /// `v0_theta[i]` = the `(v0, theta)` of variant i; `kappa, xi, rho` are shared.
    pub fn new(
        p: &HestonParams,
        v0_theta: &[(f64, f64)],
        lanes: Lanes,
        expiry: f64,
        rate: f64,
        dividend: f64,
        steps: usize,
    ) -> Self {
        let dt = expiry / steps as f64;
        let (kappa, xi, rho) = (p.kappa, p.xi, p.rho);
        let decay = (-kappa * dt).exp();
        let b = one_minus_exp_over(kappa, dt);
        let deterministic = xi < XI_DETERMINISTIC;
        let (k1, k2, k3, k4) = if deterministic {
            (
                -0.5 * GAMMA1 * dt,
                -0.5 * GAMMA2 * dt,
                GAMMA1 * dt,
                GAMMA2 * dt,
            )
        } else {
            let r = rho / xi;
            (
                GAMMA1 * dt * (kappa * r - 0.5) - r,
                GAMMA2 * dt * (kappa * r - 0.5) + r,
                GAMMA1 * dt * (1.0 - rho * rho),
                GAMMA2 * dt * (1.0 - rho * rho),
            )
        };
        let variants = v0_theta
            .iter()
            .map(|&(v0, theta)| Variant {
                v0,
                decay,
                // theta (1 - e^{-kappa dt}) = theta kappa b
                mean_shift: theta * kappa * b,
                // s^2 with (1 - e)/kappa = b: s^2 = xi^2 (V e b + theta kappa b^2 / 2).
                s2_v: xi * xi * decay * b,
                s2_c: xi * xi * theta * kappa * b * b * 0.5,
                k0: if deterministic {
                    0.0
                } else {
                    -rho * kappa * theta * dt / xi
                },
            })
            .collect();
        Heston {
            lanes,
            steps,
            drift_dt: (rate - dividend) * dt,
            deterministic,
            v_state: vec![0.0; lanes.count()],
            factor_product: vec![1.0; lanes.count()],
            k1,
            k2,
            k3,
            k4,
            variants,
        }
    }

    /// Simulates one sample: `x[lane]` receives `ln(S_T / S_0)`; lane `variant * signs + s`
    /// uses `(U_V, Z)` (s = 0) or the antithetic `(1 - U_V, -Z)` (s = 1).
    pub fn simulate<R: Recorder>(
        &mut self,
        stream: &mut SampleStream,
        x: &mut [f64],
        record: &mut R,
    ) {
        let v_state = &mut self.v_state;
        // Per lane: the product of the martingale correction's factors since their last
        // logarithm (`sum -ln M = sum -lin + ln(product)/2`).
        let factors = &mut self.factor_product;
        let signs = self.lanes.signs;
        let a_coef = self.k2 + 0.5 * self.k4;
        for (v, var) in self.variants.iter().enumerate() {
            for s in 0..signs {
                x[v * signs + s] = 0.0;
                v_state[v * signs + s] = var.v0;
                factors[v * signs + s] = 1.0;
            }
        }
        for step in 0..self.steps {
            let u = stream.uniform();
            let z = ziggurat_normal(stream);
            for (v, var) in self.variants.iter().enumerate() {
                for s in 0..signs {
                    let lane = v * signs + s;
                    let (u_s, z_s) = if s == 0 { (u, z) } else { (1.0 - u, -z) };
                    let v_now = v_state[lane];
                    let m = v_now * var.decay + var.mean_shift;
                    let (v_next, k0) = if self.deterministic {
                        (m, 0.0)
                    } else {
                        let s2 = v_now * var.s2_v + var.s2_c;
                        let d = qe_draw(m, s2, u_s, a_coef);
                        let k0 = match d.log_mgf_parts {
                            Some((lin, factor)) => {
                                factors[lane] *= factor;
                                -lin - (self.k1 + 0.5 * self.k3) * v_now
                            }
                            None => var.k0,
                        };
                        (d.v_next, k0)
                    };
                    let var_dt = (self.k3 * v_now + self.k4 * v_next).max(0.0);
                    x[lane] += self.drift_dt
                        + k0
                        + self.k1 * v_now
                        + self.k2 * v_next
                        + var_dt.sqrt() * z_s;
                    v_state[lane] = v_next;
                    // Fold the product into x before it can leave [2^-600, 2^600], at the end,
                    // and whenever the path is recorded.
                    let f = factors[lane];
                    if R::RECORDS || step + 1 == self.steps || !(1e-180..1e180).contains(&f) {
                        x[lane] += 0.5 * f.ln();
                        factors[lane] = 1.0;
                    }
                    record.record(step + 1, lane, x[lane], v_next);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `int_0^1 f(qe_draw(m, s2, u)) du` by the midpoint rule (the draw is a monotone function
    /// of `u`, so this is the expectation over the sampled law).
    fn expect(m: f64, s2: f64, a: f64, f: impl Fn(f64) -> f64) -> f64 {
        const N: usize = 400_000;
        (0..N)
            .map(|i| f(qe_draw(m, s2, (i as f64 + 0.5) / N as f64, a).v_next))
            .sum::<f64>()
            / N as f64
    }

    /// Both QE branches match the requested mean and variance (that is their definition), and
    /// `log_mgf` is the log of `E[exp(A V)]` of the sampled law (the martingale correction).
    #[test]
    fn qe_matches_two_moments_and_its_mgf() {
        // Midpoint-rule error on 4e5 points, dominated by the exponential branch's log tail.
        const REL_TOL: f64 = 2e-4;
        for (m, psi) in [
            (0.04, 0.05),
            (0.04, 1.0),
            (0.04, 1.49),
            (0.04, 1.6),
            (0.01, 5.0),
            (2.0, 30.0),
        ] {
            let s2 = psi * m * m;
            let a = -3.0;
            let mean = expect(m, s2, a, |v| v);
            let var = expect(m, s2, a, |v| (v - m) * (v - m));
            assert!((mean / m - 1.0).abs() < REL_TOL, "psi {psi}: mean {mean}");
            assert!(
                (var / s2 - 1.0).abs() < 10.0 * REL_TOL,
                "psi {psi}: var {var}"
            );
            let mgf = expect(m, s2, a, |v| (a * v).exp());
            let l = qe_draw(m, s2, 0.5, a).log_mgf().unwrap();
            assert!(
                (mgf.ln() - l).abs() < REL_TOL * l.abs().max(1e-3),
                "psi {psi}: {} vs {l}",
                mgf.ln()
            );
        }
    }

    #[test]
    fn qe_degenerate_inputs_stay_finite() {
        assert_eq!(qe_draw(0.0, 0.0, 0.3, 1.0).v_next, 0.0);
        assert_eq!(qe_draw(0.5, 0.0, 0.3, 1.0).v_next, 0.5);
        for (m, s2) in [(1e-300, 1.0), (1.0, f64::INFINITY), (1e300, 1e300)] {
            let d = qe_draw(m, s2, 0.7, -2.0);
            assert!(d.v_next.is_finite() && d.v_next >= 0.0, "{m} {s2}: {d:?}");
        }
    }
}
