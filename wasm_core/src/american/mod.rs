//! American options under Black-Scholes-Merton with a continuous dividend yield: price, Greeks,
//! the exercise boundary and the implied volatility.
//!
//! Every contract is reduced to a put (McDonald & Schroder, "A parity result for American
//! options", Journal of Computational Finance 1(3), 1998: `C(S, K, r, q) = P(K, S, q, r)`,
//! and with the price's homogeneity, `C(S, K, r, q) = (S/K) P(K^2/S, K, q, r)`, so one put
//! boundary of strike `K` serves every spot), whose boundary [`boundary::PutBoundary`] solves
//! by Andersen, Lake & Offengenden's fixed-point method. Where early exercise is never optimal
//! (a put with `rate <= 0` and `dividend >= rate`; a call with `dividend <= 0` and
//! `rate >= dividend`) the result is the European one, exactly.

pub(crate) mod boundary;
mod chebyshev;
mod illinois;
mod qd_plus;

use std::sync::OnceLock;

use crate::errors::PricingError;
use crate::greeks;
use crate::implied_vol;
use crate::inputs::{Inputs, OptionKind};
use crate::quadrature::TanhSinh;
use boundary::{AngleRule, PutBoundary, Scheme};
use illinois::illinois;

/// The speed/accuracy settings of the American functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accuracy {
    /// About 1e-6 relative.
    Fast,
    /// About 1e-8 relative: the default.
    Accurate,
    /// About 1e-10 relative.
    High,
}

/// What `accuracy` must be.
pub const ACCURACY_RULE: &str = "\"fast\", \"accurate\" or \"high\"";

impl Accuracy {
    /// Parses the API's spelling.
    ///
    /// # Errors
    /// `accuracy` naming the rule.
    pub fn parse(s: &str) -> Result<Self, PricingError> {
        match s {
            "fast" => Ok(Accuracy::Fast),
            "accurate" => Ok(Accuracy::Accurate),
            "high" => Ok(Accuracy::High),
            _ => Err(PricingError::Invalid {
                param: "accuracy".into(),
                rule: format!("must be {ACCURACY_RULE} (got \"{s}\")"),
            }),
        }
    }

    /// The discretisation of each setting (nodes, iterations, quadrature), chosen by convergence
    /// studies against the reference PDE and the method on far finer settings
    /// (wasm_core/tests/american_reference.rs): on 1,000 random contracts over the tests' ranges
    /// the worst error is 0.54, 0.24 and 0.52 of each setting's claim.
    fn scheme(self) -> Scheme<'static> {
        // Gauss-Legendre in the angle of boundary.rs (analytic integrands: exponential
        // convergence). The points must grow with the nodes: the integrands carry the
        // interpolant, a polynomial of the nodes' degree in sin(theta).
        static RULES: [OnceLock<AngleRule>; 4] = [const { OnceLock::new() }; 4];
        const SIZES: [usize; 4] = [GL_COARSE, GL_FAST, GL_ACCURATE, GL_HIGH];
        let rule =
            |level: usize| RULES[level].get_or_init(|| AngleRule::gauss_legendre(SIZES[level]));
        match self {
            Accuracy::Fast => Scheme {
                nodes: 16,
                max_steps: 6,
                step_tol: 1e-7,
                rule: rule(1),
                coarse_rule: None,
                price_tol: 1e-8,
            },
            Accuracy::Accurate => Scheme {
                nodes: 30,
                max_steps: 12,
                step_tol: 1e-9,
                rule: rule(2),
                coarse_rule: Some(rule(0)),
                price_tol: 1e-11,
            },
            Accuracy::High => Scheme {
                nodes: 64,
                max_steps: 24,
                step_tol: 1e-12,
                rule: rule(3),
                coarse_rule: Some(rule(2)),
                price_tol: 1e-13,
            },
        }
    }
}

/// Gauss-Legendre points of the fixed-point integrals: the coarse first steps, and each setting.
const GL_COARSE: usize = 12;
const GL_FAST: usize = 12;
const GL_ACCURATE: usize = 24;
const GL_HIGH: usize = 64;

