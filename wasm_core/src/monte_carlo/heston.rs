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
//!   `V = ln((1 - p)/(1 - U_V)) / beta` for `U_V > p`, else 0. One standard normal `Z_V` drives
//!   both: the quadratic sample uses it directly, the exponential one `U_V = Phi(Z_V)` (Andersen
//!   writes `Z_V = Phi^-1(U_V)`; the same pair, drawn from the other end). `Z_V` comes from the
//!   ziggurat, a third of the inverse CDF's cost, and `Phi` is evaluated only in the exponential
//!   branch, as `1 - U_V = Phi(-Z_V)` (no cancellation). The draw stays monotone in `Z_V`, so the
//!   antithetic partner `-Z_V` and the vega-bumped lanes keep the monotone coupling. Valid where
//!   Feller's condition `2 kappa theta >= xi^2` fails: the atom at 0 is the discrete image of the
//!   variance touching 0, and `V >= 0` always.
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
//!
//! # Speed (the same arithmetic, arranged for the machine)
//! [`BATCH`] samples are simulated in lockstep, lane by lane in arrays of [`BATCH`] values, so the
//! long chains of one path (two divisions and three square roots per step) overlap with the
//! other paths' and the compiler can use SIMD lanes (SSE2 natively, simd128 in wasm). Each step's
//! quadratic branch is written without branches (`quadratic`): one division for `2/psi`, and one
//! for both `a = m/d1` and the correction's `A b^2 a/(1 - 2 A a) = A b^2 m/d2`, as
//! `1/(d1 d2)` with `d1 = 1 + b^2`, `d2 = d1 - 2 A m`. The few lanes outside it (exponential
//! branch, a degenerate mean, an unavailable correction, the correction's product leaving its
//! range) are redone by the general scalar step. Per-sample results do not depend on the batch:
//! every lane's arithmetic is its own.

use super::lanes::{Lanes, Recorder};
use super::normal_sampler::{self, ziggurat_fast, ziggurat_rejected};
use super::params::HestonParams;
use super::rng::{SampleStream, StreamBatch};
use crate::fastmath;
use crate::normal::norm_cdf;

/// Samples simulated together (see the module's "Speed"): measured best per target (wasm:
/// 7.0 ms at 8 against 8.0 ms at 16 in Chromium; x86-64: 5.2 ms at 16, 5.5 ms at 8; the
/// benchmark's 5,000 x 100 Heston). Results do not depend on it: every sample's arithmetic and
/// draws are its own.
#[cfg(target_arch = "wasm32")]
pub(crate) const BATCH: usize = 8;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const BATCH: usize = 16;

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
/// The martingale correction's factor product is folded into the log spot (one logarithm)
/// before it can leave [2^-600, 2^600].
const FOLD_LOW: f64 = 1e-180;
const FOLD_HIGH: f64 = 1e180;

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
            .map(|(lin, factor)| lin - 0.5 * fastmath::ln(factor))
    }
}

/// The quadratic sample's coefficients for mean `m` and variance `s2`, and the martingale
/// correction's parts at `a_coef` (`lin`, and `factor = 1 - 2 A a`), computed without branches.
/// `ok` is false where the quadratic branch does not apply (`m` not positive and finite,
/// `psi = s2/m^2` above [`PSI_C`] or at most [`PSI_NEGLIGIBLE`], or `1 - 2 A a <= 0`); the other
/// fields are then meaningless (possibly NaN or infinite, never a trap).
#[derive(Debug, Clone, Copy)]
struct Quadratic {
    a: f64,
    b: f64,
    lin: f64,
    factor: f64,
    ok: bool,
}

#[inline(always)]
fn quadratic(m: f64, s2: f64, a_coef: f64) -> Quadratic {
    let m2 = m * m;
    // w = 2/psi = 2 m^2 / s2; b^2 = w - 1 + sqrt(w (w - 1)).
    let w = 2.0 * m2 / s2;
    let b2 = (w - 1.0) + (w * (w - 1.0)).sqrt();
    // a = m/d1 and A b^2 a/(1 - 2 A a) = A b^2 m/d2, with one division for both.
    let d1 = 1.0 + b2;
    let d2 = d1 - 2.0 * a_coef * m;
    let inv = 1.0 / (d1 * d2);
    // m = +inf fails `s2 > PSI_NEGLIGIBLE m2`, a NaN fails every comparison. (No separate
    // finiteness test: the compiler turns one into 64-bit integer comparisons, which simd128
    // lacks.)
    let ok = m > 0.0 && s2 <= PSI_C * m2 && s2 > PSI_NEGLIGIBLE * m2 && d2 > 0.0;
    Quadratic {
        a: m * d2 * inv,
        b: b2.sqrt(),
        lin: a_coef * b2 * m * d1 * inv,
        // 1 - 2 A a = d2/d1.
        factor: d2 * d2 * inv,
        ok,
    }
}

