//! Semi-analytic European option prices under Heston's stochastic volatility model.
//!
//! # Model
//! S. L. Heston, "A Closed-Form Solution for Options with Stochastic Volatility with
//! Applications to Bond and Currency Options", Review of Financial Studies 6(2) (1993),
//! pp. 327-343, eqs. (1)-(4), under the pricing measure:
//! ```text
//! dS = (r - q) S dt + sqrt(V) S dW,   dV = kappa (theta - V) dt + xi sqrt(V) dB,   d<W,B> = rho dt
//! ```
//!
//! # Price
//! A. L. Lewis, "Option Valuation under Stochastic Volatility" (Finance Press, 2000), ch. 2, and
//! "A simple option formula for general jump-diffusion and other exponential Levy processes"
//! (2001), eq. (2.10): with `F = S e^{(r-q)T}`, `D = e^{-rT}`, `k = ln(F/K)` and `phi` the
//! characteristic function of `ln(S_T/F)`,
//! ```text
//! C = D (F - sqrt(FK)/pi Int_0^inf Re[e^{iuk} phi(u - i/2)] / (u^2 + 1/4) du)
//! ```
//! The same formula for Black-Scholes with the model's expected total variance
//! `w = E[Int_0^T V dt]` is subtracted as a control variate (as QuantLib's
//! `AnalyticHestonEngine` does with its Black-Scholes control variates), so what is integrated
//! is the small, fast-decaying difference and the price is
//! ```text
//! V = BS(w) + D sqrt(FK)/pi Int_0^inf Re[e^{iuk} (phi_BS - phi)(u - i/2)] / (u^2 + 1/4) du
//! ```
//! for calls and puts alike (put-call parity holds term by term). `BS(w)` is
//! [`crate::black_scholes::price`] (full relative precision far out of the money).
//!
//! # Characteristic function
//! H. Albrecher, P. Mayer, W. Schoutens, J. Tistaert, "The Little Heston Trap", Wilmott
//! (January 2007), pp. 83-92: the formulation with `e^{-dT}` and `g = (b - d)/(b + d)`, which
//! stays on the principal branch of the logarithm. At `z = u - i/2`, `s = z^2 + iz = u^2 + 1/4`
//! is real. Written with `b^2 - d^2 = -xi^2 s` so that nothing cancels as `xi -> 0`:
//! `r- = (b - d)/xi^2 = -s/(b + d)`, `g = xi^2 r- / (b + d)`.
//!
//! # Quadrature
//! Globally adaptive 15-point Gauss-Kronrod on `u = c t/(1 - t)`, `t` in `[0, 1)` (the scheme of
//! QUADPACK's `QAGI`: R. Piessens, E. de Doncker-Kapenga, C. W. Überhuber, D. K. Kahaner,
//! "QUADPACK", Springer 1983, routines `qk15i`/`qagie`), bisecting the panel with the largest
//! error estimate `|K15 - G7|` until the estimates sum to [`ABS_TOL`] or [`REL_TOL`] of the
//! integral, or each is rounding noise.

use crate::black_scholes;
use crate::complex::C64;
use crate::errors::PricingError;
use crate::inputs::{Inputs, OptionKind};
use crate::monte_carlo::HestonParams;
use crate::quadrature::{WG, WGK, XGK};

/// Target absolute error of the dimensionless Lewis integral: the price's error is about
/// `D sqrt(FK)/pi` times it (3e-14 at S = K = 100).
pub const ABS_TOL: f64 = 1e-15;
/// ... or this fraction of the integral, whichever is larger.
pub const REL_TOL: f64 = 1e-13;
/// A panel whose error estimate is below this multiple of its integral of `|f|` is accurate
/// to rounding (refining it cannot help).
const ROUNDING_FLOOR: f64 = 50.0 * f64::EPSILON;
/// Most panels before the quadrature gives up (an error, never a silently poor price).
const MAX_PANELS: usize = 2000;

