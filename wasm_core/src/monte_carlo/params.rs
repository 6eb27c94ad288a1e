//! The validated parameters of a Monte Carlo run (docs/api.md, "Monte Carlo").
//!
//! [`McParams::new`] is the only way to build an [`McParams`]; it checks every rule once, so
//! the simulation code can assume valid input and never panics.

use super::payoff::{self, Payoff, PayoffName, MAX_EXERCISE_DATES};
use crate::errors::{finite, non_negative, positive, PricingError};
use crate::inputs::OptionKind;

/// Largest `paths`: 1e8 (about a minute of GBM on one core; beyond that use more workers).
pub const MAX_PATHS: u64 = 100_000_000;
/// Largest `steps`: 1e5 (time steps of 5 minutes over a year).
pub const MAX_STEPS: u64 = 100_000;
/// Largest `paths * steps`: 1e10 path-steps (minutes of single-threaded Heston work), so that
/// a typo cannot hang a browser tab for hours.
pub const MAX_PATH_STEPS: u64 = 10_000_000_000;
/// Seeds are integers in [0, 2^53): every one is exact as a JavaScript number.
pub const MAX_SEED_EXCLUSIVE: u64 = 1 << 53;

/// Default `paths` for every model.
pub const DEFAULT_PATHS: u64 = 100_000;
/// Default `steps` for GBM with a European or barrier payoff: its log-normal step is exact, one
/// step prices a European option, and the Brownian bridge prices the continuously monitored
/// barrier exactly on any grid.
pub const DEFAULT_STEPS_GBM: u64 = 1;
/// Default `steps` for Heston and rough Heston (bias measured in the tests; see `rough_heston.rs`),
/// and for Asian and American payoffs in every model (fixings or exercise dates).
pub const DEFAULT_STEPS_STOCHASTIC_VOL: u64 = 100;

/// Heston-type variance parameters: `dV = kappa (theta - V) dt + xi sqrt(V) dB`,
/// `d<B, W>_t = rho dt` with `W` the spot's Brownian motion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HestonParams {
    /// Initial variance (0.04 = 20% vol).
    pub v0: f64,
    /// Mean-reversion speed, per year.
    pub kappa: f64,
    /// Long-run variance.
    pub theta: f64,
    /// Volatility of variance.
    pub xi: f64,
    /// Correlation of spot and variance shocks.
    pub rho: f64,
}

/// The model of the spot under the pricing measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// Black-Scholes-Merton geometric Brownian motion with volatility `vol`.
    Gbm { vol: f64 },
    /// Heston's stochastic volatility model.
    Heston(HestonParams),
    /// Rough Heston (El Euch & Rosenbaum): the variance is the Volterra equation
    /// `V_t = v0 + 1/G(a) int (t-s)^(a-1) [kappa (theta - V_s) ds + xi sqrt(V_s) dB_s]`,
    /// `a = hurst + 1/2`, `hurst` in (0, 0.5]; `hurst = 0.5` is Heston.
    RoughHeston { heston: HestonParams, hurst: f64 },
}

impl Model {
    /// The API's spelling: `"gbm"`, `"heston"`, `"rough_heston"`.
    pub fn name(&self) -> &'static str {
        match self {
            Model::Gbm { .. } => "gbm",
            Model::Heston(_) => "heston",
            Model::RoughHeston { .. } => "rough_heston",
        }
    }

    fn validate(self) -> Result<Self, PricingError> {
        match self {
            Model::Gbm { vol } => Ok(Model::Gbm {
                vol: non_negative("vol", vol)?,
            }),
            Model::Heston(h) => Ok(Model::Heston(h.validate()?)),
            Model::RoughHeston { heston, hurst } => {
                let heston = heston.validate()?;
                let hurst = finite("hurst", hurst)?;
                if !(hurst > 0.0 && hurst <= 0.5) {
                    return Err(PricingError::OutOfRange {
                        param: "hurst",
                        value: hurst,
                        rule: "must be in (0, 0.5]",
                    });
                }
                Ok(Model::RoughHeston { heston, hurst })
            }
        }
    }
}

impl HestonParams {
    /// The parameters checked: v0, kappa, theta, xi >= 0 and rho in [-1, 1], in that order.
    ///
    /// # Errors
    /// The first broken rule.
    pub fn validate(self) -> Result<Self, PricingError> {
        let v0 = non_negative("v0", self.v0)?;
        let kappa = non_negative("kappa", self.kappa)?;
        let theta = non_negative("theta", self.theta)?;
        let xi = non_negative("xi", self.xi)?;
        let rho = finite("rho", self.rho)?;
        if !(-1.0..=1.0).contains(&rho) {
            return Err(PricingError::OutOfRange {
                param: "rho",
                value: rho,
                rule: "must be in [-1, 1]",
            });
        }
        Ok(HestonParams {
            v0,
            kappa,
            theta,
            xi,
            rho,
        })
    }
}

