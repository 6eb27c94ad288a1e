"""Pricing Lab's development server: the static folder ``web/`` over HTTP, cross-origin isolated.

Run ``python server.py [--host 127.0.0.1] [--port 8000] [--root web]``, or import the app::

    from server import create_app
    app = create_app(root=Path("web"))

What it adds to plain static serving, and why:

- **Cross-origin isolation** on every response (COOP ``same-origin`` + COEP ``require-corp``), so
  the pages get ``SharedArrayBuffer`` (Pyodide's interrupt buffer, wasm workers), plus CORP,
  ``nosniff`` and ``no-referrer``. A strict Content-Security-Policy that lets WebAssembly compile
  (``'wasm-unsafe-eval'``) but never JavaScript ``eval`` (no ``'unsafe-eval'``), with a per-path
  override hook (:data:`CSP_OVERRIDES`).
- **Exact content types** (``.wasm`` must be ``application/wasm`` for ``instantiateStreaming``).
- **Compression** (brotli when the ``brotli`` package is importable, else gzip) for compressible
  types, negotiated with q-values. Compressed bodies are made once per file version, on first
  request, and cached in memory (see :class:`_BodyCache`): the Pyodide runtime is ~10 MB.
- **Revalidation**: strong content-hash ``ETag`` (one per encoding), ``If-None-Match`` -> 304,
  ``Cache-Control: no-cache`` (a dev tool: rebuilt files keep their names, so always revalidate).
- **Safe paths**: anything that could leave the root (``..``, encoded or not, backslashes, absolute
  paths, NUL, symlinks pointing outside) is a plain 404. Only GET and HEAD (405 otherwise).
- ``/healthz``: JSON saying whether the built wasm package and the vendored Pyodide are present.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import importlib
import ipaddress
import os
import re
import socket
import stat
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import anyio.to_thread
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_TYPES",
    "CSP_DIRECTIVES",
    "CSP_OVERRIDES",
    "DEFAULT_CACHE_BYTES",
    "DEFAULT_CSP",
    "HEALTH_FILES",
    "SECURITY_HEADERS",
    "ConfigError",
    "SecurityHeadersMiddleware",
    "choose_encoding",
    "content_security_policy",
    "create_app",
    "if_none_match",
    "main",
    "resolve_path",
]

DEFAULT_ROOT: Final = Path(__file__).resolve().parent / "web"
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000

# --------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------

#: Sent on every response, errors included.
SECURITY_HEADERS: Final[Mapping[str, str]] = {
    # COOP + COEP make the page cross-origin isolated: SharedArrayBuffer is only available then.
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    # Nothing here is meant to be embedded by another origin.
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

#: The default policy, directive by directive. Nothing the pages load comes from elsewhere.
CSP_DIRECTIVES: Final[Mapping[str, tuple[str, ...]]] = {
    "default-src": ("'self'",),
    # WebAssembly.compile/instantiate need 'wasm-unsafe-eval'; JS eval stays forbidden, and no
    # inline scripts (no 'unsafe-inline', no hashes).
    "script-src": ("'self'", "'wasm-unsafe-eval'"),
    # blob: lets a page start a worker from a Blob URL (a common pattern for wasm worker pools).
    "worker-src": ("'self'", "blob:"),
    "connect-src": ("'self'",),
    # data:/blob: for charts exported as images.
    "img-src": ("'self'", "data:", "blob:"),
    # No 'unsafe-inline': styles live in .css files. SVG charts must use presentation attributes
    # (fill=, stroke=), not style="" attributes, or add 'unsafe-inline' here with a reason.
    "style-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "frame-ancestors": ("'none'",),
}


def content_security_policy(changes: Mapping[str, Sequence[str]] | None = None) -> str:
    """The header value for :data:`CSP_DIRECTIVES` with some directives replaced or added.

    >>> content_security_policy({"object-src": ["'none'"]}) == DEFAULT_CSP
    True
    """
    directives = {**CSP_DIRECTIVES, **{k: tuple(v) for k, v in (changes or {}).items()}}
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


DEFAULT_CSP: Final = content_security_policy()

#: Per-path Content-Security-Policy overrides: URL path (exact, e.g. ``"/notebook.html"``) ->
#: full header value, typically ``content_security_policy({...})``. Empty: every path gets
#: :data:`DEFAULT_CSP`. The policy is sent on every response, not only HTML, because a dedicated
#: worker's policy is the one delivered with the *worker script* (CSP Level 3, "initialize a
#: global object's CSP list"): to loosen what the Pyodide kernel worker may do, override the
#: worker script's path (e.g. ``"/notebook/kernel.worker.js"``), not the page's. Pyodide >= 0.22
#: runs under the default policy ('wasm-unsafe-eval' is enough); packages with compiled
#: extensions loaded at run time may need more, which is what this hook is for.
CSP_OVERRIDES: Final[Mapping[str, str]] = {}

# --------------------------------------------------------------------------------------------------
# Content types and compression
# --------------------------------------------------------------------------------------------------

_UTF8: Final = "; charset=utf-8"

#: Suffix -> Content-Type. A fixed table (not ``mimetypes``, whose answers depend on the host:
#: e.g. ``.ts`` is "video/mp2t" there). Text types carry a charset; JSON is UTF-8 by definition
#: (RFC 8259 defines no charset parameter), so JSON types do not.
CONTENT_TYPES: Final[Mapping[str, str]] = {
    ".html": "text/html" + _UTF8,
    ".htm": "text/html" + _UTF8,
    ".js": "text/javascript" + _UTF8,
    ".mjs": "text/javascript" + _UTF8,
    ".css": "text/css" + _UTF8,
    ".svg": "image/svg+xml" + _UTF8,
    ".txt": "text/plain" + _UTF8,
    ".md": "text/markdown" + _UTF8,
    ".py": "text/x-python" + _UTF8,
    ".ts": "text/plain" + _UTF8,  # wasm-pack's .d.ts: documentation, never executed
    ".json": "application/json",
    ".map": "application/json",
    ".ipynb": "application/x-ipynb+json",
    ".wasm": "application/wasm",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
_FALLBACK_TYPE: Final = "application/octet-stream"

# Types worth compressing: text, JSON and wasm (pyodide.asm.wasm: 9.6 MB -> 3.2 MB with brotli).
# Zip/wheel, images and fonts are already compressed, so they are sent as they are.
_COMPRESSIBLE: Final = frozenset(
    {
        "text/html",
        "text/javascript",
        "text/css",
        "text/plain",
        "text/markdown",
        "text/x-python",
        "image/svg+xml",
        "application/json",
        "application/x-ipynb+json",
        "application/wasm",
    }
)
# Below this, compression costs more than it saves (headers, CPU); the body goes out as is.
_MIN_COMPRESS_SIZE: Final = 1024
# Brotli quality 6 / gzip level 6: measured on pyodide.asm.wasm (9.6 MB), brotli 6 takes 0.3 s
# for 3.15 MB and quality 11 takes 27 s for 2.74 MB; once per file version, 6 is the right trade.
_BROTLI_QUALITY: Final = 6
_GZIP_LEVEL: Final = 6
# In-memory budget for cached bodies (identity and compressed), least recently used evicted.
DEFAULT_CACHE_BYTES: Final = 256 * 1024 * 1024

_IDENTITY: Final = "identity"
_Compressor = Callable[[bytes], bytes]


def _gzip(data: bytes) -> bytes:
    # mtime=0: the same input gives the same bytes, so the encoded ETag stays a strong validator.
    return gzip.compress(data, compresslevel=_GZIP_LEVEL, mtime=0)


def _load_brotli() -> _Compressor | None:
    """Brotli's compressor if the optional ``brotli`` package is installed (the server extra)."""
    try:
        module = importlib.import_module("brotli")
    except ImportError:
        return None

    def compress(data: bytes) -> bytes:
        return bytes(module.compress(data, quality=_BROTLI_QUALITY))

    return compress


