//! Standard normal variates: a 256-layer ziggurat (every Gaussian shock of the simulations) and
//! Wichura's AS241 inverse CDF (kept for tests and timing comparisons).
//!
//! Measured (`examples/mc_timing.rs`, release, native x86-64): the ziggurat costs about a third of
//! the inverse CDF per variate, so it is the sampler of every model. The tables are built with
//! [`crate::fastmath`], so they are the same bits natively and in wasm.

use std::sync::OnceLock;

use super::rng::SampleStream;
use crate::fastmath;

/// Right edge of the base layer of the 256-layer ziggurat (Marsaglia & Tsang 2000, section 2;
/// recomputed to 25 digits by `tests/oracles/mc_ziggurat_constants.py`: 3.654152885361008772).
const ZIGGURAT_R: f64 = 3.654_152_885_361_009;
/// Area of each of the 256 layers under `exp(-x^2/2)` (same source).
const ZIGGURAT_V: f64 = 0.004_928_673_233_974_655;
const LAYERS: usize = 256;

/// Layer edges `x[i]` (with `x[0] = V / f(R)` the pseudo-width of the base layer and
/// `x[256] = 0`), the fast-path ratios `x[i+1] / x[i]` and the densities `f(x[i])`.
pub(crate) struct Tables {
    x: [f64; LAYERS + 1],
    ratio: [f64; LAYERS],
    f: [f64; LAYERS + 1],
}

fn density(x: f64) -> f64 {
    fastmath::exp(-0.5 * x * x)
}

/// The ziggurat's tables, built on first use.
pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // Marsaglia & Tsang (2000), section 2: x_(i+1) = f^-1(V / x_i + f(x_i)).
        let mut x = [0.0; LAYERS + 1];
        x[0] = ZIGGURAT_V / density(ZIGGURAT_R);
        x[1] = ZIGGURAT_R;
        for i in 2..LAYERS {
            x[i] = (-2.0 * fastmath::ln(ZIGGURAT_V / x[i - 1] + density(x[i - 1]))).sqrt();
        }
        x[LAYERS] = 0.0;
        let mut ratio = [0.0; LAYERS];
        for i in 0..LAYERS {
            ratio[i] = x[i + 1] / x[i];
        }
        let mut f = [0.0; LAYERS + 1];
        for i in 0..=LAYERS {
            f[i] = density(x[i]);
        }
        Tables { x, ratio, f }
    })
}

/// A standard normal variate by the ziggurat method: G. Marsaglia & W. W. Tsang, "The Ziggurat
/// Method for Generating Random Variables", J. Stat. Softw. 5(8), 2000, with J. A. Doornik's
/// fix ("An Improved Ziggurat Method to Generate Normal Random Samples", 2005): the layer index
/// (bits 0-7) and the abscissa (bits 12-63) come from disjoint bits, so they are independent.
///
/// One 64-bit word per variate on the fast path (about 99% of calls); the wedges and the tail
/// (Marsaglia 1964) take more words. The sign is symmetric: the abscissa `u` is an odd multiple
/// of 2^-52 in (-1, 1).
#[inline]
pub fn ziggurat_normal(stream: &mut SampleStream) -> f64 {
    ziggurat_with(tables(), stream)
}

/// [`ziggurat_normal`] with the tables passed in (hot loops fetch them once).
#[inline(always)]
pub(crate) fn ziggurat_with(t: &Tables, stream: &mut SampleStream) -> f64 {
    let bits = stream.next_u64();
    match ziggurat_fast(t, bits) {
        (true, z) => z,
        (false, _) => ziggurat_rejected(t, stream, bits),
    }
}

/// The ziggurat's first try with the word `bits`: `(true, variate)`, or `(false, _)` when the
/// word falls outside its layer's inner rectangle (about 1.1% of words) and
/// [`ziggurat_rejected`] must finish the draw from the same stream. (A pair, not an `Option`,
/// so that loops over many words stay free of branches.)
#[inline(always)]
pub(crate) fn ziggurat_fast(t: &Tables, bits: u64) -> (bool, f64) {
    let layer = (bits & 0xff) as usize;
    let u = signed_unit(bits);
    (u.abs() < t.ratio[layer], u * t.x[layer])
}

/// `(2k + 1 - 2^52) / 2^52` with `k` the top 52 bits: exact, symmetric, never 0. Built from the
/// bits of `1 + k 2^-52` (in [1, 2)) as `2 (1 + k 2^-52) - 3 + 2^-52`, each step exact: no
/// integer-to-float conversion, which has no SIMD instruction in SSE2 or simd128.
#[inline(always)]
fn signed_unit(bits: u64) -> f64 {
    let one_plus = f64::from_bits(0x3ff0_0000_0000_0000 | (bits >> 12));
    (2.0 * one_plus - 3.0) + f64::EPSILON
}

