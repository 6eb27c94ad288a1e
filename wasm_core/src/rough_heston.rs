//! Rough Heston European prices from the fractional Riccati equation, in Rust.
//!
//! # Model and characteristic function
//! O. El Euch and M. Rosenbaum, "The characteristic function of rough Heston models",
//! Mathematical Finance 29 (2019), main theorem, in docs/api.md's parameters (their
//! `lambda = kappa`, `lambda nu = xi`), `a = hurst + 1/2`:
//! `ln phi(z) = kappa theta I^1 h(z, T) + v0 I^(1-a) h(z, T)` for `X_T = ln(S_T/F)`, where `h`
//! solves `D^a h = F(z, h) = -(z^2 + i z)/2 + (i rho xi z - kappa) h + xi^2 h^2/2`,
//! `I^(1-a) h(0) = 0`. As `h = I^a F(z, h)`, `I^(1-a) h = I^1 F(z, h)`: both terms are
//! ordinary integrals over `[0, T]`. At `hurst = 1/2` this is Heston (1993).
//!
//! # Scheme
//! The fractional Adams method (K. Diethelm, N. J. Ford and A. D. Freed, "A predictor-corrector
//! approach for the numerical solution of fractional differential equations", Nonlinear
//! Dynamics 29 (2002); El Euch & Rosenbaum section 5): the product trapezoidal rule for
//! `h = I^a F(h)` on `t_k = k T/n`,
//! `h_(k+1) = dt^a/Gamma(a+2) (sum_(j<=k) a_(j,k+1) F_j + F(h_(k+1)))` with
//! `a_(0,k+1) = k^(a+1) - (k-a)(k+1)^a` and
//! `a_(j,k+1) = (k-j+2)^(a+1) + (k-j)^(a+1) - 2 (k-j+1)^(a+1)`. `F` is quadratic, so the
//! corrector equation is solved exactly (its root continuous as `dt -> 0`) instead of by one
//! predictor pass: the explicit predictor goes unstable at the large Fourier frequencies
//! (`dt^a |F'| >~ 1`), the implicit corrector does not. The integrals `I^1` are trapezoidal on
//! the same grid. This is the scheme of the NumPy oracle `pricinglab/rough.py`, written again
//! here (one loop per Fourier node, the history sum a dot product over the grid); its error
//! falls like `n^-(hurst + 3/2)` (tests/test_rough.py measures it there). Cost `O(n^2)` per
//! node.
//!
//! # Price
//! Lewis's formula with a Black-Scholes control variate at the Heston model's expected total
//! variance (A. Lewis, "Option Valuation under Stochastic Volatility", 2000, eq. 2.10; as
//! [`crate::heston`]), on a fixed Gauss-Legendre rule in `u = c t/(1 - t)`, `c = 4/sqrt(w)`
//! (the map of `calibration::fixed_rule`): every Fourier node costs one Riccati solve, shared by
//! every strike of the expiry.

use crate::complex::C64;
use crate::errors::PricingError;
use crate::heston;
use crate::inputs::{Inputs, OptionKind};
use crate::monte_carlo::kernel::gamma;
use crate::monte_carlo::HestonParams;
use crate::normal::norm_cdf;
use std::f64::consts::PI;

/// Adams steps of [`price`]'s default (with the Richardson companion at half of them): within
/// 1.5e-8 of the spot of the converged price on the tests' cases (measured in the tests below).
pub const DEFAULT_STEPS: usize = 200;
/// Most Adams steps a caller may ask for (the cost grows as its square).
pub const MAX_STEPS: usize = 20_000;
/// Gauss-Legendre nodes of the Fourier rule: the control variate leaves a smooth, fast-decaying
/// integrand, and 96 nodes meet the scheme's own accuracy with margin (tests below).
pub const NODES: usize = 96;

/// The rough Heston parameters: Heston's five and the Hurst exponent in (0, 1/2].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoughParams {
    pub heston: HestonParams,
    pub hurst: f64,
}

impl RoughParams {
    /// # Errors
    /// The Heston rules (`HestonParams::validate`), hurst in (0, 0.5].
    pub fn validate(self) -> Result<Self, PricingError> {
        let heston = self.heston.validate()?;
        if !(self.hurst > 0.0 && self.hurst <= 0.5) {
            return Err(PricingError::Invalid {
                param: "hurst".into(),
                rule: format!("must be in (0, 0.5] (got {})", self.hurst),
            });
        }
        Ok(Self {
            heston,
            hurst: self.hurst,
        })
    }
}

