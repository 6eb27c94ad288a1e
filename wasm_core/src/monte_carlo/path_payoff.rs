//! Path-dependent payoffs: a [`Recorder`] that follows every lane of a batch step by step and
//! turns its path into the recorded quantities of `stats.rs` (payoff, control variate, Greek
//! estimators), for the Asian, barrier and early-exercise payoffs of `payoff.rs`.
//!
//! # Barrier crossing between steps
//! Given the log-spot at the ends of a step, `a = |ln(B/S_0) - x_k|` and `b = |ln(B/S_0) -
//! x_(k+1)|` on the safe side, a Brownian bridge with the step's variance `s^2` crosses the
//! barrier with probability `exp(-2 a b / s^2)` (P. Glasserman, "Monte Carlo Methods in
//! Financial Engineering", 2003, section 6.4, eq. 6.50). The knock-out payoff is the European
//! payoff times the product of the steps' survival probabilities, the knock-in one times its
//! complement (in + out = European, path by path): the conditional expectation given the grid,
//! which under GBM is exactly the continuously monitored price whatever the steps. The step's
//! variance is `vol^2 dt` (GBM), the trapezoid `(V_k + V_(k+1)) dt / 2` (Heston's QE scheme
//! integrates the variance so), or the step's own integrated variance (rough Heston).
//!
//! # Control variates (their means are exact, so each keeps the estimator unbiased)
//! * arithmetic Asian under GBM: the geometric Asian payoff on the same path, whose price is in
//!   closed form (`payoff::geometric_asian_price`; Kemna & Vorst 1990, the classic control);
//! * other Asians: the discounted average spot, mean `e^{-rT} S (1/n) sum_k e^{(r-q) t_k}`;
//! * barriers under GBM: the European payoff (Black-Scholes-Merton mean);
//! * early exercise under GBM: the European option's discounted price `e^{-r tau} BS(S_tau,
//!   T - tau)` at the exercise time `tau` (the payoff itself when held to expiry), a martingale
//!   stopped at a bounded time, so its mean is the Black-Scholes-Merton price at `t = 0`; it
//!   follows the American's cash flow far more closely than the terminal payoff (N. S.
//!   Rasmussen, "Control variates for Monte Carlo valuation of American options", Journal of
//!   Computational Finance 9(1), 2005, section 3);
//! * early exercise under Heston and rough Heston: `e^{-(r-q) tau} S_tau` at the exercise time
//!   `tau` (expiry when held), a martingale stopped at a bounded time: its mean is `S`;
//! * otherwise the European engine's control, the discounted terminal spot.

use super::engine::{Plan, SPOT_BUMP_REL};
use super::lanes::Recorder;
use super::lsm::{self, ExerciseRule, Policy};
use super::params::{McParams, Model};
use super::payoff::{self, Average, BarrierStyle, Payoff};
use super::stats::{C, D, G, QUANTITIES, V, Y};
use crate::fastmath;

/// The spot factors of a barrier lane: base, and the delta/gamma bumps `1 +- h`.
const FACTORS: [f64; 3] = [1.0, 1.0 + SPOT_BUMP_REL, 1.0 - SPOT_BUMP_REL];

/// What a lane carries along its path.
#[derive(Debug, Clone, Copy, Default)]
struct LaneState {
    /// Asian: the sum of `S_t/S_0` (arithmetic) and of `ln(S_t/S_0)` over the fixings so far.
    sum: f64,
    sum_log: f64,
    count: u32,
    /// Barrier: the previous step's log-return and variance, and the survival probabilities per
    /// spot factor.
    prev_x: f64,
    prev_v: f64,
    survival: [f64; 3],
    /// Early exercise, once exercised by the policy's rule (fine, then coarse): the discounted
    /// cash flow and the control's stopped martingale (money units).
    cash: [Option<(f64, f64)>; 2],
}

