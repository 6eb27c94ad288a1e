"""Semi-analytic prices of the lifted (multi-factor) Heston model with Abi Jaber's geometric
partition: why `wasm_core/src/monte_carlo/kernel.rs` does not use that partition.

Finding (printed by this script): the lift with n factors on eta_i = r_n^(i - n/2),
r_n = 1 + 10 n^(-0.9) is far from the rough Heston values of docs/references.md (hurst 0.1, n = 20:
+0.12 on a 4.54 call; hurst 0.3: +0.36), because the partition drops the kernel's mass near
x = 0 (the long memory) and above r_n^(n/2) (the singularity). kernel.rs instead integrates mu
with Gauss rules from 0 up to 40/dt and uses the exact kernel inside each time step.

The rough Heston variance (docs/references.md parameterisation, a = hurst + 1/2)
    V_t = v0 + 1/G(a) int (t-s)^(a-1) kappa (theta - V_s) ds
             + 1/G(a) int (t-s)^(a-1) xi sqrt(V_s) dB_s
has the kernel K(t) = t^(a-1)/G(a) = int_0^oo e^(-x t) mu(dx), mu(dx) = x^(-a) dx / (G(a) G(1-a)).
The lift replaces mu by n atoms: c_i = mu([eta_(i-1), eta_i]), x_i = (1/c_i) int x mu(dx) on the
geometric partition eta_i = r^(i - n/2) (Abi Jaber & El Euch, "Multifactor approximation of rough
volatility models", SIAM J. Financial Math. 10 (2019), with the choice r_n = 1 + 10 n^(-0.9) of
Abi Jaber, "Lifting the Heston model", Quant. Finance 19 (2019)), nodes scaled to the horizon T
(x_i / T, c_i T^(a-1)).

The lifted model is affine (Abi Jaber 2019, "Lifting the Heston model", its Fourier-Laplace
transform):
    E[exp(w X_T)] = exp( int_0^T F(w, psi(s)) g0(T-s) ds ),  X_T = ln(S_T/S_0) - (r-q) T,
    psi = sum c_i psi_i,  psi_i' = -x_i psi_i + F(w, psi),  psi_i(0) = 0,
    F(w, v) = (w^2 - w)/2 + (rho xi w - kappa) v + xi^2 v^2 / 2,
    g0(t) = v0 + kappa theta sum c_i (1 - e^(-x_i t)) / x_i.
Prices follow from Lewis's formula (A. Lewis, "Option Valuation under Stochastic Volatility", 2000):
    C = S e^(-qT) - sqrt(S K) e^(-(r+q)T/2) / pi
        * int_0^oo Re[e^(i u k) phi(u - i/2)] / (u^2 + 1/4) du,
    k = ln(S/K) + (r - q) T,  phi(z) = E[exp(i z X_T)].

With one factor (c = 1, x = 0) this is Heston's model; `--check-heston` compares that case with
QuantLib's AnalyticHestonEngine on Lewis's reference table (docs/references.md).

Usage:  python tests/oracles/mc_lifted_heston.py [--check-heston]
Prints, for hurst 0.1 / 0.3 / 0.5 and several factor counts, the lifted-model call price next to
the rough Heston reference value of docs/references.md.
"""

from __future__ import annotations

import argparse
import math

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import gamma, roots_legendre

# docs/references.md rough Heston case: S=K=100, T=1, r=q=0, v0=theta=0.02, kappa=0.3,
# xi=0.3, rho=-0.7.
ROUGH_CASE = {
    "spot": 100.0,
    "strike": 100.0,
    "expiry": 1.0,
    "rate": 0.0,
    "dividend": 0.0,
    "v0": 0.02,
    "kappa": 0.3,
    "theta": 0.02,
    "xi": 0.3,
    "rho": -0.7,
}
ROUGH_REFERENCE = {0.1: 4.53874, 0.3: 4.63083, 0.5: 4.73925}


