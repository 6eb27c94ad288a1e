//! Quadrature rules shared by the semi-analytic pricers: the 15-point Gauss-Kronrod pair with an
//! adaptive driver, and a fixed tanh-sinh rule for integrands with endpoint singularities.

/// Kronrod nodes (the odd ones are the 7-point Gauss nodes) and weights on [-1, 1], from
/// QUADPACK's `qk15`.
pub(crate) const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
pub(crate) const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
pub(crate) const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// A panel of [`gauss_kronrod`]: its interval, the K15 estimate of each integrand and the
/// estimate's error `|K15 - G7|`.
struct Panel<const N: usize> {
    a: f64,
    b: f64,
    value: [f64; N],
    error: [f64; N],
}

/// A panel whose error estimate is below this multiple of its integral of `|f|` is accurate to
/// rounding (refining it cannot help).
const ROUNDING_FLOOR: f64 = 50.0 * f64::EPSILON;

fn kronrod_panel<const N: usize>(f: &impl Fn(f64) -> [f64; N], a: f64, b: f64) -> Panel<N> {
    let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
    let (mut kronrod, mut gauss, mut size) = ([0.0; N], [0.0; N], [0.0; N]);
    for j in 0..8 {
        let signs: &[f64] = if j == 7 { &[0.0] } else { &[-1.0, 1.0] };
        for &sign in signs {
            let v = f(mid + half * sign * XGK[j]);
            for c in 0..N {
                kronrod[c] += WGK[j] * v[c];
                size[c] += WGK[j] * v[c].abs();
                if j % 2 == 1 {
                    gauss[c] += WG[j / 2] * v[c];
                }
            }
        }
    }
    let mut error = [0.0; N];
    for c in 0..N {
        let e = ((kronrod[c] - gauss[c]) * half).abs();
        error[c] = if e <= ROUNDING_FLOOR * size[c] * half {
            0.0
        } else {
            e
        };
        kronrod[c] *= half;
    }
    Panel {
        a,
        b,
        value: kronrod,
        error,
    }
}

/// `Int_a^b f_c(x) dx` for `N` smooth integrands evaluated together, by globally adaptive
/// bisection of 15-point Gauss-Kronrod panels (Piessens et al., "QUADPACK", 1983, routine QAG):
/// the panel split next is the one whose error is the largest fraction of some integrand's
/// tolerance, until each integrand's summed error is below `max(rel_tol |I_c|, abs_tol[c])`
/// or `max_panels` panels are in use (then the estimate is returned as it is: the integrands
/// this serves are bounded and smooth, and that many panels is far beyond what they need).
pub(crate) fn gauss_kronrod<const N: usize>(
    f: impl Fn(f64) -> [f64; N],
    a: f64,
    b: f64,
    rel_tol: f64,
    abs_tol: [f64; N],
    max_panels: usize,
) -> [f64; N] {
    let mut panels = vec![kronrod_panel(&f, a, b)];
    loop {
        let mut total = [0.0; N];
        let mut error = [0.0; N];
        for p in &panels {
            for c in 0..N {
                total[c] += p.value[c];
                error[c] += p.error[c];
            }
        }
        let tol: [f64; N] = std::array::from_fn(|c| (rel_tol * total[c].abs()).max(abs_tol[c]));
        if (0..N).all(|c| error[c] <= tol[c]) || panels.len() >= max_panels {
            return total;
        }
        let worst = |p: &Panel<N>| {
            (0..N)
                .map(|c| p.error[c] / tol[c].max(f64::MIN_POSITIVE))
                .fold(0.0, f64::max)
        };
        let (i, _) = panels
            .iter()
            .enumerate()
            .map(|(i, p)| (i, worst(p)))
            .fold((0, -1.0), |best, x| if x.1 > best.1 { x } else { best });
        let p = panels.swap_remove(i);
        let mid = 0.5 * (p.a + p.b);
        panels.push(kronrod_panel(&f, p.a, mid));
        panels.push(kronrod_panel(&f, mid, p.b));
    }
}

