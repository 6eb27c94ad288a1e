"""Pricing Lab's development server: ``web/`` over HTTP, cross-origin isolated.

Run ``python server.py [--host 127.0.0.1] [--port 8000] [--root web]``, or ``create_app(root)``.

Starlette's ``StaticFiles`` does the serving (safe path resolution, ETag / Last-Modified / 304,
HEAD, ranges) and its ``GZipMiddleware`` machinery the compression. What is ours, and why:

- :class:`SecurityHeadersMiddleware`: COOP + COEP make the pages cross-origin isolated
  (``SharedArrayBuffer`` for Pyodide's interrupt buffer and the wasm workers); CORP, nosniff,
  no-referrer; a strict Content-Security-Policy that lets WebAssembly compile but never JS eval.
- :data:`CONTENT_TYPES`: exact types (``.wasm`` must be ``application/wasm`` for
  ``instantiateStreaming``), not the host's ``mimetypes``. Dot-files, backslashes, ``%`` (double
  encoding), ``:`` and control characters in a path are a 404 before any lookup.
- :class:`_Compression`: brotli or gzip by the request's q-values, for text and wasm only, with
  an ETag per encoding (a strong tag names exact bytes, RFC 9110 8.8.3) and HEAD = GET's headers.
- ``/healthz``: JSON saying whether the built wasm package and the vendored Pyodide are present.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import re
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import anyio.to_thread
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipResponder, IdentityResponder
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

try:
    import brotli  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - the server extra installs it
    brotli = None

DEFAULT_ROOT: Final = Path(__file__).resolve().parent / "web"

#: Sent on every response, errors included.
SECURITY_HEADERS: Final[Mapping[str, str]] = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",  # nothing here is for other origins
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

#: The default policy. Nothing the pages load comes from elsewhere; 'wasm-unsafe-eval' lets
#: WebAssembly compile, JS eval and inline scripts/styles stay forbidden (SVG charts use
#: presentation attributes); blob: workers and images are for worker pools and chart exports.
CSP_DIRECTIVES: Final[Mapping[str, tuple[str, ...]]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'", "'wasm-unsafe-eval'"),
    "worker-src": ("'self'", "blob:"),
    "connect-src": ("'self'",),
    "img-src": ("'self'", "data:", "blob:"),
    "style-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "frame-ancestors": ("'none'",),
}


def content_security_policy(changes: Mapping[str, Sequence[str]] | None = None) -> str:
    """The header value for :data:`CSP_DIRECTIVES` with some directives replaced or added."""
    directives = {**CSP_DIRECTIVES, **{k: tuple(v) for k, v in (changes or {}).items()}}
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


DEFAULT_CSP: Final = content_security_policy()

#: URL path -> policy for that path. A dedicated worker runs under the policy delivered with
#: its *script* (CSP Level 3), so loosening the notebook kernel means overriding the worker
#: script's path, not the page's. Pyodide runs under the default policy.
CSP_OVERRIDES: Final[Mapping[str, str]] = {}

_TEXT: Final = "; charset=utf-8"
#: Suffix -> Content-Type. JSON has no charset parameter (RFC 8259); wasm-pack's .d.ts is text.
CONTENT_TYPES: Final[Mapping[str, str]] = {
    **{s: "text/html" + _TEXT for s in (".html", ".htm")},
    **{s: "text/javascript" + _TEXT for s in (".js", ".mjs")},
    ".css": "text/css" + _TEXT,
    ".svg": "image/svg+xml" + _TEXT,
    **{s: "text/plain" + _TEXT for s in (".txt", ".ts")},
    ".md": "text/markdown" + _TEXT,
    ".py": "text/x-python" + _TEXT,
    **{s: "application/json" for s in (".json", ".map")},
    ".ipynb": "application/x-ipynb+json",
    ".wasm": "application/wasm",
    **{s: "application/zip" for s in (".whl", ".zip")},
    **{s: "image/jpeg" for s in (".jpg", ".jpeg")},
    **{s: f"image/{s[1:]}" for s in (".png", ".gif", ".webp")},
    ".ico": "image/vnd.microsoft.icon",
    **{s: f"font/{s[1:]}" for s in (".woff", ".woff2")},
}
_FALLBACK_TYPE: Final = "application/octet-stream"
# Compressed: text and wasm (pyodide.asm.wasm: 9.6 MB -> 3.2 MB). Zips, images and fonts are
# compressed already; below _MIN_COMPRESS bytes it costs more than it saves.
_COMPRESSIBLE: Final = frozenset(t[: -len(_TEXT)] for t in CONTENT_TYPES.values() if _TEXT in t) | {
    "application/json",
    "application/x-ipynb+json",
    "application/wasm",
}
_MIN_COMPRESS: Final = 1024
_GZIP_LEVEL: Final = 6
# Per request, not cached: on pyodide.asm.wasm (9.6 MB) q5 takes 0.20 s for 3.23 MB, q6 0.23 s
# for 3.15 MB, q11 27 s; gzip level 6 takes 0.34 s for 3.55 MB.
_BROTLI_QUALITY: Final = 5
_THREAD_MIN: Final = 128 * 1024  # compress bodies this large off the event loop
_IDENTITY: Final = "identity"
_FORBIDDEN: Final = re.compile(r"[\x00-\x1f\x7f\\%:]|/\.|//")


def _content_type(url_path: str) -> str:
    name = url_path + "index.html" if url_path.endswith("/") else url_path
    return CONTENT_TYPES.get(Path(name).suffix.lower(), _FALLBACK_TYPE)


def choose_encoding(accept_encoding: str | None, available: Sequence[str]) -> str:
    """The coding for ``Accept-Encoding`` (RFC 9110 12.5.3): the highest q > 0, ties to the
    order of ``available``; ``*`` covers codings not named; ``identity`` wins only if ranked
    strictly higher than every accepted coding. No header: identity."""
    weights: dict[str, float] = {}
    for item in (accept_encoding or "").split(","):
        name, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for key, _, value in (p.partition("=") for p in params):
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0  # malformed: ignore the entry
        if name and 0.0 <= q <= 1.0:
            weights["gzip" if name.lower() == "x-gzip" else name.lower()] = q
    best, best_q = _IDENTITY, 0.0
    for coding in available:
        q = weights.get(coding, weights.get("*", 0.0))
        if q > best_q:
            best, best_q = coding, q
    return _IDENTITY if weights.get(_IDENTITY, -1.0) > best_q else best


class _BrotliResponder(IdentityResponder):
    """Starlette's responder logic (single body -> Content-Length, streams, 206 untouched)."""

    content_encoding = "br"

    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        super().__init__(app, minimum_size, exclude_content_types=())
        self.compressor: Any = None

    async def apply_compression(self, body: bytes, *, more_body: bool) -> bytes:
        if self.compressor is None:
            self.compressor = brotli.Compressor(quality=_BROTLI_QUALITY)

        def compress() -> bytes:
            out = bytes(self.compressor.process(body))
            return out + bytes(self.compressor.flush() if more_body else self.compressor.finish())

        return await anyio.to_thread.run_sync(compress) if len(body) >= _THREAD_MIN else compress()