/// The Heston price of a European option.
///
/// `expiry = 0` gives the intrinsic value; a variance that stays 0 (`v0 = 0` and
/// `kappa theta = 0`) the discounted intrinsic value of the forward.
///
/// # Errors
/// The first broken rule, in argument order: kind "call"/"put"; spot, strike > 0; expiry >= 0;
/// rate, dividend finite; v0, kappa, theta, xi >= 0; rho in [-1, 1]. An integral that does not
/// converge (absurd parameters) is an error too.
#[allow(clippy::too_many_arguments)]
pub fn price(
    kind: OptionKind,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    model: HestonParams,
) -> Result<f64, PricingError> {
    Inputs::new(kind, spot, strike, expiry, rate, dividend, 0.0)?;
    let h = model.validate()?;
    let mut out = [0.0];
    prices_at_expiry(
        spot,
        rate,
        dividend,
        expiry,
        &h,
        &[(kind, strike)],
        REL_TOL,
        &mut out,
    )?;
    Ok(out[0])
}

/// The prices of several options of one expiry under one (validated) model, into `out`: the
/// characteristic function is evaluated once per quadrature node for all of them, and the
/// adaptive quadrature refines until every option's integral meets `rel_tol` (or [`ABS_TOL`]);
/// [`REL_TOL`] is the accuracy `price` gives. Arguments are assumed checked ([`check_arguments`]).
///
/// # Errors
/// An integral the quadrature cannot converge.
#[allow(clippy::too_many_arguments)]
pub fn prices_at_expiry(
    spot: f64,
    rate: f64,
    dividend: f64,
    expiry: f64,
    h: &HestonParams,
    options: &[(OptionKind, f64)],
    rel_tol: f64,
    out: &mut [f64],
) -> Result<(), PricingError> {
    priced_nodes(spot, rate, dividend, expiry, h, options, rel_tol, out).map(|_| ())
}

/// [`prices_at_expiry`], returning the nodes `(u, weight)` of the quadrature it converged on
/// (`Int_0^inf f(u) du ~ Sum weight f(u)`; none where no integral was needed): a rule that
/// serves these options near `h` (the calibration's fixed rule reuses it).
#[allow(clippy::too_many_arguments)]
pub(crate) fn priced_nodes(
    spot: f64,
    rate: f64,
    dividend: f64,
    expiry: f64,
    h: &HestonParams,
    options: &[(OptionKind, f64)],
    rel_tol: f64,
    out: &mut [f64],
) -> Result<Vec<(f64, f64)>, PricingError> {
    let inputs = |kind, strike, vol| Inputs {
        kind,
        spot,
        strike,
        expiry,
        rate,
        dividend,
        vol,
    };
    if expiry == 0.0 {
        for ((kind, strike), o) in options.iter().zip(out.iter_mut()) {
            *o = black_scholes::price(&inputs(*kind, *strike, 0.0));
        }
        return Ok(Vec::new());
    }
    let w = expected_total_variance(expiry, h.v0, h.kappa, h.theta);
    let vol = (w / expiry).sqrt();
    if w == 0.0 {
        // The variance stays 0: the discounted intrinsic value of the forward.
        for ((kind, strike), o) in options.iter().zip(out.iter_mut()) {
            *o = black_scholes::price(&inputs(*kind, *strike, 0.0));
        }
        return Ok(Vec::new());
    }
    let carry = (rate - dividend) * expiry;
    let ks: Vec<f64> = options
        .iter()
        .map(|(_, strike)| (spot / strike).ln() + carry)
        .collect();
    let integrand = |u: f64, values: &mut [f64], sizes: &mut [f64]| {
        let q = u * u + 0.25;
        let lcf = log_cf(u, expiry, h);
        let (bs_m, model_m) = ((-0.5 * w * q).exp(), lcf.re.exp());
        // Re[e^{iuk} (phi_BS - phi)] with |phi_BS| = bs_m, phi = model_m e^{i lcf.im}:
        // (bs_m - Re phi) cos(uk) + Im phi sin(uk), one sin_cos per strike.
        let (im_sin, im_cos) = lcf.im.sin_cos();
        let (re, im) = ((bs_m - model_m * im_cos) / q, model_m * im_sin / q);
        let size = (bs_m + model_m) / q;
        for (j, k) in ks.iter().enumerate() {
            let (sin_uk, cos_uk) = (u * k).sin_cos();
            values[j] = re * cos_uk + im * sin_uk;
            sizes[j] = size;
        }
    };
    let c = 2.0 / w.sqrt();
    let (integrals, panels) = integrate_0_inf(integrand, options.len(), c, rel_tol)?;
    let discount_product = (-dividend * expiry).exp() * spot * (-rate * expiry).exp();
    for (j, (kind, strike)) in options.iter().enumerate() {
        let control = black_scholes::price(&inputs(*kind, *strike, vol));
        let value =
            control + (discount_product * strike).sqrt() / std::f64::consts::PI * integrals[j];
        // Rounding (~1e-16 of the spot) must not take a far out-of-the-money price below the
        // no-arbitrage lower bound, the discounted intrinsic value of the forward.
        out[j] = value.max(black_scholes::price(&inputs(*kind, *strike, 0.0)));
    }
    let mut nodes = Vec::with_capacity(15 * panels.len());
    for (a, b) in panels {
        let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
        for j in 0..8 {
            let signs: &[f64] = if j == 7 { &[0.0] } else { &[-1.0, 1.0] };
            for &sign in signs {
                let t = mid + half * sign * XGK[j];
                let one_minus = 1.0 - t;
                nodes.push((
                    c * t / one_minus,
                    half * WGK[j] * c / (one_minus * one_minus),
                ));
            }
        }
    }
    Ok(nodes)
}

