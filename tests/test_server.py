"""Tests for server.py: the real app (Starlette TestClient) on a temporary web root, and one real
uvicorn process over real HTTP.

Expected header values are written out here from the requirements, not imported from server.py,
so a wrong constant in the server cannot make its own test pass.
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message

with warnings.catch_warnings():
    # Starlette 1.x prefers the `httpx2` fork for its TestClient and warns (an error under our
    # filterwarnings = error) when only `httpx`, the test extra, is installed. It still works.
    warnings.filterwarnings(
        "ignore",
        message="Using `httpx` with `starlette.testclient`",
        category=StarletteDeprecationWarning,
    )
    from starlette.testclient import TestClient

from server import (
    DEFAULT_CSP,
    ConfigError,
    choose_encoding,
    content_security_policy,
    create_app,
    main,
)

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent
SERVER_SCRIPT = REPO / "server.py"

# How long the real server may take to start answering /healthz, and to exit after SIGINT.
STARTUP_TIMEOUT_S = 30.0
SHUTDOWN_TIMEOUT_S = 15.0
HTTP_TIMEOUT_S = 10.0

EXPECTED_SECURITY_HEADERS = {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cross-origin-resource-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

# The strict policy, directive by directive (sources as sets: order inside a directive is free).
EXPECTED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'", "'wasm-unsafe-eval'"},
    "worker-src": {"'self'", "blob:"},
    "connect-src": {"'self'"},
    "img-src": {"'self'", "data:", "blob:"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
}

SECRET = b"TOP-SECRET: must never be served"


# --------------------------------------------------------------------------------------------------
# Fixture files
# --------------------------------------------------------------------------------------------------


def _run_async(fn: Callable[[], Awaitable[T]]) -> T:
    """``anyio.run(fn)`` on a thread of its own: Playwright's sync API (the browser tests of the
    same pytest session) keeps an event loop running on the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, fn).result()