/// Andersen's QE sample with mean `m >= 0` and variance `s2 >= 0`, driven by the standard
/// normal `z`, and the log moment generating function at `a_coef` of that two-parameter law.
#[inline]
pub(crate) fn qe_draw(m: f64, s2: f64, z: f64, a_coef: f64) -> QeDraw {
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
        let q = quadratic(m, s2, a_coef);
        let w = q.b + z;
        // M = exp(A b^2 a / (1 - 2 A a)) / sqrt(1 - 2 A a), finite when 1 - 2 A a > 0.
        return QeDraw {
            v_next: q.a * (w * w),
            log_mgf_parts: (q.factor > 0.0).then_some((q.lin, q.factor)),
        };
    }
    // p = (psi - 1)/(psi + 1), beta = (1 - p)/m; 1 - p = 2/(psi + 1) without cancellation
    // (and p -> 1, not NaN, when psi overflows).
    let one_minus_p = 2.0 / (psi + 1.0);
    let p = 1.0 - one_minus_p;
    let beta = one_minus_p / m;
    // The inverse of the mixed CDF p + (1 - p)(1 - e^{-beta x}) at U = Phi(z), with
    // 1 - U = Phi(-z) evaluated directly: V = 0 when U <= p, i.e. 1 - U >= 1 - p.
    let one_minus_u = norm_cdf(-z);
    let v_next = if one_minus_u >= one_minus_p || beta <= 0.0 {
        0.0
    } else {
        fastmath::ln(one_minus_p / one_minus_u) / beta
    };
    // M = p + beta (1 - p) / (beta - A) = exp(-ln(M^-2)/2).
    let mgf = if a_coef < beta {
        Some(p + beta * one_minus_p / (beta - a_coef))
    } else if beta <= 0.0 && a_coef <= 0.0 {
        Some(p)
    } else {
        None
    };
    QeDraw {
        v_next,
        log_mgf_parts: mgf.filter(|&mm| mm > 0.0).map(|mm| (0.0, 1.0 / (mm * mm))),
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

/// The constants every lane's step shares.
#[derive(Debug, Clone, Copy)]
struct StepConstants {
    drift_dt: f64,
    k1: f64,
    k2: f64,
    k3: f64,
    k4: f64,
    /// `A = K2 + K4/2`, the martingale correction's argument.
    a_coef: f64,
}

/// One lane's state.
#[derive(Debug, Clone, Copy)]
struct LaneState {
    /// `ln(S_t/S_0)` without the folded-in part of the correction.
    x: f64,
    v: f64,
    /// Product of the martingale correction's factors since their last logarithm
    /// (`sum -ln M = sum -lin + ln(product)/2`).
    f: f64,
}

/// Heston paths by QE, several variants in lockstep on the same draws.
pub(crate) struct Heston {
    lanes: Lanes,
    steps: usize,
    deterministic: bool,
    c: StepConstants,
    variants: Vec<Variant>,
    zig: &'static normal_sampler::Tables,
    /// Per lane, per batch slot: `x`, `v` and the correction's factor product (scratch).
    x: Vec<[f64; BATCH]>,
    v: Vec<[f64; BATCH]>,
    f: Vec<[f64; BATCH]>,
}

/// `(1 - e^{-k t}) / k`, equal to `t` at `k = 0` (no cancellation for small `k t`).
pub(crate) fn one_minus_exp_over(k: f64, t: f64) -> f64 {
    if k == 0.0 {
        t
    } else {
        -fastmath::exp_m1(-k * t) / k
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
        let decay = fastmath::exp(-kappa * dt);
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
        let n = lanes.count();
        Heston {
            lanes,
            steps,
            deterministic,
            c: StepConstants {
                drift_dt: (rate - dividend) * dt,
                k1,
                k2,
                k3,
                k4,
                a_coef: k2 + 0.5 * k4,
            },
            variants,
            zig: normal_sampler::tables(),
            x: vec![[0.0; BATCH]; n],
            v: vec![[0.0; BATCH]; n],
            f: vec![[1.0; BATCH]; n],
        }
    }

    /// Simulates the [`BATCH`] samples of `streams`, of which the first `n` are reported:
    /// `out[i * lanes + lane]` receives `ln(S_T / S_0)` of sample `i`; lane `variant * signs + s`
    /// uses the draws `(Z_V, Z)` (s = 0) or the antithetic `(-Z_V, -Z)` (s = 1). Each step takes
    /// two words from the sample's stream, the first for `Z_V`, the second for `Z`; a ziggurat
    /// draw rejected on its first word continues with the stream's next words (`Z_V`'s first).
    pub fn simulate<R: Recorder>(
        &mut self,
        streams: &mut [SampleStream; BATCH],
        n: usize,
        out: &mut [f64],
        record: &mut R,
    ) {
        let signs = self.lanes.signs;
        let lanes = self.lanes.count();
        for lane in 0..lanes {
            self.x[lane] = [0.0; BATCH];
            self.v[lane] = [self.variants[lane / signs].v0; BATCH];
            self.f[lane] = [1.0; BATCH];
        }
        let mut draws = Draws::from_streams(streams);
        let (mut zv, mut zs) = ([0.0; BATCH], [0.0; BATCH]);
        for step in 0..self.steps {
            draws.draw(self.zig, &mut zv, &mut zs);
            // The antithetic lanes' draws (negation is exact).
            let (nzv, nzs) = if signs == 2 {
                (zv.map(|z| -z), zs.map(|z| -z))
            } else {
                (zv, zs)
            };
            for lane in 0..lanes {
                let var = &self.variants[lane / signs];
                let (z_v, z) = if lane % signs == 0 {
                    (&zv, &zs)
                } else {
                    (&nzv, &nzs)
                };
                let (x, v, f) = (&mut self.x[lane], &mut self.v[lane], &mut self.f[lane]);
                if self.deterministic {
                    deterministic_step(&self.c, var, z, x, v);
                } else {
                    qe_step(&self.c, var, z_v, z, x, v, f);
                }
                if R::RECORDS {
                    for i in 0..n {
                        // The recorded log spot includes the correction so far.
                        x[i] += 0.5 * fastmath::ln(f[i]);
                        f[i] = 1.0;
                        record.record(step + 1, i, lane, x[i], v[i]);
                    }
                }
            }
        }
        for lane in 0..lanes {
            for i in 0..n {
                let f = self.f[lane][i];
                out[i * lanes + lane] = self.x[lane][i] + 0.5 * fastmath::ln(f);
            }
        }
    }
}

/// Each step's normals `(Z_V, Z)` of every sample in a batch. Per sample: its next two words
/// give `Z_V` and `Z` by the ziggurat's first try; a rejected word's draw is finished from the
/// words after those two (`Z_V`'s first). Two arrangements of exactly these draws (a test checks
/// they agree bit for bit); each target uses the faster one.
pub(crate) trait NormalPairs: Sized {
    fn from_streams(streams: &[SampleStream; BATCH]) -> Self;
    fn draw(&mut self, zig: &normal_sampler::Tables, zv: &mut [f64; BATCH], zs: &mut [f64; BATCH]);
}

/// Sample by sample (x86-64: scalar 64-bit rotates are cheaper than SSE2's emulated ones).
impl NormalPairs for [SampleStream; BATCH] {
    fn from_streams(streams: &[SampleStream; BATCH]) -> Self {
        streams.clone()
    }

    #[inline(always)]
    fn draw(&mut self, zig: &normal_sampler::Tables, zv: &mut [f64; BATCH], zs: &mut [f64; BATCH]) {
        for (i, st) in self.iter_mut().enumerate() {
            let (a, b) = (st.next_u64(), st.next_u64());
            let (ok_a, za) = ziggurat_fast(zig, a);
            let (ok_b, zb) = ziggurat_fast(zig, b);
            zv[i] = if ok_a {
                za
            } else {
                ziggurat_rejected(zig, st, a)
            };
            zs[i] = if ok_b {
                zb
            } else {
                ziggurat_rejected(zig, st, b)
            };
        }
    }
}

/// All samples' words at once, in SIMD lanes (wasm: simd128 has 64-bit shifts, and the
/// ziggurat's first tries vectorise too).
impl NormalPairs for StreamBatch<BATCH> {
    fn from_streams(streams: &[SampleStream; BATCH]) -> Self {
        StreamBatch::new(streams)
    }

    #[inline(always)]
    fn draw(&mut self, zig: &normal_sampler::Tables, zv: &mut [f64; BATCH], zs: &mut [f64; BATCH]) {
        let (wv, ws) = (self.next(), self.next());
        let mut any_rejected = false;
        for i in 0..BATCH {
            let (ok_v, z_v) = ziggurat_fast(zig, wv[i]);
            let (ok_s, z_s) = ziggurat_fast(zig, ws[i]);
            zv[i] = z_v;
            zs[i] = z_s;
            any_rejected |= !(ok_v && ok_s);
        }
        if any_rejected {
            for i in 0..BATCH {
                if !ziggurat_fast(zig, wv[i]).0 {
                    zv[i] = self.with_stream(i, |st| ziggurat_rejected(zig, st, wv[i]));
                }
                if !ziggurat_fast(zig, ws[i]).0 {
                    zs[i] = self.with_stream(i, |st| ziggurat_rejected(zig, st, ws[i]));
                }
            }
        }
    }
}

/// The arrangement of [`NormalPairs`] this target uses.
#[cfg(target_arch = "wasm32")]
type Draws = StreamBatch<BATCH>;
#[cfg(not(target_arch = "wasm32"))]
type Draws = [SampleStream; BATCH];

/// One QE step of a lane in every batch slot: the quadratic branch for all slots at once (no
/// branches, so it vectorises), then the general step for the slots it does not cover.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn qe_step(
    c: &StepConstants,
    var: &Variant,
    zv: &[f64; BATCH],
    zs: &[f64; BATCH],
    x: &mut [f64; BATCH],
    v: &mut [f64; BATCH],
    f: &mut [f64; BATCH],
) {
    let (mut nx, mut nv, mut nf) = ([0.0; BATCH], [0.0; BATCH], [0.0; BATCH]);
    // Whether any slot needs the general step (a reduction, not a per-slot flag: per-slot
    // flags made the compiler take the vectors apart).
    let mut any_redo = false;
    for i in 0..BATCH {
        let v_now = v[i];
        let (m, s2) = moments(var, v_now);
        let q = quadratic(m, s2, c.a_coef);
        let w = q.b + zv[i];
        let v_next = q.a * (w * w);
        let var_dt = c.k3 * v_now + c.k4 * v_next;
        let var_dt = if var_dt > 0.0 { var_dt } else { 0.0 };
        // K0* + K1 V = -lin - (K1 + K3/2) V + K1 V = -lin - K3/2 V (grouped as in
        // `general_step`, so both give the same bits).
        let corr = -q.lin - 0.5 * c.k3 * v_now;
        let dx = c.drift_dt + corr + c.k2 * v_next + var_dt.sqrt() * zs[i];
        let f_next = f[i] * q.factor;
        nx[i] = x[i] + dx;
        nv[i] = v_next;
        nf[i] = f_next;
        any_redo |= needs_general_step(q, f_next);
    }
    if any_redo {
        for i in 0..BATCH {
            let (m, s2) = moments(var, v[i]);
            if needs_general_step(quadratic(m, s2, c.a_coef), nf[i]) {
                let old = LaneState {
                    x: x[i],
                    v: v[i],
                    f: f[i],
                };
                let g = general_step(c, var, old, zv[i], zs[i]);
                (nx[i], nv[i], nf[i]) = (g.x, g.v, g.f);
            }
        }
    }
    (*x, *v, *f) = (nx, nv, nf);
}