/// The price and Greeks of an American option, each a partial derivative of the price with the
/// conventions of the European [`greeks::Greeks`] (theta per year of calendar time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AmericanGreeks {
    pub price: f64,
    pub delta: f64,
    pub gamma: f64,
    pub theta: f64,
    pub vega: f64,
    pub rho: f64,
    pub epsilon: f64,
}

impl AmericanGreeks {
    /// Field names, in [`AmericanGreeks::to_array`] order.
    pub const NAMES: [&'static str; 7] =
        ["price", "delta", "gamma", "theta", "vega", "rho", "epsilon"];

    pub fn to_array(&self) -> [f64; 7] {
        [
            self.price,
            self.delta,
            self.gamma,
            self.theta,
            self.vega,
            self.rho,
            self.epsilon,
        ]
    }
}

/// Where early exercise can pay, for the put a contract reduces to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Regime {
    European,
    SingleBoundary,
    DoubleBoundary,
}

fn put_regime(rate: f64, dividend: f64) -> Regime {
    if rate > 0.0 || (rate == 0.0 && dividend < 0.0) {
        Regime::SingleBoundary
    } else if dividend < rate {
        Regime::DoubleBoundary
    } else {
        Regime::European
    }
}

/// A contract as the put of strike `K` it reduces to: `price = scale * P(spot, strike, rate,
/// dividend)`, with `d spot'/d spot = -spot'/spot` for a call (see the module docs).
struct AsPut {
    spot: f64,
    strike: f64,
    rate: f64,
    dividend: f64,
    scale: f64,
}

fn as_put(i: &Inputs) -> Result<AsPut, PricingError> {
    let p = match i.kind {
        OptionKind::Put => AsPut {
            spot: i.spot,
            strike: i.strike,
            rate: i.rate,
            dividend: i.dividend,
            scale: 1.0,
        },
        OptionKind::Call => AsPut {
            spot: i.strike * (i.strike / i.spot),
            strike: i.strike,
            rate: i.dividend,
            dividend: i.rate,
            scale: i.spot / i.strike,
        },
    };
    if p.spot.is_finite() && p.spot > 0.0 && p.scale.is_finite() && p.scale > 0.0 {
        Ok(p)
    } else {
        Err(PricingError::OutOfDoubleRange)
    }
}

/// The American price.
///
/// # Errors
/// The double-boundary case, or a result beyond the double range.
pub fn price(i: &Inputs, accuracy: Accuracy) -> Result<f64, PricingError> {
    Ok(value(i, accuracy, false)?.0)
}

/// `(price, delta, gamma, exercised now)` of the contract; delta and gamma only with
/// `spot_greeks` (else 0: their integrals cost more than the price's).
fn value(
    i: &Inputs,
    accuracy: Accuracy,
    spot_greeks: bool,
) -> Result<(f64, f64, f64, bool), PricingError> {
    let p = as_put(i)?;
    match put_regime(p.rate, p.dividend) {
        Regime::DoubleBoundary => return Err(PricingError::DoubleExerciseBoundary),
        Regime::European => {
            let g = greeks::try_greeks(i)?;
            return Ok((g.price, g.delta, g.gamma, false));
        }
        Regime::SingleBoundary if i.expiry == 0.0 => {
            let g = greeks::try_greeks(i)?;
            return Ok((g.price, g.delta, g.gamma, false));
        }
        Regime::SingleBoundary => {}
    }
    let (v, d, g, now) = if i.vol == 0.0 {
        deterministic_put(p.spot, p.strike, p.rate, p.dividend, i.expiry)
    } else {
        put_value_on(&p, i.vol, i.expiry, &accuracy.scheme(), spot_greeks)
    };
    // Back from the put: V = scale P(x), x = K^2/S for a call, so dV/dS = P/K - (K/S) P'(x) and
    // d2V/dS2 = (K/S)^3 P''(x).
    let (price, delta, gamma) = match i.kind {
        OptionKind::Put => (v, d, g),
        OptionKind::Call => {
            let ks = i.strike / i.spot;
            (p.scale * v, v / i.strike - ks * d, ks * ks * ks * g)
        }
    };
    if price.is_finite() && delta.is_finite() && gamma.is_finite() {
        Ok((price, delta, gamma, now))
    } else {
        Err(PricingError::OutOfDoubleRange)
    }
}

