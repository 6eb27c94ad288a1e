"""The notebook's Python kernel (web/notebook/kernel.py) under CPython: what a cell's outputs
are (nbformat 4 output dicts, in order), the display protocol, tracebacks, streams. The same
file runs inside Pyodide in the kernel worker (tests/browser/test_notebook.py)."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest

KERNEL_PY = Path(__file__).resolve().parents[1] / "web" / "notebook" / "kernel.py"


def load_kernel_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_notebook_kernel", KERNEL_PY)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kernel_module = load_kernel_module()


class Session:
    """A kernel and the messages it emitted."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.kernel = kernel_module.Kernel(self.messages.append)

    def run(self, code: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Runs a cell: (reply, its outputs)."""
        self.messages.clear()
        # A thread of its own: in a session with the browser tests, Playwright's event loop
        # is already running in this one (asyncio.run would refuse).
        with ThreadPoolExecutor(1) as pool:
            reply = pool.submit(asyncio.run, self.kernel.execute(code)).result()
        return reply, [m["output"] for m in self.messages]


@pytest.fixture
def session() -> Session:
    return Session()


def test_last_expression_is_the_execute_result(session: Session) -> None:
    reply, outputs = session.run("x = 20\nx + 22")
    assert reply == {"status": "ok", "execution_count": 1}
    assert outputs == [
        {"output_type": "execute_result", "execution_count": 1,
         "data": {"text/plain": "42"}, "metadata": {}},
    ]  # fmt: skip
    _, outputs = session.run("_ * 2")  # the last value is `_`, variables persist
    assert outputs[0]["data"]["text/plain"] == "84"


@pytest.mark.parametrize(
    "code",
    ["1 + 1;", "1 + 1;  # comment", "x = 1", "None", "for i in range(2):\n    i"],
)
def test_no_value_shown(session: Session, code: str) -> None:
    _, outputs = session.run(code)
    assert outputs == []


def test_semicolon_inside_a_string_does_not_hide_the_value(session: Session) -> None:
    _, outputs = session.run("'a;'  # ;")
    assert outputs[0]["data"]["text/plain"] == "'a;'"


def test_streams_are_line_buffered_and_ordered(session: Session) -> None:
    code = (
        "import sys\n"
        "print('a', end='')\n"
        "print('b')\n"
        "print('err', file=sys.stderr)\n"
        "display(HTML('<i>x</i>'))\n"
        "print('c')\n"
        "'done'"
    )
    _, outputs = session.run(code)
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in outputs] == [
        ("stream", "stdout", "ab\n"),
        ("stream", "stderr", "err\n"),
        ("display_data", None, None),
        ("stream", "stdout", "c\n"),
        ("execute_result", None, None),
    ]
    assert outputs[2]["data"] == {"text/html": "<i>x</i>", "text/plain": "<HTML object>"}
    assert not isinstance(sys.stdout, kernel_module._Stream)  # restored after the cell


def test_text_without_newline_is_sent_when_the_cell_ends(session: Session) -> None:
    _, outputs = session.run("print('partial', end='')")
    assert outputs == [{"output_type": "stream", "name": "stdout", "text": "partial"}]


class Rich:
    def _repr_html_(self) -> str:
        return "<b>rich</b>"

    def _repr_svg_(self) -> str:
        return "<svg></svg>"

    def _repr_markdown_(self) -> None:
        return None  # skipped

    def _repr_latex_(self) -> str:
        raise RuntimeError("a broken repr is skipped")

    def _repr_png_(self) -> bytes:
        return b"\x89PNG"

    def __repr__(self) -> str:
        return "Rich()"


def test_mimebundle_collects_every_working_repr() -> None:
    bundle = kernel_module.mimebundle(Rich())
    assert bundle == {
        "text/html": "<b>rich</b>",
        "image/svg+xml": "<svg></svg>",
        "image/png": "iVBORw==",  # base64 of the bytes
        "text/plain": "Rich()",
    }
    assert kernel_module.mimebundle(Rich) == {"text/plain": repr(Rich)}  # a class, not an instance
    assert kernel_module.mimebundle({"b": 1, "a": [1.5] * 30})["text/plain"].startswith("{'b': 1,")


def test_pricinglab_charts_display_as_svg(session: Session) -> None:
    _, outputs = session.run("from pricinglab import plot\nplot.line_chart([1, 2], [3, 4])")
    data = outputs[0]["data"]
    assert data["image/svg+xml"].startswith("<svg")
    assert data["text/plain"].startswith("<Chart")


def test_errors_show_only_the_cells_frames(session: Session) -> None:
    reply, outputs = session.run("def f():\n    raise ValueError('bad value')\n\nf()")
    assert reply == {"status": "error", "execution_count": 1}
    (error,) = outputs
    assert (error["ename"], error["evalue"]) == ("ValueError", "bad value")
    tb = error["traceback"]
    assert tb[0] == "Traceback (most recent call last):"
    assert tb[-1] == "ValueError: bad value"
    assert '  File "<cell 1>", line 4, in <module>' in tb
    assert "    raise ValueError('bad value')" in tb  # the source line, from linecache
    assert not any("kernel.py" in line for line in tb)


def test_syntax_errors_and_system_exit_do_not_stop_the_kernel(session: Session) -> None:
    _, outputs = session.run("1 +")
    assert outputs[0]["ename"] == "SyntaxError"
    _, outputs = session.run("raise SystemExit(3)")
    assert outputs[0]["ename"] == "SystemExit"
    reply, outputs = session.run("'alive'")
    assert reply["status"] == "ok" and outputs[0]["data"]["text/plain"] == "'alive'"
    assert reply["execution_count"] == 3


def test_top_level_await(session: Session) -> None:
    _, outputs = session.run("import asyncio\nawait asyncio.sleep(0)\nawait asyncio.sleep(0, 'v')")
    assert outputs[0]["data"]["text/plain"] == "'v'"


def test_clear_output(session: Session) -> None:
    _, outputs = session.run("print('a')\nclear_output()\nprint('b')")
    assert [o["output_type"] for o in outputs] == ["stream", "clear", "stream"]


def test_outputs_are_valid_nbformat(session: Session) -> None:
    cells = []
    for code in ["print('x')\n1", "display(SVG('<svg/>'))", "1/0", "Markdown('*m*')"]:
        reply, outputs = session.run(code)
        cell = nbformat.v4.new_code_cell(code, execution_count=reply["execution_count"])
        cell.outputs = [nbformat.from_dict(o) for o in outputs if o["output_type"] != "clear"]
        cells.append(cell)
    nbformat.validate(nbformat.v4.new_notebook(cells=cells))


def test_wrappers_check_their_argument() -> None:
    with pytest.raises(TypeError, match="HTML takes a str"):
        kernel_module.HTML(3)


def test_long_results_are_cut_like_ipython(session: Session) -> None:
    # A 100,000-row batch result: its first 1,000 items and a count, not millions of characters.
    _, outputs = session.run('{"price": [0.5] * 100_000, "status": list(range(100_000))}')
    text = outputs[0]["data"]["text/plain"]
    assert len(text) < 50_000
    assert "... (99,000 more)" in text
    assert text.count("0.5") == kernel_module.MAX_ITEMS
    _, outputs = session.run("import array\narray.array('d', range(5000))")
    text = outputs[0]["data"]["text/plain"]
    assert text.startswith("array('d', [0.0, 1.0,") and text.endswith("... (4,000 more)])")
    # Short containers are shown whole, exactly as pprint shows them.
    _, outputs = session.run("[1, 2, {'a': (3, 4)}]")
    assert outputs[0]["data"]["text/plain"] == "[1, 2, {'a': (3, 4)}]"


def test_a_huge_repr_is_cut(session: Session) -> None:
    _, outputs = session.run("'x' * 1_000_000")
    text = outputs[0]["data"]["text/plain"]
    assert len(text) < kernel_module.MAX_PLAIN_CHARS + 100
    assert text.endswith("(output truncated: 1,000,002 characters)")
