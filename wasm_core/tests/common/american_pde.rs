//! An independent reference for American options: the Black-Scholes-Merton PDE in log-spot,
//! solved by finite differences, with Richardson extrapolation.
//!
//! - Space: `x = ln S` on a uniform grid with the strike on a node, central second-order
//!   differences; Dirichlet ends at the larger of the exercise value and the European limit
//!   (`K e^{-r tau} - S e^{-q tau}` for a put far in the money).
//! - Time: Crank-Nicolson after four implicit-Euler half steps (Rannacher, "Finite element
//!   solution of diffusion problems with irregular data", Numer. Math. 43, 1984), on steps that
//!   grow like `tau = T (k/M)^2`, fine where the boundary moves fastest.
//! - Early exercise: each step's linear complementarity problem solved exactly by the
//!   Brennan-Schwartz algorithm (Brennan & Schwartz, "The valuation of American put options",
//!   Journal of Finance 32(2), 1977): elimination from the continuation side, substitution from
//!   the exercise side with the payoff as a floor.
//! - Richardson: values on grids (N, M), (2N, 2M), (4N, 4M); the second-order extrapolations
//!   `(4 V_2h - V_h)/3` of the two finer pairs are returned with their difference as the error
//!   estimate.
//!
//! Nothing here shares code with the engine's boundary method.

/// `(value, error estimate)` of an American option (`call` true for a call) by the PDE,
/// `n` space steps and `m` time steps on the coarsest grid.
#[allow(clippy::too_many_arguments)]
pub fn american_pde(
    call: bool,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    vol: f64,
    n: usize,
    m: usize,
) -> (f64, f64) {
    let v: Vec<f64> = (0..3)
        .map(|level| {
            let f = 1 << level;
            solve(
                call,
                spot,
                strike,
                expiry,
                rate,
                dividend,
                vol,
                n * f,
                m * f,
            )
        })
        .collect();
    let r1 = (4.0 * v[1] - v[0]) / 3.0;
    let r2 = (4.0 * v[2] - v[1]) / 3.0;
    (r2, (r2 - r1).abs())
}

#[allow(clippy::too_many_arguments)]
fn solve(
    call: bool,
    spot: f64,
    strike: f64,
    expiry: f64,
    rate: f64,
    dividend: f64,
    vol: f64,
    n: usize,
    m: usize,
) -> f64 {
    let sd = vol * expiry.sqrt();
    let (ls, lk) = (spot.ln(), strike.ln());
    let lo = ls.min(lk) - 10.0 * sd - 0.1;
    let hi = ls.max(lk) + 10.0 * sd + 0.1;
    // The strike on a node: i_k nodes below it, n - i_k above.
    let dx = (hi - lo) / n as f64;
    let i_k = ((lk - lo) / dx).round() as i64;
    let x: Vec<f64> = (0..=n as i64).map(|i| lk + (i - i_k) as f64 * dx).collect();
    let s: Vec<f64> = x.iter().map(|x| x.exp()).collect();
    let payoff: Vec<f64> = s
        .iter()
        .map(|&s| {
            if call {
                (s - strike).max(0.0)
            } else {
                (strike - s).max(0.0)
            }
        })
        .collect();
    let mut v = payoff.clone();
    let (a2, a1) = (0.5 * vol * vol, rate - dividend - 0.5 * vol * vol);
    // L V_i = lo_c V_{i-1} + mid_c V_i + up_c V_{i+1}.
    let lo_c = a2 / (dx * dx) - a1 / (2.0 * dx);
    let mid_c = -2.0 * a2 / (dx * dx) - rate;
    let up_c = a2 / (dx * dx) + a1 / (2.0 * dx);
    let taus: Vec<f64> = (0..=m)
        .map(|k| expiry * (k as f64 / m as f64).powi(2))
        .collect();
    let mut steps: Vec<(f64, f64, f64)> = Vec::new(); // (tau_from, tau_to, theta)
    for k in 0..m {
        let (t0, t1) = (taus[k], taus[k + 1]);
        if k < 2 {
            let mid = 0.5 * (t0 + t1);
            steps.push((t0, mid, 1.0));
            steps.push((mid, t1, 1.0));
        } else {
            steps.push((t0, t1, 0.5));
        }
    }
    let np = n + 1;
    let (mut alpha, mut beta, mut d) = (vec![0.0; np], vec![0.0; np], vec![0.0; np]);
    for &(t0, t1, theta) in &steps {
        let dt = t1 - t0;
        let edge = |s: f64| {
            let ex = if call { s - strike } else { strike - s };
            let eu = if call {
                s * (-dividend * t1).exp() - strike * (-rate * t1).exp()
            } else {
                strike * (-rate * t1).exp() - s * (-dividend * t1).exp()
            };
            ex.max(eu).max(0.0)
        };
        let (left, right) = (edge(s[0]), edge(s[n]));
        let (a, b, c) = (
            -theta * dt * lo_c,
            1.0 - theta * dt * mid_c,
            -theta * dt * up_c,
        );
        let e = (1.0 - theta) * dt;
        for i in 1..n {
            d[i] = v[i] + e * (lo_c * v[i - 1] + mid_c * v[i] + up_c * v[i + 1]);
        }
        d[1] -= a * left;
        d[n - 1] -= c * right;
        if !call {
            // Eliminate from the top (continuation side): V_i = alpha_i - beta_i V_{i-1}.
            let mut next = (0.0, 0.0);
            for i in (1..n).rev() {
                let den = b - c * next.1;
                alpha[i] = (d[i] - c * next.0) / den;
                beta[i] = a / den;
                next = (alpha[i], beta[i]);
            }
            v[0] = left;
            for i in 1..n {
                // The left edge's term was moved into d[1]; beta[1] multiplies nothing.
                let below = if i == 1 { 0.0 } else { v[i - 1] };
                v[i] = (alpha[i] - beta[i] * below).max(payoff[i]);
            }
            v[n] = right;
        } else {
            // Mirror image: eliminate from the bottom, V_i = alpha_i - beta_i V_{i+1}.
            let mut prev = (0.0, 0.0);
            for i in 1..n {
                let den = b - a * prev.1;
                alpha[i] = (d[i] - a * prev.0) / den;
                beta[i] = c / den;
                prev = (alpha[i], beta[i]);
            }
            v[n] = right;
            for i in (1..n).rev() {
                let above = if i == n - 1 { 0.0 } else { v[i + 1] };
                v[i] = (alpha[i] - beta[i] * above).max(payoff[i]);
            }
            v[0] = left;
        }
    }
    // Cubic (four-point Lagrange) interpolation at ln spot.
    let u = (ls - x[0]) / dx;
    let j = (u.floor() as usize).clamp(1, n - 2);
    let t = u - j as f64;
    let (p0, p1, p2, p3) = (v[j - 1], v[j], v[j + 1], v[j + 2]);
    -t * (t - 1.0) * (t - 2.0) / 6.0 * p0 + (t + 1.0) * (t - 1.0) * (t - 2.0) / 2.0 * p1
        - (t + 1.0) * t * (t - 2.0) / 2.0 * p2
        + (t + 1.0) * t * (t - 1.0) / 6.0 * p3
}