/// How the control variate is formed, and its exact mean (in the run's money units).
#[derive(Debug, Clone, Copy)]
enum Control {
    TerminalSpot,
    AverageSpot {
        mean: f64,
    },
    Geometric {
        mean: f64,
    },
    European {
        mean: f64,
    },
    /// The European price at the exercise time `tau`, discounted (the payoff when held).
    StoppedEuropean {
        mean: f64,
    },
    /// `e^{-(r-q) tau} S_tau` at the exercise time `tau` (expiry when held): a martingale
    /// stopped at a bounded time, so its mean is `S` (optional stopping).
    StoppedSpot,
}

/// The recorder of one run's path payoff (built once per run; [`PathTracker::reset`] per batch).
pub(crate) struct PathTracker {
    payoff: Payoff,
    lanes: usize,
    signs: usize,
    states: Vec<LaneState>,
    /// `ln(B / (f S_0))` per spot factor `f` (barrier payoffs).
    log_barrier: [f64; 3],
    /// Spot factors followed per lane of the base variant (3 with Greeks, else 1).
    factors: usize,
    dt: f64,
    trapezoid: bool,
    /// The first variance of each variant (Heston's trapezoid needs `V_0`).
    start_variance: Vec<f64>,
    control: Control,
    /// `e^{-rT}`, and `e^{qT}` (turns `e^{-rT} S_T` into `e^{-(r-q)T} S_T`).
    discount: f64,
    discount_carry_ratio: f64,
    policy: Option<Policy>,
}

impl PathTracker {
    /// `policy`: the early-exercise policy if already fitted on `p` (else it is fitted here).
    pub fn new(p: &McParams, plan: &Plan, policy: Option<&Policy>) -> Self {
        let lanes = plan.lanes.count();
        let signs = plan.lanes.signs;
        let scale = super::engine::money_scale(p.spot());
        let (s, k, t, r, q) = (p.spot(), p.strike(), p.expiry(), p.rate(), p.dividend());
        let n = p.steps();
        let gbm_vol = match p.model() {
            Model::Gbm { vol } => Some(vol),
            _ => None,
        };
        let discount = fastmath::exp(-r * t);
        let european = || {
            gbm_vol
                .and_then(|vol| payoff::black_scholes_price(p.kind(), s, k, t, r, q, vol))
                .map_or(Control::TerminalSpot, |m| Control::European {
                    mean: m / scale,
                })
        };
        let average_spot = || {
            let dt = t / n as f64;
            let growth: f64 = (1..=n)
                .map(|i| fastmath::exp((r - q) * dt * i as f64))
                .sum();
            Control::AverageSpot {
                mean: discount * (s / scale) * growth / n as f64,
            }
        };
        let control = match p.payoff() {
            Payoff::European => Control::TerminalSpot,
            Payoff::Asian(Average::Arithmetic) => gbm_vol
                .and_then(|vol| payoff::geometric_asian_price(p.kind(), s, k, t, r, q, vol, n))
                .map_or_else(average_spot, |m| Control::Geometric { mean: m / scale }),
            Payoff::Asian(Average::Geometric) => average_spot(),
            Payoff::Barrier { .. } => european(),
            Payoff::Exercise { .. } if gbm_vol.is_some() => match european() {
                Control::European { mean } => Control::StoppedEuropean { mean },
                other => other,
            },
            Payoff::Exercise { .. } => Control::StoppedSpot,
        };
        let log_barrier = match p.payoff() {
            Payoff::Barrier { level, .. } => FACTORS.map(|f| fastmath::ln(level / (f * s))),
            _ => [0.0; 3],
        };
        let policy = matches!(p.payoff(), Payoff::Exercise { .. })
            .then(|| policy.cloned().unwrap_or_else(|| lsm::train(p)));
        PathTracker {
            payoff: p.payoff(),
            lanes,
            signs,
            states: vec![LaneState::default(); super::engine::BATCH * lanes],
            log_barrier,
            factors: if p.greeks() { 3 } else { 1 },
            dt: t / n as f64,
            trapezoid: matches!(p.model(), Model::Heston(_)),
            start_variance: plan.start_variance.clone(),
            control,
            discount,
            discount_carry_ratio: fastmath::exp(q * t),
            policy,
        }
    }

