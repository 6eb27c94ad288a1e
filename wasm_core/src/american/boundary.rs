//! The early-exercise boundary of an American put under Black-Scholes-Merton, and the price
//! it implies, by Andersen, Lake & Offengenden, "High-performance American option pricing",
//! Journal of Computational Finance 20(1), 2016 (ALO below).
//!
//! With `tau` the time to expiry, `B(tau)` the boundary, `X = B(0+)` and
//! `d±(t, z) = (ln z + (r - q) t)/(sigma sqrt t) ± sigma sqrt(t)/2`:
//! - the price is the European price plus the early-exercise premium (ALO eq. 2, Kim 1990):
//!   `V(S) = v(S) + Int_0^T [r K e^{-r t} N(-d-(t, S/B(T-t))) - q S e^{-q t} N(-d+(t, S/B(T-t)))] dt`;
//! - the boundary is the fixed point `B(tau) = K e^{-(r-q) tau} N(tau, B)/D(tau, B)` of ALO's
//!   system "FP-B" (eqs. 27-28) or, where `r ≈ q` makes it ill-conditioned, "FP-A" (eqs. 25-26);
//! - it is represented by `H(sqrt tau) = ln(B(tau)/X)^2`, interpolated in `z = 2 sqrt(tau/T) - 1`
//!   on Chebyshev nodes (ALO section 4.2: the transformation removes the boundary's
//!   `sqrt(tau ln tau)` behaviour at expiry, so the interpolant converges spectrally);
//! - each iteration evaluates the equation's integrals at every node with the current
//!   interpolant, the first steps as ALO's Jacobi-Newton update (eq. 34), the rest as plain
//!   fixed-point steps, starting from the QD+ approximation (ALO section 5.1);
//! - the integrals over the boundary's time `u` in `[0, tau]` are taken in the angle `theta`
//!   of `u = tau sin^2(theta)`, `tau - u = tau cos^2(theta)` ([`AngleRule`]): the integrands'
//!   `1/sqrt(tau - u)` (FP-A) becomes `2 sqrt(tau) sin(theta)` with the Jacobian, and the
//!   interpolant's variable `sqrt(u)` is `sqrt(tau) sin(theta)`, so every integrand is analytic on
//!   `[0, pi/2]` and Gauss-Legendre converges exponentially (ALO section 4.3 removes the same
//!   singularities with `tau - u = tau (1 + y)^2/4` and tanh-sinh or Gauss-Legendre; the angle
//!   removes both ends' at once).

use super::chebyshev::Chebyshev;
use super::qd_plus;
use crate::normal::{norm_cdf, norm_pdf};
use crate::quadrature::{gauss_kronrod, gauss_legendre, TanhSinh};

/// FP-A is abandoned for FP-B when an iteration shrinks the boundary's change by less than
/// this factor: FP-A contracts by 5-10x a step where it works, but oscillates where the drift
/// dwarfs the variance (vol 5%, `r - q` 10%), where FP-B still converges, if more slowly.
const CONTRACTION: f64 = 0.7;
/// Below this change, a stalled iteration has reached the noise of its own rounding.
const STALL_FLOOR: f64 = 1e-9;
/// The coarse rule's steps stop when the boundary moves by less than this.
const COARSE_STEP_TOL: f64 = 1e-6;
/// FP-B gets this many times the steps FP-A is allowed.
const FP_B_STEPS: usize = 4;
/// Where FP-A oscillates, its steps are damped, `B <- B + DAMPING (f(B) - B)`: an oscillating
/// mode's factor `lambda` near -1 becomes `1 - DAMPING (1 - lambda)`, near 0 (vol 9 %, r 10 %, a
/// year: converged in 37 steps to 1e-15, where FP-B stalls near 1e-11 and is 1.5e-10 off).
const DAMPING: f64 = 0.5;
/// The damped iteration gets this many times the steps FP-A is allowed.
const DAMPED_STEPS: usize = 4;
/// Panels the price integral may use (it needs a few dozen at the tightest tolerance).
const MAX_PANELS: usize = 400;