/// The Adams weights for `n` steps at order `alpha`, and the scale `dt^alpha/Gamma(alpha+2)`.
struct AdamsWeights {
    /// `a_(0,k+1)`, k = 0..n-1.
    first: Vec<f64>,
    /// `a_(j,k+1)` for 1 <= j <= k depends on `m = k - j` only: `corr[m]`.
    corr: Vec<f64>,
    scale: f64,
}

impl AdamsWeights {
    fn new(alpha: f64, expiry: f64, n: usize) -> Self {
        let p = |m: f64, e: f64| if m == 0.0 { 0.0 } else { m.powf(e) };
        let first = (0..n)
            .map(|k| {
                let k = k as f64;
                p(k, alpha + 1.0) - (k - alpha) * (k + 1.0).powf(alpha)
            })
            .collect();
        let corr = (0..n)
            .map(|m| {
                let m = m as f64;
                (m + 2.0).powf(alpha + 1.0) + p(m, alpha + 1.0) - 2.0 * (m + 1.0).powf(alpha + 1.0)
            })
            .collect();
        let dt = expiry / n as f64;
        Self {
            first,
            corr,
            scale: dt.powf(alpha) / gamma(alpha + 2.0),
        }
    }
}

/// `(I^1 h(T), I^1 F(h)(T))` for `D^alpha h = a0 + a1 h + a2 h^2`, `h(0) = 0`, by the Adams
/// scheme (module docs) with `n` steps; `f` is scratch of length `n + 1`.
fn adams_integrals(
    a0: C64,
    a1: C64,
    a2: f64,
    w: &AdamsWeights,
    dt: f64,
    f: &mut [C64],
) -> (C64, C64) {
    let n = f.len() - 1;
    let zero = C64::new(0.0, 0.0);
    f[0] = a0;
    let p = C64::new(1.0, 0.0) - a1 * w.scale;
    let (mut sum_h, mut sum_f) = (zero, a0 * 0.5);
    let mut h_last = zero;
    for k in 0..n {
        // History: first[k] F_0 + sum_(j=1..k) corr[k - j] F_j.
        let (mut re, mut im) = (w.first[k] * f[0].re, w.first[k] * f[0].im);
        for (fj, c) in f[1..=k].iter().zip(w.corr[..k].iter().rev()) {
            re += c * fj.re;
            im += c * fj.im;
        }
        let c0 = (C64::new(re, im) + a0) * w.scale;
        // scale a2 h^2 - p h + c0 = 0: the root 2 c0/(p + sq) that tends to c0 as scale -> 0,
        // written without cancellation (sq on p's side of the plane).
        let mut sq = (p * p - c0 * (4.0 * w.scale * a2)).sqrt();
        if sq.re * p.re + sq.im * p.im < 0.0 {
            sq = -sq;
        }
        let h = (c0 * 2.0) / (p + sq);
        f[k + 1] = a0 + h * (a1 + h * a2);
        if k + 1 < n {
            sum_h = sum_h + h;
            sum_f = sum_f + f[k + 1];
        }
        h_last = h;
    }
    // Trapezoid: h_0 = 0.
    let int_h = (sum_h + h_last * 0.5) * dt;
    let int_f = (sum_f + f[n] * 0.5) * dt;
    (int_h, int_f)
}

/// The Adams scheme for one expiry and parameter set, node by node.
struct Scheme<'a> {
    p: &'a RoughParams,
    weights: AdamsWeights,
    dt: f64,
    f: Vec<C64>,
}

impl<'a> Scheme<'a> {
    fn new(expiry: f64, p: &'a RoughParams, n: usize) -> Self {
        Self {
            p,
            weights: AdamsWeights::new(p.hurst + 0.5, expiry, n),
            dt: expiry / n as f64,
            f: vec![C64::new(0.0, 0.0); n + 1],
        }
    }