/// Checks `price`'s arguments (the same rules, in the same order) without pricing.
///
/// # Errors
/// As [`price`], except the quadrature's.
pub fn check_arguments(
    kind: OptionKind,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    model: HestonParams,
) -> Result<(), PricingError> {
    Inputs::new(kind, spot, strike, expiry, rate, dividend, 0.0)?;
    model.validate().map(|_| ())
}

/// `w = E[Int_0^T V_t dt] = theta T + (v0 - theta)(1 - e^{-kappa T})/kappa` (`v0 T` at
/// `kappa = 0`): the integral of the CIR variance's mean `theta + (v0 - theta) e^{-kappa t}`.
pub fn expected_total_variance(expiry: f64, v0: f64, kappa: f64, theta: f64) -> f64 {
    if kappa == 0.0 {
        return v0 * expiry;
    }
    theta * expiry - (v0 - theta) * (-kappa * expiry).exp_m1() / kappa
}

/// `ln phi(u - i/2)`, `phi` the characteristic function of `ln(S_T/F)` (module docs).
pub(crate) fn log_cf(u: f64, t: f64, h: &HestonParams) -> C64 {
    let s = u * u + 0.25;
    let (kappa, xi, rho) = (h.kappa, h.xi, h.rho);
    if xi == 0.0 {
        // Deterministic variance: X_T is normal with variance w, ln phi = -s w / 2.
        return C64::new(
            -0.5 * s * expected_total_variance(t, h.v0, kappa, h.theta),
            0.0,
        );
    }
    // b = kappa - i rho xi z at z = u - i/2.
    let b = C64::new(kappa - 0.5 * rho * xi, -rho * xi * u);
    let d = (b * b + C64::new(xi * xi * s, 0.0)).sqrt();
    let bd = b + d; // never 0: b + d = 0 needs xi^2 s = 0
    let r_minus = C64::new(-s, 0.0) / bd;
    let g = r_minus * (xi * xi) / bd;
    let one_minus_e = -(-d * t).exp_m1(); // 1 - e^{-dT}
    let e = C64::new(1.0, 0.0) - one_minus_e;
    let one = C64::new(1.0, 0.0);
    let big_d = r_minus * one_minus_e / (one - g * e);
    // ln[(1 - g e^{-dT})/(1 - g)] = ln(1 + w) with w = g (1 - e^{-dT})/(1 - g), and
    // 2/xi^2 ln(1 + w) = 2 (w/xi^2) ln(1 + w)/w: w/xi^2 has no 1/xi^2 left in it.
    let w_over_xi2 = r_minus * one_minus_e / (bd * (one - g));
    let w = w_over_xi2 * (xi * xi);
    let big_c = (r_minus * t - w_over_xi2 * log1p_over(w) * 2.0) * kappa;
    big_c * h.theta + big_d * h.v0
}

/// `ln(1 + w)/w`, accurate for small `|w|` (1 at `w = 0`).
fn log1p_over(w: C64) -> C64 {
    if w.abs() < 1e-4 {
        // 1 - w/2 + w^2/3 - w^3/4 + w^4/5: the remainder is below |w|^5/6 < 2e-21.
        let one = C64::new(1.0, 0.0);
        let tail = (one * 0.25 - w * 0.2) * w;
        let tail = (one * (1.0 / 3.0) - tail) * w;
        return one - (one * 0.5 - tail) * w;
    }
    (C64::new(1.0, 0.0) + w).ln() / w
}

