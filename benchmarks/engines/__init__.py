"""Engines: one module per runtime. Each engine times only its own computation on the work of
:mod:`benchmarks.workload` and returns a :class:`~benchmarks.engines.base.Measurement`."""
