//! The little complex arithmetic the Heston characteristic function needs (no dependency:
//! the crate builds for wasm with `std` only). Principal branches throughout.

use std::ops::{Add, Div, Mul, Neg, Sub};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct C64 {
    pub re: f64,
    pub im: f64,
}

impl C64 {
    pub const fn new(re: f64, im: f64) -> Self {
        C64 { re, im }
    }

    pub fn abs(self) -> f64 {
        self.re.hypot(self.im)
    }

    pub fn exp(self) -> Self {
        let m = self.re.exp();
        let (s, c) = self.im.sin_cos();
        C64::new(m * c, m * s)
    }

    /// `e^z - 1` without cancellation near 0: `(e^x - 1) cos y - 2 sin^2(y/2) + i e^x sin y`.
    pub fn exp_m1(self) -> Self {
        let (x, y) = (self.re, self.im);
        let s = (0.5 * y).sin();
        C64::new(x.exp_m1() * y.cos() - 2.0 * s * s, x.exp() * y.sin())
    }

    /// Principal logarithm: `ln|z| + i arg z`, `arg` in (-pi, pi].
    pub fn ln(self) -> Self {
        C64::new(self.abs().ln(), self.im.atan2(self.re))
    }

    /// Principal square root (`Re >= 0`), without cancellation: the larger of the two parts is
    /// computed from `sqrt((|z| + |x|) / 2)` and the other by division.
    pub fn sqrt(self) -> Self {
        let (x, y) = (self.re, self.im);
        if x == 0.0 && y == 0.0 {
            return C64::new(0.0, y);
        }
        let t = (0.5 * (self.abs() + x.abs())).sqrt();
        if x >= 0.0 {
            C64::new(t, y / (2.0 * t))
        } else {
            C64::new(y.abs() / (2.0 * t), t.copysign(y))
        }
    }
}

impl Add for C64 {
    type Output = C64;
    fn add(self, o: C64) -> C64 {
        C64::new(self.re + o.re, self.im + o.im)
    }
}

impl Sub for C64 {
    type Output = C64;
    fn sub(self, o: C64) -> C64 {
        C64::new(self.re - o.re, self.im - o.im)
    }
}

impl Mul for C64 {
    type Output = C64;
    fn mul(self, o: C64) -> C64 {
        C64::new(
            self.re * o.re - self.im * o.im,
            self.re * o.im + self.im * o.re,
        )
    }
}

impl Mul<f64> for C64 {
    type Output = C64;
    fn mul(self, k: f64) -> C64 {
        C64::new(self.re * k, self.im * k)
    }
}

impl Div for C64 {
    type Output = C64;
    /// Smith's algorithm (R. L. Smith, "Algorithm 116: Complex division", CACM 5(8), 1962):
    /// no overflow from squaring the divisor's parts.
    fn div(self, o: C64) -> C64 {
        if o.re.abs() >= o.im.abs() {
            let r = o.im / o.re;
            let d = o.re + o.im * r;
            C64::new((self.re + self.im * r) / d, (self.im - self.re * r) / d)
        } else {
            let r = o.re / o.im;
            let d = o.re * r + o.im;
            C64::new((self.re * r + self.im) / d, (self.im * r - self.re) / d)
        }
    }
}

impl Neg for C64 {
    type Output = C64;
    fn neg(self) -> C64 {
        C64::new(-self.re, -self.im)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: C64, b: C64) -> bool {
        (a - b).abs() <= 1e-15 * b.abs().max(1.0)
    }

    #[test]
    fn identities() {
        let z = C64::new(0.3, -1.7);
        assert!(close(z.sqrt() * z.sqrt(), z));
        assert!(close(z.ln().exp(), z));
        assert!(close(z.exp_m1() + C64::new(1.0, 0.0), z.exp()));
        assert!(close((z / C64::new(-2.0, 5.0)) * C64::new(-2.0, 5.0), z));
        // The branch cut: sqrt of a negative real is +i, of -1 - 0i is -i.
        assert_eq!(C64::new(-4.0, 0.0).sqrt(), C64::new(0.0, 2.0));
        assert_eq!(C64::new(-4.0, -0.0).sqrt(), C64::new(0.0, -2.0));
    }

    #[test]
    fn exp_m1_keeps_small_arguments() {
        let z = C64::new(1e-20, -3e-20);
        let e = z.exp_m1();
        assert!((e.re - 1e-20).abs() < 1e-35 && (e.im + 3e-20).abs() < 1e-35);
    }
}