/// `(node, weight)` of the `n`-point Gauss-Legendre rule on `[-1, 1]`, by Newton's method on the
/// Legendre three-term recurrence from Tricomi's initial guesses (W. H. Press et al., "Numerical
/// Recipes", 3rd ed., section 4.6, routine `gauleg`).
pub(crate) fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
            let mut dp = 1.0;
            for _ in 0..100 {
                let (mut p0, mut p1) = (1.0, x);
                for k in 2..=n {
                    let p2 = ((2 * k - 1) as f64 * x * p1 - (k - 1) as f64 * p0) / k as f64;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n as f64 * (x * p1 - p0) / (x * x - 1.0);
                let dx = p1 / dp;
                x -= dx;
                if dx.abs() <= 1e-16 {
                    break;
                }
            }
            (x, 2.0 / ((1.0 - x * x) * dp * dp))
        })
        .collect()
}

/// A tanh-sinh (double-exponential) rule on [-1, 1] (Takahasi & Mori, "Double exponential
/// formulas for numerical integration", Publ. RIMS Kyoto 9, 1974): nodes
/// `x_k = tanh(pi/2 sinh(k h))`, weights `h pi/2 cosh(k h) / cosh^2(pi/2 sinh(k h))`. Its error
/// falls like `exp(-c/h)` even for integrands with algebraic singularities at the ends, which the
/// exercise-boundary integrals have (`sqrt(tau - u)` at one end, the boundary's `sqrt(u)` at the
/// other). Each node stores `1 + x` and `1 - x` separately, so that distances to either end are
/// exact however close the node is to it.
pub(crate) struct TanhSinh {
    pub one_plus: Vec<f64>,
    pub one_minus: Vec<f64>,
    pub weight: Vec<f64>,
}

/// Nodes whose weight falls below this are dropped: the integrands are bounded by a few units,
/// so their terms are far below a double's resolution of the integral.
const TANH_SINH_MIN_WEIGHT: f64 = 1e-18;

impl TanhSinh {
    /// The rule with step `h` (about `6.8/h` nodes).
    pub fn new(h: f64) -> Self {
        let half_pi = std::f64::consts::FRAC_PI_2;
        let mut rule = TanhSinh {
            one_plus: vec![1.0],
            one_minus: vec![1.0],
            weight: vec![h * half_pi],
        };
        for k in 1.. {
            let t = k as f64 * h;
            let s = half_pi * t.sinh();
            let e2 = (-2.0 * s).exp();
            let weight = h * half_pi * t.cosh() * 4.0 * e2 / ((1.0 + e2) * (1.0 + e2));
            let near = 2.0 * e2 / (1.0 + e2);
            if weight < TANH_SINH_MIN_WEIGHT || near == 0.0 {
                break;
            }
            let far = 2.0 / (1.0 + e2);
            // x_k > 0 (close to +1) and its mirror image -x_k.
            rule.one_plus.extend([far, near]);
            rule.one_minus.extend([near, far]);
            rule.weight.extend([weight, weight]);
        }
        rule
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_kronrod_integrates_a_sharp_peak() {
        // Int_0^1 of 1/((x - 0.3)^2 + 1e-4) = 100 (atan(70) + atan(30)).
        let exact = 100.0 * (70.0_f64.atan() + 30.0_f64.atan());
        let [got] = gauss_kronrod(
            |x| [1.0 / ((x - 0.3).powi(2) + 1e-4)],
            0.0,
            1.0,
            1e-13,
            [0.0],
            500,
        );
        assert!((got - exact).abs() < 1e-12 * exact, "{got} vs {exact}");
    }

    #[test]
    fn tanh_sinh_integrates_endpoint_singularities() {
        // Int_{-1}^1 sqrt(1 - x) dx = (2/3) 2^(3/2); Int_{-1}^1 sqrt(1 - x^2) dx = pi/2.
        for h in [1.0 / 8.0, 1.0 / 16.0] {
            let rule = TanhSinh::new(h);
            let (mut a, mut b) = (0.0, 0.0);
            for i in 0..rule.weight.len() {
                let (p, m, w) = (rule.one_plus[i], rule.one_minus[i], rule.weight[i]);
                a += w * m.sqrt();
                b += w * (p * m).sqrt();
            }
            assert!((a - 2.0 / 3.0 * 8f64.sqrt()).abs() < 1e-14, "h {h}: {a}");
            assert!(
                (b - std::f64::consts::FRAC_PI_2).abs() < 1e-14,
                "h {h}: {b}"
            );
        }
    }
}
