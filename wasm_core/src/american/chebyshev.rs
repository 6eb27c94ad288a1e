//! Polynomial interpolation on Chebyshev points of the second kind (Chebyshev-Lobatto), for the
//! exercise boundary's collocation.

use std::f64::consts::PI;

/// The interpolant of values `y_i` at `z_i = -cos(i pi/n)`, `i = 0..=n`, on `[-1, 1]`, held as
/// its Chebyshev series `sum_j a_j T_j(z)` (coefficients by the discrete cosine transform of the
/// values; Trefethen, "Approximation Theory and Approximation Practice", SIAM 2013, ch. 3) and
/// evaluated by Clenshaw's recurrence: n multiply-adds a point, no divisions, which matters as
/// the boundary is read thousands of times per iteration.
#[derive(Debug, Clone)]
pub struct Chebyshev {
    a: Vec<f64>,
}

impl Chebyshev {
    /// The `n + 1` nodes, ascending from -1 to 1 (exact at both ends).
    pub fn nodes(n: usize) -> Vec<f64> {
        let mut z: Vec<f64> = (0..=n).map(|i| -(PI * i as f64 / n as f64).cos()).collect();
        z[0] = -1.0;
        z[n] = 1.0;
        z
    }

    /// The interpolant of `y` (one value per node of [`Chebyshev::nodes`]`(y.len() - 1)`).
    pub fn new(y: &[f64]) -> Self {
        let n = y.len() - 1;
        // Node i is cos(k pi/n) with k = n - i.
        let cos: Vec<f64> = (0..2 * n)
            .map(|m| (PI * m as f64 / n as f64).cos())
            .collect();
        let a = (0..=n)
            .map(|j| {
                let mut sum = 0.0;
                for k in 0..=n {
                    let half = if k == 0 || k == n { 0.5 } else { 1.0 };
                    sum += half * y[n - k] * cos[(j * k) % (2 * n)];
                }
                let half = if j == 0 || j == n { 0.5 } else { 1.0 };
                half * 2.0 / n as f64 * sum
            })
            .collect();
        Chebyshev { a }
    }

    /// The interpolant at `x` in `[-1, 1]`.
    pub fn eval(&self, x: f64) -> f64 {
        let (mut b1, mut b2) = (0.0, 0.0);
        for &a in self.a[1..].iter().rev() {
            let b0 = 2.0 * x * b1 - b2 + a;
            b2 = b1;
            b1 = b0;
        }
        self.a[0] + x * b1 - b2
    }

    /// The interpolant at every `x`, into `out`: eight points' recurrences interleaved, so that
    /// each one's chain of dependent multiply-adds hides the others' latency (and vectorises).
    pub fn eval_many(&self, x: &[f64], out: &mut [f64]) {
        const LANES: usize = 8;
        let mut xs = x.chunks_exact(LANES);
        let mut outs = out.chunks_exact_mut(LANES);
        for (x, out) in (&mut xs).zip(&mut outs) {
            let (mut b1, mut b2) = ([0.0; LANES], [0.0; LANES]);
            for &a in self.a[1..].iter().rev() {
                for l in 0..LANES {
                    let b0 = 2.0 * x[l] * b1[l] - b2[l] + a;
                    b2[l] = b1[l];
                    b1[l] = b0;
                }
            }
            for l in 0..LANES {
                out[l] = self.a[0] + x[l] * b1[l] - b2[l];
            }
        }
        for (x, out) in xs.remainder().iter().zip(outs.into_remainder()) {
            *out = self.eval(*x);
        }
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
        let y: Vec<f64> = Chebyshev::nodes(n).into_iter().map(p).collect();
        let c = Chebyshev::new(&y);
        for k in 0..=40 {
            let x = -1.0 + k as f64 / 20.0;
            assert!((c.eval(x) - p(x)).abs() < 1e-13, "{x}");
        }
        // exp on 17 points: spectral accuracy.
        let y: Vec<f64> = Chebyshev::nodes(16).into_iter().map(f64::exp).collect();
        let c = Chebyshev::new(&y);
        for k in 0..=40 {
            let x = (-1.0 + k as f64 / 20.0 + 1e-3).min(1.0);
            assert!((c.eval(x) - x.exp()).abs() < 1e-14, "{x}");
        }
        let x: Vec<f64> = (0..11).map(|k| -1.0 + k as f64 * 0.19).collect();
        let mut out = vec![0.0; 11];
        c.eval_many(&x, &mut out);
        for (x, out) in x.iter().zip(&out) {
            assert_eq!(*out, c.eval(*x));
        }
    }
}
