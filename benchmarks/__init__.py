"""Pricing Lab's side-by-side benchmark suite (``./build.sh bench [--quick]``).

Every engine gets the same work: the same Heston contract, paths, steps and seeds, the same
Black-Scholes and implied-volatility input columns (made once by :mod:`benchmarks.workload` and
handed to the native, node and browser engines as raw float64 files). Each engine times only its
own computation, repeats it, and reports every repeat; the harness keeps the median, checks that
the engines' answers agree, and writes ``benchmarks/results/latest.json`` and ``latest.svg``.
"""
