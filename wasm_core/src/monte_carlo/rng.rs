//! Random numbers: one independent stream per Monte Carlo sample.
//!
//! * Keying: Philox4x32-10, J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random
//!   numbers: as easy as 1, 2, 3", SC'11 (2011), section 3.3 (the Philox S-box and key schedule)
//!   and Table 2 (the multipliers and Weyl constants). A counter-based generator is a keyed
//!   bijection `counter -> 128 random bits`; keyed with the user's seed, at counters
//!   `(0, 0, sample)` and `(1, 0, sample)`, it gives each sample 256 random bits that depend only on
//!   `(seed, sample)`: independent of which worker simulates the sample and of how the paths are
//!   split among workers.
//! * Drawing: those 256 bits are the state of a xoshiro256++ generator, D. Blackman and S. Vigna,
//!   "Scrambled Linear Pseudorandom Number Generators", ACM TOMS 47(4), 2021 (period 2^256 - 1,
//!   passes BigCrush and PractRand in all bits). Each word costs about ten integer operations,
//!   against about a hundred for a Philox block per two words; the draws were the largest single
//!   cost of a Heston step. Streams start at Philox-random points of a 2^256 period, so two of a
//!   run's at most 2^34 streams of at most 2^40 words overlap with probability below 2^-147.

/// Philox4x32 round multipliers (Salmon et al. 2011, Table 2).
const PHILOX_M0: u32 = 0xD251_1F53;
const PHILOX_M1: u32 = 0xCD9E_8D57;
/// Weyl-sequence key increments: the golden ratio and sqrt(3) - 1, as 32-bit fractions.
const PHILOX_W0: u32 = 0x9E37_79B9;
const PHILOX_W1: u32 = 0xBB67_AE85;
/// The recommended round count ("Philox4x32-10"): the crush-resistant choice with a safety margin.
const PHILOX_ROUNDS: usize = 10;

#[inline(always)]
fn mulhilo(a: u32, b: u32) -> (u32, u32) {
    let p = u64::from(a) * u64::from(b);
    ((p >> 32) as u32, p as u32)
}

/// One Philox4x32 round: two 32x32->64 multiplications, the xor with the key, a permutation.
#[inline(always)]
fn round(ctr: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let (hi0, lo0) = mulhilo(PHILOX_M0, ctr[0]);
    let (hi1, lo1) = mulhilo(PHILOX_M1, ctr[2]);
    [hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0]
}

/// Philox4x32-10: the block function, `(counter, key) -> 4 random u32`.
///
/// Checked against the known-answer vectors of the Random123 distribution (`tests/kat_vectors`).
#[inline]
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut ctr = counter;
    let mut k = key;
    for i in 0..PHILOX_ROUNDS {
        if i > 0 {
            k = [k[0].wrapping_add(PHILOX_W0), k[1].wrapping_add(PHILOX_W1)];
        }
        ctr = round(ctr, k);
    }
    ctr
}

/// 2^-53: the spacing of the uniforms below.
const TWO_POW_M53: f64 = 1.0 / 9_007_199_254_740_992.0;

/// A uniform in the open interval (0, 1) from the top 52 bits of `bits`: `(2k + 1) 2^-53`.
///
/// The set of values is symmetric under `u -> 1 - u` *exactly* (every `1 - u` is again an odd
/// multiple of 2^-53 and representable), so an antithetic partner `1 - u` is computed without
/// rounding, and neither 0 nor 1 ever occurs (logarithms and inverse CDFs stay finite).
#[inline(always)]
pub fn open_uniform(bits: u64) -> f64 {
    (((bits >> 12) << 1) | 1) as f64 * TWO_POW_M53
}

/// The counter domain of the Longstaff-Schwartz training paths (see [`SampleStream::in_domain`]).
pub const TRAINING_DOMAIN: u32 = 1;

/// The random stream of one sample: xoshiro256++ from the state
/// `(w0, w1, w2, w3)`, where `Philox4x32-10((b, 0, sample low, sample high), (seed low, seed high))`
/// `= (a0, a1, a2, a3)` gives `w_(2b) = a0 | a1 << 32` and `w_(2b+1) = a2 | a3 << 32` for
/// `b = 0, 1`. Words are consumed strictly in order, so a sample's draws depend only on
/// `(seed, sample)` — never on other samples or on workers.
#[derive(Debug, Clone)]
pub struct SampleStream {
    s: [u64; 4],
}

impl SampleStream {
    pub fn new(seed: u64, sample: u64) -> Self {
        Self::in_domain(seed, sample, 0)
    }