/// Price, delta, gamma of the put by the boundary method, and whether it is exercised now.
/// Price, delta, gamma of the put by the boundary method (delta and gamma with `spot_greeks`),
/// and whether it is exercised now.
fn put_value_on(
    p: &AsPut,
    vol: f64,
    expiry: f64,
    scheme: &Scheme<'_>,
    spot_greeks: bool,
) -> (f64, f64, f64, bool) {
    let b = PutBoundary::solve(p.strike, p.rate, p.dividend, vol, expiry, scheme);
    if p.spot <= b.at(expiry) {
        return (p.strike - p.spot, -1.0, 0.0, true);
    }
    let european = greeks::greeks(&Inputs {
        kind: OptionKind::Put,
        spot: p.spot,
        strike: p.strike,
        expiry,
        rate: p.rate,
        dividend: p.dividend,
        vol,
    });
    let tol = scheme.price_tol;
    let floor = |x: f64| (tol * x.abs()).max(f64::MIN_POSITIVE);
    let intrinsic = p.strike - p.spot;
    // The price always from the price's own integral, so `american` and `american_greeks` give
    // the same number (the three-integrand quadrature refines differently).
    let premium = b.premium(p.spot, tol, floor(european.price));
    let price = (european.price + premium.max(0.0)).max(intrinsic);
    if !spot_greeks {
        return (price, 0.0, 0.0, false);
    }
    let [_, d_premium, g_premium] = b.premium_and_spot_derivatives(
        p.spot,
        tol,
        [
            floor(european.price),
            floor(european.delta),
            floor(european.gamma),
        ],
    );
    (
        price,
        european.delta + d_premium,
        european.gamma + g_premium,
        false,
    )
}

/// The put at `vol = 0`: the spot moves deterministically, so the holder exercises at the best
/// time `t` in `[0, T]` for `K e^{-r t} - S e^{-q t}`, the start, the end or where its
/// derivative vanishes, `t* = ln(q S/(r K))/(q - r)`.
fn deterministic_put(s: f64, k: f64, r: f64, q: f64, t_max: f64) -> (f64, f64, f64, bool) {
    let at = |t: f64| k * (-r * t).exp() - s * (-q * t).exp();
    let mut best = (at(0.0), 0.0);
    let mut consider = |t: f64| {
        let v = at(t);
        if v > best.0 {
            best = (v, t);
        }
    };
    consider(t_max);
    if r != q && q * s > 0.0 && r * k > 0.0 {
        let t_star = (q * s / (r * k)).ln() / (q - r);
        if t_star > 0.0 && t_star < t_max {
            consider(t_star);
        }
    }
    let (v, t) = best;
    if v <= 0.0 {
        (0.0, 0.0, 0.0, false)
    } else {
        (v, -(-q * t).exp(), 0.0, t == 0.0)
    }
}

/// The price on a scheme of the caller's choosing: for convergence studies, not the API.
#[doc(hidden)]
pub fn price_on_scheme(
    i: &Inputs,
    nodes: usize,
    max_steps: usize,
    step_tol: f64,
    tanh_sinh_step: f64,
    price_tol: f64,
) -> f64 {
    let rule = AngleRule::tanh_sinh(&TanhSinh::new(tanh_sinh_step));
    let p = as_put(i).unwrap();
    let scheme = Scheme {
        nodes,
        max_steps,
        step_tol,
        rule: &rule,
        coarse_rule: None,
        price_tol,
    };
    let (v, ..) = put_value_on(&p, i.vol, i.expiry, &scheme, false);
    match i.kind {
        OptionKind::Put => v,
        OptionKind::Call => p.scale * v,
    }
}

