"""Ratios, the issue's goals, the printed table and the machine description."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .harness import BASELINE

ROOT = Path(__file__).resolve().parents[1]


def _kind(task: str) -> str:
    return "heston" if task.startswith("heston") else task.rsplit("_", 1)[0]


def _seconds(records: list[dict[str, Any]], task: str, engine: str) -> float | None:
    for r in records:
        if r["task"] == task and r["engine"] == engine:
            return float(r["seconds"])
    return None


def add_ratios(results: dict[str, Any]) -> None:
    """Each record gets ``speedup_vs_baseline`` (baseline seconds / its seconds) and
    ``slowdown_vs_rust_native`` (its seconds / rust-native's)."""
    records = results["records"]
    for r in records:
        base = _seconds(records, r["task"], BASELINE[_kind(r["task"])])
        native = _seconds(records, r["task"], "rust-native")
        r["baseline"] = BASELINE[_kind(r["task"])]
        r["speedup_vs_baseline"] = base / r["seconds"] if base else None
        r["slowdown_vs_rust_native"] = r["seconds"] / native if native else None


# (task kind, description, numerator engine, denominator engine, comparison, target):
# ratio = seconds(numerator) / seconds(denominator).
GOALS = [
    (
        "heston",
        "wasm-chromium within 1.3x of rust-native",
        "wasm-chromium",
        "rust-native",
        "<=",
        1.3,
    ),
    (
        "bs_batch",
        "wasm-chromium within 1.3x of rust-native",
        "wasm-chromium",
        "rust-native",
        "<=",
        1.3,
    ),
    (
        "iv_batch",
        "wasm-chromium within 1.3x of rust-native",
        "wasm-chromium",
        "rust-native",
        "<=",
        1.3,
    ),
    (
        "heston",
        "single-thread wasm >= 150x the CPython loop",
        "cpython-loop",
        "wasm-chromium",
        ">=",
        150.0,
    ),
    (
        "heston",
        "browser workers >= 150x the CPython loop",
        "cpython-loop",
        "wasm-chromium-workers",
        ">=",
        150.0,
    ),
    (
        "heston",
        "browser workers >= 10x QuantLib's Monte Carlo",
        "quantlib",
        "wasm-chromium-workers",
        ">=",
        10.0,
    ),
    ("bs_batch", "wasm-chromium >= 2x NumPy/SciPy", "numpy", "wasm-chromium", ">=", 2.0),
    # The native engine from Python (issue "The same engine natively in CPython").
    (
        "heston",
        "pricinglab-native (1 thread) >= 150x the seed's loop as printed",
        "cpython-loop-seed",
        "pricinglab-native",
        ">=",
        150.0,
    ),
    (
        "heston",
        "pricinglab-native (1 thread) >= 100x the math-based loop",
        "cpython-loop-stdlib",
        "pricinglab-native",
        ">=",
        100.0,
    ),
    (
        "bs_batch",
        "pricinglab-native (all cores) >= 2x NumPy/SciPy",
        "numpy",
        "pricinglab-native-threads",
        ">=",
        2.0,
    ),
    (
        "bs_batch",
        "Python-call overhead over rust-native < 10% (1 thread)",
        "pricinglab-native",
        "rust-native",
        "<=",
        1.1,
    ),
    (
        "scalar_greeks",
        "pl.greeks per call >= 3x faster than QuantLib NPV + Greeks",
        "quantlib",
        "pricinglab-native",
        ">=",
        3.0,
    ),
]


def evaluate_goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    records = results["records"]
    tasks = {_kind(t): t for t in results["work"]}
    out = []
    for kind, what, num, den, op, target in GOALS:
        task = tasks.get(kind)
        a = _seconds(records, task, num) if task else None
        b = _seconds(records, task, den) if task else None
        goal: dict[str, Any] = {"task": task, "goal": what, "ratio_of": f"{num} / {den} (seconds)"}
        goal["target"] = f"{op} {target}"
        if a is None or b is None:
            goal["met"] = None
            goal["ratio"] = None
        else:
            ratio = a / b
            goal["ratio"] = ratio
            goal["met"] = ratio <= target if op == "<=" else ratio >= target
        out.append(goal)
    return out


def _fmt_s(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.3f} s"


def _fmt_x(x: float | None) -> str:
    return "-" if x is None else f"{x:.3g}x"


def table(results: dict[str, Any]) -> str:
    """The printed table: per task, engines from fastest, with ratios and the answer check."""
    lines = []
    for task, work in results["work"].items():
        recs = sorted(
            (r for r in results["records"] if r["task"] == task), key=lambda r: r["seconds"]
        )
        if not recs:
            continue
        base = recs[0]["baseline"]
        lines.append(f"\n{task}  (same work in every engine: {_work_line(work)})")
        lines.append(
            f"  {'engine':<23}{'median':>11}{'x vs ' + base:>26}{'/ rust-native':>15}  answer"
        )
        for r in recs:
            speedup = _fmt_x(r["speedup_vs_baseline"])
            vs_native = _fmt_x(r["slowdown_vs_rust_native"])
            lines.append(
                f"  {r['engine']:<23}{_fmt_s(r['seconds']):>11}{speedup:>26}{vs_native:>15}"
                f"  {_answer(r)}"
            )
    skipped = results.get("skipped", [])
    if skipped:
        lines.append("\nnot measured:")
        lines += [f"  {s['task']} {s['engine']}: {s['reason'].splitlines()[0]}" for s in skipped]
    lines.append("\ngoals (one run):")
    for g in results.get("goals", []):
        state = {True: "met", False: "MISSED", None: "not measured"}[g["met"]]
        ratio = "-" if g["ratio"] is None else f"{g['ratio']:.3g}"
        lines.append(
            f"  {state:<13} {g['task']}: {g['goal']}: {g['ratio_of']} = {ratio} ({g['target']})"
        )
    return "\n".join(lines)


def _work_line(work: dict[str, Any]) -> str:
    if "paths" in work:
        return (
            f"{work['kind']} S={work['spot']} K={work['strike']} T={work['expiry']}, "
            f"{work['paths']} paths x {work['steps']} steps, no antithetic"
        )
    return f"{work['rows']} rows, kind={work['kind']}"


def _answer(r: dict[str, Any]) -> str:
    ok = {True: "ok", False: "DISAGREES", None: "biased by design, not checked"}[r.get("agrees")]
    if "price" in r:
        return f"{r['price']:.4f} ± {r['std_error']:.4f} (analytic {r['reference_price']:.4f}) {ok}"
    if "max_abs_diff_vs_baseline" in r:
        extra = ""
        if "max_abs_error_vs_true_vol" in r:
            extra = f", vs true vol {r['max_abs_error_vs_true_vol']:.1e}"
        return f"max |diff| {r['max_abs_diff_vs_baseline']:.1e}{extra} {ok}"
    return ok


def _command(cmd: list[str]) -> str | None:
    if shutil.which(cmd[0]) is None:
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return m.group(1).strip() if m else "unknown"


def _os_name() -> str:
    try:
        text = Path("/etc/os-release").read_text()
        m = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', text, re.M)
        if m:
            return f"{m.group(1)} (kernel {platform.release()})"
    except OSError:
        pass
    return platform.platform()


def _pkg(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


WASM_MODULE = ROOT / "web" / "pkg" / "wasm_core_bg.wasm"


def _leb128(data: bytes, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 integer at ``pos``; returns it and the position after it."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def wasm_producers(path: Path) -> dict[str, dict[str, str]] | None:
    """The ``producers`` custom section of a wasm module (WebAssembly tool-conventions,
    ProducersSection.md): ``{field: {tool: version}}``, e.g. ``processed-by: {rustc: ...}``.
    None when the file or the section is missing or malformed."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:4] != b"\0asm":
        return None

    def name(pos: int) -> tuple[str, int]:
        n, pos = _leb128(data, pos)
        return data[pos : pos + n].decode("utf-8", "replace"), pos + n

    pos = 8
    try:
        while pos < len(data):
            section_id = data[pos]
            size, body = _leb128(data, pos + 1)
            pos = body + size
            if section_id != 0:
                continue
            section, at = name(body)
            if section != "producers":
                continue
            fields: dict[str, dict[str, str]] = {}
            count, at = _leb128(data, at)
            for _ in range(count):
                field_name, at = name(at)
                values, at = _leb128(data, at)
                tools = fields.setdefault(field_name, {})
                for _ in range(values):
                    tool, at = name(at)
                    tools[tool], at = name(at)
            return fields
    except (IndexError, UnicodeDecodeError):
        return None
    return None


def _wasm_rustc() -> str | None:
    """The compiler that built the benchmarked wasm module, as the module itself records it
    (its ``producers`` section, ``processed-by: rustc``). Asking the toolchains instead would
    describe what *would* build it now: build.sh skips an unchanged build, and which rustc it
    picks (rustup's or Debian's rustc-web) depends on whether rustup has the wasm32 std."""
    producers = wasm_producers(WASM_MODULE) or {}
    version = producers.get("processed-by", {}).get("rustc")
    return f"rustc {version}" if version else None


def load_average() -> list[float] | None:
    """1-, 5- and 15-minute load averages (the machine may be shared: read the timings with it)."""
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def machine_info() -> dict[str, Any]:
    pyodide = None
    pkg = ROOT / "node_modules" / "pyodide" / "package.json"
    if pkg.exists():
        m = re.search(r'"version"\s*:\s*"([^"]+)"', pkg.read_text())
        pyodide = m.group(1) if m else None
    return {
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "os": _os_name(),
        "load_average_at_start": load_average(),
        "python": sys.version.split()[0],
        "numpy": _pkg("numpy"),
        "scipy": _pkg("scipy"),
        "quantlib": _pkg("QuantLib"),
        "py_lets_be_rational": _pkg("py_lets_be_rational"),
        "node": _command(["node", "--version"]),
        "rustc_native": _command(["rustc", "--version"]),
        "rustc_wasm": _wasm_rustc(),
        "pyodide": pyodide,
    }