/// How finely the boundary is solved for.
pub struct Scheme<'a> {
    /// Chebyshev nodes (the interpolant has `nodes + 1` points, one at `tau = 0`).
    pub nodes: usize,
    /// Most fixed-point steps (the first a Jacobi-Newton step).
    pub max_steps: usize,
    /// The iteration stops when no node's boundary moves by more than this fraction of `X`.
    pub step_tol: f64,
    /// The rule for the fixed-point integrals, and a coarser one for the first steps.
    pub rule: &'a AngleRule,
    pub coarse_rule: Option<&'a AngleRule>,
    /// The price integral's relative tolerance.
    pub price_tol: f64,
}

/// One attempt at the fixed point: the system, its most steps, and the damping of its steps
/// after the first (1: none).
struct Iteration {
    equation: Equation,
    max_steps: usize,
    damping: f64,
}

/// Which fixed-point system (see the module docs).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Equation {
    A,
    B,
}

/// A rule for `Int_0^tau f(u) du` in the angle `theta` in `[0, pi/2]`, `u = tau sin^2(theta)`
/// (module docs): per point `sin(theta)`, `cos(theta)` and the weight in `theta` (the factor
/// `du/dtheta = 2 tau sin cos` is applied by the caller, which folds it into the integrands).
pub struct AngleRule {
    sin: Vec<f64>,
    cos: Vec<f64>,
    weight: Vec<f64>,
}

impl AngleRule {
    /// The `n`-point Gauss-Legendre rule in `theta`.
    pub fn gauss_legendre(n: usize) -> Self {
        let (ys, ws): (Vec<f64>, Vec<f64>) = gauss_legendre(n).into_iter().unzip();
        let one_plus: Vec<f64> = ys.iter().map(|y| 1.0 + y).collect();
        let one_minus: Vec<f64> = ys.iter().map(|y| 1.0 - y).collect();
        Self::from_unit(&one_plus, &one_minus, &ws)
    }

    /// A tanh-sinh rule in `theta` (for convergence studies: a different family of points).
    pub fn tanh_sinh(rule: &TanhSinh) -> Self {
        Self::from_unit(&rule.one_plus, &rule.one_minus, &rule.weight)
    }

    /// From a rule on `y` in `[-1, 1]` given as `1 + y`, `1 - y` and weights: `theta = pi/4
    /// (1 + y)`, so `cos(theta) = sin(pi/4 (1 - y))`, exact near `theta = pi/2` too.
    fn from_unit(one_plus: &[f64], one_minus: &[f64], weight: &[f64]) -> Self {
        let quarter = std::f64::consts::FRAC_PI_4;
        AngleRule {
            sin: one_plus.iter().map(|p| (quarter * p).sin()).collect(),
            cos: one_minus.iter().map(|m| (quarter * m).sin()).collect(),
            weight: weight.iter().map(|w| quarter * w).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.weight.len()
    }
}

/// A quadrature point of a node's fixed-point integrals: what does not change between
/// iterations, precomputed.
struct Point {
    /// The Chebyshev coordinate of the boundary's time `u`.
    z: f64,
    /// `vol sqrt(t)`, its inverse and `(r - q) t/v + v/2`, `t = tau - u`.
    v: f64,
    inv_v: f64,
    shift: f64,
    /// The weight (with the substitution's factors, see [`PutBoundary::points`]) times
    /// `e^{q u}`, times `e^{r u}`.
    wq: f64,
    wr: f64,
    /// FP-A: `tau cos(theta)`, the rest of `du/dtheta` for the term without `1/sqrt(t)`.
    extra: f64,
}

/// A solved put boundary for one `(strike, rate, dividend, vol, expiry)`; it does not depend on
/// the spot, so one boundary prices every spot.
pub struct PutBoundary {
    strike: f64,
    rate: f64,
    dividend: f64,
    vol: f64,
    expiry: f64,
    /// `B(0+) = K min(1, r/q)` (`K` for `q <= 0`).
    x_max: f64,
    /// `H` at the Chebyshev nodes.
    h: Chebyshev,
}

impl PutBoundary {
    /// Solves for the boundary. Assumes a single-boundary case: `rate > 0`, or `rate = 0` with
    /// `dividend < 0`; `vol, expiry > 0`.
    pub fn solve(
        strike: f64,
        rate: f64,
        dividend: f64,
        vol: f64,
        expiry: f64,
        s: &Scheme<'_>,
    ) -> Self {
        let x_max = if dividend > 0.0 && rate < dividend {
            strike * rate / dividend
        } else {
            strike
        };
        let taus: Vec<f64> = Chebyshev::nodes(s.nodes)
            .iter()
            .map(|z| {
                let x = 0.5 * (1.0 + z);
                expiry * x * x
            })
            .collect();
        let h_of = |b: f64| (b / x_max).ln().powi(2);
        let initial: Vec<f64> = taus
            .iter()
            .map(|&tau| {
                if tau == 0.0 {
                    0.0
                } else {
                    h_of(qd_plus::put_boundary(
                        strike, rate, dividend, vol, tau, x_max,
                    ))
                }
            })
            .collect();
        let mut boundary = PutBoundary {
            strike,
            rate,
            dividend,
            vol,
            expiry,
            x_max,
            h: Chebyshev::new(&initial),
        };
        // FP-A, its first steps on the coarse rule; where that stalls (the coarse rule is too
        // rough) FP-A on the scheme's rule alone; where FP-A oscillates (a low vol under a large
        // drift), FP-A damped; then FP-B.
        let attempts = [
            (Equation::A, s.coarse_rule, s.max_steps, 1.0),
            (Equation::A, None, s.max_steps, 1.0),
            (Equation::A, None, DAMPED_STEPS * s.max_steps, DAMPING),
            (Equation::B, None, FP_B_STEPS * s.max_steps, 1.0),
        ];
        for (n, (equation, coarse, steps, damping)) in attempts.into_iter().enumerate() {
            if n == 1 && s.coarse_rule.is_none() {
                continue; // the same as the first attempt
            }
            if n > 0 {
                boundary.h = Chebyshev::new(&initial);
            }
            let fixed_point = Iteration {
                equation,
                max_steps: steps,
                damping,
            };
            let converged = match coarse {
                Some(c) => {
                    let tol = COARSE_STEP_TOL.max(s.step_tol);
                    boundary.iterate_to_convergence(&taus, &fixed_point, c, tol, true)
                        && boundary.iterate_to_convergence(
                            &taus,
                            &fixed_point,
                            s.rule,
                            s.step_tol,
                            false,
                        )
                }
                None => {
                    boundary.iterate_to_convergence(&taus, &fixed_point, s.rule, s.step_tol, true)
                }
            };
            if converged {
                break;
            }
        }
        boundary
    }