/// The rest of the ziggurat after the fast path rejected the word `bits`: the base layer's tail,
/// a wedge test, and further tries (about 1% of the calls).
#[cold]
#[inline(never)]
pub(crate) fn ziggurat_rejected(t: &Tables, stream: &mut SampleStream, bits: u64) -> f64 {
    let mut layer = (bits & 0xff) as usize;
    let mut u = signed_unit(bits);
    loop {
        if layer == 0 {
            return normal_tail(stream, u < 0.0);
        }
        // Wedge: accept x when a uniform height under the layer falls below the density.
        let x = u * t.x[layer];
        let y = t.f[layer + 1] + stream.uniform() * (t.f[layer] - t.f[layer + 1]);
        if y < density(x) {
            return x;
        }
        let bits = stream.next_u64();
        layer = (bits & 0xff) as usize;
        u = signed_unit(bits);
        if u.abs() < t.ratio[layer] {
            return u * t.x[layer];
        }
    }
}

/// The normal tail beyond `R` (G. Marsaglia, "Generating a variable from the tail of the normal
/// distribution", Technometrics 6, 1964): accept `x = -ln(u1)/R` when `-2 ln(u2) >= x^2`.
#[cold]
fn normal_tail(stream: &mut SampleStream, negative: bool) -> f64 {
    loop {
        let x = -fastmath::ln(stream.uniform()) / ZIGGURAT_R;
        let y = -fastmath::ln(stream.uniform());
        if 2.0 * y >= x * x {
            let z = ZIGGURAT_R + x;
            return if negative { -z } else { z };
        }
    }
}