# Brotli when the optional package is installed (the server extra has it), gzip always.
_RESPONDERS: Final[dict[str, Callable[[ASGIApp], ASGIApp]]] = {
    **({"br": lambda app: _BrotliResponder(app, _MIN_COMPRESS)} if brotli else {}),
    "gzip": lambda app: GZipResponder(
        app, _MIN_COMPRESS, _GZIP_LEVEL, thread_minimum_size=_THREAD_MIN, exclude_content_types=()
    ),
}


class _Compression:
    """Negotiates the coding and runs Starlette's responder for it. The representation's ETag
    is the file's with ``-<coding>`` appended; a request's tags lose that suffix on the way to
    StaticFiles (which knows only the file's tag) and a 304 gets it back. HEAD runs as GET with
    the body dropped, so its headers are the compressed representation's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        request = Headers(scope=scope)
        compressible = _content_type(scope["path"]).split(";")[0] in _COMPRESSIBLE
        coding = choose_encoding(request.get("accept-encoding"), list(_RESPONDERS))
        coding = coding if compressible else _IDENTITY
        tags = ",".join(request.getlist("if-none-match"))
        plain = tags.replace(f'-{coding}"', '"') if coding != _IDENTITY else tags
        headers = [(k, v) for k, v in scope["headers"] if k != b"if-none-match"]
        if tags:
            headers.append((b"if-none-match", plain.encode("latin-1")))
        scope = {**scope, "method": "GET" if head else scope["method"], "headers": headers}
        suffix_304 = coding != _IDENTITY and (plain != tags or tags.strip() == "*")

        async def send_representation(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                if compressible and "accept-encoding" not in out.get("vary", "").lower():
                    out.add_vary_header("Accept-Encoding")  # the responder may have added it
                encoding = out.get("content-encoding")
                if encoding is None and message["status"] == 304 and suffix_304:
                    encoding = coding
                if encoding and "etag" in out:
                    out["etag"] = out["etag"][:-1] + f'-{encoding}"'
            elif message["type"] == "http.response.body" and head:
                message = {**message, "body": b""}
            await send(message)

        app = self.app if coding == _IDENTITY else _RESPONDERS[coding](self.app)
        await app(scope, receive, send_representation)


class _File(FileResponse):
    # One read per file (Pyodide's largest is 10 MB): a single body lets the compressor send
    # Content-Length instead of a chunked stream.
    chunk_size = 64 * 1024 * 1024


class _Files(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        if scope["method"] in ("GET", "HEAD") and _FORBIDDEN.search(scope["path"]):
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)

    def file_response(
        self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200
    ) -> Response:
        media_type = CONTENT_TYPES.get(Path(full_path).suffix.lower(), _FALLBACK_TYPE)
        response = _File(
            full_path,
            status_code,
            {"Cache-Control": "no-cache"},
            media_type,
            stat_result=stat_result,
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


#: Files a working checkout has after ``./build.sh``; /healthz reports each (never fails on them).
HEALTH_FILES: Final[Mapping[str, str]] = {
    "pkg/wasm_core_bg.wasm": "the wasm package (wasm-pack build of wasm_core)",
    "pkg/wasm_core.js": "the wasm package's JavaScript glue",
    "vendor/pyodide/pyodide.mjs": "the vendored Pyodide runtime (npm ci + scripts/vendor.mjs)",
    "vendor/pyodide/pyodide.asm.wasm": "the vendored Pyodide runtime (npm ci + scripts/vendor.mjs)",
    "wheels/manifest.json": "the pricinglab wheel the notebook installs into Pyodide",
}


class ConfigError(ValueError):
    """Raised by :func:`create_app` for a configuration that cannot work (e.g. a missing root)."""


class SecurityHeadersMiddleware:
    """Sets :data:`SECURITY_HEADERS` and the path's Content-Security-Policy on every response."""

    def __init__(self, app: ASGIApp, default_csp: str, csp_overrides: Mapping[str, str]) -> None:
        self.app, self.default_csp, self.csp_overrides = app, default_csp, dict(csp_overrides)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.csp_overrides.get(scope["path"], self.default_csp)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in {**SECURITY_HEADERS, "Content-Security-Policy": csp}.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _PricingLabApp(Starlette):
    """Starlette with the security headers *outside* its error middleware, so that a 500 (which
    ``ServerErrorMiddleware`` sends, outside user middleware) carries them too."""

    csp_overrides: dict[str, str]

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return SecurityHeadersMiddleware(stack, DEFAULT_CSP, self.csp_overrides)