    /// Whether the log-return `x` is on the safe side of barrier `f`.
    #[inline]
    fn safe(&self, style: BarrierStyle, f: usize, x: f64) -> bool {
        if style.is_up() {
            x < self.log_barrier[f]
        } else {
            x > self.log_barrier[f]
        }
    }

    /// Every lane back at `t = 0`, before a batch.
    pub fn reset(&mut self) {
        // Exercised at t = 0, the stopped martingale is its own value at 0: the control's mean.
        let start_martingale = |r: &ExerciseRule| match self.control {
            Control::StoppedEuropean { mean } => mean,
            _ => r.spot(),
        };
        let start_cash = self.policy.as_ref().and_then(|p| {
            p.fine
                .at_start
                .then(|| (p.fine.intrinsic(0.0), start_martingale(&p.fine)))
        });
        for (i, st) in self.states.iter_mut().enumerate() {
            let variant = (i % self.lanes) / self.signs;
            *st = LaneState {
                prev_v: self.start_variance[variant],
                cash: [start_cash; 2],
                ..LaneState::default()
            };
        }
        if let Payoff::Barrier { style, .. } = self.payoff {
            let alive: [f64; 3] =
                std::array::from_fn(|f| f64::from(u8::from(self.safe(style, f, 0.0))));
            for st in &mut self.states {
                st.survival = alive;
            }
        }
    }

    /// The recorded quantities of sample `i` of the batch from its lanes' terminal log-returns.
    pub fn sample_values(&self, plan: &Plan, i: usize, x: &[f64]) -> [f64; QUANTITIES] {
        let signs = self.signs;
        let w = 1.0 / signs as f64;
        let st = &self.states[i * self.lanes..(i + 1) * self.lanes];
        let mut out = [0.0; QUANTITIES];
        let mut bumped = [0.0; 3];
        for s in 0..signs {
            let d = plan.discounted_spot(x[s]);
            for (f, b) in bumped.iter_mut().enumerate().take(self.factors) {
                *b += w * self.value(plan, &st[s], d, f);
            }
            out[C] += w * self.control(plan, &st[s], d);
        }
        out[Y] = bumped[0];
        if let Some(bump) = plan.vega_denominator() {
            let h = SPOT_BUMP_REL;
            let spot = plan.spot_rel();
            out[D] = (bumped[1] - bumped[2]) / (2.0 * h * spot);
            out[G] = (bumped[1] - 2.0 * bumped[0] + bumped[2]) / (h * h * spot * spot);
            let (mut vu, mut vd) = (0.0, 0.0);
            for s in 0..signs {
                let (up, down) = (signs + s, 2 * signs + s);
                vu += w * self.value(plan, &st[up], plan.discounted_spot(x[up]), 0);
                vd += w * self.value(plan, &st[down], plan.discounted_spot(x[down]), 0);
            }
            out[V] = (vu - vd) / bump;
        }
        out
    }

    /// The discounted payoff of a lane at spot factor `FACTORS[f]`; `d` = its discounted terminal
    /// spot in money units.
    fn value(&self, plan: &Plan, st: &LaneState, d: f64, f: usize) -> f64 {
        let factor = FACTORS[f];
        match self.payoff {
            Payoff::European => plan.payoff(d, factor),
            Payoff::Asian(average) => {
                plan.payoff(self.discounted_average(plan, st, average), factor)
            }
            Payoff::Barrier { style, .. } => {
                let vanilla = plan.payoff(d, factor);
                let survival = st.survival[f];
                vanilla
                    * if style.is_in() {
                        1.0 - survival
                    } else {
                        survival
                    }
            }
            Payoff::Exercise { .. } => {
                self.extrapolate(st, |c| c.map_or_else(|| plan.payoff(d, 1.0), |c| c.0))
            }
        }
    }