/// The conditional mean and variance of the next variance given `v_now` (see the module docs).
#[inline(always)]
fn moments(var: &Variant, v_now: f64) -> (f64, f64) {
    (
        v_now * var.decay + var.mean_shift,
        v_now * var.s2_v + var.s2_c,
    )
}

/// Whether a slot's step is outside the branch-free path: not the quadratic branch, or the
/// correction's product must be folded.
#[inline(always)]
fn needs_general_step(q: Quadratic, f_next: f64) -> bool {
    !(q.ok && (FOLD_LOW..=FOLD_HIGH).contains(&f_next))
}

/// The full QE step of one lane (every branch), and the fold of the correction's product into
/// the log spot when it leaves [`FOLD_LOW`], [`FOLD_HIGH`].
#[cold]
#[inline(never)]
fn general_step(c: &StepConstants, var: &Variant, s: LaneState, z_v: f64, z: f64) -> LaneState {
    let (m, s2) = moments(var, s.v);
    let d = qe_draw(m, s2, z_v, c.a_coef);
    let mut f = s.f;
    let corr = match d.log_mgf_parts {
        Some((lin, factor)) => {
            f *= factor;
            -lin - 0.5 * c.k3 * s.v
        }
        None => var.k0 + c.k1 * s.v,
    };
    let var_dt = (c.k3 * s.v + c.k4 * d.v_next).max(0.0);
    let mut x = s.x + (c.drift_dt + corr + c.k2 * d.v_next + var_dt.sqrt() * z);
    if !(FOLD_LOW..=FOLD_HIGH).contains(&f) {
        x += 0.5 * fastmath::ln(f);
        f = 1.0;
    }
    LaneState { x, v: d.v_next, f }
}

