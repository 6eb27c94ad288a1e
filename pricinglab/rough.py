"""Rough Heston European option prices (El Euch & Rosenbaum 2019): a test oracle.

Model (El Euch & Rosenbaum, "The characteristic function of rough Heston models",
Math. Finance 29 (2019), sec. 1), with ``a = hurst + 1/2`` and the parameters of
docs/api.md::

    dS_t = (r - q) S_t dt + S_t sqrt(V_t) dW_t
    V_t  = v0 + 1/Gamma(a) Int_0^t (t-s)^(a-1) kappa (theta - V_s) ds
              + 1/Gamma(a) Int_0^t (t-s)^(a-1) xi sqrt(V_s) dB_s,      d<W, B> = rho dt

(their ``lambda = kappa``, ``lambda nu = xi``); ``hurst = 1/2`` is Heston (1993) with the same
``kappa, theta, xi``.

Characteristic function of ``X_T = ln(S_T / F)`` (their main theorem)::

    ln phi(z) = kappa theta I^1 h(z, T) + v0 I^(1-a) h(z, T)

where ``I^b`` is the Riemann-Liouville fractional integral and ``h`` solves the fractional
Riccati equation (theirs, in our parameters)::

    D^a h = F(z, h) = -1/2 (z^2 + i z) + (i rho xi z - kappa) h + 1/2 xi^2 h^2,   I^(1-a) h(0) = 0.

Since ``h = I^a F(z, h)``, ``I^(1-a) h = I^1 F(z, h)``: both terms are ordinary integrals
over ``[0, T]`` of quantities computed on the grid. ``h`` comes from the fractional Adams
predictor-corrector scheme (Diethelm, Ford & Freed, "A predictor-corrector approach for
the numerical solution of fractional differential equations", Nonlinear Dyn. 29 (2002);
El Euch & Rosenbaum sec. 5), with its corrector solved exactly (see
:func:`fractional_adams`), vectorised over all Fourier nodes with NumPy. The price is
Lewis's formula with a Black-Scholes control variate, shared with :mod:`pricinglab.heston`.

Accuracy and cost (measured; see tests/test_rough.py): the error decreases like
``steps^-(hurst + 3/2)`` (the ``t^a`` behaviour of ``h`` at 0 limits the order below 2).
With S=K=100, T=1, v0=theta=0.02, kappa=0.3, xi=0.3, rho=-0.7 the default 800 steps are
within 2.2e-6 of the converged price for hurst >= 0.05 (1.3e-6 at 0.1, 8e-8 at 0.5; 400
steps: 6e-6); on a 3-year put with xi=0.6, rho=-0.9, hurst=0.15 within 2e-5. The cost is
``O(steps^2)`` per Fourier node (about 1,000 nodes): 0.1 s per price at 400 steps, 0.3-0.5 s
at 800, 1.2 s at 1,600, 4.5 s at 3,200 on one core.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

try:
    import numpy as np
    from numpy.typing import NDArray
except ImportError as error:  # the offline notebook's Pyodide ships no NumPy
    raise ImportError(
        "pricinglab.rough needs NumPy, which this Python does not have (the notebook's offline "
        "Pyodide ships none; under CPython: pip install numpy). Without NumPy, price rough Heston "
        "by simulation: pl.monte_carlo({'model': 'rough_heston', ...})"
    ) from error

from pricinglab.heston import (
    ArgumentTypeError,
    _number,
    _validate,
    deterministic_variance,
    lewis_price,
)

__all__ = ["DEFAULT_STEPS", "fractional_adams", "rough_heston_log_cf", "rough_heston_price"]

DEFAULT_STEPS = 800
"""Default number of time steps of the Adams scheme (see tests/test_rough.py for its error)."""

# The Fourier integral needs no more precision than the Adams scheme delivers (~1e-6 at
# best), and each node costs a full Riccati solve.
_INTEGRAL_TOLERANCE = 1e-10
# |phi(u - i/2)| = |E[(S_T/F)^(1/2) e^{iuX}]| <= E[(S_T/F)^(1/2)] <= 1: a log-modulus above
# this means the explicit scheme went unstable at that node.
_LOG_MODULUS_LIMIT = 1e-6

ComplexArray = NDArray[np.complex128]


def fractional_adams(
    a0: ComplexArray, a1: ComplexArray, a2: float, alpha: float, expiry: float, steps: int
) -> tuple[ComplexArray, ComplexArray]:
    """Solves ``D^alpha h = F(h) = a0 + a1 h + a2 h^2``, ``h(0) = 0``, on ``t_k = k T / steps``.

    The fractional Adams method (Diethelm, Ford & Freed, Nonlinear Dyn. 29 (2002);
    El Euch & Rosenbaum 2019, sec. 5): ``h = I^alpha F(h)`` discretised by
    the product trapezoidal rule, with ``Delta = T / steps`` and ``F_j = F(h_j)``::

        h_{k+1} = Delta^alpha / Gamma(alpha + 2) (Sum_{j<=k} a_{j,k+1} F_j + F(h_{k+1})),
        a_{0,k+1} = k^(alpha+1) - (k - alpha)(k+1)^alpha,
        a_{j,k+1} = (k-j+2)^(alpha+1) + (k-j)^(alpha+1) - 2 (k-j+1)^(alpha+1)   (1 <= j <= k)

    Diethelm's method evaluates ``F(h_{k+1})`` once at a product-rectangle predictor (one
    "PECE" pass). Here ``F`` is quadratic, so we solve this corrector equation exactly
    instead (its root that tends to ``Delta^alpha/Gamma(alpha+2) Sum ...`` as
    ``Delta -> 0``): the same discretisation iterated to convergence (``P(EC)^inf``). The
    explicit predictor is unstable once ``Delta^alpha |F'(h)| >~ 1``, and
    ``|F'(h)| ~ xi sqrt(1 - rho^2) |z|`` grows with the Fourier frequency: with 800 steps it
    broke down at ``|z|`` of a few hundred in the tests' examples, where the implicit
    corrector stays stable and is also more accurate at a given number of steps (measured in
    tests/test_rough.py). At ``alpha = 1`` it is the trapezoidal (Crank-Nicolson) rule.

    ``a0`` and ``a1`` are arrays (one equation per entry), solved together; each step costs
    one weighted sum over the history. Returns ``(h, F)``, arrays of shape
    ``(steps + 1, len(a0))``.
    """
    n = steps
    dt = expiry / n
    m = np.arange(n, dtype=np.float64)
    # a_{j,k+1} for 1 <= j <= k depends on k - j only: corr[k - j]
    corr = (m + 2.0) ** (alpha + 1.0) + m ** (alpha + 1.0) - 2.0 * (m + 1.0) ** (alpha + 1.0)
    first = m ** (alpha + 1.0) - (m - alpha) * (m + 1.0) ** alpha  # a_{0,k+1}, k = 0..n-1
    corr_rev = corr[::-1].copy()
    scale = dt**alpha / math.gamma(alpha + 2.0)

    size = a0.shape[0]
    h = np.zeros((n + 1, size), dtype=np.complex128)
    f = np.zeros((n + 1, size), dtype=np.complex128)
    f[0] = a0  # F(h_0) with h_0 = 0
    f_real = f.view(np.float64)  # (n + 1, 2 size): real weighted sums, half the flops
    weights = np.empty(n + 1, dtype=np.float64)
    p = 1.0 - scale * a1
    for k in range(n):
        w = weights[: k + 1]
        w[0] = first[k]
        w[1:] = corr_rev[n - k :]  # corr[k-1], ..., corr[0] for j = 1..k
        # einsum's own loop, not BLAS: OpenBLAS threads made this 10x slower on a busy machine
        history = np.einsum("j,jm->m", w, f_real[: k + 1]).view(np.complex128)
        # h = c0 + scale (a1 h + a2 h^2), c0 = scale (history + a0): the quadratic's root
        # continuous at scale -> 0, written without cancellation
        c0 = scale * (history + a0)
        sq = np.sqrt(p * p - 4.0 * scale * a2 * c0)
        sq = np.where((sq * p.conj()).real >= 0.0, sq, -sq)
        h_next = 2.0 * c0 / (p + sq)
        h[k + 1] = h_next
        f[k + 1] = a0 + h_next * (a1 + a2 * h_next)
    return h, f


def _trapezoid(values: ComplexArray, dt: float) -> ComplexArray:
    """Trapezoidal rule along axis 0 on a uniform grid."""
    total: ComplexArray = dt * (values.sum(axis=0) - 0.5 * (values[0] + values[-1]))
    return total


def rough_heston_log_cf(
    z: Sequence[complex] | ComplexArray,
    expiry: float,
    v0: float,
    kappa: float,
    theta: float,
    xi: float,
    rho: float,
    hurst: float,
    steps: int,
) -> ComplexArray:
    """``ln E[exp(i z X_T)]``, ``X_T = ln(S_T / F)``, under rough Heston, for each ``z``.

    El Euch & Rosenbaum (2019), main theorem: ``kappa theta I^1 h(T) + v0 I^(1-a) h(T)``
    with ``I^(1-a) h = I^1 F(h)`` (as ``h = I^a F(h)``); ``h`` from :func:`fractional_adams`,
    the two integrals by the trapezoidal rule on the same grid.
    """
    zs: ComplexArray = np.asarray(z, dtype=np.complex128)
    alpha = hurst + 0.5
    a0 = -0.5 * (zs * zs + 1j * zs)
    a1 = 1j * rho * xi * zs - kappa
    with np.errstate(all="ignore"):  # an unstable node is detected and reported below
        h, f = fractional_adams(a0, a1, 0.5 * xi * xi, alpha, expiry, steps)
        dt = expiry / steps
        result: ComplexArray = kappa * theta * _trapezoid(h, dt) + v0 * _trapezoid(f, dt)
    return result


def _validate_rough(hurst: object, steps: object) -> tuple[float, int]:
    h = _number("hurst", hurst)
    if not 0.0 < h <= 0.5:
        raise ValueError(f"hurst must be in (0, 0.5] (got {h})")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise ArgumentTypeError(f"steps must be an integer (got {type(steps).__name__})")
    n = int(steps)
    if n < 1:
        raise ValueError(f"steps must be an integer >= 1 (got {n})")
    return h, n


def rough_heston_price(
    kind: str,
    spot: float,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
    v0: float,
    kappa: float,
    theta: float,
    xi: float,
    rho: float,
    hurst: float,
    *,
    steps: int = DEFAULT_STEPS,
) -> float:
    """European option price under rough Heston (El Euch & Rosenbaum 2019).

    Lewis (2000) Fourier formula (as in :func:`pricinglab.heston.heston_price`) on the
    characteristic function of :func:`rough_heston_log_cf`, the fractional Riccati equation
    solved with ``steps`` Adams steps over ``[0, expiry]``.

    ``expiry = 0`` gives the intrinsic value; a variance that stays 0 (``v0 = 0`` and
    ``kappa theta = 0``) the discounted intrinsic value of the forward.

    Raises ``ValueError`` naming the parameter (the rules of ``heston_price``, plus hurst in
    (0, 0.5] and steps an integer >= 1), and ``ArithmeticError`` if the Adams scheme is
    unstable at some Fourier node (more ``steps`` fix it).
    """
    kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho = _validate(
        kind, spot, strike, expiry, rate, dividend, v0, kappa, theta, xi, rho
    )
    hurst, steps = _validate_rough(hurst, steps)
    sign = 1.0 if kind == "call" else -1.0
    if expiry == 0.0:
        return max(sign * (spot - strike), 0.0)
    if v0 == 0.0 and kappa * theta == 0.0:  # the variance stays 0
        discount = math.exp(-rate * expiry)
        forward = spot * math.exp((rate - dividend) * expiry)
        return discount * max(sign * (forward - strike), 0.0)

    def log_cf(us: Sequence[float]) -> list[complex]:
        z = np.asarray(us, dtype=np.float64) - 0.5j
        values = rough_heston_log_cf(
            z.astype(np.complex128), expiry, v0, kappa, theta, xi, rho, hurst, steps
        )
        if not np.all(np.isfinite(values)) or np.max(values.real) > _LOG_MODULUS_LIMIT:
            raise ArithmeticError(
                f"the Adams scheme is unstable at the Fourier nodes needed: increase steps "
                f"(got {steps})"
            )
        return [complex(v) for v in values]

    # A control variate needs only a total variance close to the model's: the Heston one.
    # (> 0 here: it is 0 only when the variance stays 0.)
    control = deterministic_variance(expiry, v0, kappa, theta)
    return lewis_price(
        kind, spot, strike, expiry, rate, dividend, log_cf, control, _INTEGRAL_TOLERANCE
    )