    /// The stream of `sample` in another family of streams of the same seed: the counter's
    /// second word is `domain` (0 for the priced samples, [`TRAINING_DOMAIN`] for the
    /// Longstaff-Schwartz regression's training paths, which must be independent of them).
    pub fn in_domain(seed: u64, sample: u64, domain: u32) -> Self {
        let key = [seed as u32, (seed >> 32) as u32];
        let (lo, hi) = (sample as u32, (sample >> 32) as u32);
        let a = philox4x32_10([0, domain, lo, hi], key);
        let b = philox4x32_10([1, domain, lo, hi], key);
        let word = |x: u32, y: u32| u64::from(x) | (u64::from(y) << 32);
        let mut s = [
            word(a[0], a[1]),
            word(a[2], a[3]),
            word(b[0], b[1]),
            word(b[2], b[3]),
        ];
        if s == [0; 4] {
            // The one state xoshiro cannot leave (probability 2^-256): any fixed non-zero state.
            s[0] = PHILOX_W0.into();
        }
        SampleStream { s }
    }

    /// The next 64 random bits (xoshiro256++ 1.0).
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform in (0, 1), see [`open_uniform`].
    #[inline(always)]
    pub fn uniform(&mut self) -> f64 {
        open_uniform(self.next_u64())
    }
}

/// `N` sample streams side by side, their states stored word by word (`s[k][i]` = word `k` of
/// stream `i`), so that drawing one word from each is a loop the compiler turns into SIMD
/// (64-bit lanes: SSE2 natively, simd128 in wasm). Each stream yields exactly the words of its
/// [`SampleStream`].
// Used by the Heston kernel in wasm; natively only by the tests that check it against the
// per-sample arrangement.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Debug, Clone)]
pub(crate) struct StreamBatch<const N: usize> {
    s: [[u64; N]; 4],
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl<const N: usize> StreamBatch<N> {
    pub fn new(streams: &[SampleStream; N]) -> Self {
        StreamBatch {
            s: std::array::from_fn(|k| std::array::from_fn(|i| streams[i].s[k])),
        }
    }

    /// The next word of every stream (xoshiro256++ 1.0, as [`SampleStream::next_u64`]), two
    /// streams per simd128 operation (the compiler leaves the portable loop below scalar: it
    /// prices simd128's rotations, two shifts and an or, above the scalar ones; measured, the
    /// explicit form is 5-7% faster on the benchmark's Heston in Chromium and node).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    pub fn next(&mut self) -> [u64; N] {
        use core::arch::wasm32::*;
        let mut out = [0u64; N];
        let rotl = |x: v128, k: u32| v128_or(u64x2_shl(x, k), u64x2_shr(x, 64 - k));
        let [s0, s1, s2, s3] = &mut self.s;
        let pair = |a: &[u64; N], j: usize| u64x2(a[j], a[j + 1]);
        let put = |a: &mut [u64; N], j: usize, v: v128| {
            a[j] = u64x2_extract_lane::<0>(v);
            a[j + 1] = u64x2_extract_lane::<1>(v);
        };
        let mut j = 0;
        while j + 2 <= N {
            let (a0, mut a1, mut a2, mut a3) = (pair(s0, j), pair(s1, j), pair(s2, j), pair(s3, j));
            put(&mut out, j, u64x2_add(rotl(u64x2_add(a0, a3), 23), a0));
            let t = u64x2_shl(a1, 17);
            a2 = v128_xor(a2, a0);
            a3 = v128_xor(a3, a1);
            a1 = v128_xor(a1, a2);
            let b0 = v128_xor(a0, a3);
            a2 = v128_xor(a2, t);
            a3 = rotl(a3, 45);
            put(s0, j, b0);
            put(s1, j, a1);
            put(s2, j, a2);
            put(s3, j, a3);
            j += 2;
        }
        if j < N {
            // An odd batch: the last stream alone.
            let mut one = SampleStream {
                s: [s0[j], s1[j], s2[j], s3[j]],
            };
            out[j] = one.next_u64();
            [s0[j], s1[j], s2[j], s3[j]] = one.s;
        }
        out
    }

