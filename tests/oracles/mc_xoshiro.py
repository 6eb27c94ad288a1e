"""Known answers for the sample streams of `wasm_core/src/monte_carlo/rng.rs`.

An independent Python transcription of the two reference algorithms:
- xoshiro256++ 1.0, D. Blackman and S. Vigna (prng.di.unimi.it/xoshiro256plusplus.c; "Scrambled
  Linear Pseudorandom Number Generators", ACM TOMS 47(4), 2021): prints its first outputs from
  the state (1, 2, 3, 4);
- the stream seeding: Philox4x32-10 (Salmon et al., SC'11, section 3.3 and Table 2) at counters
  (0, 0, sample) and (1, 0, sample) under key (seed low, seed high), giving the four state words;
  prints the first outputs of the stream (seed 7, sample 3).

Usage: python tests/oracles/mc_xoshiro.py
"""

from __future__ import annotations

MASK64 = (1 << 64) - 1
MASK32 = (1 << 32) - 1


def rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & MASK64


def xoshiro_next(s: list[int]) -> int:
    result = (rotl((s[0] + s[3]) & MASK64, 23) + s[0]) & MASK64
    t = (s[1] << 17) & MASK64
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 45)
    return result


def philox4x32_10(ctr: list[int], key: list[int]) -> list[int]:
    c, k = list(ctr), list(key)
    for i in range(10):
        if i > 0:
            k = [(k[0] + 0x9E3779B9) & MASK32, (k[1] + 0xBB67AE85) & MASK32]
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k[0], p1 & MASK32, (p0 >> 32) ^ c[3] ^ k[1], p0 & MASK32]
    return c


def stream_state(seed: int, sample: int) -> list[int]:
    key = [seed & MASK32, seed >> 32]
    words: list[int] = []
    for block in (0, 1):
        out = philox4x32_10([block, 0, sample & MASK32, sample >> 32], key)
        words += [out[0] | (out[1] << 32), out[2] | (out[3] << 32)]
    return words


if __name__ == "__main__":
    s = [1, 2, 3, 4]
    print("xoshiro256++ from (1, 2, 3, 4):", [hex(xoshiro_next(s)) for _ in range(4)])
    s = stream_state(7, 3)
    print("stream (seed 7, sample 3):", [hex(xoshiro_next(s)) for _ in range(4)])