    /// `ln phi(u - i/2)`.
    fn log_cf(&mut self, u: f64) -> C64 {
        let h = &self.p.heston;
        // z = u - i/2: z^2 + i z = u^2 + 1/4; i rho xi z = rho xi (1/2 + i u).
        let a0 = C64::new(-0.5 * (u * u + 0.25), 0.0);
        let a1 = C64::new(0.5 * h.rho * h.xi - h.kappa, h.rho * h.xi * u);
        let (int_h, int_f) = adams_integrals(
            a0,
            a1,
            0.5 * h.xi * h.xi,
            &self.weights,
            self.dt,
            &mut self.f,
        );
        int_h * (h.kappa * h.theta) + int_f * h.v0
    }
}

/// `ln phi(u - i/2)` at each `u` of `us` (module docs), `n` Adams steps.
pub fn log_cf(us: &[f64], expiry: f64, p: &RoughParams, n: usize) -> Vec<C64> {
    let mut scheme = Scheme::new(expiry, p, n);
    us.iter().map(|&u| scheme.log_cf(u)).collect()
}

/// Below this log-modulus `phi(u - i/2)` is under 1e-304 of its value at 0: at larger `u` it is
/// taken as 0 without solving (the characteristic function of these affine models decays in
/// `u`, and far out the fixed step would have to resolve `|F| ~ u^2`, where it loses
/// stability long after `phi` has underflowed).
const NEGLIGIBLE_LOG_CF: f64 = -700.0;

/// `phi(u - i/2)` at each `u` of `us`: the Richardson extrapolation of the Adams values at `n`
/// and `m = n/2` steps, `(r^p phi_n - phi_m)/(r^p - 1)` with `r = n/m` and the scheme's order
/// `p = hurst + 3/2` (L. F. Richardson, "The deferred approach to the limit", Phil. Trans. R.
/// Soc. A 226 (1927)). It removes the leading error term: on the tests' cases 200 steps go from
/// 2e-5..1.1e-4 of the spot to 3e-7..5e-7 for a quarter more work (measured in the tests).
/// `n = 1` has no coarser grid and is returned as is. Nodes are solved in increasing `u`; past
/// the first whose `ln |phi|` is below [`NEGLIGIBLE_LOG_CF`] on both grids, `phi` is 0.
pub fn cf_extrapolated(us: &[f64], expiry: f64, p: &RoughParams, n: usize) -> Vec<C64> {
    let m = n / 2;
    let mut fine = Scheme::new(expiry, p, n);
    let mut coarse = Scheme::new(expiry, p, m.max(1));
    let gain = (n as f64 / m.max(1) as f64).powf(p.hurst + 1.5);
    let mut order: Vec<usize> = (0..us.len()).collect();
    order.sort_by(|&i, &j| us[i].total_cmp(&us[j]));
    let mut out = vec![C64::new(0.0, 0.0); us.len()];
    for i in order {
        let a = fine.log_cf(us[i]);
        if m == 0 {
            out[i] = a.exp();
            if a.re < NEGLIGIBLE_LOG_CF {
                break;
            }
            continue;
        }
        let b = coarse.log_cf(us[i]);
        out[i] = (a.exp() * gain - b.exp()) * (1.0 / (gain - 1.0));
        if a.re < NEGLIGIBLE_LOG_CF && b.re < NEGLIGIBLE_LOG_CF {
            break;
        }
    }
    out
}