def _compressors() -> dict[str, _Compressor]:
    """Available codings, in the server's order of preference (used to break q-value ties)."""
    found: dict[str, _Compressor] = {}
    brotli = _load_brotli()
    if brotli is not None:
        found["br"] = brotli
    found["gzip"] = _gzip
    return found


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def choose_encoding(accept_encoding: str | None, available: Sequence[str]) -> str:
    """The content coding to use for a request's ``Accept-Encoding`` (RFC 9110 section 12.5.3).

    Picks the available coding with the highest q-value (> 0), ties going to the order of
    ``available``; ``*`` gives its q-value to codings not listed by name. ``identity`` wins only
    if the client ranks it strictly higher than every coding it accepts. No header: identity.
    """
    if not accept_encoding:
        return _IDENTITY
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        if not name:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0  # malformed: ignore the entry
        if 0.0 <= q <= 1.0:
            name = name.lower()
            weights["gzip" if name == "x-gzip" else name] = q
    star = weights.get("*")
    best, best_q = _IDENTITY, 0.0
    for coding in available:
        q = weights.get(coding, star if star is not None else 0.0)
        if q > best_q:
            best, best_q = coding, q
    if best != _IDENTITY and weights.get(_IDENTITY, -1.0) > best_q:
        return _IDENTITY
    return best