/// The standard normal quantile `Phi^-1(p)` for `p` in (0, 1), to about 1e-16 relative:
/// M. J. Wichura, "Algorithm AS 241: The Percentage Points of the Normal Distribution",
/// Applied Statistics 37(3), 1988, 477-484 (PPND16: rational approximations of degree 7 in three
/// regions). Odd symmetry is exact: `inverse_normal_cdf(1 - p) == -inverse_normal_cdf(p)` whenever
/// `1 - p` is exact (as it is for [`super::rng::open_uniform`]).
///
/// Callers pass `p` strictly inside (0, 1); at or outside the ends the result is clamped to ±38.5
/// (never infinite or NaN).
// The coefficients keep Wichura's published 20 digits (rounded to doubles by the compiler).
#[allow(clippy::excessive_precision)]
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_7e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        6.897_673_349_851_000_045_5e-1,
        1.481_039_764_274_800_745_9e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        2.965_605_718_285_048_912_3e-1,
        2.653_218_952_657_612_309_3e-2,
        1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_9e-1,
        1.369_298_809_227_358_053_1e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    /// |Phi^-1(p)| for p = 2^-1074, the smallest positive double: the clamp for p outside (0, 1).
    const CLAMP: f64 = 38.5;

    fn poly(c: &[f64; 8], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
    }

    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    if tail.is_nan() || tail <= 0.0 {
        return if q < 0.0 { -CLAMP } else { CLAMP };
    }
    let r = (-fastmath::ln(tail)).sqrt();
    let z = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 {
        -z
    } else {
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monte_carlo::rng::SampleStream;

    /// Phi^-1(p) from mpmath at 40 digits (cross-checked with `scipy.special.ndtri`), generated
    /// by `tests/oracles/mc_normal_quantiles.py`.
    const NDTRI: [(f64, f64); 8] = [
        (1e-300, -37.047_096_299_361_2),
        (1e-20, -9.262340089798407),
        (1e-5, -4.264890793922825),
        (0.02, -2.053748910631823),
        (0.3, -0.5244005127080408),
        (0.5, 0.0),
        (0.9, 1.2815515655446006),
        (0.999_999, 4.753424308817087),
    ];
    /// AS241 claims about 1e-16 relative accuracy; allow a few ulps of rounding in our evaluation.
    const QUANTILE_REL_TOL: f64 = 1e-15;

    #[test]
    fn quantiles_match_scipy() {
        for (p, want) in NDTRI {
            let got = inverse_normal_cdf(p);
            assert!(
                (got - want).abs() <= QUANTILE_REL_TOL * want.abs().max(1e-300),
                "p={p}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn quantile_is_odd_and_clamped() {
        for k in [1u64, 12345, 1 << 40, (1 << 52) - 1] {
            let p = super::super::rng::open_uniform(k << 12);
            assert_eq!(inverse_normal_cdf(1.0 - p), -inverse_normal_cdf(p));
        }
        assert_eq!(inverse_normal_cdf(0.0), -38.5);
        assert_eq!(inverse_normal_cdf(1.0), 38.5);
        assert!(inverse_normal_cdf(f64::NAN).abs() <= 38.5);
    }

    /// Tail probabilities P(Z > z) from mpmath (tests/oracles/mc_ziggurat_constants.py).
    const TAILS: [(f64, f64); 4] = [
        (1.0, 0.158_655_253_931_457_05),
        (2.0, 0.022_750_131_948_179_21),
        (3.0, 0.001_349_898_031_630_094_5),
        (4.0, 3.167_124_183_311_992e-5),
    ];
    /// Statistical checks pass within this many standard errors.
    const SE_TOL: f64 = 5.0;

    /// Moments and tail probabilities of 4e6 ziggurat variates (both tails; P(|Z| > 4) lies
    /// beyond the base layer's edge R = 3.65, so the tail algorithm is exercised). Standard
    /// errors use the normal's moments: Var(Z^2) = 2, Var(Z^3) = 15, Var(Z^4) = 96.
    #[test]
    fn ziggurat_moments_and_tails() {
        const N: usize = 4_000_000;
        let mut st = SampleStream::new(20, 7);
        let (mut m1, mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0, 0.0);
        let mut above = [0u64; 4];
        for _ in 0..N {
            let z = ziggurat_normal(&mut st);
            let z2 = z * z;
            m1 += z;
            m2 += z2;
            m3 += z2 * z;
            m4 += z2 * z2;
            for (k, (t, _)) in TAILS.iter().enumerate() {
                above[k] += u64::from(z.abs() > *t);
            }
        }
        let n = N as f64;
        let se = |var: f64| (var / n).sqrt();
        assert!((m1 / n).abs() < SE_TOL * se(1.0), "mean {}", m1 / n);
        assert!((m2 / n - 1.0).abs() < SE_TOL * se(2.0), "E[Z^2] {}", m2 / n);
        assert!((m3 / n).abs() < SE_TOL * se(15.0), "E[Z^3] {}", m3 / n);
        assert!(
            (m4 / n - 3.0).abs() < SE_TOL * se(96.0),
            "E[Z^4] {}",
            m4 / n
        );
        for (k, (t, p)) in TAILS.iter().enumerate() {
            let p2 = 2.0 * p;
            let got = above[k] as f64 / n;
            assert!(
                (got - p2).abs() < SE_TOL * se(p2 * (1.0 - p2)),
                "P(|Z| > {t}) = {got} vs {p2}"
            );
        }
    }

    /// Chi-square goodness of fit on 64 equiprobable cells (edges from the AS241 quantile):
    /// the statistic has mean 63 and s.d. sqrt(126) ~ 11.2 under the null.
    #[test]
    fn ziggurat_fits_the_normal_distribution() {
        const CELLS: usize = 64;
        const N: usize = 1_000_000;
        let edges: Vec<f64> = (1..CELLS)
            .map(|i| inverse_normal_cdf(i as f64 / CELLS as f64))
            .collect();
        let mut count = [0u64; CELLS];
        let mut st = SampleStream::new(3, 1);
        for _ in 0..N {
            let z = ziggurat_normal(&mut st);
            count[edges.partition_point(|&e| e < z)] += 1;
        }
        let expected = N as f64 / CELLS as f64;
        let chi2: f64 = count
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        let (mean, sd) = ((CELLS - 1) as f64, (2.0 * (CELLS - 1) as f64).sqrt());
        assert!((chi2 - mean).abs() < SE_TOL * sd, "chi2 = {chi2}");
    }

    /// The float construction of the abscissa is the exact `(2k + 1 - 2^52) / 2^52`.
    #[test]
    fn signed_unit_is_exact_and_symmetric() {
        for k in [
            0u64,
            1,
            2,
            12345,
            1 << 51,
            (1 << 51) + 7,
            (1 << 52) - 2,
            (1 << 52) - 1,
        ] {
            let bits = k << 12 | 0xabc;
            let want = ((2 * k + 1) as f64 - 4_503_599_627_370_496.0) / 4_503_599_627_370_496.0;
            assert_eq!(signed_unit(bits), want, "k = {k}");
            assert_eq!(signed_unit(((1 << 52) - 1 - k) << 12), -want, "k = {k}");
        }
    }

    #[test]
    fn ziggurat_tables_close() {
        // The recursion must end with a top layer whose area is V (the construction's check).
        let t = tables();
        let top = t.x[LAYERS - 1] * (1.0 - t.f[LAYERS - 1]);
        assert!((top / ZIGGURAT_V - 1.0).abs() < 1e-9, "{top}");
        assert!(t.x.windows(2).all(|w| w[0] > w[1]));
    }
}
