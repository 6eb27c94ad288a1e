"""Engines in another process: ``rust-native`` (the crate's ``bench_native`` example, built in
release mode) and ``wasm-node`` (``benchmarks/node_bench.mjs``). Both read the task from a
directory written by :func:`benchmarks.workload.write_spec` and print one line of JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..workload import BatchWork, HestonWork, read_f64, write_spec
from .base import EngineUnavailable, Measurement

ROOT = Path(__file__).resolve().parents[2]
CRATE = ROOT / "wasm_core"
NATIVE_EXAMPLE = "bench_native"


def build_native() -> Path:
    """``cargo build --release --example bench_native`` (the crate's release profile: LTO, one
    codegen unit, the default x86-64 target CPU; no ``target-cpu=native``). Returns the binary."""
    if shutil.which("cargo") is None:
        raise EngineUnavailable("cargo is not on PATH")
    proc = subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", NATIVE_EXAMPLE],
        cwd=CRATE,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise EngineUnavailable(f"cargo build failed:\n{proc.stderr[-4000:]}")
    target = Path(os.environ.get("CARGO_TARGET_DIR", CRATE / "target"))
    binary = target / "release" / "examples" / NATIVE_EXAMPLE
    if not binary.exists():
        raise EngineUnavailable(f"{binary} was not built")
    return binary


def _run_json(cmd: list[str]) -> dict[str, Any]:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def _measurement(
    out: dict[str, Any], workdir: Path, batch: bool, info: dict[str, Any]
) -> Measurement:
    times = [float(t) for t in out.pop("times")]
    values = read_f64(workdir / "out.f64") if batch else None
    price, se = out.pop("price", None), out.pop("std_error", None)
    return Measurement(times, price, se, values, info={**info, **out})


def _prepare(work: HestonWork | BatchWork, workdir: Path) -> bool:
    """Writes the task into ``workdir``; True for a batch task (output column expected)."""
    if isinstance(work, BatchWork):
        write_spec(workdir, work.spec(), work.columns)
        (workdir / "out.f64").unlink(missing_ok=True)
        return True
    write_spec(workdir, work.spec())
    return False


def run_native(
    binary: Path, work: HestonWork | BatchWork, workdir: Path, repeats: int, warmup: int
) -> Measurement:
    batch = _prepare(work, workdir)
    out = _run_json([str(binary), str(workdir), str(repeats), str(warmup)])
    return _measurement(out, workdir, batch, {"threads": 1})


def node_available() -> str:
    """The node version; raises :class:`EngineUnavailable` without node or the wasm package."""
    if shutil.which("node") is None:
        raise EngineUnavailable("node is not on PATH")
    if not (ROOT / "web" / "pkg" / "wasm_core_bg.wasm").exists():
        raise EngineUnavailable("web/pkg is missing (run ./build.sh)")
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


def run_node(work: HestonWork | BatchWork, workdir: Path, repeats: int, warmup: int) -> Measurement:
    batch = _prepare(work, workdir)
    script = ROOT / "benchmarks" / "node_bench.mjs"
    out = _run_json(["node", str(script), str(workdir), str(repeats), str(warmup)])
    return _measurement(out, workdir, batch, {"threads": 1})