# --------------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------------

_FORBIDDEN_CHARS: Final = re.compile(r"[\x00-\x1f\x7f\\%:]")


def resolve_path(root: Path, url_path: str) -> Path | None:
    """The regular file under ``root`` (already resolved) that ``url_path`` names, or None.

    ``url_path`` is the percent-decoded request path. Refused (None, i.e. 404): empty, ``.`` and
    ``..`` segments and every other dot-file; backslashes; ``%`` (a double-encoded path decoded
    once, or an attempt to get decoded again somewhere); ``:`` (drive letters); control
    characters including NUL; anything whose real path (symlinks followed) is not inside
    ``root``; anything that is not a regular file. A path ending in ``/`` means its
    ``index.html``; a directory without the slash is a 404 (its relative links would break).
    """
    if not url_path.startswith("/") or _FORBIDDEN_CHARS.search(url_path):
        return None
    relative = url_path[1:]
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    parts = relative.split("/")
    if any(part == "" or part.startswith(".") for part in parts):
        return None
    try:
        real = root.joinpath(*parts).resolve(strict=True)
        mode = real.stat().st_mode
    except (OSError, RuntimeError, ValueError):  # missing, symlink loop, name too long, ...
        return None
    if not real.is_relative_to(root) or not stat.S_ISREG(mode):
        return None
    return real


# --------------------------------------------------------------------------------------------------
# Bodies: read once, compressed once, cached
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stamp:
    """Identifies one version of a file: a change to any field means new content."""

    mtime_ns: int
    size: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> _Stamp:
        return cls(st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass(frozen=True, slots=True)
class _Body:
    stamp: _Stamp
    data: bytes
    digest: str  # hash of the *uncompressed* content; the ETag of every encoding derives from it


def _etag(digest: str, encoding: str) -> str:
    # Strong: the identity body is the hashed content; a compressed body is a deterministic
    # function of it (fixed compressor settings), so "<digest>-<coding>" names its exact bytes.
    return f'"{digest}"' if encoding == _IDENTITY else f'"{digest}-{encoding}"'


class _BodyCache:
    """Response bodies keyed by (path, encoding), each tagged with the file's :class:`_Stamp`.

    Chosen over precomputing at start-up: nothing is done for files never requested, and a
    rebuilt file (new mtime/size/inode) is picked up on the next request. A stale entry is
    replaced, so a path holds at most one version per encoding; the total is bounded by
    ``max_bytes`` (least recently used first out). Reading and compressing run in worker
    threads; a per-path lock makes concurrent first requests for the same file share one
    compression instead of each doing it.
    """

    def __init__(self, compressors: Mapping[str, _Compressor], max_bytes: int) -> None:
        self._compressors = compressors
        self._max_bytes = max_bytes
        self._entries: OrderedDict[tuple[Path, str], _Body] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()  # guards _entries, _total and _path_locks
        self._path_locks: dict[Path, threading.Lock] = {}

    def _lookup(self, path: Path, encoding: str, stamp: _Stamp | None) -> _Body | None:
        with self._lock:
            body = self._entries.get((path, encoding))
            if body is None or (stamp is not None and body.stamp != stamp):
                return None
            self._entries.move_to_end((path, encoding))
            return body

    def _store(self, path: Path, encoding: str, body: _Body) -> None:
        with self._lock:
            old = self._entries.pop((path, encoding), None)
            if old is not None:
                self._total -= len(old.data)
            if len(body.data) > self._max_bytes:
                return
            self._entries[(path, encoding)] = body
            self._total += len(body.data)
            while self._total > self._max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._total -= len(evicted.data)

    def _path_lock(self, path: Path) -> threading.Lock:
        with self._lock:
            return self._path_locks.setdefault(path, threading.Lock())

    def _load(self, path: Path, encoding: str, stamp: _Stamp) -> _Body:
        """Blocking: the body of ``path`` in ``encoding``, from cache or made now."""
        with self._path_lock(path):
            cached = self._lookup(path, encoding, stamp)
            if cached is not None:
                return cached
            identity = self._lookup(path, _IDENTITY, stamp)
            if identity is None:
                with path.open("rb") as file:
                    # The stamp of what is actually read, in case the file changed since stat().
                    read_stamp = _Stamp.of(os.fstat(file.fileno()))
                    data = file.read()
                digest = hashlib.blake2b(data, digest_size=16).hexdigest()
                identity = _Body(read_stamp, data, digest)
                self._store(path, _IDENTITY, identity)
            if encoding == _IDENTITY:
                return identity
            encoded = self._compressors[encoding](identity.data)
            body = _Body(identity.stamp, encoded, identity.digest)
            self._store(path, encoding, body)
            return body

    async def get(self, path: Path, encoding: str, stamp: _Stamp) -> _Body:
        cached = self._lookup(path, encoding, stamp)
        if cached is not None:
            return cached
        return await anyio.to_thread.run_sync(self._load, path, encoding, stamp)


# --------------------------------------------------------------------------------------------------
# Endpoints
# --------------------------------------------------------------------------------------------------

_ETAG_IN_LIST: Final = re.compile(r'(?:W/)?("[^"]*")')


def if_none_match(header_values: Sequence[str], etag: str) -> bool:
    """Whether ``If-None-Match`` (all its header lines) matches ``etag`` (RFC 9110 13.1.2).

    ``*`` matches any current representation; otherwise a comma-separated list of entity tags,
    compared weakly (a ``W/`` prefix is ignored) as the RFC prescribes for this header.
    """
    joined = ",".join(header_values).strip()
    if joined == "*":
        return True
    return etag in _ETAG_IN_LIST.findall(joined)


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404, headers={"Cache-Control": "no-store"})


