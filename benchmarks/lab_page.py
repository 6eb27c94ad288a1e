"""The lab page in Chromium against the real server, for benchmarks that time the engine there."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]


def available() -> bool:
    """Whether Chromium and the built wasm package are there."""
    return Path(CHROMIUM).exists() and (ROOT / "web" / "pkg" / "wasm_core_bg.wasm").exists()


@contextmanager
def lab_page(width: int = 1280, height: int = 720) -> Iterator[Any]:
    """A Playwright page with the lab loaded (``window.pricingLab`` is the wasm engine), on the
    Black-Scholes model (no Monte Carlo run competing for the cores while timing)."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"http://127.0.0.1:{port}/#model=black_scholes")
            page.wait_for_selector("body[data-ready=true]", timeout=60_000)
            yield page
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