    /// Fixed-point steps on `equation` (the first a Jacobi-Newton step if `newton`) until the
    /// boundary moves by less than `step_tol` (true), or `max_steps` are done or the steps stop
    /// contracting (false).
    fn iterate_to_convergence(
        &mut self,
        taus: &[f64],
        it: &Iteration,
        rule: &AngleRule,
        step_tol: f64,
        newton: bool,
    ) -> bool {
        let (equation, max_steps) = (it.equation, it.max_steps);
        // The quadrature points of every node's integrals: fixed across iterations.
        let points: Vec<Vec<Point>> = taus
            .iter()
            .map(|&tau| {
                if tau == 0.0 {
                    Vec::new()
                } else {
                    self.points(tau, equation, rule)
                }
            })
            .collect();
        let h_of = |b: f64| (b / self.x_max).ln().powi(2);
        let mut last_change = f64::INFINITY;
        // FP-B is the last resort: it may contract slowly, and is stopped only when it stops
        // contracting at all.
        let contraction = match equation {
            Equation::A => CONTRACTION,
            Equation::B => 1.0,
        };
        let zs: Vec<Vec<f64>> = points
            .iter()
            .map(|p| p.iter().map(|p| p.z).collect())
            .collect();
        let mut h_at = vec![0.0; zs.iter().map(Vec::len).max().unwrap_or(0)];
        let mut y = vec![0.0; taus.len()];
        for step in 0..max_steps {
            let mut change: f64 = 0.0;
            for (i, &tau) in taus.iter().enumerate() {
                if tau > 0.0 {
                    let before = self.at(tau);
                    let h_at = &mut h_at[..zs[i].len()];
                    self.h.eval_many(&zs[i], h_at);
                    let first = newton && step == 0;
                    let mut next = self.iterate(tau, before, &points[i], h_at, equation, first);
                    if !first {
                        next = before + it.damping * (next - before);
                    }
                    change = change.max((next - before).abs());
                    y[i] = h_of(next);
                }
            }
            self.h = Chebyshev::new(&y);
            let change = change / self.x_max;
            if !change.is_finite() {
                return false;
            }
            if change <= step_tol {
                return true;
            }
            if step >= 2 && change > contraction * last_change {
                // Stalled: at rounding noise (converged as far as doubles go), or oscillating.
                return change < STALL_FLOOR;
            }
            last_change = change;
        }
        false
    }

