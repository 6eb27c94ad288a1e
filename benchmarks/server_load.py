"""Loopback load on the real server (``server.py`` under uvicorn): a benchmark, not a test.

Serves a temporary web root shaped like the lab's (a page, a 150 KB script, a 3 MB wasm-like
binary, a zip) and has ``--clients`` threads fetch a browser's mix for ``--seconds`` each:
a cold fetch (``Accept-Encoding: gzip, deflate, br``) and a revalidation (``If-None-Match`` with
the tag of the first answer, which must be a 304). Prints requests per second and latency
percentiles per file, from one run.

Usage (after ./build.sh)::

    .venv/bin/python -m benchmarks.server_load [--clients 8] [--seconds 3]
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 30.0
BROWSER_ACCEPT = "gzip, deflate, br"


def _text(n: int, seed: int) -> bytes:
    """Compressible text of n bytes, like minified JavaScript (words from a small vocabulary)."""
    rng = random.Random(seed)
    words = [f"function{i}(a,b){{return a+b*{i};}}" for i in range(400)]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words).encode()
    return bytes(out[:n])


def _web_root(folder: Path) -> dict[str, int]:
    files = {
        "index.html": b"<!doctype html><title>lab</title>" + _text(6_000, 1),
        "lab.js": _text(150_000, 2),
        "pkg/engine_bg.wasm": b"\x00asm\x01\x00\x00\x00" + _text(3_000_000, 3),
    }
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    with zipfile.ZipFile(folder / "stdlib.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lib.py", _text(2_000_000, 4))
    sizes = {name: len(data) for name, data in files.items()}
    sizes["stdlib.zip"] = (folder / "stdlib.zip").stat().st_size
    return sizes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load(base: str, path: str, revalidate: bool, clients: int, seconds: float) -> list[float]:
    """Latencies (s) of every request the clients completed in ``seconds``."""
    with httpx.Client(base_url=base) as probe:
        tag = probe.get(path, headers={"Accept-Encoding": BROWSER_ACCEPT}).headers["etag"]
    headers = {"Accept-Encoding": BROWSER_ACCEPT}
    if revalidate:
        headers["If-None-Match"] = tag
    expected = 304 if revalidate else 200
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    host, port = base.removeprefix("http://").split(":")

    def client() -> None:
        # http.client: a keep-alive connection per client, bytes read as sent (no decoding), and
        # little client-side overhead to hide the server's.
        mine = []
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                mine.append(time.perf_counter() - t0)
                if response.status != expected:
                    raise RuntimeError(f"{path}: {response.status}, expected {expected}")
        finally:
            connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as log:
        sizes = _web_root(Path(tmp))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py"), "--port", str(port), "--root", tmp],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    httpx.get(f"{base}/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        print(log.read().decode(), file=sys.stderr)
                        return 1
                    time.sleep(0.1)
            print(f"server.py on loopback, {args.clients} clients, {args.seconds:g} s per row")
            print(
                f"{'file':<22}{'bytes':>10}  {'request':<12}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
            )
            for name, size in sizes.items():
                for revalidate in (False, True):
                    lat = _load(base, "/" + name, revalidate, args.clients, args.seconds)
                    lat.sort()
                    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
                    print(
                        f"{name:<22}{size:>10}  {'304' if revalidate else 'full':<12}"
                        f"{len(lat) / args.seconds:>8.0f}{statistics.median(lat) * 1e3:>9.2f}"
                        f"{p95 * 1e3:>9.2f}"
                    )
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