/// The price and Greeks.
///
/// Price, delta and gamma come from the boundary (which does not depend on the spot, so they are
/// exact derivatives); theta from the Black-Scholes equation, which the price satisfies where
/// the option is held (`theta = r V - (r - q) S delta - sigma^2 S^2 gamma/2`; 0 where it is
/// exercised); vega, rho and epsilon by central differences of the price with the boundary
/// solved again, in steps of `tol^(1/3)` (the discretisation is a smooth function of the
/// parameters, so the differences are accurate to a few parts in 1e8 at `accurate`).
///
/// # Errors
/// As [`price`].
pub fn greeks(i: &Inputs, accuracy: Accuracy) -> Result<AmericanGreeks, PricingError> {
    let (price, delta, gamma, now) = value(i, accuracy, true)?;
    let theta = if now {
        0.0
    } else {
        i.rate * price
            - (i.rate - i.dividend) * i.spot * delta
            - 0.5 * i.vol * i.vol * i.spot * i.spot * gamma
    };
    let step = accuracy.scheme().price_tol.cbrt();
    let at = |vol: f64, rate: f64, dividend: f64| {
        value(
            &Inputs {
                vol,
                rate,
                dividend,
                ..*i
            },
            accuracy,
            false,
        )
        .map(|v| v.0)
    };
    let central = |f: &dyn Fn(f64) -> Result<f64, PricingError>, h: f64| {
        Ok::<f64, PricingError>((f(h)? - f(-h)?) / (2.0 * h))
    };
    let h_vol = step * i.vol.max(0.05);
    let vega = if i.vol > h_vol {
        central(&|h| at(i.vol + h, i.rate, i.dividend), h_vol)?
    } else {
        // One-sided, second order: (-3 V(vol) + 4 V(vol + h) - V(vol + 2h))/(2h).
        let (v1, v2) = (
            at(i.vol + h_vol, i.rate, i.dividend)?,
            at(i.vol + 2.0 * h_vol, i.rate, i.dividend)?,
        );
        (-3.0 * price + 4.0 * v1 - v2) / (2.0 * h_vol)
    };
    let rho = central(&|h| at(i.vol, i.rate + h, i.dividend), step)?;
    let epsilon = central(&|h| at(i.vol, i.rate, i.dividend + h), step)?;
    Ok(AmericanGreeks {
        price,
        delta,
        gamma,
        theta,
        vega,
        rho,
        epsilon,
    })
}

/// Points of [`boundary`]: enough for a chart.
pub const BOUNDARY_POINTS: usize = 101;

/// The exercise boundary: calendar times `t` from today to expiry (ascending) and the critical
/// spot at each: a put is exercised when the spot is at or below it, a call at or above.
/// Where early exercise never pays it is 0 for a put and +inf for a call; at the expiry itself it
/// is the limit `t -> T` (`K min(1, r/q)` for a put).
///
/// # Errors
/// As [`price`]; `vol` must be > 0 and `expiry` > 0.
pub fn boundary(i: &Inputs, accuracy: Accuracy) -> Result<(Vec<f64>, Vec<f64>), PricingError> {
    if i.expiry == 0.0 {
        return Err(PricingError::NotPositive {
            param: "expiry",
            value: i.expiry,
        });
    }
    if i.vol == 0.0 {
        return Err(PricingError::NotPositive {
            param: "vol",
            value: i.vol,
        });
    }
    let p = as_put(i)?;
    let n = BOUNDARY_POINTS - 1;
    // Points evenly spaced in sqrt(time to expiry), where the boundary varies evenly.
    let taus: Vec<f64> = (0..=n)
        .map(|j| i.expiry * (1.0 - j as f64 / n as f64).powi(2))
        .collect();
    let times = taus.iter().map(|tau| i.expiry - tau).collect();
    let put_boundary: Vec<f64> = match put_regime(p.rate, p.dividend) {
        Regime::DoubleBoundary => return Err(PricingError::DoubleExerciseBoundary),
        Regime::European => vec![0.0; n + 1],
        Regime::SingleBoundary => {
            let b = PutBoundary::solve(
                p.strike,
                p.rate,
                p.dividend,
                i.vol,
                i.expiry,
                &accuracy.scheme(),
            );
            taus.iter().map(|&tau| b.at(tau)).collect()
        }
    };
    let values = match i.kind {
        OptionKind::Put => put_boundary,
        // The call's boundary of strike K is K^2 over the put's (module docs).
        OptionKind::Call => put_boundary
            .iter()
            .map(|b| {
                if *b == 0.0 {
                    f64::INFINITY
                } else {
                    i.strike * (i.strike / b)
                }
            })
            .collect(),
    };
    Ok((times, values))
}

