//! A fixed quadrature rule for the quotes of a calibration, with the prices' analytic gradient.
//!
//! Inside the Levenberg-Marquardt iteration the same surface is priced for many nearby
//! parameter sets. An adaptive quadrature would choose new nodes each time, and evaluate
//! `cos(u k)` for each node and strike anew; a fixed rule fixes the nodes per expiry, so the
//! factors `e^{iuk}` are computed once, and a trial set costs one characteristic function per
//! node and a multiply-add per node and strike. The price is Lewis's formula with the
//! Black-Scholes control of [`crate::heston`] (the module docs there give it):
//! ```text
//! V = BS(w) + D sqrt(FK)/pi Int_0^inf Re[e^{iuk} (phi_BS - phi)(u - i/2)] / (u^2 + 1/4) du
//! ```
//! and its derivative in a model parameter `p` is
//! `dV/dp = -D sqrt(FK)/pi Int Re[e^{iuk} phi d(ln phi)/dp] / (u^2 + 1/4) du`
//! (the control's two terms are one Black-Scholes price and cancel): the analytic gradient of
//! Y. Cui, S. del Baño Rollin and G. Germano, "Full and fast calibration of the Heston
//! stochastic volatility model", European Journal of Operational Research 263 (2017),
//! section 3, here by forward-mode differentiation of the characteristic function
//! ([`super::dual`]) in the formulation `heston::log_cf` uses.
//!
//! # The rule
//! Gauss-Legendre on `u = c t/(1 - t)`, `t` in `(0, 1)`, `c = 4/sqrt(w)` with `w` the expected
//! total variance at the expiry. Its size per expiry is the smallest of 32, 64, 128 points whose
//! prices agree with the rule of twice its size to [`BUILD_TOL`] in implied vol at the parameters
//! it is built for. Where none does (tails that oscillate for long, as with a large `xi` and
//! `|rho|` near 1 at short expiries), the rule is the set of nodes the adaptive pricer
//! converges on ([`crate::heston::priced_nodes`]). A rule is accurate near the parameters it was
//! built for only: the fit rebuilds it as it moves, and ends with the adaptive pricer itself
//! ([`super::calibrate`]), so the rule decides the speed, never the answer.

use super::dual::Dual3;
use super::Surface;
use crate::complex::C64;
use crate::heston;
use crate::inputs::OptionKind;
use crate::monte_carlo::HestonParams;
use crate::normal::norm_cdf;
use std::sync::OnceLock;

/// Prices of a rule and of the rule twice its size agree to this many units of implied vol
/// (price difference over the quote's vega, the residuals' scale).
pub(super) const BUILD_TOL: f64 = 1e-10;
/// The rule sizes tried, smallest first.
const SIZES: [usize; 4] = [32, 64, 128, 256];
/// Where no Gauss-Legendre rule meets [`BUILD_TOL`], the adaptive pricer's nodes at this
/// tolerance (its error estimate is the 7-point Gauss rule's; the 15-point Kronrod values it
/// returns are far more accurate).
const ADAPTIVE_TOL: f64 = 1e-9;

/// `(node, weight)` of the `n`-point Gauss-Legendre rule on `[-1, 1]`
/// ([`crate::quadrature::gauss_legendre`]), computed once per size.
fn gauss_legendre(n: usize) -> &'static [(f64, f64)] {
    static RULES: [OnceLock<Vec<(f64, f64)>>; SIZES.len()] =
        [const { OnceLock::new() }; SIZES.len()];
    let slot = SIZES
        .iter()
        .position(|&s| s == n)
        .unwrap_or(SIZES.len() - 1);
    RULES[slot].get_or_init(|| crate::quadrature::gauss_legendre(SIZES[slot]))
}