def _leb128(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def wasm_module(payload_size: int) -> bytes:
    """A valid WebAssembly module (magic, version 1, one custom section of patterned bytes)."""
    name = b"pricinglab-test"
    payload = (bytes(range(256)) * (payload_size // 256 + 1))[:payload_size]
    section = _leb128(len(name)) + name + payload
    return b"\x00asm" + b"\x01\x00\x00\x00" + b"\x00" + _leb128(len(section)) + section


def html_page(title: str) -> bytes:
    rows = "".join(f"<tr><td>{i}</td><td>{i * i}</td></tr>\n" for i in range(100))
    return (
        f"<!doctype html>\n<html><head><meta charset='utf-8'><title>{title}</title>"
        f"<script type='module' src='app.js'></script></head>"
        f"<body><h1>{title}</h1><table>{rows}</table></body></html>\n"
    ).encode()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


JS = ("export function add(a, b) { return a + b; }\n" * 60).encode()
FILES: dict[str, bytes] = {
    "index.html": html_page("Pricing Lab"),
    "notebook.html": html_page("Notebook"),
    "app.js": JS,
    "notebook/kernel.worker.mjs": JS,
    "style.css": ("body { margin: 0; }\n.cell { padding: 4px; }\n" * 50).encode(),
    "data.json": json.dumps({"values": list(range(500))}).encode(),
    "examples/intro.ipynb": json.dumps(
        {"cells": [{"cell_type": "code", "source": "1 + 1"}] * 40, "nbformat": 4}
    ).encode(),
    "chart.svg": (
        "<svg xmlns='http://www.w3.org/2000/svg'>"
        + "<rect x='1' y='2' width='3' height='4' fill='red'/>" * 40
        + "</svg>"
    ).encode(),
    "pkg/wasm_core_bg.wasm": wasm_module(64 * 1024),
    "wheels/pricinglab-0.1.0-py3-none-any.whl": zip_bytes({"pricinglab/__init__.py": JS}),
    "archive.zip": zip_bytes({"a.txt": JS}),
    "small.js": b"export const x = 1;\n",
    "blob.bin": bytes(range(256)) * 8,
    "docs/index.html": html_page("Docs"),
    ".hidden": b"dotfile",
}


@pytest.fixture
def web_root(tmp_path: Path) -> Path:
    """A web root with one file of each type, a symlink inside and symlinks leading outside."""
    root = tmp_path / "web"
    for name, data in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "leakdir").symlink_to(outside, target_is_directory=True)
    (root / "alias.js").symlink_to(root / "app.js")
    (root / "empty").mkdir()
    return root


@pytest.fixture
def client(web_root: Path) -> Iterator[TestClient]:
    with TestClient(create_app(root=web_root)) as test_client:
        yield test_client


def raw_body(client: TestClient, path: str, accept_encoding: str) -> tuple[httpx.Response, bytes]:
    """The response and its body exactly as sent (not decoded by httpx)."""
    return raw_body_with(client, path, {"Accept-Encoding": accept_encoding})


def raw_body_with(
    client: TestClient, path: str, headers: dict[str, str]
) -> tuple[httpx.Response, bytes]:
    with client.stream("GET", path, headers=headers) as response:
        return response, b"".join(response.iter_raw())


def asgi_get(app: Starlette, raw_target: bytes) -> tuple[int, bytes]:
    """Drive the app with a request target exactly as a server receives it.

    httpx normalises dot segments (``/../x`` becomes ``/x``) before sending, so literal ``..``
    cannot be sent through TestClient; this builds the ASGI scope the way uvicorn does
    (``path`` is ``raw_path`` percent-decoded once).
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_target.decode("ascii")),
        "raw_path": raw_target,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> None:
        await app(scope, receive, send)

    _run_async(run)
    status = int(sent[0]["status"])
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def parse_csp(value: str) -> dict[str, set[str]]:
    directives: dict[str, set[str]] = {}
    for item in value.split(";"):
        name, *sources = item.split()
        assert name not in directives, f"directive {name} repeated"
        directives[name] = set(sources)
    return directives


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in EXPECTED_SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert parse_csp(response.headers["content-security-policy"]) == EXPECTED_CSP


# --------------------------------------------------------------------------------------------------
# Construction
# --------------------------------------------------------------------------------------------------


def test_missing_root_fails_at_construction(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-web"
    with pytest.raises(ConfigError, match="does not exist") as info:
        create_app(root=missing)
    assert str(missing) in str(info.value)


def test_root_that_is_a_file_fails_at_construction(tmp_path: Path) -> None:
    file = tmp_path / "web"
    file.write_text("not a folder")
    with pytest.raises(ConfigError, match="is not a directory"):
        create_app(root=file)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"notebook.html": DEFAULT_CSP}, "starting with '/'"),
        ({"/notebook.html": "default-src 'self'\r\nX-Evil: 1"}, "single-line"),
        ({"/notebook.html": ""}, "single-line"),
    ],
)
def test_bad_csp_override_fails_at_construction(
    web_root: Path, overrides: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        create_app(root=web_root, csp_overrides=overrides)


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_cli_reports_missing_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--root", str(tmp_path / "nowhere"), "--port", "0"])
    assert info.value.code == 2
    assert "does not exist" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------------
# Pages and content types
# --------------------------------------------------------------------------------------------------


def test_index_at_root_and_notebook_page(client: TestClient) -> None:
    for path, name in [("/", "index.html"), ("/notebook.html", "notebook.html")]:
        response = client.get(path, headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200
        assert response.content == FILES[name]
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "content-encoding" not in response.headers


def test_trailing_slash_serves_folder_index(client: TestClient) -> None:
    response = client.get("/docs/", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.content == FILES["docs/index.html"]


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/pkg/wasm_core_bg.wasm", "application/wasm"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/notebook/kernel.worker.mjs", "text/javascript; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/wheels/pricinglab-0.1.0-py3-none-any.whl", "application/zip"),
        ("/archive.zip", "application/zip"),
        ("/examples/intro.ipynb", "application/x-ipynb+json"),
        ("/chart.svg", "image/svg+xml; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/blob.bin", "application/octet-stream"),
    ],
)
def test_content_types(client: TestClient, path: str, content_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    # Exact: WebAssembly.instantiateStreaming rejects anything but "application/wasm".
    assert response.headers["content-type"] == content_type
    assert response.content == FILES[path.lstrip("/")]


def test_symlink_inside_root_is_served(client: TestClient) -> None:
    response = client.get("/alias.js")
    assert response.status_code == 200
    assert response.content == FILES["app.js"]


# --------------------------------------------------------------------------------------------------
# Security headers and CSP
# --------------------------------------------------------------------------------------------------


def _failing_app(web_root: Path) -> Starlette:
    """The real app with one extra endpoint that raises, to see what a 500 carries."""

    async def boom(request: Request) -> Response:
        raise RuntimeError("deliberate failure for the 500 test")

    app = create_app(root=web_root)
    app.router.routes.insert(0, Route("/boom", boom))
    return app


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/", {}, 200),
        ("GET", "/notebook.html", {}, 200),
        ("GET", "/pkg/wasm_core_bg.wasm", {"Accept-Encoding": "gzip"}, 200),
        ("GET", "/archive.zip", {}, 200),
        ("GET", "/app.js", {"If-None-Match": "*"}, 304),
        ("HEAD", "/app.js", {}, 200),
        ("GET", "/healthz", {}, 200),
        ("GET", "/missing.html", {}, 404),
        ("GET", "/%2e%2e/secret.txt", {}, 404),
        ("POST", "/", {}, 405),
        ("DELETE", "/healthz", {}, 405),
        ("GET", "/boom", {}, 500),
    ],
)
def test_security_headers_on_every_response(
    web_root: Path, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    with TestClient(_failing_app(web_root), raise_server_exceptions=False) as test_client:
        response = test_client.request(method, path, headers=headers)
    assert response.status_code == status
    assert_security_headers(response)


def test_csp_allows_wasm_but_not_eval_or_inline_script(client: TestClient) -> None:
    for path in ("/", "/notebook.html"):
        policy = client.get(path).headers["content-security-policy"]
        directives = parse_csp(policy)
        assert directives == EXPECTED_CSP
        assert "'unsafe-eval'" not in policy
        assert "'unsafe-inline'" not in policy
        assert "'wasm-unsafe-eval'" in directives["script-src"]


def test_csp_override_hook_changes_only_that_path(web_root: Path) -> None:
    # The notebook's kernel worker might need a looser policy: its own script's response decides.
    worker_path = "/notebook/kernel.worker.mjs"
    looser = content_security_policy({"connect-src": ["'self'", "blob:"]})
    with TestClient(create_app(root=web_root, csp_overrides={worker_path: looser})) as test_client:
        worker = test_client.get(worker_path)
        page = test_client.get("/notebook.html")
    assert parse_csp(worker.headers["content-security-policy"])["connect-src"] == {
        "'self'",
        "blob:",
    }
    assert parse_csp(page.headers["content-security-policy"]) == EXPECTED_CSP
    assert_security_headers(page)


def test_content_security_policy_helper_replaces_one_directive() -> None:
    policy = parse_csp(content_security_policy({"style-src": ["'self'", "'unsafe-inline'"]}))
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert {k: v for k, v in policy.items() if k != "style-src"} == {
        k: v for k, v in EXPECTED_CSP.items() if k != "style-src"
    }


# --------------------------------------------------------------------------------------------------
# Compression
# --------------------------------------------------------------------------------------------------

COMPRESSIBLE_PATHS = ["/pkg/wasm_core_bg.wasm", "/app.js", "/index.html", "/data.json"]


@pytest.mark.parametrize("path", COMPRESSIBLE_PATHS)
def test_gzip_round_trip(client: TestClient, path: str) -> None:
    response, body = raw_body(client, path, "gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) == len(body)
    assert len(body) < len(FILES[path.lstrip("/")])
    assert gzip.decompress(body) == FILES[path.lstrip("/")]


@pytest.mark.parametrize("path", COMPRESSIBLE_PATHS)
def test_brotli_round_trip(client: TestClient, path: str) -> None:
    brotli = pytest.importorskip("brotli")
    response, body = raw_body(client, path, "gzip, deflate, br")
    assert response.headers["content-encoding"] == "br"
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) == len(body)
    assert brotli.decompress(body) == FILES[path.lstrip("/")]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0", None),
        ("*", "br"),
        ("*;q=0.2, br;q=0", "gzip"),
        ("identity", None),
        ("deflate", None),
        ("x-gzip", "gzip"),
        ("GZIP;Q=0.7", "gzip"),
        ("identity;q=1, gzip;q=0.5", None),
        ("gzip;q=abc", None),
    ],
)
def test_accept_encoding_q_values(client: TestClient, accept: str, expected: str | None) -> None:
    pytest.importorskip("brotli")
    response, body = raw_body(client, "/app.js", accept)
    assert response.headers.get("content-encoding") == expected
    assert response.headers["vary"] == "Accept-Encoding"
    if expected is None:
        assert body == FILES["app.js"]


def test_choose_encoding_without_brotli_falls_back_to_gzip() -> None:
    assert choose_encoding("br, gzip;q=0.5", ("gzip",)) == "gzip"
    assert choose_encoding("br", ("gzip",)) == "identity"
    assert choose_encoding(None, ("br", "gzip")) == "identity"
    assert choose_encoding("", ("br", "gzip")) == "identity"


def test_no_accept_encoding_means_identity(client: TestClient) -> None:
    response, body = raw_body(client, "/pkg/wasm_core_bg.wasm", "")
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert body == FILES["pkg/wasm_core_bg.wasm"]


@pytest.mark.parametrize(
    "path", ["/archive.zip", "/wheels/pricinglab-0.1.0-py3-none-any.whl", "/blob.bin", "/small.js"]
)
def test_compressed_or_tiny_files_are_sent_as_is(client: TestClient, path: str) -> None:
    response, body = raw_body(client, path, "gzip, br")
    assert "content-encoding" not in response.headers
    assert body == FILES[path.lstrip("/")]


def test_changed_file_is_served_fresh(client: TestClient, web_root: Path) -> None:
    first, first_body = raw_body(client, "/app.js", "gzip")
    new_js = JS + b"export const changed = true;\n"
    target = web_root / "app.js"
    target.write_bytes(new_js)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second, second_body = raw_body(client, "/app.js", "gzip")
    assert gzip.decompress(first_body) == JS
    assert gzip.decompress(second_body) == new_js
    assert first.headers["etag"] != second.headers["etag"]


# --------------------------------------------------------------------------------------------------
# ETag, 304, Cache-Control, HEAD
# --------------------------------------------------------------------------------------------------


def test_etag_is_strong_stable_and_differs_per_encoding(client: TestClient) -> None:
    pytest.importorskip("brotli")
    tags = {}
    for accept in ("identity", "gzip", "br"):
        first, _ = raw_body(client, "/pkg/wasm_core_bg.wasm", accept)
        again, _ = raw_body(client, "/pkg/wasm_core_bg.wasm", accept)
        assert first.headers["etag"] == again.headers["etag"]
        assert first.headers["cache-control"] == "no-cache"
        tag = first.headers["etag"]
        assert tag.startswith('"') and tag.endswith('"')  # strong: no W/ prefix
        tags[accept] = tag
    assert len(set(tags.values())) == 3


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", '"nope", {etag}', '"a","b" , {etag}', "W/{etag}", "*"],
)
def test_if_none_match_gives_304(client: TestClient, if_none_match: str) -> None:
    etag = client.get("/app.js", headers={"Accept-Encoding": "gzip"}).headers["etag"]
    response = client.get(
        "/app.js",
        headers={"Accept-Encoding": "gzip", "If-None-Match": if_none_match.format(etag=etag)},
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["vary"] == "Accept-Encoding"


def test_if_none_match_for_another_representation_gives_200(client: TestClient) -> None:
    gzip_tag = client.get("/app.js", headers={"Accept-Encoding": "gzip"}).headers["etag"]
    response, _ = raw_body(client, "/app.js", "identity")
    assert response.headers["etag"] != gzip_tag
    again = client.get(
        "/app.js", headers={"Accept-Encoding": "identity", "If-None-Match": gzip_tag}
    )
    assert again.status_code == 200
    assert again.content == FILES["app.js"]
    stale = client.get("/app.js", headers={"If-None-Match": '"stale-tag"'})
    assert stale.status_code == 200


def test_if_none_match_star_on_missing_file_is_404(client: TestClient) -> None:
    assert client.get("/missing.js", headers={"If-None-Match": "*"}).status_code == 404


@pytest.mark.parametrize("accept", ["identity", "gzip"])
def test_head_matches_get_without_body(client: TestClient, accept: str) -> None:
    path = "/pkg/wasm_core_bg.wasm"
    get, get_body = raw_body(client, path, accept)
    head = client.head(path, headers={"Accept-Encoding": accept})
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control", "vary"):
        assert head.headers[name] == get.headers[name], name
    assert head.headers.get("content-encoding") == get.headers.get("content-encoding")
    assert int(head.headers["content-length"]) == len(get_body)


# --------------------------------------------------------------------------------------------------
# Paths that must not escape the root
# --------------------------------------------------------------------------------------------------

# Sent as-is (percent-encoding intact); the server decodes once, as uvicorn does.
TRAVERSALS = [
    "/%2e%2e/secret.txt",
    "/%2E%2E/%2e%2e/secret.txt",
    "/pkg/%2e%2e/%2e%2e/secret.txt",
    "/pkg/..%2f..%2fsecret.txt",
    "/%252e%252e/secret.txt",  # double-encoded
    "/%252e%252e%252fsecret.txt",
    "/..%5csecret.txt",  # backslash
    "/pkg%5c..%5c..%5csecret.txt",
    "/%2Fetc%2Fpasswd",  # absolute path
    "/%2F{secret}",
    "/C:/Windows/win.ini",
    "/index.html%00",  # NUL
    "/index.html%00.txt",
    "/leak.txt",  # symlink to a file outside the root
    "/leakdir/secret.txt",  # symlink to a folder outside the root
    "/.hidden",
    "/.%2e/secret.txt",
    "/pkg/",  # a folder without index.html
    "/pkg",  # a folder
    "/missing.html",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_is_404(client: TestClient, web_root: Path, target: str) -> None:
    target = target.format(secret=str(web_root.parent / "secret.txt").lstrip("/"))
    response = client.get(target)
    assert response.status_code == 404
    assert SECRET not in response.content
    assert_security_headers(response)


@pytest.mark.parametrize(
    "raw_target",
    [
        b"/../secret.txt",
        b"/../../../../etc/passwd",
        b"/pkg/../../secret.txt",
        b"/./index.html",
        b"//etc/passwd",
        b"/\\..\\secret.txt",
        b"/index.html/..",
        b"/%2e%2e/secret.txt",
    ],
)
def test_literal_traversal_is_404(web_root: Path, raw_target: bytes) -> None:
    status, body = asgi_get(create_app(root=web_root), raw_target)
    assert status == 404
    assert SECRET not in body


# --------------------------------------------------------------------------------------------------
# Methods and health
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", ["/", "/app.js", "/healthz", "/missing"])
def test_other_methods_are_405(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == {"GET", "HEAD"}


def test_healthz_reports_build_outputs(client: TestClient, web_root: Path) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    report = response.json()
    assert report["status"] == "ok"
    assert report["root"] == str(web_root.resolve())
    assert report["files"]["pkg/wasm_core_bg.wasm"] is True
    assert report["files"]["vendor/pyodide/pyodide.asm.wasm"] is False
    assert "vendor/pyodide/pyodide.asm.wasm" in report["missing"]
    assert "pkg/wasm_core_bg.wasm" not in report["missing"]
    assert "build.sh" in report["hint"]
    assert "gzip" in report["encodings"]


def test_healthz_is_ok_on_an_empty_root(tmp_path: Path) -> None:
    with TestClient(create_app(root=tmp_path)) as test_client:
        report = test_client.get("/healthz").json()
        index = test_client.get("/")
    assert report["status"] == "ok"
    assert not any(report["files"].values())
    assert index.status_code == 404


def test_healthz_head(client: TestClient) -> None:
    response = client.head("/healthz")
    assert response.status_code == 200
    assert response.content == b""


# --------------------------------------------------------------------------------------------------
# One real uvicorn process
# --------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(check: Callable[[], bool], timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early with code {process.returncode}")
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"server did not answer within {timeout} s")


def test_real_uvicorn_process(web_root: Path, tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=HTTP_TIMEOUT_S).status_code == 200
        except httpx.TransportError:
            return False

    with log_path.open("wb") as log:
        # Run from another folder: server.py must not depend on the working directory.
        process = subprocess.Popen(
            [sys.executable, str(SERVER_SCRIPT), "--port", str(port), "--root", str(web_root)],
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(healthy, STARTUP_TIMEOUT_S, process)
            with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT_S) as web:
                health = web.get("/healthz")
                assert health.json()["status"] == "ok"
                assert_security_headers(health)

                page = web.get("/", headers={"Accept-Encoding": "identity"})
                assert page.status_code == 200
                assert page.content == FILES["index.html"]
                assert_security_headers(page)

                wasm_path = "/pkg/wasm_core_bg.wasm"
                with web.stream("GET", wasm_path, headers={"Accept-Encoding": "gzip"}) as wasm:
                    body = b"".join(wasm.iter_raw())
                assert wasm.status_code == 200
                assert wasm.headers["content-type"] == "application/wasm"
                assert wasm.headers["content-encoding"] == "gzip"
                assert gzip.decompress(body) == FILES["pkg/wasm_core_bg.wasm"]
                assert_security_headers(wasm)

                cached = web.get(
                    wasm_path,
                    headers={"Accept-Encoding": "gzip", "If-None-Match": wasm.headers["etag"]},
                )
                assert cached.status_code == 304
                assert_security_headers(cached)

                head = web.head(wasm_path, headers={"Accept-Encoding": "identity"})
                assert head.status_code == 200
                assert head.headers["content-length"] == str(len(FILES["pkg/wasm_core_bg.wasm"]))
                assert head.content == b""

                assert web.post("/").status_code == 405

            # Literal dot segments and backslashes, exactly as written (http.client does not
            # normalise the request target the way httpx does).
            for target in ("/../secret.txt", "/pkg/../../secret.txt", "/..\\secret.txt"):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_S)
                try:
                    connection.request("GET", target)
                    response = connection.getresponse()
                    data = response.read()
                finally:
                    connection.close()
                assert response.status == 404, target
                assert SECRET not in data
                assert response.getheader("Cross-Origin-Embedder-Policy") == "require-corp"
        finally:
            process.send_signal(signal.SIGINT)
            try:
                code = process.wait(timeout=SHUTDOWN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise
    output = log_path.read_text()
    assert code == 0, output
    assert f"http://127.0.0.1:{port}/" in output
    assert "Finished server process" in output  # uvicorn's graceful shutdown completed
    assert "Traceback" not in output


# --------------------------------------------------------------------------------------------------
# What StaticFiles adds: ranges, Last-Modified, folder redirects
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["identity", "gzip, br"])
def test_range_request_gets_the_exact_bytes(client: TestClient, accept: str) -> None:
    path = "/pkg/wasm_core_bg.wasm"
    response, body = raw_body_with(client, path, {"Accept-Encoding": accept, "Range": "bytes=8-99"})
    assert response.status_code == 206
    # A range is of the identity representation: never compressed, and its own tag.
    assert "content-encoding" not in response.headers
    assert body == FILES[path.lstrip("/")][8:100]
    assert response.headers["content-range"] == f"bytes 8-99/{len(FILES[path.lstrip('/')])}"
    assert_security_headers(response)


def test_unsatisfiable_range_is_416(client: TestClient) -> None:
    response = client.get("/app.js", headers={"Range": "bytes=999999-"})
    assert response.status_code == 416


def test_if_modified_since_gives_304(client: TestClient) -> None:
    last_modified = client.get("/app.js").headers["last-modified"]
    response = client.get("/app.js", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    assert response.content == b""


def test_folder_without_slash_redirects_to_its_index(client: TestClient) -> None:
    response = client.get("/docs", follow_redirects=False)
    assert response.status_code in (301, 302, 307, 308)
    assert response.headers["location"].endswith("/docs/")
    assert_security_headers(response)


def test_head_of_missing_file_is_404(client: TestClient) -> None:
    response = client.head("/missing.js")
    assert response.status_code == 404
    assert response.content == b""


def test_gzip_etag_revalidates_with_head(client: TestClient) -> None:
    get, _ = raw_body(client, "/app.js", "gzip")
    head = client.head("/app.js", headers={"Accept-Encoding": "gzip"})
    assert head.headers["etag"] == get.headers["etag"]
    again = client.head(
        "/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": get.headers["etag"]}
    )
    assert again.status_code == 304