/// The optional fields, as the JavaScript/Python boundary receives them: numbers (`f64`) that
/// must be integers, `None` for "use the default". `Default` is "all defaults".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McOptions {
    /// Number of simulated paths (default 100000). With antithetic sampling an odd count is
    /// rounded up to the next even one (paths come in pairs); the result reports the count used.
    pub paths: Option<f64>,
    /// Time steps (default 1 for GBM, 100 otherwise).
    pub steps: Option<f64>,
    /// Seed of the random streams (default 0).
    pub seed: Option<f64>,
    /// Antithetic pairs `(Z, -Z)` (default true).
    pub antithetic: bool,
    /// Also estimate delta, gamma and vega by bump-and-reprice (default false).
    pub greeks: bool,
    /// The payoff (default European) and its fields: `barrier` for the barrier payoffs,
    /// `exercise_dates` for the Bermudan one (`payoff.rs`).
    pub payoff: PayoffName,
    pub barrier: Option<f64>,
    pub exercise_dates: Option<f64>,
}

impl Default for McOptions {
    fn default() -> Self {
        McOptions {
            paths: None,
            steps: None,
            seed: None,
            antithetic: true,
            greeks: false,
            payoff: PayoffName::European,
            barrier: None,
            exercise_dates: None,
        }
    }
}

/// A validated Monte Carlo pricing request. Build with [`McParams::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McParams {
    kind: OptionKind,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    model: Model,
    samples: u64,
    steps: u64,
    seed: u64,
    antithetic: bool,
    greeks: bool,
    payoff: Payoff,
}

/// `Ok(n)` when `x` is an integer in `[lo, hi]`, else an error naming `param`.
fn integer_in(
    param: &'static str,
    x: f64,
    lo: u64,
    hi: u64,
    rule: &'static str,
) -> Result<u64, PricingError> {
    let x = finite(param, x)?;
    if x.fract() != 0.0 || x < lo as f64 || x > hi as f64 {
        return Err(PricingError::OutOfRange {
            param,
            value: x,
            rule,
        });
    }
    Ok(x as u64)
}

