"""Constants of the 256-layer normal ziggurat in wasm_core/src/monte_carlo/normal_sampler.rs.

Marsaglia & Tsang, "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8)
(2000), section 2: with C layers of equal area V under f(x) = exp(-x^2/2), the base layer
(rectangle [0, R] x [0, f(R)] plus the tail beyond R) has area V = R f(R) + int_R^oo f, and the
layer edges follow x_(i+1) = f^-1(V / x_i + f(x_i)). R is the root that makes the top layer's area
x_255 (1 - f(x_255)) equal V. Prints R, V and the tail probabilities used by the sampler's tests.

Usage: python tests/oracles/mc_ziggurat_constants.py
"""

import mpmath as mp

mp.mp.dps = 40


def f(x: mp.mpf) -> mp.mpf:
    return mp.e ** (-x * x / 2)


def base_area(r: mp.mpf) -> mp.mpf:
    return r * f(r) + mp.sqrt(mp.pi / 2) * mp.erfc(r / mp.sqrt(2))


def top_mismatch(r: mp.mpf) -> mp.mpf:
    v = base_area(r)
    x = r
    for _ in range(2, 256):
        x = mp.sqrt(-2 * mp.log(v / x + f(x)))
    return x * (1 - f(x)) - v


r = mp.findroot(top_mismatch, mp.mpf("3.6541528853610088"))
print("ZIGGURAT_R =", mp.nstr(r, 25))
print("ZIGGURAT_V =", mp.nstr(base_area(r), 25))
for z in (1, 2, 3, 4, 5):
    print(f"P(Z > {z}) =", mp.nstr(mp.ncdf(-z), 20))