/// `ln phi(u - i/2)` (as `heston::log_cf`) and its derivatives in `v0, kappa, theta, xi, rho`.
/// `ln phi = theta C + v0 D` with `C, D` functions of `kappa, xi, rho` alone (Albrecher et al.'s
/// formulation, `xi > 0`), so the `v0` and `theta` derivatives are `D` and `C`.
pub(super) fn log_cf_gradient(u: f64, t: f64, h: &HestonParams) -> (C64, [C64; 5]) {
    let s = u * u + 0.25;
    let kappa = Dual3::variable(h.kappa, 0);
    let xi = Dual3::variable(h.xi, 1);
    let rho = Dual3::variable(h.rho, 2);
    let c = |re: f64, im: f64| Dual3::constant(C64::new(re, im));
    let one = c(1.0, 0.0);
    // b = kappa - i rho xi z at z = u - i/2, i.e. kappa - rho xi/2 - i rho xi u.
    let rho_xi = rho * xi;
    let b = kappa - rho_xi * c(0.5, u);
    let xi2 = xi * xi;
    let d = (b * b + xi2.scale(s)).sqrt();
    let bd = b + d;
    let r_minus = c(-s, 0.0) / bd;
    let g = r_minus * xi2 / bd;
    let one_minus_e = c(0.0, 0.0) - (c(0.0, 0.0) - d.scale(t)).exp_m1();
    let e = one - one_minus_e;
    let big_d = r_minus * one_minus_e / (one - g * e);
    let w_over_xi2 = r_minus * one_minus_e / (bd * (one - g));
    let w = w_over_xi2 * xi2;
    let log1p_over = if w.abs() < 1e-4 {
        // 1 - w/2 + w^2/3 - w^3/4 + w^4/5 (as heston::log1p_over).
        let tail = (c(0.25, 0.0) - w.scale(0.2)) * w;
        let tail = (c(1.0 / 3.0, 0.0) - tail) * w;
        one - (c(0.5, 0.0) - tail) * w
    } else {
        (one + w).ln() / w
    };
    let big_c = (r_minus.scale(t) - (w_over_xi2 * log1p_over).scale(2.0)) * kappa;
    let lcf = big_c.v * h.theta + big_d.v * h.v0;
    let dp = |i: usize| big_c.d[i] * h.theta + big_d.d[i] * h.v0;
    (lcf, [big_d.v, dp(0), big_c.v, dp(1), dp(2)])
}

/// The rule for one expiry and its quotes.
struct ExpiryRule {
    expiry: f64,
    /// Indices of the expiry's quotes in the surface.
    quotes: Vec<usize>,
    /// Nodes in `u` and weights (Jacobian of the map and `1/(u^2 + 1/4)` folded in).
    u: Vec<f64>,
    weight: Vec<f64>,
    /// `cos(u k)` and `sin(u k)`, node-major (`[node * m + quote]`).
    cos: Vec<f64>,
    sin: Vec<f64>,
    /// `D sqrt(FK)/pi` per quote.
    amp: Vec<f64>,
    /// `S e^{-qT}` and, per quote, `K e^{-rT}` and the lower bound (discounted intrinsic value
    /// of the forward).
    spot_discounted: f64,
    strike_discounted: Vec<f64>,
    floor: Vec<f64>,
    /// The Gauss-Legendre size, or None for the adaptive pricer's nodes.
    size: Option<usize>,
}

/// A fixed rule for every expiry of a surface.
pub(super) struct FixedRule {
    expiries: Vec<ExpiryRule>,
    /// Whether every expiry's rule met [`BUILD_TOL`] (tails that oscillate for long, as with a
    /// large `xi` and `|rho|` near 1 at short expiries, may need more than the largest size).
    /// (Read by the tests: the fit needs no flag, its last stage is the adaptive pricer.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) accurate: bool,
}

impl ExpiryRule {
    /// The `n`-point Gauss-Legendre rule for the expiry, scaled for `h`.
    fn gauss(s: &Surface, expiry: f64, quotes: &[usize], h: &HestonParams, n: usize) -> Self {
        let w = heston::expected_total_variance(expiry, h.v0, h.kappa, h.theta);
        let scale = 4.0 / w.max(1e-12).sqrt();
        let nodes: Vec<(f64, f64)> = gauss_legendre(n)
            .iter()
            .map(|&(x, wt)| {
                let t = 0.5 * (x + 1.0);
                (
                    scale * t / (1.0 - t),
                    0.5 * wt * scale / ((1.0 - t) * (1.0 - t)),
                )
            })
            .collect();
        let mut rule = Self::new(s, expiry, quotes, &nodes);
        rule.size = Some(n);
        rule
    }

