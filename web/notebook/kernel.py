"""The notebook's Python kernel: runs cells, captures their output as nbformat 4 outputs.

Loaded by ``kernel.worker.js`` into Pyodide (as the module ``_notebook_kernel``), and imported
unchanged under CPython by the tests. Everything the kernel produces goes through one
callback, ``emit(message)``, whose ``message`` is a dict: the worker posts it to the page.

Messages (``type``):

- ``"output"``: ``{"type": "output", "output": <an nbformat 4 output dict>}``; the output is
  a ``stream`` (``name``, ``text``), ``display_data`` / ``execute_result`` (``data``: a MIME
  bundle, ``metadata``), ``error`` (``ename``, ``evalue``, ``traceback``: list of lines), or
  the kernel's own ``{"output_type": "clear"}`` for :func:`clear_output`.

Display protocol (as IPython's, a subset): the value of a cell's last expression (unless the
cell ends with ``;`` or the value is None) and each ``display(obj)`` are turned into a MIME
bundle from ``_repr_mimebundle_``, ``_repr_html_``, ``_repr_svg_``, ``_repr_markdown_``,
``_repr_latex_``, ``_repr_png_``, ``_repr_jpeg_``, ``_repr_json_``, always with ``text/plain``
(:func:`pprint.pformat`, dicts in insertion order).

Top-level ``await`` works in cells (compiled with ``PyCF_ALLOW_TOP_LEVEL_AWAIT``).
"""

from __future__ import annotations

import array
import ast
import base64
import inspect
import io
import json
import linecache
import pprint
import sys
import tokenize
import traceback
from collections.abc import Callable
from typing import Any

__all__ = ["HTML", "SVG", "Kernel", "Markdown", "mimebundle"]

Emit = Callable[[dict[str, Any]], None]