    /// `e^{-rT}` times the lane's average spot in money units (with no fixing yet, at expiry 0,
    /// the spot itself).
    fn discounted_average(&self, plan: &Plan, st: &LaneState, average: Average) -> f64 {
        if st.count == 0 {
            return self.discount * plan.spot_rel();
        }
        let n = f64::from(st.count);
        let mean = match average {
            Average::Arithmetic => st.sum / n,
            Average::Geometric => fastmath::exp(st.sum_log / n),
        };
        self.discount * plan.spot_rel() * mean
    }

    /// An early-exercise quantity `f` of the lane's cash flows: the fine rule's, or for an
    /// American the Richardson extrapolation `2 f(fine) - f(coarse)` (module docs of `lsm.rs`).
    #[inline]
    fn extrapolate(&self, st: &LaneState, f: impl Fn(Option<(f64, f64)>) -> f64) -> f64 {
        match self.policy.as_ref().map(|p| p.coarse.is_some()) {
            Some(true) => 2.0 * f(st.cash[0]) - f(st.cash[1]),
            _ => f(st.cash[0]),
        }
    }

    fn control(&self, plan: &Plan, st: &LaneState, d: f64) -> f64 {
        match self.control {
            Control::TerminalSpot => d - plan.control_mean(),
            Control::AverageSpot { mean } => {
                self.discounted_average(plan, st, Average::Arithmetic) - mean
            }
            Control::Geometric { mean } => {
                plan.payoff(self.discounted_average(plan, st, Average::Geometric), 1.0) - mean
            }
            Control::European { mean } => plan.payoff(d, 1.0) - mean,
            Control::StoppedEuropean { mean } => {
                self.extrapolate(st, |c| c.map_or_else(|| plan.payoff(d, 1.0), |c| c.1)) - mean
            }
            Control::StoppedSpot => {
                self.extrapolate(st, |c| c.map_or(d * self.discount_carry_ratio, |c| c.1))
                    - plan.spot_rel()
            }
        }
    }
}

impl Recorder for PathTracker {
    #[inline]
    fn record(&mut self, step: usize, sample: usize, lane: usize, x: f64, v: f64) {
        let idx = sample * self.lanes + lane;
        match self.payoff {
            Payoff::European => {}
            Payoff::Asian(_) => {
                let st = &mut self.states[idx];
                st.sum += fastmath::exp(x);
                st.sum_log += x;
                st.count += 1;
            }
            Payoff::Barrier { style, .. } => {
                let st = self.states[idx];
                let var = self.dt
                    * if self.trapezoid {
                        0.5 * (st.prev_v + v)
                    } else {
                        v
                    };
                let factors = if lane < self.signs { self.factors } else { 1 };
                let mut survival = st.survival;
                for (f, s) in survival.iter_mut().enumerate().take(factors) {
                    if *s == 0.0 {
                        continue;
                    }
                    if !self.safe(style, f, x) {
                        *s = 0.0;
                    } else if var > 0.0 {
                        let b = self.log_barrier[f];
                        let crossing = fastmath::exp(-2.0 * (b - st.prev_x) * (b - x) / var);
                        *s *= 1.0 - crossing;
                    }
                }
                let st = &mut self.states[idx];
                st.survival = survival;
                st.prev_x = x;
                st.prev_v = v;
            }
            Payoff::Exercise { .. } => {
                let Some(policy) = &self.policy else { return };
                let st = &mut self.states[idx];
                let rules = [Some(&policy.fine), policy.coarse.as_ref()];
                for (cash, rule) in st.cash.iter_mut().zip(rules) {
                    if let Some(rule) = rule {
                        if cash.is_none() && step.is_multiple_of(rule.stride) {
                            *cash = rule.exercise(step / rule.stride - 1, x, v);
                        }
                    }
                }
            }
        }
    }
}