/// The implied-vol search stops at this relative width of its bracket.
const VOL_WIDTH: f64 = 1e-15;
/// Most price evaluations the implied-vol search makes.
const MAX_VOL_ITERATIONS: usize = 100;

/// The Black-Scholes-Merton volatility at which the American price is `price`.
///
/// The American price increases with vol from its value at `vol = 0` (the lower bound; at it,
/// 0 is returned) towards the spot (call) or strike (put), the upper bound; prices outside are
/// errors. Where early exercise never pays, this is the European [`implied_vol::implied_vol`]
/// with its bounds. The search brackets the root (the European implied vol of the same price is
/// an upper end, as an American option is worth at least its European twin) and closes it by
/// the Illinois method to a relative width of 1e-15 or an exact price.
///
/// # Errors
/// The argument rules of the European `implied_vol`; prices outside the bounds; the
/// double-boundary case.
#[allow(clippy::too_many_arguments)]
pub fn implied_vol(
    kind: OptionKind,
    price: f64,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    accuracy: Accuracy,
) -> Result<f64, PricingError> {
    let price = crate::errors::finite("price", price)?;
    let i = Inputs::new(kind, spot, strike, expiry, rate, dividend, 0.0)?;
    let p = as_put(&i)?;
    match put_regime(p.rate, p.dividend) {
        Regime::DoubleBoundary => return Err(PricingError::DoubleExerciseBoundary),
        Regime::European => {
            return implied_vol::implied_vol(kind, price, spot, strike, expiry, rate, dividend)
        }
        Regime::SingleBoundary => {}
    }
    let lower = value(&i, accuracy, false)?.0;
    if expiry == 0.0 && price != lower {
        return Err(PricingError::PriceNotIntrinsicAtExpiry {
            price,
            intrinsic: lower,
        });
    }
    if price < lower {
        return Err(PricingError::AmericanPriceBelowLowerBound {
            price,
            bound: lower,
        });
    }
    let upper = match kind {
        OptionKind::Call => spot,
        OptionKind::Put => strike,
    };
    if price >= upper {
        return Err(PricingError::AmericanPriceAtOrAboveUpperBound {
            price,
            bound: upper,
        });
    }
    if price == lower {
        return Ok(0.0);
    }
    let f = |vol: f64| value(&Inputs { vol, ..i }, accuracy, false).map(|v| v.0 - price);
    // Bracket: [0, hi] with f(hi) > 0, hi from the European implied vol where it exists.
    let (mut a, mut fa) = (0.0, lower - price);
    let mut b = implied_vol::implied_vol(kind, price, spot, strike, expiry, rate, dividend)
        .ok()
        .filter(|v| *v > 0.0)
        .unwrap_or(1.0);
    let mut fb = f(b)?;
    let mut doublings = 0;
    while fb < 0.0 {
        (a, fa) = (b, fb);
        b *= 2.0;
        fb = f(b)?;
        doublings += 1;
        if doublings > 60 {
            return Err(PricingError::AmericanPriceAtOrAboveUpperBound {
                price,
                bound: upper,
            });
        }
    }
    if fb == 0.0 {
        return Ok(b);
    }
    illinois(f, (a, fa), (b, fb), VOL_WIDTH, MAX_VOL_ITERATIONS)
}