    /// The quadrature points of node `tau`'s integrals (see [`PutBoundary::iterate`]). With
    /// `u = tau s^2`, `t = tau - u = tau c^2` (`s, c` = sin, cos of the angle, weight `w`):
    /// `du = 2 tau s c dtheta` and `du/(vol sqrt(t)) = 2 sqrt(tau) s/vol dtheta`. FP-A's sums are
    /// `Int e^{qu} N du = sum wq extra N`, `Int e^{qu} n/(vol sqrt t) du = stv sum wq n`
    /// (`stv = sqrt(tau)/vol`), so `wq = 2 s w e^{qu}`, `extra = tau c`; FP-B's are
    /// `Int e^{qu} N du = (tau/2) sum wq N`, so `wq = 4 s c w e^{qu}` (and `wr` alike).
    fn points(&self, tau: f64, equation: Equation, rule: &AngleRule) -> Vec<Point> {
        let (r, q, vol) = (self.rate, self.dividend, self.vol);
        let root = (tau / self.expiry).clamp(0.0, 1.0).sqrt();
        (0..rule.len())
            .map(|j| {
                let (sin, cos, w) = (rule.sin[j], rule.cos[j], rule.weight[j]);
                let u = tau * sin * sin;
                let t = tau * cos * cos;
                let (factor, extra) = match equation {
                    Equation::A => (2.0 * sin * w, tau * cos),
                    Equation::B => (4.0 * sin * cos * w, 0.0),
                };
                let v = vol * tau.sqrt() * cos;
                Point {
                    z: (2.0 * root * sin - 1.0).clamp(-1.0, 1.0),
                    inv_v: 1.0 / v,
                    shift: (r - q) * t / v + 0.5 * v,
                    v,
                    wq: factor * (q * u).exp(),
                    wr: factor * (r * u).exp(),
                    extra,
                }
            })
            .collect()
    }

    /// `ln(B(tau)/X) = -sqrt(H)`, for `tau` in `[0, T]`.
    fn ln_ratio(&self, tau: f64) -> f64 {
        let z = 2.0 * (tau / self.expiry).clamp(0.0, 1.0).sqrt() - 1.0;
        -self.h.eval(z).max(0.0).sqrt()
    }

    /// The boundary at time to expiry `tau` in `[0, T]`.
    pub fn at(&self, tau: f64) -> f64 {
        self.x_max * self.ln_ratio(tau).exp()
    }

    /// `(d+, d-)` at time `t > 0` for `ln z = ln_z`.
    fn d(&self, t: f64, ln_z: f64) -> (f64, f64) {
        let v = self.vol * t.sqrt();
        let dp = (ln_z + (self.rate - self.dividend) * t) / v + 0.5 * v;
        (dp, dp - v)
    }