# (method, MIME type) in the order a page prefers them; text/plain always comes last.
_REPR_METHODS = (
    ("_repr_html_", "text/html"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_png_", "image/png"),
    ("_repr_jpeg_", "image/jpeg"),
    ("_repr_markdown_", "text/markdown"),
    ("_repr_latex_", "text/latex"),
    ("_repr_json_", "application/json"),
)
_BINARY_TYPES = ("image/png", "image/jpeg")
# A stream buffers at most this many characters before it is sent even without a newline.
_STREAM_CHUNK = 8192
# Cell file names: tracebacks show them; frames from other files (this kernel) are dropped.
_CELL_PREFIX = "<cell "
# Set on code compiled with PyCF_ALLOW_TOP_LEVEL_AWAIT that awaits: eval returns a coroutine.
_CO_COROUTINE = inspect.CO_COROUTINE


# Long results are cut the way IPython's pretty printer cuts them (its max_seq_length is 1000):
# a 100,000-row result is shown as its first 1,000 items and a count, not as 4.6 million
# characters that take seconds to format and fill the browser's storage when saved.
MAX_ITEMS = 1000
# And whatever a repr returns is kept to this many characters.
MAX_PLAIN_CHARS = 100_000


class _More:
    """Stands for the items left out of a shortened container."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __repr__(self) -> str:
        return f"... ({self.count:,} more)"


class _Repr:
    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _shorten(obj: object, depth: int = 0) -> object:
    """``obj`` with every list, tuple, dict and array.array beyond :data:`MAX_ITEMS` cut."""
    if depth > 10:
        return obj
    if type(obj) in (list, tuple):
        seq: list[Any] | tuple[Any, ...] = obj  # type: ignore[assignment]
        items: list[object] = [_shorten(x, depth + 1) for x in seq[:MAX_ITEMS]]
        if len(seq) > MAX_ITEMS:
            items.append(_More(len(seq) - MAX_ITEMS))
        return items if type(obj) is list else tuple(items)
    if type(obj) is dict:
        out: dict[object, object] = {}
        for i, (key, value) in enumerate(obj.items()):
            if i == MAX_ITEMS:
                out[_Repr("...")] = _More(len(obj) - MAX_ITEMS)
                break
            out[key] = _shorten(value, depth + 1)
        return out
    if isinstance(obj, array.array) and len(obj) > MAX_ITEMS:
        head = ", ".join(repr(x) for x in obj[:MAX_ITEMS])
        return _Repr(f"array({obj.typecode!r}, [{head}, ... ({len(obj) - MAX_ITEMS:,} more)])")
    return obj


def _plain(obj: object) -> str:
    try:
        text = pprint.pformat(_shorten(obj), sort_dicts=False)
    except Exception:
        text = object.__repr__(obj)
    if len(text) > MAX_PLAIN_CHARS:
        text = f"{text[:MAX_PLAIN_CHARS]}\n... (output truncated: {len(text):,} characters)"
    return text


def mimebundle(obj: object) -> dict[str, Any]:
    """The MIME bundle of ``obj`` (``{mime type: data}``), always with ``text/plain``.

    A ``_repr_*_`` method that raises or returns None is skipped (as IPython does), so one
    broken representation never hides the others.
    """
    bundle: dict[str, Any] = {}
    method = getattr(obj, "_repr_mimebundle_", None)
    if callable(method) and not isinstance(obj, type):
        try:
            result = method()
        except Exception:
            result = None
        if isinstance(result, tuple):  # (data, metadata)
            result = result[0]
        if isinstance(result, dict):
            bundle.update({str(k): v for k, v in result.items() if v is not None})
    if not isinstance(obj, type):  # a class's _repr_html_ is an unbound function
        for name, mime in _REPR_METHODS:
            if mime in bundle:
                continue
            method = getattr(obj, name, None)
            if not callable(method):
                continue
            try:
                value = method()
            except Exception:
                continue
            if isinstance(value, tuple):  # (data, metadata)
                value = value[0]
            if value is None:
                continue
            if mime in _BINARY_TYPES and isinstance(value, bytes | bytearray):
                value = base64.b64encode(value).decode("ascii")
            if mime == "application/json" and isinstance(value, str):
                value = json.loads(value)
            bundle[mime] = value
    bundle.setdefault("text/plain", _plain(obj))
    return bundle


class _Wrapper:
    """Raw data shown with one MIME type (IPython.display's HTML/SVG/Markdown)."""

    _mime = "text/plain"

    def __init__(self, data: str) -> None:
        if not isinstance(data, str):
            raise TypeError(f"{type(self).__name__} takes a str (got {type(data).__name__})")
        self.data = data

    def _repr_mimebundle_(self) -> dict[str, str]:
        return {self._mime: self.data, "text/plain": f"<{type(self).__name__} object>"}


class HTML(_Wrapper):
    """``display(HTML("<b>bold</b>"))`` shows the HTML (sanitised by the page)."""

    _mime = "text/html"


class SVG(_Wrapper):
    """``display(SVG(svg_text))`` shows the SVG image."""

    _mime = "image/svg+xml"


class Markdown(_Wrapper):
    """``display(Markdown("*text*"))`` shows the rendered Markdown."""

    _mime = "text/markdown"


class _Stream(io.TextIOBase):
    """A text stream (stdout/stderr) sent as nbformat ``stream`` outputs while the cell runs.

    Line-buffered like a terminal: text is sent at each newline (or every ``_STREAM_CHUNK``
    characters), so a cell that prints and then computes shows what it printed at once.
    """

    def __init__(self, name: str, emit: Emit) -> None:
        super().__init__()
        self._name = name
        self._emit = emit
        self._buffer: list[str] = []
        self._size = 0

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self._buffer.append(text)
            self._size += len(text)
            if "\n" in text or self._size >= _STREAM_CHUNK:
                self.flush()
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            text = "".join(self._buffer)
            self._buffer.clear()
            self._size = 0
            self._emit(
                {
                    "type": "output",
                    "output": {"output_type": "stream", "name": self._name, "text": text},
                }
            )


class Kernel:
    """A Python namespace in which cells run one at a time.

    Parameters
    ----------
    emit
        Called with each message (see the module docstring) as soon as it exists, so a
        cell's output streams while it runs.
    """

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self.execution_count = 0
        self.namespace: dict[str, Any] = {
            "__name__": "__main__",
            "__builtins__": __builtins__,
            "display": self.display,
            "clear_output": self.clear_output,
            "HTML": HTML,
            "SVG": SVG,
            "Markdown": Markdown,
        }

    # -- what cells can call -----------------------------------------------------------------

    def display(self, *objs: object) -> None:
        """Shows each object below the cell (its richest representation)."""
        self._flush_streams()
        for obj in objs:
            self._output({"output_type": "display_data", "data": mimebundle(obj), "metadata": {}})

    def clear_output(self, wait: bool = False) -> None:
        """Clears the running cell's output so far (``wait`` is accepted and ignored)."""
        self._flush_streams()
        self._output({"output_type": "clear"})

    # -- running cells -------------------------------------------------------------------------

    def _output(self, output: dict[str, Any]) -> None:
        self._emit({"type": "output", "output": output})

    def _flush_streams(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, _Stream):
                stream.flush()

    def next_count(self) -> int:
        """Advances and returns the execution count of the cell about to run."""
        self.execution_count += 1
        return self.execution_count

    async def execute(self, code: str) -> dict[str, Any]:
        """Runs one cell: ``{"status": "ok" | "error", "execution_count": n}``.

        A ``KeyboardInterrupt`` (the page's Interrupt button) or any other exception,
        ``SystemExit`` included, ends the cell with an ``error`` output; the kernel carries on.
        """
        count = self.next_count()
        filename = f"{_CELL_PREFIX}{count}>"
        # Tracebacks and inspect read cell source through linecache.
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        out, err = _Stream("stdout", self._emit), _Stream("stderr", self._emit)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        status = "ok"
        try:
            value = await self._run(code, filename)
            out.flush()
            err.flush()
            if value is not None:
                self.namespace["_"] = value
                self._output(
                    {
                        "output_type": "execute_result",
                        "execution_count": count,
                        "data": mimebundle(value),
                        "metadata": {},
                    }
                )
        except BaseException as error:  # the cell's error is its output
            out.flush()
            err.flush()
            self._output(self._error_output(error))
            status = "error"
        finally:
            sys.stdout, sys.stderr = saved
        return {"status": status, "execution_count": count}

    async def _run(self, code: str, filename: str) -> Any:
        """Executes ``code`` in the namespace; returns the last expression's value or None."""
        tree = ast.parse(code, filename=filename, mode="exec")
        last: ast.expr | None = None
        final = tree.body[-1] if tree.body else None
        if isinstance(final, ast.Expr) and not _ends_with_semicolon(code):
            tree.body.pop()
            last = final.value
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        if tree.body:
            compiled = compile(tree, filename, "exec", flags=flags, dont_inherit=True)
            result = eval(compiled, self.namespace)
            if compiled.co_flags & _CO_COROUTINE:  # the cell used top-level await
                await result
        if last is None:
            return None
        expression = ast.Expression(body=last)
        compiled = compile(expression, filename, "eval", flags=flags, dont_inherit=True)
        value = eval(compiled, self.namespace)
        if compiled.co_flags & _CO_COROUTINE:
            value = await value
        return value

    @staticmethod
    def _error_output(error: BaseException) -> dict[str, Any]:
        """An nbformat ``error`` output, its traceback limited to the cells' own frames."""
        tb = error.__traceback__
        while tb is not None and not tb.tb_frame.f_code.co_filename.startswith(_CELL_PREFIX):
            tb = tb.tb_next
        if isinstance(error, SyntaxError):
            lines = traceback.format_exception_only(type(error), error)
        else:
            lines = traceback.format_exception(type(error), error, tb)
        return {
            "output_type": "error",
            "ename": type(error).__name__,
            "evalue": str(error),
            "traceback": [line.rstrip("\n") for line in "".join(lines).splitlines()],
        }


def _ends_with_semicolon(code: str) -> bool:
    """IPython's rule: a cell whose last token (comments aside) is ``;`` shows no value."""
    last = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type not in _NON_CODE_TOKENS:
                last = token
    except (tokenize.TokenError, SyntaxError):
        return False
    return last is not None and last.type == tokenize.OP and last.string == ";"


_NON_CODE_TOKENS = frozenset(
    {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
)