/// The `xi -> 0` step: the variance follows its mean exactly.
#[inline(always)]
fn deterministic_step(
    c: &StepConstants,
    var: &Variant,
    zs: &[f64; BATCH],
    x: &mut [f64; BATCH],
    v: &mut [f64; BATCH],
) {
    for i in 0..BATCH {
        let v_now = v[i];
        let v_next = v_now * var.decay + var.mean_shift;
        let var_dt = c.k3 * v_now + c.k4 * v_next;
        let var_dt = if var_dt > 0.0 { var_dt } else { 0.0 };
        x[i] += c.drift_dt + c.k1 * v_now + c.k2 * v_next + var_dt.sqrt() * zs[i];
        v[i] = v_next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monte_carlo::normal_sampler::inverse_normal_cdf;

    /// `E f(V_next)` over the sampled law: `int_0^1 f(qe_draw(m, s2, Phi^-1(u))) du` by the
    /// midpoint rule (the draw is a monotone function of `Z_V = Phi^-1(u)`, so this is the
    /// expectation over a standard normal `Z_V`).
    fn expect(m: f64, s2: f64, a: f64, f: impl Fn(f64) -> f64) -> f64 {
        const N: usize = 400_000;
        (0..N)
            .map(|i| {
                let z = inverse_normal_cdf((i as f64 + 0.5) / N as f64);
                f(qe_draw(m, s2, z, a).v_next)
            })
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

    /// The batched step (quadratic branch for every slot, no branches) gives the general scalar
    /// step's bits in every slot, whichever branch the slot needs.
    #[test]
    fn batched_step_is_the_general_step() {
        let h = HestonParams {
            v0: 0.04,
            kappa: 1.5,
            theta: 0.04,
            xi: 0.9,
            rho: -0.7,
        };
        let lanes = Lanes {
            variants: 1,
            signs: 2,
        };
        let model = Heston::new(&h, &[(0.04, 0.04)], lanes, 1.0, 0.05, 0.01, 50);
        let var = model.variants[0];
        // Variances from 0 (exponential branch, atom) to large, and products about to fold.
        let cycle = |values: [f64; 8]| -> [f64; BATCH] { std::array::from_fn(|i| values[i % 8]) };
        let v = cycle([0.0, 1e-6, 3e-4, 0.01, 0.04, 0.09, 0.5, 2.0]);
        let f = cycle([1.0, 0.9, 1.1, 2e-180, 1.0, 5e179, 1.0, 1.0]);
        let x = cycle([0.0, 0.1, -0.2, 0.3, 0.0, -0.1, 0.2, 0.05]);
        let zv = cycle([0.3, -1.2, 2.5, 0.0, -0.7, 1.1, -3.9, 0.4]);
        let zs = cycle([-0.5, 0.8, 1.9, -2.2, 0.1, 0.0, 1.3, -0.6]);
        for sign in [1.0, -1.0] {
            let (mut bx, mut bv, mut bf) = (x, v, f);
            let (szv, szs) = (zv.map(|z| sign * z), zs.map(|z| sign * z));
            qe_step(&model.c, &var, &szv, &szs, &mut bx, &mut bv, &mut bf);
            for i in 0..BATCH {
                let old = LaneState {
                    x: x[i],
                    v: v[i],
                    f: f[i],
                };
                let g = general_step(&model.c, &var, old, sign * zv[i], sign * zs[i]);
                assert_eq!(
                    (bx[i], bv[i], bf[i]),
                    (g.x, g.v, g.f),
                    "slot {i} sign {sign}"
                );
            }
        }
    }

    /// Both arrangements of the per-step draws give the same normals, bit for bit, rejected
    /// first tries included (4000 steps x 8 samples x 2 draws: about 700 rejections).
    #[test]
    fn both_draw_arrangements_agree() {
        let zig = normal_sampler::tables();
        let streams: [SampleStream; BATCH] =
            std::array::from_fn(|i| SampleStream::new(99, 1000 + i as u64));
        let mut by_sample: [SampleStream; BATCH] = NormalPairs::from_streams(&streams);
        let mut in_lanes: StreamBatch<BATCH> = NormalPairs::from_streams(&streams);
        let (mut a_v, mut a_s, mut b_v, mut b_s) =
            ([0.0; BATCH], [0.0; BATCH], [0.0; BATCH], [0.0; BATCH]);
        for step in 0..4000 {
            by_sample.draw(zig, &mut a_v, &mut a_s);
            in_lanes.draw(zig, &mut b_v, &mut b_s);
            assert_eq!((a_v, a_s), (b_v, b_s), "step {step}");
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
