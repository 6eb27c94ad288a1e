"""The Monte Carlo engine gives the same double natively and in WebAssembly.

``wasm_core`` computes every transcendental function of its Monte Carlo path with its own
``fastmath`` (not the platform's libm, which differs between glibc and the wasm build's), and IEEE
arithmetic is the same everywhere, so a Heston run natively (the ``bench_native`` example) and in
node (the ``web/pkg`` module) must agree to the last bit. Not a golden value: two builds of the
same code are compared with each other. Skipped where cargo, node or the wasm package is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.engines import processes
from benchmarks.engines.base import EngineUnavailable
from benchmarks.workload import HestonWork

# The benchmark's Heston contract, on less work (a partial last block and a partial batch).
WORK = HestonWork(paths=1203, steps=37, seed=20261122)


def test_heston_price_is_bit_identical_natively_and_in_wasm(tmp_path: Path) -> None:
    try:
        processes.node_available()
        binary = processes.build_native()
    except EngineUnavailable as e:
        pytest.skip(str(e))
    native = processes.run_native(binary, WORK, tmp_path / "native", 1, 0)
    wasm = processes.run_node(WORK, tmp_path / "node", 1, 0)
    assert native.price is not None and native.std_error is not None
    assert (wasm.price, wasm.std_error) == (native.price, native.std_error)
