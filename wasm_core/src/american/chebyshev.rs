//! Polynomial interpolation on Chebyshev points of the second kind (Chebyshev-Lobatto), for the
//! exercise boundary's collocation.

/// The interpolant of values `y_i` at `z_i = -cos(i pi/n)`, `i = 0..=n`, on `[-1, 1]`.
///
/// Evaluated by the barycentric formula with weights `(-1)^i`, halved at both ends (Berrut &
/// Trefethen, "Barycentric Lagrange interpolation", SIAM Review 46(3), 2004, eq. (5.4)): O(n)
/// per point and numerically stable everywhere, nodes included.
#[derive(Debug, Clone)]
pub struct Chebyshev {
    z: Vec<f64>,
    y: Vec<f64>,
}

impl Chebyshev {
    /// The `n + 1` nodes, ascending from -1 to 1.
    pub fn nodes(n: usize) -> Vec<f64> {
        (0..=n)
            .map(|i| -(std::f64::consts::PI * i as f64 / n as f64).cos())
            .collect()
    }

    /// The interpolant of `y` (one value per node of [`Chebyshev::nodes`]`(y.len() - 1)`).
    pub fn new(y: Vec<f64>) -> Self {
        debug_assert!(y.len() >= 2);
        let mut z = Self::nodes(y.len() - 1);
        // Exact ends and centre: cos(pi i/n) rounds (cos(pi/2) = 6e-17), and z = -1, 1 are where
        // the boundary is read most.
        let n = z.len() - 1;
        z[0] = -1.0;
        z[n] = 1.0;
        if n % 2 == 0 {
            z[n / 2] = 0.0;
        }
        Chebyshev { z, y }
    }

    /// The interpolant at `x` in `[-1, 1]`.
    pub fn eval(&self, x: f64) -> f64 {
        let n = self.z.len() - 1;
        let (mut num, mut den) = (0.0, 0.0);
        let mut sign = 1.0;
        for i in 0..=n {
            let d = x - self.z[i];
            if d == 0.0 {
                return self.y[i];
            }
            let w = if i == 0 || i == n { 0.5 * sign } else { sign } / d;
            num += w * self.y[i];
            den += w;
            sign = -sign;
        }
        num / den
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_polynomials_and_converges_spectrally() {
        // A polynomial of degree <= n is reproduced exactly (to rounding).
        let n = 8;
        let p = |x: f64| 3.0 * x.powi(8) - x.powi(5) + 0.5 * x - 2.0;
        let c = Chebyshev::new(Chebyshev::nodes(n).into_iter().map(p).collect());
        for k in 0..=40 {
            let x = -1.0 + k as f64 / 20.0;
            assert!((c.eval(x) - p(x)).abs() < 1e-14, "{x}");
        }
        // exp on 17 points: spectral accuracy.
        let c = Chebyshev::new(Chebyshev::nodes(16).into_iter().map(f64::exp).collect());
        for k in 0..=40 {
            let x = -1.0 + k as f64 / 20.0 + 1e-3;
            let x = x.min(1.0);
            assert!((c.eval(x) - x.exp()).abs() < 1e-14, "{x}");
        }
    }
}