class _StaticSite:
    """GET/HEAD for the files under ``root``."""

    def __init__(self, root: Path, compressors: Mapping[str, _Compressor], cache_bytes: int):
        self.root = root
        self.codings = tuple(compressors)
        self.cache = _BodyCache(compressors, cache_bytes)

    async def serve(self, request: Request) -> Response:
        path = resolve_path(self.root, request.scope["path"])
        if path is None:
            return _not_found()
        try:
            st = path.stat()
        except OSError:
            return _not_found()
        content_type = CONTENT_TYPES.get(path.suffix.lower(), _FALLBACK_TYPE)
        compressible = _media_type(content_type) in _COMPRESSIBLE
        encoding = _IDENTITY
        if compressible and st.st_size >= _MIN_COMPRESS_SIZE:
            encoding = choose_encoding(request.headers.get("accept-encoding"), self.codings)

        try:
            identity = await self.cache.get(path, _IDENTITY, _Stamp.of(st))
        except OSError:  # vanished or unreadable between stat() and open()
            return _not_found()
        headers = {"ETag": _etag(identity.digest, encoding), "Cache-Control": "no-cache"}
        if compressible:
            # The bytes depend on Accept-Encoding (for files under the size threshold too, so
            # that a cache keeps the right key if the file grows).
            headers["Vary"] = "Accept-Encoding"
        # Checked before compressing: a 304 needs only the digest.
        if if_none_match(request.headers.getlist("if-none-match"), headers["ETag"]):
            return Response(status_code=304, headers=headers)

        body = identity
        if encoding != _IDENTITY:
            try:
                body = await self.cache.get(path, encoding, identity.stamp)
            except OSError:
                return _not_found()
            headers["Content-Encoding"] = encoding
        headers["Content-Type"] = content_type
        headers["Content-Length"] = str(len(body.data))
        return Response(b"" if request.method == "HEAD" else body.data, headers=headers)


#: Files a working checkout has after ``./build.sh``; /healthz reports each (never fails on them).
HEALTH_FILES: Final[Mapping[str, str]] = {
    "pkg/wasm_core_bg.wasm": "the wasm package (wasm-pack build of wasm_core)",
    "pkg/wasm_core.js": "the wasm package's JavaScript glue",
    "vendor/pyodide/pyodide.mjs": "the vendored Pyodide runtime (npm ci + scripts/vendor.mjs)",
    "vendor/pyodide/pyodide.asm.wasm": "the vendored Pyodide runtime (npm ci + scripts/vendor.mjs)",
    "wheels/manifest.json": "the pricinglab wheel the notebook installs into Pyodide",
}