    /// The next word of every stream (xoshiro256++ 1.0, as [`SampleStream::next_u64`]).
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    #[inline(always)]
    pub fn next(&mut self) -> [u64; N] {
        let [s0, s1, s2, s3] = &mut self.s;
        let mut out = [0; N];
        for i in 0..N {
            out[i] = s0[i]
                .wrapping_add(s3[i])
                .rotate_left(23)
                .wrapping_add(s0[i]);
            let t = s1[i] << 17;
            s2[i] ^= s0[i];
            s3[i] ^= s1[i];
            s1[i] ^= s2[i];
            s0[i] ^= s3[i];
            s2[i] ^= t;
            s3[i] = s3[i].rotate_left(45);
        }
        out
    }

    /// Runs `f` on stream `i` as a [`SampleStream`] (for the rare draws that need more words).
    #[inline]
    pub fn with_stream<T>(&mut self, i: usize, f: impl FnOnce(&mut SampleStream) -> T) -> T {
        let mut one = SampleStream {
            s: [self.s[0][i], self.s[1][i], self.s[2][i], self.s[3][i]],
        };
        let out = f(&mut one);
        for k in 0..4 {
            self.s[k][i] = one.s[k];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known-answer tests from Random123-1.14's `tests/kat_vectors` ("philox4x32 10" lines:
    /// counter[4], key[2] -> output[4], hex).
    #[test]
    fn philox_known_answers() {
        let kat: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
            (
                [0, 0, 0, 0],
                [0, 0],
                [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8],
            ),
            (
                [0xffff_ffff; 4],
                [0xffff_ffff; 2],
                [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd],
            ),
            (
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
                [0xa409_3822, 0x299f_31d0],
                [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1],
            ),
        ];
        for (ctr, key, want) in kat {
            assert_eq!(philox4x32_10(ctr, key), want);
        }
    }

    #[test]
    fn open_uniform_is_symmetric_and_open() {
        for bits in [
            0u64,
            1,
            u64::MAX,
            u64::MAX - 4095,
            1 << 63,
            0x1234_5678_9abc_def0,
        ] {
            let u = open_uniform(bits);
            assert!(u > 0.0 && u < 1.0, "{u}");
            let v = 1.0 - u;
            // 1 - u is itself an output of open_uniform (exact: no rounding happened).
            assert_eq!(1.0 - v, u);
            assert_eq!(((v / TWO_POW_M53) as u64) % 2, 1);
        }
    }

    /// xoshiro256++ and the seeding against an independent transcription of the reference
    /// algorithms (`tests/oracles/mc_xoshiro.py`).
    #[test]
    fn xoshiro_known_answers() {
        let mut st = SampleStream { s: [1, 2, 3, 4] };
        let got: Vec<u64> = (0..4).map(|_| st.next_u64()).collect();
        assert_eq!(
            got,
            [
                0x280_0001,
                0x380_0067,
                0xc_c000_0380_0067,
                0xc_c201_9944_00b2
            ]
        );
        let mut st = SampleStream::new(7, 3);
        let got: Vec<u64> = (0..4).map(|_| st.next_u64()).collect();
        assert_eq!(
            got,
            [
                0x3305_360a_fd86_064d,
                0xa14a_db77_4c51_b64d,
                0x4835_4d81_b8f8_545e,
                0x94cc_23bb_5149_d3ef
            ]
        );
    }

    /// A batch of streams yields each stream's own words, also when one of them is drawn from
    /// alone in between.
    #[test]
    fn stream_batch_matches_the_single_streams() {
        let singles: [SampleStream; 3] = std::array::from_fn(|i| SampleStream::new(5, i as u64));
        let mut batch = StreamBatch::new(&singles);
        let mut singles = singles;
        for round in 0..20 {
            let words = batch.next();
            for (i, st) in singles.iter_mut().enumerate() {
                assert_eq!(words[i], st.next_u64(), "round {round} stream {i}");
            }
            if round % 7 == 3 {
                let w = batch.with_stream(1, |st| st.next_u64());
                assert_eq!(w, singles[1].next_u64());
            }
        }
    }

    #[test]
    fn streams_depend_on_seed_and_sample_only() {
        let mut a = SampleStream::new(7, 3);
        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let mut b = SampleStream::new(7, 3);
        let again: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(first, again);
        let mut c = SampleStream::new(7, 4);
        assert_ne!(first[0], c.next_u64());
        let mut d = SampleStream::new(8, 3);
        assert_ne!(first[0], d.next_u64());
        // The state is the Philox blocks at counters (0, 0, sample, 0) and (1, 0, sample, 0).
        let out = philox4x32_10([1, 0, 3, 0], [7, 0]);
        assert_eq!(
            SampleStream::new(7, 3).s[3],
            u64::from(out[2]) | (u64::from(out[3]) << 32)
        );
    }
}