    /// The rule of nodes `(u, weight)` (weights of `du`).
    fn new(s: &Surface, expiry: f64, quotes: &[usize], nodes: &[(f64, f64)]) -> Self {
        let (rate, dividend) = s.market_of(quotes);
        let carry = (rate - dividend) * expiry;
        let ks: Vec<f64> = quotes
            .iter()
            .map(|&i| (s.spot / s.quotes[i].strike).ln() + carry)
            .collect();
        let (n, m) = (nodes.len(), quotes.len());
        let (mut u, mut weight) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut cos, mut sin) = (Vec::with_capacity(n * m), Vec::with_capacity(n * m));
        for &(node, wt) in nodes {
            u.push(node);
            weight.push(wt / (node * node + 0.25));
            for k in &ks {
                let (sn, cs) = (node * k).sin_cos();
                cos.push(cs);
                sin.push(sn);
            }
        }
        let discount_product = (-dividend * expiry).exp() * s.spot * (-rate * expiry).exp();
        let amp = quotes
            .iter()
            .map(|&i| (discount_product * s.quotes[i].strike).sqrt() / std::f64::consts::PI)
            .collect();
        let spot_discounted = s.spot * (-dividend * expiry).exp();
        let strike_discounted: Vec<f64> = quotes
            .iter()
            .map(|&i| s.quotes[i].strike * (-rate * expiry).exp())
            .collect();
        let floor = quotes
            .iter()
            .zip(&strike_discounted)
            .map(|(&i, &k)| match s.quotes[i].kind {
                OptionKind::Call => (spot_discounted - k).max(0.0),
                OptionKind::Put => (k - spot_discounted).max(0.0),
            })
            .collect();
        ExpiryRule {
            expiry,
            quotes: quotes.to_vec(),
            u,
            weight,
            cos,
            sin,
            amp,
            spot_discounted,
            strike_discounted,
            floor,
            size: None,
        }
    }

    /// Prices under `h` into `out` (indexed by quote), and, given `jac`, their derivatives in
    /// `v0, kappa, theta, xi, rho`.
    fn price(
        &self,
        s: &Surface,
        h: &HestonParams,
        out: &mut [f64],
        mut jac: Option<&mut [[f64; 5]]>,
    ) {
        let m = self.quotes.len();
        let t = self.expiry;
        let w = heston::expected_total_variance(t, h.v0, h.kappa, h.theta);
        let mut integral = vec![0.0; m];
        let mut grad = vec![[0.0; 5]; if jac.is_some() { m } else { 0 }];
        for (i, (&u, &wt)) in self.u.iter().zip(&self.weight).enumerate() {
            let (cos, sin) = (&self.cos[i * m..(i + 1) * m], &self.sin[i * m..(i + 1) * m]);
            let bs = wt * (-0.5 * w * (u * u + 0.25)).exp();
            let (lcf, g) = if jac.is_some() {
                log_cf_gradient(u, t, h)
            } else {
                (heston::log_cf(u, t, h), [C64::new(0.0, 0.0); 5])
            };
            let phi = lcf.exp() * wt;
            for j in 0..m {
                integral[j] += bs * cos[j] - (phi.re * cos[j] - phi.im * sin[j]);
            }
            if jac.is_some() {
                let z = g.map(|gp| phi * gp);
                for j in 0..m {
                    for p in 0..5 {
                        grad[j][p] -= z[p].re * cos[j] - z[p].im * sin[j];
                    }
                }
            }
        }
        // The control, Black-Scholes at the total variance w (F. Black and M. Scholes, "The
        // Pricing of Options and Corporate Liabilities", J. Political Economy 81 (1973), with
        // Merton's dividend yield), by the textbook formula: its rounding, ~1e-16 of the spot,
        // is far below what the fit resolves, and the accurate stage uses the engine's pricer.
        let sd = w.sqrt();
        let forward_ln = (self.spot_discounted).ln();
        for (j, &q) in self.quotes.iter().enumerate() {
            let k = self.strike_discounted[j];
            let d1 = (forward_ln - k.ln()) / sd + 0.5 * sd;
            let d2 = d1 - sd;
            let control = match s.quotes[q].kind {
                OptionKind::Call => self.spot_discounted * norm_cdf(d1) - k * norm_cdf(d2),
                OptionKind::Put => k * norm_cdf(-d2) - self.spot_discounted * norm_cdf(-d1),
            };
            out[q] = (control + self.amp[j] * integral[j]).max(self.floor[j]);
            if let Some(jac) = jac.as_deref_mut() {
                jac[q] = grad[j].map(|g| g * self.amp[j]);
            }
        }
    }
}

