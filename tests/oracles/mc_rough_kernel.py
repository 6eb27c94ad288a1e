"""Reference values for wasm_core/src/monte_carlo/kernel.rs (the fractional kernel and its
sum-of-exponentials approximation), computed with mpmath at 30 digits.

* Gamma(x) at the points the kernel uses (a = hurst + 1/2 in (1/2, 1]: Gamma(a + 1), Gamma(a + 2)).
* Step weights of the fractional kernel K(t) = t^(a-1)/Gamma(a):
  W_m = Kbar((m+1) dt) - Kbar(m dt), Kbar(t) = int_0^t K = t^a / Gamma(a+1),
  for hurst 0.1 and 0.3, dt = 0.01, m = 1, 10, 99 (the memory weights the approximation must match).

Usage: python tests/oracles/mc_rough_kernel.py
"""

import mpmath as mp

mp.mp.dps = 30
print("gamma:")
for x in ("0.55", "0.6", "0.8", "1.6", "1.8", "2.6", "2.99"):
    print(f"    ({x}, {mp.nstr(mp.gamma(mp.mpf(x)), 17)}),")
print("step weights (hurst, m, W_m) with dt = 0.01:")
for hurst in ("0.1", "0.3"):
    a = mp.mpf(hurst) + mp.mpf("0.5")
    dt = mp.mpf("0.01")
    for m in (1, 10, 99):
        w = (((m + 1) * dt) ** a - (m * dt) ** a) / mp.gamma(a + 1)
        print(f"    ({hurst}, {m}, {mp.nstr(w, 17)}),")