/// Prices the `options` (kind, strike) of one expiry into `out`, `n` Adams steps, one set of
/// Fourier nodes shared by every strike (module docs). Arguments are checked by the caller.
///
/// # Errors
/// The scheme went unstable at some node (a non-finite or growing characteristic function:
/// more steps fix it).
#[allow(clippy::too_many_arguments)]
pub fn prices_at_expiry(
    spot: f64,
    rate: f64,
    dividend: f64,
    expiry: f64,
    p: &RoughParams,
    options: &[(OptionKind, f64)],
    n: usize,
    out: &mut [f64],
) -> Result<(), PricingError> {
    let h = &p.heston;
    let w = heston::expected_total_variance(expiry, h.v0, h.kappa, h.theta).max(1e-12);
    let c = 4.0 / w.sqrt();
    let nodes: Vec<(f64, f64)> = crate::quadrature::gauss_legendre(NODES)
        .iter()
        .map(|&(x, wt)| {
            let t = 0.5 * (x + 1.0);
            (c * t / (1.0 - t), 0.5 * wt * c / ((1.0 - t) * (1.0 - t)))
        })
        .collect();
    let us: Vec<f64> = nodes.iter().map(|n| n.0).collect();
    let phis = cf_extrapolated(&us, expiry, p, n);
    // |phi(u - i/2)| <= E[(S_T/F)^(1/2)] <= 1: a modulus above 1 (plus rounding) is the scheme
    // gone unstable.
    if phis
        .iter()
        .any(|v| !(v.re.is_finite() && v.im.is_finite()) || v.abs() > 1.0 + 1e-6)
    {
        return Err(PricingError::Invalid {
            param: "steps".into(),
            rule: format!(
                "is too few for these parameters: the Adams scheme is unstable at the Fourier \
                 nodes needed (got {n})"
            ),
        });
    }
    let spot_d = spot * (-dividend * expiry).exp();
    let sd = w.sqrt();
    for (o, &(kind, strike)) in out.iter_mut().zip(options) {
        let k_d = strike * (-rate * expiry).exp();
        // ln(F/K): the phase of e^{iuk}.
        let k = (spot_d / k_d).ln();
        let mut integral = 0.0;
        for (&(u, wt), phi) in nodes.iter().zip(&phis) {
            let s = u * u + 0.25;
            let bs = (-0.5 * w * s).exp();
            let (sn, cs) = (u * k).sin_cos();
            integral += wt / s * (bs * cs - (phi.re * cs - phi.im * sn));
        }
        // The control: Black-Scholes at total variance w (Black & Scholes 1973, Merton's
        // dividend yield).
        let d1 = k / sd + 0.5 * sd;
        let d2 = d1 - sd;
        let control = match kind {
            OptionKind::Call => spot_d * norm_cdf(d1) - k_d * norm_cdf(d2),
            OptionKind::Put => k_d * norm_cdf(-d2) - spot_d * norm_cdf(-d1),
        };
        let floor = match kind {
            OptionKind::Call => (spot_d - k_d).max(0.0),
            OptionKind::Put => (k_d - spot_d).max(0.0),
        };
        *o = (control + (spot_d * k_d).sqrt() / PI * integral).max(floor);
    }
    Ok(())
}

/// The European price under rough Heston with `steps` Adams steps.
///
/// # Errors
/// The Black-Scholes argument rules (spot, strike > 0, expiry >= 0, rate and dividend finite),
/// the rough Heston parameter rules, steps in [1, MAX_STEPS], and an unstable scheme.
#[allow(clippy::too_many_arguments)]
pub fn price(
    kind: OptionKind,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    p: RoughParams,
    steps: usize,
) -> Result<f64, PricingError> {
    Inputs::new(kind, spot, strike, expiry, rate, dividend, 0.0)?;
    let p = p.validate()?;
    check_steps(steps)?;
    if expiry == 0.0 {
        return Ok(match kind {
            OptionKind::Call => (spot - strike).max(0.0),
            OptionKind::Put => (strike - spot).max(0.0),
        });
    }
    let h = &p.heston;
    if h.v0 == 0.0 && h.kappa * h.theta == 0.0 {
        // The variance stays 0: the discounted intrinsic value of the forward.
        let (s, k) = (
            spot * (-dividend * expiry).exp(),
            strike * (-rate * expiry).exp(),
        );
        return Ok(match kind {
            OptionKind::Call => (s - k).max(0.0),
            OptionKind::Put => (k - s).max(0.0),
        });
    }
    let mut out = [0.0];
    prices_at_expiry(
        spot,
        rate,
        dividend,
        expiry,
        &p,
        &[(kind, strike)],
        steps,
        &mut out,
    )?;
    Ok(out[0])
}

/// `steps` given as a number (the frontends' form).
///
/// # Errors
/// Not an integer in [1, MAX_STEPS].
pub fn steps_from(steps: f64) -> Result<usize, PricingError> {
    if steps.fract() == 0.0 && (1.0..=MAX_STEPS as f64).contains(&steps) {
        Ok(steps as usize)
    } else {
        Err(PricingError::Invalid {
            param: "steps".into(),
            rule: format!("must be an integer in [1, {MAX_STEPS}] (got {steps})"),
        })
    }
}