impl FixedRule {
    /// The rule for `s` near the parameters `h`: per expiry the smallest Gauss-Legendre rule
    /// meeting [`BUILD_TOL`], else the nodes of the adaptive pricer at [`ADAPTIVE_TOL`].
    pub(super) fn build(s: &Surface, h: &HestonParams) -> Self {
        Self::build_from(s, h, None)
    }

    /// [`FixedRule::build`] near `h`, starting each expiry's search from the size this rule
    /// took (a fit moves the parameters little between rebuilds; the rules only grow).
    pub(super) fn rebuild(&self, s: &Surface, h: &HestonParams) -> Self {
        Self::build_from(s, h, Some(self))
    }

    fn build_from(s: &Surface, h: &HestonParams, previous: Option<&FixedRule>) -> Self {
        let mut expiries = Vec::with_capacity(s.expiries.len());
        let mut accurate = true;
        let (mut small, mut large) = (vec![0.0; s.quotes.len()], vec![0.0; s.quotes.len()]);
        for (e, (t, idx)) in s.expiries.iter().enumerate() {
            let first = match previous.map(|p| p.expiries[e].size) {
                None => Some(SIZES[0]),
                Some(size) => size,
            };
            let mut met = false;
            let mut rule = ExpiryRule::gauss(s, *t, idx, h, first.unwrap_or(SIZES[0]));
            if let Some(first) = first {
                rule.price(s, h, &mut small, None);
                for &n in SIZES.iter().filter(|&&n| n > first) {
                    let finer = ExpiryRule::gauss(s, *t, idx, h, n);
                    finer.price(s, h, &mut large, None);
                    // Measured as the residuals are: in implied vol (price over vega).
                    met = idx
                        .iter()
                        .all(|&i| (small[i] - large[i]).abs() <= BUILD_TOL * s.vega[i]);
                    if met {
                        break;
                    }
                    rule = finer;
                    std::mem::swap(&mut small, &mut large);
                }
            }
            if !met {
                let options: Vec<(OptionKind, f64)> = idx
                    .iter()
                    .map(|&i| (s.quotes[i].kind, s.quotes[i].strike))
                    .collect();
                let mut p = vec![0.0; idx.len()];
                let (rate, dividend) = s.market_of(idx);
                let spot = s.spot;
                match heston::priced_nodes(
                    spot,
                    rate,
                    dividend,
                    *t,
                    h,
                    &options,
                    ADAPTIVE_TOL,
                    &mut p,
                ) {
                    Ok(nodes) if !nodes.is_empty() => {
                        rule = ExpiryRule::new(s, *t, idx, &nodes);
                        met = true;
                    }
                    _ => {}
                }
            }
            accurate &= met;
            expiries.push(rule);
        }
        FixedRule { expiries, accurate }
    }

    /// A rule of one size for every expiry, built for `h` (for ranking starting points, where
    /// a few digits are enough).
    pub(super) fn of_size(s: &Surface, h: &HestonParams, n: usize) -> Self {
        FixedRule {
            expiries: s
                .expiries
                .iter()
                .map(|(t, idx)| ExpiryRule::gauss(s, *t, idx, h, n))
                .collect(),
            accurate: false,
        }
    }

    /// Every quote's price under `h`.
    pub(super) fn prices(&self, s: &Surface, h: &HestonParams, out: &mut [f64]) {
        for e in &self.expiries {
            e.price(s, h, out, None);
        }
    }

    /// Every quote's price under `h` and its gradient in `v0, kappa, theta, xi, rho`.
    pub(super) fn prices_and_gradient(
        &self,
        s: &Surface,
        h: &HestonParams,
        out: &mut [f64],
        jac: &mut [[f64; 5]],
    ) {
        for e in &self.expiries {
            e.price(s, h, out, Some(jac));
        }
    }

