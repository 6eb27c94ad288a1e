"""Fixtures for the browser tests: the real server (uvicorn running server.py) and Debian's
Chromium driven by Playwright, with any console error or page error failing the test."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 30.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The lab served by the real server.py (uvicorn) on a free loopback port."""
    if not (ROOT / "web" / "pkg" / "wasm_core_bg.wasm").exists():
        pytest.fail("web/pkg is missing: run ./build.sh first")
    port = _free_port()
    # The server's log goes to a file, never an unread pipe: uvicorn logs every request, and a
    # full pipe buffer (64 KB) would block the server mid-session.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py"), "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    log.seek(0)
                    pytest.fail(f"server.py did not start:\n{log.read().decode()}")
                time.sleep(0.1)
        yield url
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright's own browser download is unreachable here: use Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}


@pytest.fixture
def page_errors(page: Page) -> Iterator[list[str]]:
    """Collects console errors and uncaught page errors; the test fails if any occurred
    (as wasm-bindgen's own Playwright suite does). Tests that provoke errors on purpose
    can clear the list."""
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(f"console.error: {msg.text}")

    def on_page_error(err: Error) -> None:
        errors.append(f"pageerror: {err}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    yield errors
    assert not errors, "errors in the page:\n" + "\n".join(errors)


@pytest.fixture
def lab(page: Page, base_url: str, page_errors: list[str]) -> Page:
    """The lab page, loaded from the real server, with the engine ready."""
    page.goto(f"{base_url}/")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    return page