/// # Errors
/// `steps` outside [1, MAX_STEPS].
pub fn check_steps(steps: usize) -> Result<(), PricingError> {
    if (1..=MAX_STEPS).contains(&steps) {
        Ok(())
    } else {
        Err(PricingError::Invalid {
            param: "steps".into(),
            rule: format!("must be an integer in [1, {MAX_STEPS}] (got {steps})"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(hurst: f64) -> RoughParams {
        RoughParams {
            heston: HestonParams {
                v0: 0.04,
                kappa: 1.5,
                theta: 0.06,
                xi: 0.5,
                rho: -0.7,
            },
            hurst,
        }
    }

    #[test]
    fn hurst_one_half_is_heston() {
        // At a = 1 the scheme is the trapezoidal rule (second order): against the closed form.
        let p = params(0.5);
        for (kind, k, t) in [
            (OptionKind::Call, 100.0, 1.0),
            (OptionKind::Put, 80.0, 0.25),
            (OptionKind::Call, 130.0, 2.0),
        ] {
            let exact = heston::price(kind, 100.0, k, t, 0.02, 0.01, p.heston).unwrap();
            let got = price(kind, 100.0, k, t, 0.02, 0.01, p, 800).unwrap();
            assert!((got - exact).abs() < 2e-6, "{k} {t}: {got} vs {exact}");
        }
    }

    #[test]
    fn converges_in_steps_and_nodes() {
        for hurst in [0.05, 0.1, 0.3] {
            let p = params(hurst);
            let fine = price(OptionKind::Put, 100.0, 90.0, 1.0, 0.02, 0.01, p, 3200).unwrap();
            let coarse = price(
                OptionKind::Put,
                100.0,
                90.0,
                1.0,
                0.02,
                0.01,
                p,
                DEFAULT_STEPS,
            );
            assert!((coarse.unwrap() - fine).abs() < 1e-6, "{hurst}");
        }
    }

    #[test]
    fn matches_the_numpy_oracle() {
        // pricinglab.rough.rough_heston_price(..., steps=3200): the same scheme written
        // independently in NumPy, with an adaptive Fourier integral, at 16x the steps and no
        // extrapolation. On the hardest case (3 years, xi 0.6, rho -0.9) each is about 1.2e-6
        // from the converged price (ours from above, the oracle's from below: measured at
        // 100..1600 steps), hence the tolerance. (At equal steps without extrapolation the two
        // agree to 1e-13.)
        #[rustfmt::skip]
        let cases = [
            (OptionKind::Put, 90.0, 1.0, 0.02, 0.01, [0.04, 1.5, 0.06, 0.5, -0.7, 0.1], 4.154875006681497),
            (OptionKind::Call, 110.0, 0.5, 0.03, 0.0, [0.02, 0.3, 0.02, 0.3, -0.7, 0.05], 0.31903366072512407),
            (OptionKind::Put, 80.0, 3.0, 0.01, 0.02, [0.03, 1.0, 0.05, 0.6, -0.9, 0.15], 5.435340675770167),
            (OptionKind::Call, 100.0, 0.1, 0.0, 0.0, [0.05, 2.0, 0.04, 0.8, -0.5, 0.3], 2.434387862381012),
        ];
        for (kind, k, t, r, q, m, want) in cases {
            let p = RoughParams {
                heston: HestonParams {
                    v0: m[0],
                    kappa: m[1],
                    theta: m[2],
                    xi: m[3],
                    rho: m[4],
                },
                hurst: m[5],
            };
            let got = price(kind, 100.0, k, t, r, q, p, DEFAULT_STEPS).unwrap();
            assert!((got - want).abs() < 3e-6, "{k} {t}: {got} vs {want}");
        }
    }

    #[test]
    fn bad_input_is_named() {
        let mut p = params(0.1);
        p.hurst = 0.6;
        let e = price(OptionKind::Call, 100.0, 100.0, 1.0, 0.0, 0.0, p, 100).unwrap_err();
        assert!(e.to_string().contains("hurst"), "{e}");
        let e = price(
            OptionKind::Call,
            100.0,
            100.0,
            1.0,
            0.0,
            0.0,
            params(0.1),
            0,
        )
        .unwrap_err();
        assert!(e.to_string().contains("steps"), "{e}");
    }
}