class _Health:
    def __init__(self, root: Path, codings: Sequence[str]) -> None:
        self.root = root
        self.codings = list(codings)

    async def serve(self, request: Request) -> Response:
        files = {name: (self.root / name).is_file() for name in HEALTH_FILES}
        missing = [name for name, present in files.items() if not present]
        content = {
            "status": "ok",
            "root": str(self.root),
            "files": files,
            "missing": missing,
            "hint": "run ./build.sh to build the missing files" if missing else None,
            "encodings": self.codings,
        }
        return JSONResponse(content, headers={"Cache-Control": "no-store"})


# --------------------------------------------------------------------------------------------------
# The app
# --------------------------------------------------------------------------------------------------


class ConfigError(ValueError):
    """Raised by :func:`create_app` for a configuration that cannot work (e.g. a missing root)."""


class SecurityHeadersMiddleware:
    """Sets :data:`SECURITY_HEADERS` and the path's Content-Security-Policy on every response."""

    def __init__(self, app: ASGIApp, default_csp: str, csp_overrides: Mapping[str, str]) -> None:
        self.app = app
        self.default_csp = default_csp
        self.csp_overrides = dict(csp_overrides)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.csp_overrides.get(scope["path"], self.default_csp)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                headers["Content-Security-Policy"] = csp
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _PricingLabApp(Starlette):
    """Starlette with :class:`SecurityHeadersMiddleware` *outside* its error middleware.

    ``Starlette(middleware=...)`` places user middleware inside ``ServerErrorMiddleware``, so a
    500 would go out without the headers; wrapping the whole stack covers every response the
    app sends (404, 405, 500 included).
    """

    def __init__(self, routes: Sequence[BaseRoute], csp_overrides: Mapping[str, str]) -> None:
        super().__init__(routes=routes)
        self.csp_overrides = dict(csp_overrides)

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(
            super().build_middleware_stack(), DEFAULT_CSP, self.csp_overrides
        )


_HEADER_VALUE: Final = re.compile(r"[\x20-\x7e]+")


def create_app(
    root: Path = DEFAULT_ROOT,
    *,
    csp_overrides: Mapping[str, str] = CSP_OVERRIDES,
    cache_bytes: int = DEFAULT_CACHE_BYTES,
) -> Starlette:
    """The Pricing Lab app serving the static folder ``root``.

    Parameters
    ----------
    root
        The folder to serve (normally the repository's ``web/``). Must exist.
    csp_overrides
        URL path -> Content-Security-Policy for that path (see :data:`CSP_OVERRIDES`).
    cache_bytes
        Memory budget for cached (and compressed) bodies.

    Raises
    ------
    ConfigError
        If ``root`` is not an existing directory, an override's key is not a path starting with
        ``/`` or its value is not a printable single-line header value, or ``cache_bytes < 0``.
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
    if cache_bytes < 0:
        raise ConfigError(f"cache_bytes must be >= 0, got {cache_bytes}")

    root = root.resolve()
    compressors = _compressors()
    site = _StaticSite(root, compressors, cache_bytes)
    health = _Health(root, list(compressors))
    routes = [
        Route("/healthz", health.serve, methods=["GET", "HEAD"]),
        Route("/{path:path}", site.serve, methods=["GET", "HEAD"]),
    ]
    return _PricingLabApp(routes, csp_overrides)


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket (bound here, before uvicorn starts, so the printed URL has the real
    port even for ``--port 0``, and a busy port is a clear error)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    # asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP, and create_server's
    # is 0: without this, Nagle holds a small body back behind its headers until the client's
    # delayed ACK (40 ms per small response on a kept-alive connection). Accepted sockets
    # inherit the option from the listening one.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Serve Pricing Lab's web/ folder (cross-origin isolated, compressed)."
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="default: %(default)s (loopback)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="default: %(default)s")
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

    port = sock.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Pricing Lab: serving {args.root.resolve()} at http://{host}:{port}/", flush=True)
    if not _is_loopback(args.host):
        print(
            f"warning: {args.host} is not a loopback address: this development server is "
            "reachable from other machines",
            file=sys.stderr,
            flush=True,
        )
    config = uvicorn.Config(app, log_level="info", server_header=False)
    # uvicorn shuts down gracefully on Ctrl-C, then re-raises the signal it captured; that is the
    # normal way to stop a dev server, not an error worth a traceback.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
    print("Pricing Lab: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