impl McParams {
    /// Validates and builds, checking in the API's order: `spot`, `strike` (finite, > 0),
    /// `expiry` (finite, >= 0), `rate`, `dividend` (finite), the model's parameters
    /// (`vol >= 0`; `v0, kappa, theta, xi >= 0`, `rho` in [-1, 1]; `hurst` in (0, 0.5]), the
    /// payoff's fields (`barrier` finite and > 0 for a barrier payoff, `exercise_dates` an
    /// integer in [1, 512] for `bermudan`; each refused by the other payoffs), then `paths`
    /// (integer in [1, 1e8]), `steps` (integer in [1, 1e5]; `american`: at most 512;
    /// `bermudan`: a multiple of `exercise_dates`), `paths * steps <= 1e10`, `seed` (integer in
    /// [0, 2^53)), and last that `greeks` is not asked of an early-exercise payoff.
    ///
    /// # Errors
    /// The first rule broken, as a [`PricingError`] whose message names the parameter.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: OptionKind,
        spot: f64,
        strike: f64,
        expiry: f64,
        rate: f64,
        dividend: f64,
        model: Model,
        options: McOptions,
    ) -> Result<Self, PricingError> {
        let spot = positive("spot", spot)?;
        let strike = positive("strike", strike)?;
        let expiry = non_negative("expiry", expiry)?;
        let rate = finite("rate", rate)?;
        let dividend = finite("dividend", dividend)?;
        let model = model.validate()?;
        let mut payoff = payoff::validate(options.payoff, options.barrier, options.exercise_dates)?;
        let paths = match options.paths {
            None => DEFAULT_PATHS,
            Some(p) => integer_in("paths", p, 1, MAX_PATHS, "must be an integer in [1, 1e8]")?,
        };
        let gbm = matches!(model, Model::Gbm { .. });
        let steps = match options.steps {
            None => match payoff {
                Payoff::European | Payoff::Barrier { .. } if gbm => DEFAULT_STEPS_GBM,
                // The fewest multiple of the dates that is at least the usual 100 steps (GBM:
                // the dates themselves, its steps being exact).
                Payoff::Exercise {
                    dates,
                    at_start: false,
                } => {
                    if gbm {
                        dates
                    } else {
                        dates * DEFAULT_STEPS_STOCHASTIC_VOL.div_ceil(dates)
                    }
                }
                _ => DEFAULT_STEPS_STOCHASTIC_VOL,
            },
            Some(s) => integer_in("steps", s, 1, MAX_STEPS, "must be an integer in [1, 1e5]")?,
        };
        match &mut payoff {
            Payoff::Exercise {
                dates,
                at_start: true,
            } => {
                if steps > MAX_EXERCISE_DATES || steps % 2 != 0 {
                    return Err(PricingError::OutOfRange {
                        param: "steps",
                        value: steps as f64,
                        rule: "must be an even integer in [2, 512] for payoff \"american\" \
                               (it is extrapolated from exercise at every step and every other \
                               step)",
                    });
                }
                *dates = steps;
            }
            Payoff::Exercise { dates, .. } if steps % *dates != 0 => {
                return Err(PricingError::OutOfRange {
                    param: "steps",
                    value: steps as f64,
                    rule: "must be a multiple of exercise_dates for payoff \"bermudan\"",
                });
            }
            _ => {}
        }
        if paths.saturating_mul(steps) > MAX_PATH_STEPS {
            return Err(PricingError::OutOfRange {
                param: "paths",
                value: paths as f64,
                rule: "times steps must be <= 1e10 (use fewer paths or steps)",
            });
        }
        let seed = match options.seed {
            None => 0,
            Some(s) => integer_in(
                "seed",
                s,
                0,
                MAX_SEED_EXCLUSIVE - 1,
                "must be an integer in [0, 2^53)",
            )?,
        };
        if options.greeks && matches!(payoff, Payoff::Exercise { .. }) {
            return Err(PricingError::Invalid {
                param: "greeks".into(),
                rule: format!(
                    "is not available for payoff \"{}\" (an exercise rule does not survive \
                     bump-and-reprice; american_greeks has the Black-Scholes-Merton ones)",
                    payoff.name().as_str()
                ),
            });
        }
        let samples = if options.antithetic {
            paths.div_ceil(2)
        } else {
            paths
        };
        Ok(McParams {
            kind,
            spot,
            strike,
            expiry,
            rate,
            dividend,
            model,
            samples,
            steps,
            seed,
            antithetic: options.antithetic,
            greeks: options.greeks,
            payoff,
        })
    }

    pub fn kind(&self) -> OptionKind {
        self.kind
    }
    pub fn spot(&self) -> f64 {
        self.spot
    }
    pub fn strike(&self) -> f64 {
        self.strike
    }
    pub fn expiry(&self) -> f64 {
        self.expiry
    }
    pub fn rate(&self) -> f64 {
        self.rate
    }
    pub fn dividend(&self) -> f64 {
        self.dividend
    }
    pub fn model(&self) -> Model {
        self.model
    }
    /// Paths simulated: `samples` pairs with antithetic sampling (`2 * samples`), else `samples`.
    pub fn paths(&self) -> u64 {
        if self.antithetic {
            2 * self.samples
        } else {
            self.samples
        }
    }
    /// Independent samples: antithetic pairs, or single paths without antithetic sampling.
    pub fn samples(&self) -> u64 {
        self.samples
    }
    pub fn steps(&self) -> u64 {
        self.steps
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn antithetic(&self) -> bool {
        self.antithetic
    }
    pub fn greeks(&self) -> bool {
        self.greeks
    }
    pub fn payoff(&self) -> Payoff {
        self.payoff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbm(options: McOptions) -> Result<McParams, PricingError> {
        McParams::new(
            OptionKind::Call,
            100.0,
            100.0,
            1.0,
            0.0,
            0.0,
            Model::Gbm { vol: 0.2 },
            options,
        )
    }

    fn heston(h: HestonParams) -> Result<McParams, PricingError> {
        McParams::new(
            OptionKind::Put,
            100.0,
            90.0,
            1.0,
            0.0,
            0.0,
            Model::Heston(h),
            McOptions::default(),
        )
    }

    const H: HestonParams = HestonParams {
        v0: 0.04,
        kappa: 1.0,
        theta: 0.04,
        xi: 0.5,
        rho: -0.7,
    };

    fn first_word(e: PricingError) -> String {
        e.to_string().split(' ').next().unwrap_or("").to_string()
    }

    #[test]
    fn defaults() {
        let p = gbm(McOptions::default()).unwrap();
        assert_eq!(
            (p.paths(), p.samples(), p.steps(), p.seed()),
            (100_000, 50_000, 1, 0)
        );
        assert!(p.antithetic() && !p.greeks());
        assert_eq!(heston(H).unwrap().steps(), 100);
        let odd = gbm(McOptions {
            paths: Some(7.0),
            ..McOptions::default()
        })
        .unwrap();
        assert_eq!((odd.paths(), odd.samples()), (8, 4));
        let plain = gbm(McOptions {
            paths: Some(7.0),
            antithetic: false,
            ..McOptions::default()
        })
        .unwrap();
        assert_eq!((plain.paths(), plain.samples()), (7, 7));
    }

    #[test]
    fn bad_options_name_the_parameter() {
        let o = McOptions::default();
        for (opts, param) in [
            (
                McOptions {
                    paths: Some(0.0),
                    ..o
                },
                "paths",
            ),
            (
                McOptions {
                    paths: Some(1.5),
                    ..o
                },
                "paths",
            ),
            (
                McOptions {
                    paths: Some(2e8),
                    ..o
                },
                "paths",
            ),
            (
                McOptions {
                    paths: Some(f64::NAN),
                    ..o
                },
                "paths",
            ),
            (
                McOptions {
                    steps: Some(0.0),
                    ..o
                },
                "steps",
            ),
            (
                McOptions {
                    steps: Some(1e6),
                    ..o
                },
                "steps",
            ),
            (
                McOptions {
                    paths: Some(1e8),
                    steps: Some(1e3),
                    ..o
                },
                "paths",
            ),
            (
                McOptions {
                    seed: Some(-1.0),
                    ..o
                },
                "seed",
            ),
            (
                McOptions {
                    seed: Some(9_007_199_254_740_992.0),
                    ..o
                },
                "seed",
            ),
            (
                McOptions {
                    seed: Some(0.5),
                    ..o
                },
                "seed",
            ),
        ] {
            assert_eq!(first_word(gbm(opts).unwrap_err()), param, "{opts:?}");
        }
        assert!(gbm(McOptions {
            seed: Some(9_007_199_254_740_991.0),
            ..o
        })
        .is_ok());
        assert!(gbm(McOptions {
            paths: Some(1.0),
            steps: Some(1e5),
            ..o
        })
        .is_ok());
    }

    #[test]
    fn bad_model_parameters_name_the_parameter() {
        for (h, param) in [
            (HestonParams { v0: -0.1, ..H }, "v0"),
            (
                HestonParams {
                    kappa: f64::NAN,
                    ..H
                },
                "kappa",
            ),
            (HestonParams { theta: -1.0, ..H }, "theta"),
            (
                HestonParams {
                    xi: f64::INFINITY,
                    ..H
                },
                "xi",
            ),
            (HestonParams { rho: 1.5, ..H }, "rho"),
            (HestonParams { rho: f64::NAN, ..H }, "rho"),
        ] {
            assert_eq!(first_word(heston(h).unwrap_err()), param);
        }
        let rough = |hurst| {
            McParams::new(
                OptionKind::Call,
                1.0,
                1.0,
                1.0,
                0.0,
                0.0,
                Model::RoughHeston { heston: H, hurst },
                McOptions::default(),
            )
        };
        for hurst in [0.0, 0.51, -0.1, f64::NAN] {
            assert_eq!(first_word(rough(hurst).unwrap_err()), "hurst");
        }
        assert!(rough(0.5).is_ok() && rough(1e-3).is_ok());
        let bad_vol = McParams::new(
            OptionKind::Call,
            1.0,
            1.0,
            1.0,
            0.0,
            0.0,
            Model::Gbm { vol: -0.2 },
            McOptions::default(),
        );
        assert_eq!(
            bad_vol.unwrap_err().to_string(),
            "vol must be >= 0 (got -0.2)"
        );
    }

    #[test]
    fn market_inputs_follow_the_inputs_rules() {
        let m = Model::Gbm { vol: 0.2 };
        let o = McOptions::default();
        let e = |s, k, t, r, q| McParams::new(OptionKind::Call, s, k, t, r, q, m, o).unwrap_err();
        assert_eq!(first_word(e(0.0, 1.0, 1.0, 0.0, 0.0)), "spot");
        assert_eq!(first_word(e(1.0, -1.0, 1.0, 0.0, 0.0)), "strike");
        assert_eq!(first_word(e(1.0, 1.0, -1.0, 0.0, 0.0)), "expiry");
        assert_eq!(first_word(e(1.0, 1.0, 1.0, f64::NAN, 0.0)), "rate");
        assert_eq!(first_word(e(1.0, 1.0, 1.0, 0.0, f64::INFINITY)), "dividend");
    }
}
