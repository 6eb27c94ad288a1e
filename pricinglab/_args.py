"""Argument plumbing shared by the backends; no rules (those are the engine's, ``args.rs``).

Only the standard library is used: the module runs unchanged in Pyodide.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

__all__ = ["NO_PARAMS", "NoParams", "fill", "format_number", "merge_params"]


def format_number(x: float) -> str:
    """Formats ``x`` the way Rust's ``Display`` formats an ``f64`` (the engine's messages).

    Shortest round-trip digits (as Python's ``repr``), written out in full without an
    exponent: ``-1.0 -> "-1"``, ``1e-07 -> "0.0000001"``, ``1e21 -> "1000000000000000000000"``,
    ``nan -> "NaN"``, ``inf -> "inf"``.

    Examples
    --------
    >>> format_number(-1.0), format_number(0.25), format_number(1e-7)
    ('-1', '0.25', '0.0000001')
    """
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    mantissa, _, exp_text = repr(abs(float(x))).partition("e")
    whole, _, frac = mantissa.partition(".")
    all_digits = whole + frac
    # `point` = where the decimal point sits in `digits` once leading zeros are dropped.
    digits = all_digits.lstrip("0")
    point = len(whole) + int(exp_text or 0) - (len(all_digits) - len(digits))
    digits = digits.rstrip("0")
    if not digits:
        return sign + "0"
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


def fill(template: str, **numbers: float) -> str:
    """An engine message template (``api_tables()["messages"]``) with each ``{name}`` replaced
    by its number, printed as the engine prints it.

    Examples
    --------
    >>> fill("price must be >= {bound}; got {price}", bound=10.0, price=0.5)
    'price must be >= 10; got 0.5'
    """
    for name, x in numbers.items():
        template = template.replace("{" + name + "}", format_number(x))
    return template


class NoParams:
    """The type of :data:`NO_PARAMS`, the default of ``monte_carlo``'s ``params``: no dict was
    given (only keywords). ``None`` is not that: like JavaScript's ``null`` it is a value of
    the wrong type, ``params must be an object (got NoneType)``."""

    def __repr__(self) -> str:
        return "NO_PARAMS"


NO_PARAMS: Final = NoParams()


def merge_params(params: object, overrides: Mapping[str, object]) -> object:
    """``params`` (a mapping, or :data:`NO_PARAMS`) updated with keyword ``overrides``, as a
    dict. Anything else is handed on unchanged, for the engine to report its type
    (``params must be an object (got list)``)."""
    if isinstance(params, NoParams):
        return dict(overrides)
    if isinstance(params, Mapping):
        merged: dict[object, object] = dict(params)
        merged.update(overrides)
        return merged
    return params