_HEADER_VALUE: Final = re.compile(r"[\x20-\x7e]+")


def create_app(
    root: Path = DEFAULT_ROOT, *, csp_overrides: Mapping[str, str] = CSP_OVERRIDES
) -> Starlette:
    """The app serving the folder ``root``, with per-path CSP overrides (:data:`CSP_OVERRIDES`).

    Raises :class:`ConfigError` if ``root`` is not an existing directory, or an override's key
    is not a path starting with ``/`` or its value not a printable single-line header value.
    """
    root = Path(root)
    if not root.is_dir():
        problem = "does not exist" if not root.exists() else "is not a directory"
        raise ConfigError(f"root folder '{root}' {problem} (build it with ./build.sh?)")
    for path, policy in csp_overrides.items():
        if not path.startswith("/"):
            raise ConfigError(f"csp_overrides key {path!r} must be a URL path starting with '/'")
        if not _HEADER_VALUE.fullmatch(policy):
            raise ConfigError(
                f"csp_overrides[{path!r}] must be a non-empty single-line printable ASCII policy"
            )
    root = root.resolve()

    async def health(request: Request) -> Response:
        files = {name: (root / name).is_file() for name in HEALTH_FILES}
        missing = [name for name, present in files.items() if not present]
        hint = "run ./build.sh to build the missing files" if missing else None
        report: dict[str, object] = {"status": "ok", "root": str(root), "files": files}
        report |= {"missing": missing, "hint": hint, "encodings": list(_RESPONDERS)}
        return JSONResponse(report, headers={"Cache-Control": "no-store"})

    app = _PricingLabApp(
        routes=[
            Route("/healthz", health, methods=["GET", "HEAD"]),
            Mount("/", app=_Files(directory=root, html=True)),
        ],
        middleware=[Middleware(_Compression)],
    )
    app.csp_overrides = dict(csp_overrides)
    return app


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts: the printed URL has the real port even
    for ``--port 0``, and a busy port is a clear error."""
    sock = socket.create_server(
        (host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET
    )
    # asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP, and create_server's
    # is 0: without it, Nagle holds a small body back behind its headers until the client's
    # delayed ACK (40 ms per small response on a kept-alive connection). Accepted sockets
    # inherit the option.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _is_loopback(host: str) -> bool:
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host).is_loopback
    return host == "localhost"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve Pricing Lab's web/ folder.")
    parser.add_argument("--host", default="127.0.0.1", help="default: %(default)s (loopback)")
    parser.add_argument("--port", type=int, default=8000, help="default: %(default)s")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="default: %(default)s")
    args = parser.parse_args(argv)
    try:
        app = create_app(root=args.root)
    except ConfigError as error:
        parser.error(str(error))
    try:
        sock = _bind(args.host, args.port)
    except OSError as error:
        print(f"server.py: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{sock.getsockname()[1]}/"
    print(f"Pricing Lab: serving {args.root.resolve()} at {url}", flush=True)
    if not _is_loopback(args.host):
        print(
            f"warning: {args.host} is not loopback: other machines can reach this dev server",
            file=sys.stderr,
            flush=True,
        )
    # uvicorn stops gracefully on Ctrl-C, then re-raises the signal: not worth a traceback.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(uvicorn.Config(app, log_level="info", server_header=False)).run(
            sockets=[sock]
        )
    print("Pricing Lab: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
