"""The Chromium engines, through Playwright and the real server (``server.py``, cross-origin
isolated so module workers and ``SharedArrayBuffer`` work).

The server serves the repository root, so the driver page ``benchmarks/web/bench.html`` can load
``web/pkg`` (the same wasm package the lab uses), ``web/python.js`` (Pyodide) and the task
directories written under ``benchmarks/results/work.tmp/``.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS

from ..workload import BatchWork, HestonWork, write_spec
from .base import EngineUnavailable, Measurement

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 30.0
# Pyodide boots in ~10 s here; the CPython loop then runs for seconds per repeat.
PAGE_TIMEOUT_MS = 600_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Chromium:
    """A server and a headless Chromium page, started on ``__enter__`` and stopped on exit.

    Any console error or uncaught page error fails the run (raised on the next call)."""

    def __init__(self) -> None:
        self.version = ""
        self.hardware_concurrency = 0
        self._errors: list[str] = []
        self._server: subprocess.Popen[bytes] | None = None
        self._pw: Any = None
        self._browser: Any = None
        self._page: Any = None
        self.base_url = ""

    def __enter__(self) -> Chromium:
        if not Path(CHROMIUM).exists():
            raise EngineUnavailable(f"{CHROMIUM} is missing")
        if not (ROOT / "web" / "pkg" / "wasm_core_bg.wasm").exists():
            raise EngineUnavailable("web/pkg is missing (run ./build.sh)")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as e:
            raise EngineUnavailable("playwright is not installed") from e
        try:
            self._start_server()
            self._pw = sync_playwright().start()
            self._browser = self._pw.chromium.launch(
                executable_path=CHROMIUM, args=list(CHROMIUM_ARGS)
            )
            self.version = self._browser.version
            self._page = self._browser.new_page()
            self._page.set_default_timeout(PAGE_TIMEOUT_MS)
            self._page.on("console", self._on_console)
            self._page.on("pageerror", lambda e: self._errors.append(f"page error: {e}"))
            self._page.goto(f"{self.base_url}/benchmarks/web/bench.html")
            self._page.wait_for_function("window.bench !== undefined")
            info = self._page.evaluate(
                "({n: window.bench.hardwareConcurrency, coi: window.bench.crossOriginIsolated})"
            )
        except BaseException:
            self.close()
            raise
        if not info["coi"]:
            self.close()
            raise RuntimeError("the bench page is not cross-origin isolated (server headers?)")
        self.hardware_concurrency = int(info["n"])
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            self._errors.append(f"console error: {msg.text}")

    def _start_server(self) -> None:
        port = _free_port()
        self._server = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py"), "--port", str(port), "--root", str(ROOT)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1):
                    return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError as e:
                if self._server.poll() is not None or time.monotonic() > deadline:
                    err = self._server.stderr.read().decode() if self._server.stderr else ""
                    raise RuntimeError(f"server.py did not start: {e}\n{err}") from e
                time.sleep(0.1)

    def close(self) -> None:
        # Best effort on shutdown: a browser that already died must not hide the real error.
        if self._browser is not None:
            with contextlib.suppress(Exception):
                self._browser.close()
        if self._pw is not None:
            with contextlib.suppress(Exception):
                self._pw.stop()
        self._browser = self._pw = self._page = None
        if self._server is not None:
            self._server.terminate()
            try:
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._server.kill()
            self._server = None

    def _call(self, expression: str, *args: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._page.evaluate(expression, list(args))
        if self._errors:
            raise RuntimeError("; ".join(self._errors))
        return result

    def _url(self, workdir: Path) -> str:
        rel = workdir.resolve().relative_to(ROOT)
        return f"{self.base_url}/{rel.as_posix()}/"

    def run_single(
        self, work: HestonWork | BatchWork, workdir: Path, repeats: int, warmup: int
    ) -> Measurement:
        """``wasm-chromium``: the task in one module worker."""
        _write(work, workdir)
        out = self._call(
            "([dir, r, w]) => window.bench.runSingle(dir, r, w)",
            self._url(workdir),
            repeats,
            warmup,
        )
        return _measurement(out, {"threads": 1, "where": "one module worker"})

    def run_workers(
        self, work: HestonWork, workdir: Path, repeats: int, warmup: int
    ) -> Measurement:
        """``wasm-chromium-workers``: the Monte Carlo blocks over all hardware threads."""
        _write(work, workdir)
        out = self._call(
            "([dir, r, w]) => window.bench.runWorkers(dir, r, w)",
            self._url(workdir),
            repeats,
            warmup,
        )
        return _measurement(out, {"threads": out.get("workers")})

    def run_pyodide(
        self, work: HestonWork, workdir: Path, repeats: int, warmup: int
    ) -> Measurement:
        """``pyodide-python``: benchmarks/heston_loop.py inside Pyodide (page main thread)."""
        _write(work, workdir)
        loop_url = f"{self.base_url}/benchmarks/heston_loop.py"
        out = self._call(
            "([loop, dir, r, w]) => window.bench.runPyodide(loop, dir, r, w)",
            loop_url,
            self._url(workdir),
            repeats,
            warmup,
        )
        return _measurement(out, {"threads": 1, "where": "page main thread"})


def _write(work: HestonWork | BatchWork, workdir: Path) -> None:
    if isinstance(work, BatchWork):
        write_spec(workdir, work.spec(), work.columns)
    else:
        write_spec(workdir, work.spec())


def _measurement(out: dict[str, Any], info: dict[str, Any]) -> Measurement:
    times = [float(t) for t in out.pop("times")]
    values = None
    if "values_b64" in out:
        values = np.frombuffer(base64.b64decode(out.pop("values_b64")), dtype="<f8").copy()
    price, se = out.pop("price", None), out.pop("std_error", None)
    return Measurement(times, price, se, values, info={**info, **out})
