//! Shape-preserving rational cubic interpolation: R. Delbourgo and J. A. Gregory, "Shape
//! preserving piecewise rational interpolation", SIAM J. Sci. Stat. Comput. 6(4), 1985,
//! pp. 967-976, as used by Jäckel ("Let's Be Rational", 2015) for the initial guess.
//!
//! On [x_l, x_r] with h = x_r − x_l, τ = (x − x_l)/h, values y_l, y_r, slopes d_l, d_r and a
//! control parameter r > −1 (Delbourgo & Gregory eqs. (2.4)/(2.5)):
//! ```text
//!        y_r τ³ + (r y_r − h d_r) τ²(1−τ) + (r y_l + h d_l) τ(1−τ)² + y_l (1−τ)³
//! y(x) = ─────────────────────────────────────────────────────────────────────────
//!                                1 + (r − 3) τ(1−τ)
//! ```
//! r = 3 is the cubic Hermite interpolant; r → ∞ tends to the straight line.

/// r must exceed −1 (the denominator must stay positive).
const R_MIN: f64 = -(1.0 - 1.490_116_119_384_765_6e-8); // −(1 − √ε)
/// Beyond this r the interpolant is the straight line to double precision.
const R_MAX: f64 = 2.0 / (f64::EPSILON * f64::EPSILON);

/// A rational cubic on one interval (see the module note).
#[derive(Debug, Clone, Copy)]
pub struct RationalCubic {
    pub x_l: f64,
    pub x_r: f64,
    pub y_l: f64,
    pub y_r: f64,
    pub d_l: f64,
    pub d_r: f64,
}

impl RationalCubic {
    /// The interpolant with control parameter `r` at `x`.
    pub fn value(&self, x: f64, r: f64) -> f64 {
        let h = self.x_r - self.x_l;
        if h.abs() == 0.0 {
            return 0.5 * (self.y_l + self.y_r);
        }
        let t = (x - self.x_l) / h;
        if r >= R_MAX {
            return self.y_r * t + self.y_l * (1.0 - t);
        }
        let omt = 1.0 - t;
        let numerator = self.y_r * t * t * t
            + (r * self.y_r - h * self.d_r) * t * t * omt
            + (r * self.y_l + h * self.d_l) * t * omt * omt
            + self.y_l * omt * omt * omt;
        numerator / (1.0 + (r - 3.0) * t * omt)
    }

    fn slope(&self) -> f64 {
        (self.y_r - self.y_l) / (self.x_r - self.x_l)
    }

    /// The r at which the interpolant's second derivative at x_l equals `second`. Twice
    /// differentiating the quotient at τ = 0 gives h²·y''(x_l) = 2r·h(Δ − d_l) − 2h(d_r − d_l)
    /// with Δ = (y_r − y_l)/h, hence r = (h·y''/2 + d_r − d_l)/(Δ − d_l).
    fn r_for_second_derivative_left(&self, second: f64) -> f64 {
        let h = self.x_r - self.x_l;
        let numerator = 0.5 * h * second + (self.d_r - self.d_l);
        let denominator = self.slope() - self.d_l;
        solve_r(numerator, denominator)
    }

    /// The same at x_r: r = (h·y''/2 + d_r − d_l)/(d_r − Δ).
    fn r_for_second_derivative_right(&self, second: f64) -> f64 {
        let h = self.x_r - self.x_l;
        let numerator = 0.5 * h * second + (self.d_r - self.d_l);
        let denominator = self.d_r - self.slope();
        solve_r(numerator, denominator)
    }

    /// The smallest r keeping the interpolant monotone (D&G eq. (3.8)) and convex or concave
    /// (D&G eq. (3.18)) when the data are; linear interpolation (R_MAX) where they force it.
    fn minimum_shape_preserving_r(&self) -> f64 {
        let (d_l, d_r, s) = (self.d_l, self.d_r, self.slope());
        let monotone = d_l * s >= 0.0 && d_r * s >= 0.0;
        let convex = d_l <= s && s <= d_r;
        let concave = d_l >= s && s >= d_r;
        if !monotone && !convex && !concave {
            return R_MIN;
        }
        let mut r1 = f64::MIN;
        let mut r2 = f64::MIN;
        if monotone {
            r1 = if s != 0.0 { (d_r + d_l) / s } else { R_MAX };
        }
        if convex || concave {
            let (a, b) = (d_r - s, s - d_l);
            r2 = if a != 0.0 && b != 0.0 {
                ((d_r - d_l) / a).abs().max(((d_r - d_l) / b).abs())
            } else {
                R_MAX
            };
        } else if monotone {
            r2 = R_MAX;
        }
        R_MIN.max(r1).max(r2)
    }