    /// One update of the boundary `b` at node `tau > 0` from the current interpolant, whose
    /// values at the points are `h_at`.
    fn iterate(
        &self,
        tau: f64,
        b: f64,
        points: &[Point],
        h_at: &[f64],
        equation: Equation,
        newton: bool,
    ) -> f64 {
        let (k, r, q, vol) = (self.strike, self.rate, self.dividend, self.vol);
        let ln_b = (b / self.x_max).ln();
        let v = vol * tau.sqrt();
        let (dp, dm) = self.d(tau, (b / k).ln());
        // d+ at a point: (ln(B(tau)/B(u)) + (r - q) t)/v + v/2.
        let d_plus = |p: &Point, h: f64| (ln_b + h.max(0.0).sqrt()) * p.inv_v + p.shift;
        let (n, d, n_db, d_db) = match equation {
            Equation::B => {
                let (mut ni, mut di) = (0.0, 0.0);
                for (p, &h) in points.iter().zip(h_at) {
                    let plus = d_plus(p, h);
                    ni += p.wr * norm_cdf(plus - p.v);
                    di += p.wq * norm_cdf(plus);
                }
                let n = norm_cdf(dm) + r * 0.5 * tau * ni;
                let d = norm_cdf(dp) + q * 0.5 * tau * di;
                (n, d, norm_pdf(dm) / (b * v), norm_pdf(dp) / (b * v))
            }
            Equation::A => {
                let stv = tau.sqrt() / vol;
                let (mut k12, mut k3) = (0.0, 0.0);
                for (p, &h) in points.iter().zip(h_at) {
                    let plus = d_plus(p, h);
                    k12 += p.wq * (p.extra * norm_cdf(plus) + stv * norm_pdf(plus));
                    k3 += p.wr * norm_pdf(plus - p.v);
                }
                let n = norm_pdf(dm) / v + r * stv * k3;
                let d = norm_pdf(dp) / v + norm_cdf(dp) + q * k12;
                let n_db = -norm_pdf(dm) * dm / (b * v * v);
                let d_db = -norm_pdf(dp) * dp / (b * v * v) + norm_pdf(dp) / (b * v);
                (n, d, n_db, d_db)
            }
        };
        let alpha = k * (-(r - q) * tau).exp();
        let f = alpha * n / d;
        let mut next = f;
        if newton {
            // ALO eq. 34: Newton on B = f(B) with f' from the terms outside the integrals.
            let f_db = alpha * (n_db / d - d_db * n / (d * d));
            let stepped = b - (f - b) / (f_db - 1.0);
            if stepped.is_finite() && stepped > 0.0 {
                next = stepped;
            }
        }
        if !(next.is_finite() && next > 0.0) {
            next = b;
        }
        next.min(self.x_max).max(f64::MIN_POSITIVE)
    }

    /// The premium integrand's parts at `z = sqrt(t)`: `(2z, r K e^{-rt}, q e^{-qt}, d+, d-, v)`
    /// with `d±` of `S/B(T - t)`.
    fn premium_terms(&self, z: f64, ln_sx: f64) -> [f64; 6] {
        let (k, r, q) = (self.strike, self.rate, self.dividend);
        let t = z * z;
        let (dp, dm) = self.d(t, ln_sx - self.ln_ratio(self.expiry - t));
        [
            2.0 * z,
            r * k * (-r * t).exp(),
            q * (-q * t).exp(),
            dp,
            dm,
            self.vol * z,
        ]
    }

    /// The early-exercise premium of the put at `spot`, to `rel_tol` relative or `abs_tol`
    /// absolute. Assumes `spot > B(T)` (else the put is exercised).
    pub fn premium(&self, spot: f64, rel_tol: f64, abs_tol: f64) -> f64 {
        let ln_sx = (spot / self.x_max).ln();
        // t = z^2 (dt = 2z dz) makes the integrand smooth at t = 0 (ALO section 5.3).
        let integrand = |z: f64| {
            let [two_z, er, eq, dp, dm, _] = self.premium_terms(z, ln_sx);
            [two_z * (er * norm_cdf(-dm) - eq * spot * norm_cdf(-dp))]
        };
        let [p] = gauss_kronrod(
            integrand,
            0.0,
            self.expiry.sqrt(),
            rel_tol,
            [abs_tol],
            MAX_PANELS,
        );
        p
    }

    /// [`PutBoundary::premium`] and its first two spot derivatives (the boundary does not
    /// depend on the spot, so these are exact derivatives of the price), each to `rel_tol`
    /// relative or `abs_tol` absolute.
    pub fn premium_and_spot_derivatives(
        &self,
        spot: f64,
        rel_tol: f64,
        abs_tol: [f64; 3],
    ) -> [f64; 3] {
        let ln_sx = (spot / self.x_max).ln();
        let integrand = |z: f64| {
            let [two_z, er, eq, dp, dm, v] = self.premium_terms(z, ln_sx);
            let (pdf_p, pdf_m) = (norm_pdf(dp), norm_pdf(dm));
            [
                two_z * (er * norm_cdf(-dm) - eq * spot * norm_cdf(-dp)),
                two_z * (-er * pdf_m / (spot * v) - eq * norm_cdf(-dp) + eq * pdf_p / v),
                two_z
                    * (er * pdf_m * (1.0 + dm / v) / (spot * spot * v) + eq * pdf_p / (spot * v)
                        - eq * dp * pdf_p / (spot * v * v)),
            ]
        };
        gauss_kronrod(
            integrand,
            0.0,
            self.expiry.sqrt(),
            rel_tol,
            abs_tol,
            MAX_PANELS,
        )
    }
}