    /// The number of nodes over all expiries.
    #[cfg(test)]
    pub(super) fn nodes(&self) -> usize {
        self.expiries.iter().map(|e| e.u.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{surface, Quote};
    use super::*;

    #[test]
    fn gauss_legendre_is_exact_to_degree_2n_minus_1() {
        for &n in &SIZES {
            let rule = gauss_legendre(n);
            for degree in [0, 2, n, 2 * n - 2] {
                let degree = degree & !1; // even powers: odd ones integrate to 0 trivially
                let sum: f64 = rule.iter().map(|(x, w)| w * x.powi(degree as i32)).sum();
                let exact = 2.0 / (degree as f64 + 1.0);
                assert!((sum - exact).abs() < 1e-13, "n {n} degree {degree}: {sum}");
            }
        }
    }

    fn quotes(h: &HestonParams) -> Vec<Quote> {
        let mut out = Vec::new();
        for t in [0.05, 0.5, 3.0] {
            for k in [60.0, 90.0, 100.0, 115.0, 170.0] {
                let kind = if k < 100.0 {
                    OptionKind::Put
                } else {
                    OptionKind::Call
                };
                let price = heston::price(kind, 100.0, k, t, 0.03, 0.01, *h).unwrap();
                out.push(Quote {
                    kind,
                    strike: k,
                    expiry: t,
                    price,
                    weight: 1.0,
                    rate: 0.03,
                    dividend: 0.01,
                });
            }
        }
        out
    }

    /// Everyday parameters, and some whose short expiries no Gauss-Legendre rule here prices to
    /// the build tolerance (so the adaptive pricer's nodes are used).
    const MODELS: [HestonParams; 3] = [
        HestonParams {
            v0: 0.04,
            kappa: 1.5,
            theta: 0.06,
            xi: 0.5,
            rho: -0.6,
        },
        HestonParams {
            v0: 0.01,
            kappa: 4.0,
            theta: 0.05,
            xi: 0.2,
            rho: 0.5,
        },
        HestonParams {
            v0: 0.09,
            kappa: 0.3,
            theta: 0.02,
            xi: 1.2,
            rho: -0.95,
        },
    ];

    #[test]
    fn prices_agree_with_the_adaptive_pricer_where_built() {
        for h in MODELS {
            let q = quotes(&h);
            let s = surface(100.0, &q).unwrap();
            let rule = FixedRule::build(&s, &h);
            assert!(rule.accurate, "{h:?}: {} nodes", rule.nodes());
            let mut p = vec![0.0; q.len()];
            rule.prices(&s, &h, &mut p);
            for (quote, p) in q.iter().zip(&p) {
                // The doubling test bounds a Gauss-Legendre rule's error by about BUILD_TOL
                // vegas; the adaptive pricer's nodes meet ADAPTIVE_TOL of the dimensionless
                // integral, which is good to ~1e-12 of the spot here.
                let i = q.iter().position(|x| x == quote).unwrap();
                let tol = (10.0 * BUILD_TOL * s.vega[i]).max(1e-11 * 100.0);
                assert!(
                    (p - quote.price).abs() < tol + 1e-14,
                    "{h:?} {quote:?}: {p} ({} nodes)",
                    rule.nodes()
                );
            }
        }
    }

    #[test]
    fn gradient_matches_central_differences_of_the_adaptive_pricer() {
        for h in &MODELS {
            let q = quotes(h);
            let s = surface(100.0, &q).unwrap();
            let rule = FixedRule::build(&s, h);
            let (mut p, mut jac) = (vec![0.0; q.len()], vec![[0.0; 5]; q.len()]);
            rule.prices_and_gradient(&s, h, &mut p, &mut jac);
            for k in 0..5 {
                let bump = |sign: f64| {
                    let mut x = [h.v0, h.kappa, h.theta, h.xi, h.rho];
                    let step = 1e-5 * x[k].abs().max(0.1);
                    x[k] += sign * step;
                    let b = HestonParams {
                        v0: x[0],
                        kappa: x[1],
                        theta: x[2],
                        xi: x[3],
                        rho: x[4],
                    };
                    let mut out = vec![0.0; q.len()];
                    s.prices(&b, heston::REL_TOL, &mut out);
                    (out, step)
                };
                let ((up, step), (down, _)) = (bump(1.0), bump(-1.0));
                for i in 0..q.len() {
                    let fd = (up[i] - down[i]) / (2.0 * step);
                    // Central differences are good to ~step^2 times the third derivative.
                    assert!(
                        (fd - jac[i][k]).abs() <= 1e-6 * (1.0 + fd.abs()),
                        "{h:?} quote {i} parameter {k}: {fd} vs {}",
                        jac[i][k]
                    );
                }
            }
        }
    }
}