def lift_nodes(hurst: float, n: int, r: float, expiry: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights c_i and speeds x_i of Abi Jaber's geometric-partition lift."""
    a = hurst + 0.5
    if a >= 1.0:
        return np.array([1.0]), np.array([0.0])
    eta = r ** (np.arange(n + 1) - n / 2.0)
    one_a = eta ** (1.0 - a)
    two_a = eta ** (2.0 - a)
    c = (one_a[1:] - one_a[:-1]) / (gamma(a) * gamma(2.0 - a))
    x = (1.0 - a) / (2.0 - a) * (two_a[1:] - two_a[:-1]) / (one_a[1:] - one_a[:-1])
    # Horizon scaling: K(T s) = T^(a-1) K(s).
    return c * expiry ** (a - 1.0), x / expiry


def lifted_call(
    case: dict[str, float], c: np.ndarray, x: np.ndarray, n_u: int = 160, u_max: float = 200.0
) -> float:
    s, k_, t = case["spot"], case["strike"], case["expiry"]
    r, q = case["rate"], case["dividend"]
    v0, kappa, theta, xi, rho = (case[p] for p in ("v0", "kappa", "theta", "xi", "rho"))
    # Gauss-Legendre nodes on u in [0, u_max] after u = u_max * s^2 (clusters nodes near 0).
    gl_s, gl_w = roots_legendre(n_u)
    sq = 0.5 * (gl_s + 1.0)
    us = u_max * sq**2
    wts = 0.5 * gl_w * u_max * 2.0 * sq
    w = 1j * (us - 0.5j)  # w = i z, z = u - i/2
    m = len(c)

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        psi_i = y[: m * n_u].reshape(m, n_u)
        psi = c @ psi_i
        f = 0.5 * (w * w - w) + (rho * xi * w - kappa) * psi + 0.5 * xi * xi * psi * psi
        d_psi = -x[:, None] * psi_i + f[None, :]
        return np.concatenate([d_psi.ravel(), f])  # last block: F along the path (for the integral)

    # int_0^T F(psi(s)) g0(T-s) ds: the trapezoid rule on a fine grid of the dense output.
    sol = solve_ivp(
        rhs,
        (0.0, t),
        np.zeros(m * n_u + n_u, dtype=complex),
        method="DOP853",
        rtol=1e-10,
        atol=1e-12,
        dense_output=True,
    )
    grid = np.linspace(0.0, t, 4001)
    vals = sol.sol(grid)
    psi_grid = np.einsum("i,iuj->uj", c, vals[: m * n_u].reshape(m, n_u, -1))
    f_grid = (
        0.5 * (w[:, None] ** 2 - w[:, None])
        + (rho * xi * w[:, None] - kappa) * psi_grid
        + 0.5 * xi * xi * psi_grid**2
    )
    tau = t - grid
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(
            x[:, None] > 0, -np.expm1(-x[:, None] * tau[None, :]) / x[:, None], tau[None, :]
        )
    g0 = v0 + kappa * theta * (c @ frac)
    log_phi = np.trapezoid(f_grid * g0[None, :], grid, axis=1)
    phi = np.exp(log_phi)
    kk = math.log(s / k_) + (r - q) * t
    integrand = np.real(np.exp(1j * us * kk) * phi) / (us * us + 0.25)
    integral = float(np.sum(wts * integrand))
    return (
        s * math.exp(-q * t) - math.sqrt(s * k_) * math.exp(-(r + q) * t / 2.0) / math.pi * integral
    )


def quantlib_heston_call(case: dict[str, float]) -> float:
    import QuantLib as ql

    today = ql.Date(1, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    expiry = today + round(case["expiry"] * 365)
    rate = ql.YieldTermStructureHandle(ql.FlatForward(today, case["rate"], dc))
    div = ql.YieldTermStructureHandle(ql.FlatForward(today, case["dividend"], dc))
    proc = ql.HestonProcess(
        rate,
        div,
        ql.QuoteHandle(ql.SimpleQuote(case["spot"])),
        case["v0"],
        case["kappa"],
        case["theta"],
        case["xi"],
        case["rho"],
    )
    opt = ql.VanillaOption(
        ql.PlainVanillaPayoff(ql.Option.Call, case["strike"]), ql.EuropeanExercise(expiry)
    )
    opt.setPricingEngine(ql.AnalyticHestonEngine(ql.HestonModel(proc), 1e-14, 100000))
    return float(opt.NPV())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check-heston", action="store_true")
    ap.add_argument("--factors", type=int, nargs="*", default=[10, 20, 40])
    args = ap.parse_args()
    if args.check_heston:
        lewis = {
            "spot": 100.0,
            "strike": 100.0,
            "expiry": 1.0,
            "rate": 0.01,
            "dividend": 0.02,
            "v0": 0.04,
            "kappa": 4.0,
            "theta": 0.25,
            "xi": 1.0,
            "rho": -0.5,
        }
        c, x = lift_nodes(0.5, 1, 1.0, 1.0)
        print(
            "Lewis K=100 call: table 16.070154917028834, one-factor lift",
            lifted_call(lewis, c, x, n_u=400, u_max=400.0),
        )
        print(
            "rough case H=0.5: QuantLib",
            quantlib_heston_call(ROUGH_CASE),
            "one-factor lift",
            lifted_call(ROUGH_CASE, c, x),
        )
    for hurst in (0.1, 0.3):
        for n in args.factors:
            r = 1.0 + 10.0 * n**-0.9
            c, x = lift_nodes(hurst, n, r, ROUGH_CASE["expiry"])
            price = lifted_call(ROUGH_CASE, c, x)
            print(
                f"hurst {hurst}: n={n:3d} r={r:.4f} x_max={x[-1]:9.1f} lift {price:.5f} "
                f"rough ref {ROUGH_REFERENCE[hurst]:.5f} diff {price - ROUGH_REFERENCE[hurst]:+.5f}"
            )


if __name__ == "__main__":
    main()
