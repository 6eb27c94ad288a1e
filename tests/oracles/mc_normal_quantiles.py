"""Reference normal quantiles for the AS241 test in wasm_core/src/monte_carlo/normal_sampler.rs.

Phi^-1(p) solved from mpmath's ncdf(z) = p at 40 digits (Newton from scipy.special.ndtri's value),
and cross-checked with ndtri. Prints Rust tuples `(p, quantile)` (shortest round-trip repr).

Usage: python tests/oracles/mc_normal_quantiles.py
"""

import mpmath as mp
from scipy.special import ndtri

mp.mp.dps = 40
for p in (1e-300, 1e-20, 1e-5, 0.02, 0.3, 0.5, 0.9, 0.999999):
    target = mp.mpf(p)
    exact = float(mp.findroot(lambda z, t=target: mp.ncdf(z) - t, float(ndtri(p))))
    assert abs(exact - float(ndtri(p))) <= 4e-15 * max(abs(exact), 1e-300), (p, exact, ndtri(p))
    print(f"({p!r}, {exact!r}),")