/// The panels `[a, b]` in `t` an adaptive quadrature converged on.
type Panels = Vec<(f64, f64)>;

/// A panel of the adaptive quadrature: `[a, b]` in `t`, each integral's K15 value and error.
struct Panel {
    a: f64,
    b: f64,
    value: Vec<f64>,
    error: Vec<f64>,
    /// The K15 integral of each integrand's term sizes: its rounding noise is about
    /// `ROUNDING_FLOOR` times this.
    size: Vec<f64>,
}

/// One 15-point Kronrod panel over `t` in `[a, b]` of `f(u) du`, `u = c t/(1 - t)`, for all
/// `m` integrands at once; an error estimate `|K15 - G7|` below the rounding floor counts as 0.
fn panel(
    f: &impl Fn(f64, &mut [f64], &mut [f64]),
    m: usize,
    c: f64,
    a: f64,
    b: f64,
    scratch: &mut (Vec<f64>, Vec<f64>),
) -> Panel {
    let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
    #[allow(clippy::needless_range_loop)]
    let (mut kronrod, mut gauss, mut sizes) = (vec![0.0; m], vec![0.0; m], vec![0.0; m]);
    // Node x_j (j < 7: both signs) with Kronrod weight WGK[j], Gauss weight for odd j.
    for j in 0..8 {
        let signs: &[f64] = if j == 7 { &[0.0] } else { &[-1.0, 1.0] };
        for &sign in signs {
            let t = mid + half * sign * XGK[j];
            let one_minus = 1.0 - t;
            let jac = c / (one_minus * one_minus);
            let (values, size) = (&mut scratch.0, &mut scratch.1);
            f(c * t / one_minus, values, size);
            for i in 0..m {
                let v = values[i] * jac;
                kronrod[i] += WGK[j] * v;
                sizes[i] += WGK[j] * size[i] * jac;
                if j % 2 == 1 {
                    gauss[i] += WG[j / 2] * v;
                }
            }
        }
    }
    let error = (0..m)
        .map(|i| {
            let e = ((kronrod[i] - gauss[i]) * half).abs();
            if e <= ROUNDING_FLOOR * sizes[i] * half {
                0.0
            } else {
                e
            }
        })
        .collect();
    Panel {
        a,
        b,
        value: kronrod.iter().map(|k| k * half).collect(),
        error,
        size: sizes.iter().map(|s| s * half).collect(),
    }
}

