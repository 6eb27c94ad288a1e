//! Complex numbers carrying their derivatives with respect to three real parameters (forward-mode
//! automatic differentiation): the Heston characteristic function evaluated in them gives its
//! gradient in `kappa, xi, rho` by the chain rule, the same derivatives Cui, del Baño Rollin and
//! Germano (2017, section 3) write out by hand, at a few times the cost of the value.

use crate::complex::C64;
use std::ops::{Add, Div, Mul, Sub};

/// A value and its partial derivatives with respect to the three parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dual3 {
    pub v: C64,
    pub d: [C64; 3],
}

const ZERO: C64 = C64::new(0.0, 0.0);

impl Dual3 {
    /// A constant (zero derivatives).
    pub fn constant(v: C64) -> Self {
        Dual3 { v, d: [ZERO; 3] }
    }

    /// The real parameter number `i` at the value `x`.
    pub fn variable(x: f64, i: usize) -> Self {
        let mut d = [ZERO; 3];
        d[i] = C64::new(1.0, 0.0);
        Dual3 {
            v: C64::new(x, 0.0),
            d,
        }
    }

    /// `f(self)` given `f(v)` and `f'(v)`.
    fn chain(self, value: C64, slope: C64) -> Self {
        Dual3 {
            v: value,
            d: self.d.map(|d| d * slope),
        }
    }

    pub fn sqrt(self) -> Self {
        let s = self.v.sqrt();
        self.chain(s, C64::new(0.5, 0.0) / s)
    }

    pub fn exp_m1(self) -> Self {
        let e = self.v.exp_m1();
        self.chain(e, e + C64::new(1.0, 0.0))
    }

    pub fn ln(self) -> Self {
        self.chain(self.v.ln(), C64::new(1.0, 0.0) / self.v)
    }

    pub fn abs(self) -> f64 {
        self.v.abs()
    }

    pub fn scale(self, k: f64) -> Self {
        Dual3 {
            v: self.v * k,
            d: self.d.map(|d| d * k),
        }
    }
}

impl Add for Dual3 {
    type Output = Dual3;
    fn add(self, o: Dual3) -> Dual3 {
        Dual3 {
            v: self.v + o.v,
            d: [self.d[0] + o.d[0], self.d[1] + o.d[1], self.d[2] + o.d[2]],
        }
    }
}

impl Sub for Dual3 {
    type Output = Dual3;
    fn sub(self, o: Dual3) -> Dual3 {
        Dual3 {
            v: self.v - o.v,
            d: [self.d[0] - o.d[0], self.d[1] - o.d[1], self.d[2] - o.d[2]],
        }
    }
}

#[allow(clippy::suspicious_arithmetic_impl)] // the product rule adds
impl Mul for Dual3 {
    type Output = Dual3;
    fn mul(self, o: Dual3) -> Dual3 {
        Dual3 {
            v: self.v * o.v,
            d: [0, 1, 2].map(|i| self.d[i] * o.v + self.v * o.d[i]),
        }
    }
}

#[allow(clippy::suspicious_arithmetic_impl)] // the quotient rule subtracts
impl Div for Dual3 {
    type Output = Dual3;
    fn div(self, o: Dual3) -> Dual3 {
        let q = self.v / o.v;
        let inv = C64::new(1.0, 0.0) / o.v;
        Dual3 {
            v: q,
            d: [0, 1, 2].map(|i| (self.d[i] - q * o.d[i]) * inv),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central differences of a function of three reals, against its dual derivatives.
    #[test]
    fn derivatives_match_central_differences() {
        let f = |x: [Dual3; 3]| {
            let a = (x[0] * x[1] - x[2]).sqrt();
            let b = (a / (x[1] + x[2])).ln();
            b.exp_m1() * x[0] + a.scale(3.0)
        };
        let at = [0.7, 1.3, -0.4];
        let dual = f([0, 1, 2].map(|i| Dual3::variable(at[i], i)));
        for i in 0..3 {
            let h = 1e-6;
            let shifted = |s: f64| {
                let mut y = at;
                y[i] += s;
                f([0, 1, 2].map(|j| Dual3::constant(C64::new(y[j], 0.0)))).v
            };
            let fd = (shifted(h) - shifted(-h)) * (0.5 / h);
            assert!((fd - dual.d[i]).abs() < 1e-8, "{i}: {fd:?} {:?}", dual.d[i]);
        }
    }
}
