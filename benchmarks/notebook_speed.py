"""The notebook's speed, measured in Chromium against the real server (a benchmark, not a test).

1. Cold start: a fresh browser context (empty cache) opens /notebook.html; the time until the
   kernel status reads ``ready`` (Pyodide, its standard library, the wasm engine and the
   pricinglab wheel loaded), and the kernel worker's own boot time. Then a warm start (reload,
   HTTP cache filled).
2. Batch WASM against a pure-Python loop *inside Pyodide*, on the same work: Black-Scholes
   prices and implied vols for N contracts, ``pl.black_scholes_many`` (one call, the column as
   one typed array) against ``[pricinglab.reference.black_scholes(...) for ...]``; also a loop
   of scalar WASM calls (one FFI round trip per contract) for scale. Best of ``--repeat``.

Usage (after ./build.sh)::

    .venv/bin/python -m benchmarks.notebook_speed [--sizes 10000 100000] [--repeat 5] [--starts 3]

Prints one table with the ratios side by side.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_MS = 180_000

# Runs inside Pyodide; prints one JSON line. Each timing is the best of `repeat` runs.
KERNEL_CODE = """
import json, time
from array import array
import pricinglab as pl
from pricinglab import reference

def best(f, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)

out = {"backend": pl.backend, "rows": []}
for n in SIZES:
    spots = array("d", (60.0 + 80.0 * i / (n - 1) for i in range(n)))
    spots_list = list(spots)
    args = (100.0, 0.75, 0.03, 0.01, 0.25)
    prices = pl.black_scholes_many("call", spots, *args)["price"]
    iv_args = (100.0, 0.75, 0.03, 0.01)
    # The reference's formulas alone, without its argument checks (which ask the engine):
    # the fastest a pure-Python loop over the rows can be.
    bs = lambda kind, *a: reference._price(1.0, *a)
    iv = lambda kind, *a: reference._implied_vol(1.0, *a)
    out["rows"].append({
        "n": n,
        "bs_batch": best(lambda: pl.black_scholes_many("call", spots, *args), REPEAT),
        "bs_batch_list": best(lambda: pl.black_scholes_many("call", spots_list, *args), REPEAT),
        "bs_python_loop": best(lambda: [bs("call", s, *args) for s in spots], 1),
        "bs_wasm_scalar_loop": best(lambda: [pl.black_scholes("call", s, *args) for s in spots], 1),
        "iv_batch": best(lambda: pl.implied_vol_many("call", prices, spots, *iv_args), REPEAT),
        "iv_python_loop": best(
            lambda: [iv("call", p, s, *iv_args) for p, s in zip(prices, spots)], 1),
    })
print(json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("server.py did not start") from None
            time.sleep(0.1)


def time_to_ready(page: Page, url: str | None) -> tuple[float, float]:
    """(wall ms from navigation to ``ready``, the worker's own boot ms)."""
    t0 = time.perf_counter()
    if url is None:
        page.reload()
    else:
        page.goto(url)
    expect(page.get_by_test_id("kernel-status")).to_have_text("ready", timeout=READY_TIMEOUT_MS)
    wall = (time.perf_counter() - t0) * 1000
    worker = float(page.evaluate("Number(document.body.dataset.kernelStartMs)"))
    return wall, worker


def run_in_kernel(page: Page, code: str) -> str:
    """Runs code in the page's kernel (notebookApp.kernel), returns its stdout."""
    result: dict[str, Any] = page.evaluate(
        """async (code) => {
            const outputs = [];
            const reply = await notebookApp.kernel.execute(code, (o) => outputs.push(o));
            return {reply, outputs};
        }""",
        code,
    )
    errors = [o for o in result["outputs"] if o["output_type"] == "error"]
    if errors:
        raise SystemExit("\n".join(errors[0]["traceback"]))
    return "".join(o["text"] for o in result["outputs"] if o["output_type"] == "stream")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="best of this many batch runs")
    parser.add_argument("--starts", type=int, default=3, help="cold starts to measure")
    args = parser.parse_args()
    if not (ROOT / "web" / "pkg" / "wasm_core_bg.wasm").exists():
        raise SystemExit("web/pkg is missing: run ./build.sh first")

    server, base = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
            cold: list[tuple[float, float]] = []
            for _ in range(args.starts):
                context = browser.new_context()  # empty HTTP cache and storage
                page = context.new_page()
                cold.append(time_to_ready(page, f"{base}/notebook.html"))
                context.close()
            context = browser.new_context()
            page = context.new_page()
            time_to_ready(page, f"{base}/notebook.html")
            warm = time_to_ready(page, None)
            code = KERNEL_CODE.replace("SIZES", repr(args.sizes)).replace(
                "REPEAT", str(args.repeat)
            )
            stats = json.loads(run_in_kernel(page, code).strip().splitlines()[-1])
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"Notebook start (Chromium {CHROMIUM}, server {base})")
    for i, (wall, worker) in enumerate(cold, 1):
        print(f"  cold start {i}: {wall:8.0f} ms to 'ready'  (kernel worker boot {worker:.0f} ms)")
    print(f"  warm reload : {warm[0]:8.0f} ms to 'ready'  (kernel worker boot {warm[1]:.0f} ms)")
    print()
    backend = stats["backend"]
    print(f"Inside Pyodide, pricinglab backend = {backend!r}; seconds (best of {args.repeat})")
    columns = [("N", 8), ("BS batch", 10), ("BS loop py", 10), ("ratio", 7), ("scalar wasm", 11),
               ("ratio", 7), ("IV batch", 10), ("IV loop py", 10), ("ratio", 7)]  # fmt: skip
    print("  ".join(f"{name:>{width}}" for name, width in columns))
    for row in stats["rows"]:
        cells = [
            f"{row['n']}",
            f"{row['bs_batch']:.5f}",
            f"{row['bs_python_loop']:.4f}",
            f"{row['bs_python_loop'] / row['bs_batch']:.1f}x",
            f"{row['bs_wasm_scalar_loop']:.4f}",
            f"{row['bs_wasm_scalar_loop'] / row['bs_batch']:.1f}x",
            f"{row['iv_batch']:.5f}",
            f"{row['iv_python_loop']:.4f}",
            f"{row['iv_python_loop'] / row['iv_batch']:.1f}x",
        ]
        print("  ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, columns, strict=True)))
    print("ratio = loop time / batch time on the same contracts (the brief asks >= 20x);")
    print("'scalar wasm' = a Python loop calling the WASM pl.black_scholes once per contract.")
    for row in stats["rows"]:
        print(
            f"  N={row['n']}: batch from a list instead of array('d'): {row['bs_batch_list']:.5f} s"
        )


if __name__ == "__main__":
    main()