/// `Int_0^inf f_i(u) du` for `m` smooth integrands decaying at least like `1/u^2`, evaluated
/// together (`f(u, values, sizes)` fills each integrand's value and the size of the terms it
/// was computed from, for the rounding floor). The panel refined next is the one whose error
/// is the largest fraction of some integrand's tolerance. Returns the integrals and the final
/// panels `[a, b]` in `t`.
#[allow(clippy::needless_range_loop)] // integrand i across panels: an index reads best
fn integrate_0_inf(
    f: impl Fn(f64, &mut [f64], &mut [f64]),
    m: usize,
    c: f64,
    rel_tol: f64,
) -> Result<(Vec<f64>, Panels), PricingError> {
    let mut scratch = (vec![0.0; m], vec![0.0; m]);
    let mut panels: Vec<Panel> = (0..4)
        .map(|i| panel(&f, m, c, i as f64 / 4.0, (i + 1) as f64 / 4.0, &mut scratch))
        .collect();
    loop {
        let mut tolerance = vec![0.0; m];
        let mut done = true;
        for i in 0..m {
            let total: f64 = panels.iter().map(|p| p.value[i]).sum();
            let error: f64 = panels.iter().map(|p| p.error[i]).sum();
            // (The per-panel floor is generous, 50 eps; for the total, a few eps of the terms'
            // sizes is what rounding leaves.)
            let noise: f64 = panels.iter().map(|p| p.size[i]).sum::<f64>() * 2.0 * f64::EPSILON;
            // Nothing is gained below the rounding noise of the whole integral: where the
            // model's and the control's terms nearly cancel (a tiny variance with a large vol
            // of variance) that noise is the accuracy the double can give.
            tolerance[i] = ABS_TOL.max(rel_tol * total.abs()).max(noise);
            done &= error <= tolerance[i];
        }
        if done {
            let integrals = (0..m)
                .map(|i| panels.iter().map(|p| p.value[i]).sum())
                .collect();
            return Ok((integrals, panels.iter().map(|p| (p.a, p.b)).collect()));
        }
        if panels.len() >= MAX_PANELS {
            return Err(PricingError::Invalid {
                param: "inputs".into(),
                rule: "put the Heston Fourier integral beyond the quadrature's reach \
                       (an extreme xi, kappa or expiry)"
                    .into(),
            });
        }
        let badness = |p: &Panel| {
            (0..m)
                .map(|i| p.error[i] / tolerance[i])
                .fold(0.0, f64::max)
        };
        let worst = (0..panels.len())
            .max_by(|&i, &j| badness(&panels[i]).total_cmp(&badness(&panels[j])))
            .unwrap_or(0);
        let Panel { a, b, .. } = panels.swap_remove(worst);
        let mid = 0.5 * (a + b);
        panels.push(panel(&f, m, c, a, mid, &mut scratch));
        panels.push(panel(&f, m, c, mid, b, &mut scratch));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lewis(kappa: f64) -> HestonParams {
        HestonParams {
            v0: 0.04,
            kappa,
            theta: 0.25,
            xi: 1.0,
            rho: -0.5,
        }
    }

    /// Alan Lewis's reference prices (docs/references.md): S=100, r=0.01, q=0.02, T=1.
    #[test]
    #[allow(clippy::excessive_precision)] // the published digits, as published
    fn lewis_reference_prices() {
        let table = [
            (80.0, 26.774758743998854, 7.958878113256768),
            (90.0, 20.933349000596710, 12.017966707346305),
            (100.0, 16.070154917028834, 17.055270961270109),
            (110.0, 12.132211516709845, 23.017825898442801),
            (120.0, 9.024913483457836, 29.811026202682472),
        ];
        for (k, call, put) in table {
            let c = price(OptionKind::Call, 100.0, k, 1.0, 0.01, 0.02, lewis(4.0)).unwrap();
            let p = price(OptionKind::Put, 100.0, k, 1.0, 0.01, 0.02, lewis(4.0)).unwrap();
            assert!((c - call).abs() < 1e-12 * call, "call {k}: {c} vs {call}");
            assert!((p - put).abs() < 1e-12 * put, "put {k}: {p} vs {put}");
        }
    }

    #[test]
    fn no_vol_of_vol_is_black_scholes_with_the_mean_variance() {
        let h = HestonParams {
            v0: 0.09,
            kappa: 2.0,
            theta: 0.04,
            xi: 0.0,
            rho: 0.3,
        };
        let w = expected_total_variance(0.5, 0.09, 2.0, 0.04);
        let i = Inputs::new(
            OptionKind::Call,
            100.0,
            110.0,
            0.5,
            0.03,
            0.01,
            (w / 0.5).sqrt(),
        )
        .unwrap();
        let p = price(OptionKind::Call, 100.0, 110.0, 0.5, 0.03, 0.01, h).unwrap();
        assert!((p - black_scholes::price(&i)).abs() < 1e-14 * p);
    }

    #[test]
    fn limits_and_errors() {
        let h = lewis(4.0);
        assert_eq!(
            price(OptionKind::Put, 100.0, 120.0, 0.0, 0.01, 0.0, h),
            Ok(20.0)
        );
        let flat = HestonParams {
            v0: 0.0,
            kappa: 0.0,
            ..h
        };
        let p = price(OptionKind::Call, 100.0, 90.0, 1.0, 0.05, 0.0, flat).unwrap();
        assert!((p - (100.0 - 90.0 * (-0.05f64).exp())).abs() < 1e-13);
        let bad = HestonParams { rho: 1.5, ..h };
        let e = price(OptionKind::Call, 100.0, 90.0, 1.0, 0.05, 0.0, bad).unwrap_err();
        assert_eq!(e.to_string(), "rho must be in [-1, 1] (got 1.5)");
        let e = price(OptionKind::Call, -1.0, 90.0, 1.0, 0.05, 0.0, h).unwrap_err();
        assert_eq!(e.to_string(), "spot must be > 0 (got -1)");
    }
}