    /// r matching `second` at x_l, raised if needed to preserve shape (Jäckel 2015).
    pub fn convex_r_left(&self, second: f64) -> f64 {
        self.r_for_second_derivative_left(second)
            .max(self.minimum_shape_preserving_r())
    }

    /// r matching `second` at x_r, raised if needed to preserve shape.
    pub fn convex_r_right(&self, second: f64) -> f64 {
        self.r_for_second_derivative_right(second)
            .max(self.minimum_shape_preserving_r())
    }
}

/// numerator/denominator, saturated to the admissible range when the denominator vanishes.
fn solve_r(numerator: f64, denominator: f64) -> f64 {
    if denominator.abs() < f64::MIN_POSITIVE {
        if numerator > 0.0 {
            R_MAX
        } else {
            R_MIN
        }
    } else {
        numerator / denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finite-difference step for checking derivatives of smooth test curves, and what its
    /// truncation error allows for first and second derivatives.
    const STEP: f64 = 1e-4;
    const SLOPE_TOLERANCE: f64 = 1e-3;
    const CURVATURE_TOLERANCE: f64 = 1e-2;
    /// Interpolated values at the nodes are the data up to rounding.
    const VALUE_TOLERANCE: f64 = 1e-15;

    fn curve() -> RationalCubic {
        // Samples of the convex, increasing y = e^x on [0, 1].
        RationalCubic {
            x_l: 0.0,
            x_r: 1.0,
            y_l: 1.0,
            y_r: std::f64::consts::E,
            d_l: 1.0,
            d_r: std::f64::consts::E,
        }
    }

    #[test]
    fn interpolates_values_and_slopes_at_both_ends() {
        let c = curve();
        for r in [0.5, 3.0, 10.0] {
            assert!((c.value(0.0, r) - c.y_l).abs() < VALUE_TOLERANCE);
            assert!((c.value(1.0, r) - c.y_r).abs() < VALUE_TOLERANCE);
            let left = (c.value(STEP, r) - c.value(0.0, r)) / STEP;
            let right = (c.value(1.0, r) - c.value(1.0 - STEP, r)) / STEP;
            assert!((left - c.d_l).abs() < SLOPE_TOLERANCE, "r={r}: {left}");
            assert!((right - c.d_r).abs() < SLOPE_TOLERANCE, "r={r}: {right}");
        }
    }

    #[test]
    fn fitted_r_reproduces_the_second_derivative() {
        let c = curve();
        let second_derivative = |x: f64, r: f64| {
            (c.value(x + STEP, r) - 2.0 * c.value(x, r) + c.value(x - STEP, r)) / (STEP * STEP)
        };
        // e^x has y'' = 1 at 0 and e at 1; the fitted interpolant must agree there.
        let r_left = c.r_for_second_derivative_left(1.0);
        let r_right = c.r_for_second_derivative_right(std::f64::consts::E);
        assert!((second_derivative(2.0 * STEP, r_left) - 1.0).abs() < CURVATURE_TOLERANCE);
        let at_right = second_derivative(1.0 - 2.0 * STEP, r_right);
        assert!(
            (at_right - std::f64::consts::E).abs() < CURVATURE_TOLERANCE,
            "{at_right}"
        );
    }

    #[test]
    fn shape_preserving_r_keeps_convex_data_convex() {
        // Steep convex data that the cubic Hermite (r = 3) would overshoot.
        let c = RationalCubic {
            x_l: 0.0,
            x_r: 1.0,
            y_l: 0.0,
            y_r: 1.0,
            d_l: 0.0,
            d_r: 20.0,
        };
        let r = c.convex_r_left(0.0);
        let mut previous_slope = f64::NEG_INFINITY;
        let mut previous = c.value(0.0, r);
        for i in 1..=100 {
            let x = f64::from(i) / 100.0;
            let y = c.value(x, r);
            let slope = (y - previous) / 0.01;
            assert!(
                slope >= previous_slope - VALUE_TOLERANCE,
                "not convex at {x}"
            );
            assert!(y >= previous - VALUE_TOLERANCE, "not monotone at {x}");
            previous_slope = slope;
            previous = y;
        }
    }
}
