"""The bad-input corpus (tests/bad_inputs.py) through the two browser frontends: JavaScript
(the wasm exports in Chromium) and Pyodide (pricinglab's bridge to the same exports). Both
must reject every call with the engine's message (type names in JavaScript's words, mapped by
``mc_cases.canonical``), a wrong type as a ``TypeError``, and the rule's status code; native
CPython runs the same corpus in tests/test_api.py. A corpus entry that an engine accepted, or
that crashed it (a panic poisons the instance), fails here.
"""

from __future__ import annotations

import json
from typing import Any

import bad_inputs
import mc_cases
import pytest
from playwright.sync_api import Page

import pricinglab as pl

CALL_ALL = """(corpus) => corpus.map(([fn, args]) => {
  try { window.pricingLab[fn](...args); return { ok: true }; }
  catch (e) { return { ok: false, name: e.name, message: e.message, status: e.status }; }
})"""

RUN_IN_PYODIDE = """async (corpus) => {
  const { startPython } = await import("/python.js");
  const py = await startPython();
  py.globals.set("CORPUS", corpus);
  return py.runPython(`
import json
import pricinglab as pl
out = []
for fn, args in json.loads(CORPUS):
    try:
        getattr(pl, fn)(*args)
        out.append({"ok": True})
    except pl.PricingError as error:
        out.append({"ok": False, "message": str(error), "type_error": isinstance(error, TypeError),
                    "status": error.status})
json.dumps(out)
`);
}"""


def _native(function: str, args: list[Any]) -> pl.PricingError:
    with pytest.raises(pl.PricingError) as info:
        getattr(pl, function)(*args)
    return info.value


def test_javascript_rejects_the_corpus_as_cpython_does(lab: Page) -> None:
    calls = [[f, a] for _, f, a, _ in bad_inputs.CORPUS]
    results = lab.evaluate(CALL_ALL, calls)
    for (case_id, function, args, message), got in zip(bad_inputs.CORPUS, results, strict=True):
        assert not got["ok"], case_id
        assert mc_cases.canonical(got["message"]) == mc_cases.canonical(message), (case_id, got)
        expected_name = "TypeError" if mc_cases.is_type_message(message) else "Error"
        assert got["name"] == expected_name, (case_id, got)
        assert got["status"] == _native(function, args).status, case_id
    assert lab.evaluate("() => window.pricingLab.black_scholes('call', 100, 100, 1, 0, 0, 0.2)") > 0


def test_pyodide_rejects_the_corpus_as_cpython_does(lab: Page) -> None:
    corpus = json.dumps([[f, a] for _, f, a, _ in bad_inputs.CORPUS])
    results = json.loads(lab.evaluate(RUN_IN_PYODIDE, corpus))
    for (case_id, function, args, message), got in zip(bad_inputs.CORPUS, results, strict=True):
        assert not got["ok"], case_id
        assert mc_cases.canonical(got["message"]) == mc_cases.canonical(message), (case_id, got)
        assert got["type_error"] == mc_cases.is_type_message(message), (case_id, got)
        assert got["status"] == _native(function, args).status, case_id
