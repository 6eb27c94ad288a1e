"""Small SVG charts and tables for notebooks (matplotlib is not available offline in Pyodide).

Every chart is an object with ``_repr_svg_``: the last expression of a notebook cell (or
``display(chart)``) draws it. The SVG uses presentation attributes only (``fill=``,
``stroke=``), never ``style=""``, so it shows under the pages' Content-Security-Policy, and
no element ids, so many charts can share one page.

Charts
------
- :func:`line_chart`: one or more lines against a common x (optionally a log x axis).
- :func:`smile`: implied volatility against strike, in percent.
- :func:`payoff`: the payoff at expiry and the Black-Scholes value today against spot.
- :func:`greeks`: small multiples of Greeks against spot.
- :func:`convergence`: Monte Carlo estimates with their 95 % confidence band against paths.
- :func:`table`: an HTML table (with a plain-text form that keeps every digit).

:class:`Chart` builds a chart piece by piece (``line``, ``band``, ``hline``, ``vline``).
Non-finite values (a batch row with a non-zero status is NaN) leave gaps in a line.

Examples
--------
>>> from pricinglab import plot
>>> chart = plot.line_chart([1, 2, 3], {"square": [1, 4, 9]}, title="Squares")
>>> chart.to_svg().startswith("<svg")
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "PALETTE",
    "Chart",
    "Grid",
    "Table",
    "convergence",
    "greeks",
    "line_chart",
    "nice_ticks",
    "payoff",
    "smile",
    "table",
]

#: Okabe & Ito's colour-blind-safe palette ("Color Universal Design", 2002), black last.
PALETTE: Final[tuple[str, ...]] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
#: Two-sided 95 % normal quantile, Φ⁻¹(0.975), for Monte Carlo confidence bands.
Z_95: Final = 1.959963984540054
FONT: Final = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
_AXIS_COLOR: Final = "#5b6676"
_GRID_COLOR: Final = "#e3e7ee"
_TEXT_COLOR: Final = "#1c2430"
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 64.0, 16.0, 34.0, 46.0
_TARGET_TICKS: Final = 6
_MIN_X_TICKS: Final = 4
_GREEK_LABELS: Final[dict[str, str]] = {
    "price": "price",
    "delta": "delta (dV/dS)",
    "gamma": "gamma (d²V/dS²)",
    "speed": "speed (d³V/dS³)",
    "vega": "vega (dV/dvol)",
    "volga": "volga (d²V/dvol²)",
    "vanna": "vanna (d²V/dS dvol)",
    "zomma": "zomma (d³V/dS² dvol)",
    "theta": "theta (per year)",
    "charm": "charm (per year)",
    "color": "color (per year)",
    "veta": "veta (per year)",
    "rho": "rho (dV/drate)",
    "epsilon": "epsilon (dV/ddividend)",
}

Numbers = Sequence[float] | Iterable[float]


# ----------------------------------------------------------------------------- helpers


def _floats(name: str, values: object) -> list[float]:
    """A sequence of numbers (list, tuple, array, NumPy array ...) as a list of floats."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of numbers (got {type(values).__name__})")
    out: list[float] = []
    for i, v in enumerate(values):
        if isinstance(v, bool):
            raise TypeError(f"{name}[{i}] must be a number (got bool)")
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            raise TypeError(f"{name}[{i}] must be a number (got {type(v).__name__})") from None
    return out


def _same_length(name: str, values: list[float], n: int, other: str) -> None:
    if len(values) != n:
        raise ValueError(f"{name} has length {len(values)} but {other} has length {n}")


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(x: float) -> str:
    """A coordinate with two decimals and no trailing zeros (compact, deterministic SVG)."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _nice(step: float) -> float:
    """The "nice" number (1, 2, 5 times a power of ten) nearest above ``step``."""
    exponent = math.floor(math.log10(step))
    fraction = step / 10.0**exponent
    nice = 1.0 if fraction <= 1.0 else 2.0 if fraction <= 2.0 else 5.0 if fraction <= 5.0 else 10.0
    return nice * 10.0**exponent


def nice_ticks(low: float, high: float, count: int = _TARGET_TICKS) -> list[float]:
    """About ``count`` round tick values covering ``[low, high]`` (Heckbert, "Nice numbers
    for graph labels", Graphics Gems, 1990): steps of 1, 2 or 5 times a power of ten.

    >>> nice_ticks(0.0, 1.0)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(87.0, 113.0)
    [80.0, 90.0, 100.0, 110.0, 120.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise ValueError(f"nice_ticks needs finite low <= high (got {low}, {high})")
    if high == low:
        return [low]
    step = _nice((high - low) / max(count - 1, 1))
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    # round() removes the binary noise of k * step (0.30000000000000004 -> 0.3).
    digits = max(0, -math.floor(math.log10(step))) + 1
    return [round(k * step, digits) for k in range(first, last + 1)]


def _log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten covering ``[low, high]`` (with 2 and 5 between them for short ranges)."""
    lo, hi = math.floor(math.log10(low) + 1e-12), math.ceil(math.log10(high) - 1e-12)
    mantissas = (1.0,) if hi - lo > 3 else (1.0, 2.0, 5.0)
    ticks = [m * 10.0**e for e in range(lo, hi + 1) for m in mantissas]
    return [t for t in ticks if low * (1 - 1e-12) <= t <= high * (1 + 1e-12)] or [low, high]


def _tick_label(value: float, step: float, percent: bool) -> str:
    if percent:
        value *= 100.0
        step *= 100.0
    if value == 0.0:
        text = "0"
    elif abs(value) >= 1e6 or abs(value) < 1e-4:
        text = f"{value:.3g}"
    else:
        decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 2
        text = f"{value:.{min(decimals, 10)}f}"
    return text + ("%" if percent else "")


def _log_tick_label(value: float) -> str:
    """Powers of ten and their multiples: 0.02, 100, 20000, then 1e6, 2e7 (no "e+06")."""
    if 1.0 <= value < 1e6 and value == int(value):
        return str(int(value))
    if 1e-3 <= value < 1.0:
        return f"{value:g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


@dataclass
class _Scale:
    low: float
    high: float
    start: float  # pixel of low
    end: float  # pixel of high
    log: bool = False

    def __call__(self, v: float) -> float:
        if self.log:
            a, b, x = math.log10(self.low), math.log10(self.high), math.log10(v)
        else:
            a, b, x = self.low, self.high, v
        return self.start + (x - a) / (b - a) * (self.end - self.start)


def _domain(values: list[float], log: bool, name: str) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    if not finite:
        where = " (> 0 on a log axis)" if log else ""
        raise ValueError(f"{name}: no finite values to plot{where}")
    low, high = min(finite), max(finite)
    if low == high:  # a flat line: give it some room
        pad = abs(low) * 0.1 or 1.0
        low, high = (low / 2, high * 2) if log else (low - pad, high + pad)
    return low, high


# ----------------------------------------------------------------------------- charts


@dataclass
class _Series:
    kind: str  # "line" | "band"
    x: list[float]
    y: list[float]
    y2: list[float] | None
    label: str | None
    color: str
    dash: bool = False
    markers: bool = False


@dataclass
class Chart:
    """A 2-D chart drawn as SVG. Add series with :meth:`line`, :meth:`band`, :meth:`hline`,
    :meth:`vline`; a notebook shows it through ``_repr_svg_``.

    Parameters
    ----------
    title, x_label, y_label : str
    x_log : bool
        Logarithmic x axis (all x must then be > 0).
    y_percent : bool
        Label the y axis in percent (values 0.2 are shown as 20%).
    width, height : float
        Size in pixels (the SVG scales to its container).
    """

    title: str = ""
    x_label: str = ""
    y_label: str = ""
    x_log: bool = False
    y_percent: bool = False
    width: float = 640.0
    height: float = 360.0
    _series: list[_Series] = field(default_factory=list, repr=False)
    _hlines: list[tuple[float, str | None, str]] = field(default_factory=list, repr=False)
    _vlines: list[tuple[float, str | None, str]] = field(default_factory=list, repr=False)

    def _next_color(self) -> str:
        return PALETTE[len(self._series) % len(PALETTE)]

    def line(
        self,
        x: Numbers,
        y: Numbers,
        label: str | None = None,
        *,
        color: str | None = None,
        dash: bool = False,
        markers: bool = False,
    ) -> Chart:
        """Adds a line through the points ``(x[i], y[i])``; returns the chart."""
        xs, ys = _floats("x", x), _floats("y", y)
        _same_length("y", ys, len(xs), "x")
        self._series.append(
            _Series("line", xs, ys, None, label, color or self._next_color(), dash, markers)
        )
        return self

    def band(
        self,
        x: Numbers,
        low: Numbers,
        high: Numbers,
        label: str | None = None,
        *,
        color: str | None = None,
    ) -> Chart:
        """Adds a shaded band between ``low[i]`` and ``high[i]``; returns the chart."""
        xs, lo, hi = _floats("x", x), _floats("low", low), _floats("high", high)
        _same_length("low", lo, len(xs), "x")
        _same_length("high", hi, len(xs), "x")
        self._series.append(_Series("band", xs, lo, hi, label, color or self._next_color()))
        return self

    def hline(self, y: float, label: str | None = None, *, color: str = "#000000") -> Chart:
        """Adds a dashed horizontal line at ``y`` (e.g. an exact price); returns the chart."""
        self._hlines.append((float(y), label, color))
        return self

    def vline(self, x: float, label: str | None = None, *, color: str = _AXIS_COLOR) -> Chart:
        """Adds a dashed vertical line at ``x`` (e.g. the strike); returns the chart."""
        self._vlines.append((float(x), label, color))
        return self

    # -- drawing -------------------------------------------------------------------------

    def _scales(
        self, left: float, top: float, w: float, h: float
    ) -> tuple[_Scale, _Scale, list[float], list[float]]:
        """The axes' scales and ticks: x spans the data exactly (ticks inside it), y is
        widened to round ticks."""
        if not self._series:
            raise ValueError("the chart has no series: add one with line() or band()")
        xs = [v for s in self._series for v in s.x] + [v for v, _, _ in self._vlines]
        ys = [v for s in self._series for v in s.y + (s.y2 or [])]
        ys += [v for v, _, _ in self._hlines]
        x_low, x_high = _domain(xs, self.x_log, "x")
        y_low, y_high = _domain(ys, False, "y")
        slack = (x_high - x_low) * 1e-9

        def inside(ticks: list[float]) -> list[float]:
            return [t for t in ticks if x_low - slack <= t <= x_high + slack]

        if self.x_log:
            x_ticks = inside(_log_ticks(x_low, x_high))
        else:
            # x spans the data, not round ticks: ask for finer steps if few fall inside
            x_ticks = inside(nice_ticks(x_low, x_high))
            if len(x_ticks) < _MIN_X_TICKS:
                x_ticks = inside(nice_ticks(x_low, x_high, 2 * _TARGET_TICKS))
        y_ticks = nice_ticks(y_low, y_high)
        return (
            _Scale(x_low, x_high, left, left + w, self.x_log),
            _Scale(y_ticks[0], y_ticks[-1], top + h, top),
            x_ticks,
            y_ticks,
        )

    def _svg_body(self, ox: float, oy: float) -> list[str]:
        """The chart's elements, its top-left corner at ``(ox, oy)``."""
        left, top = ox + _MARGIN_LEFT, oy + _MARGIN_TOP
        w = self.width - _MARGIN_LEFT - _MARGIN_RIGHT
        h = self.height - _MARGIN_TOP - _MARGIN_BOTTOM
        sx, sy, x_ticks, y_ticks = self._scales(left, top, w, h)
        out: list[str] = []
        text = f'class="pl-text" font-family="{FONT}" fill="{_TEXT_COLOR}"'
        if self.title:
            out.append(
                f'<text x="{_num(ox + self.width / 2)}" y="{_num(oy + 20)}" '
                f'text-anchor="middle" font-size="14" font-weight="600" {text}>'
                f"{_esc(self.title)}</text>"
            )
        # grid and tick labels
        x_step = x_ticks[1] - x_ticks[0] if len(x_ticks) > 1 else 0.0
        y_step = y_ticks[1] - y_ticks[0] if len(y_ticks) > 1 else 0.0
        for t in x_ticks:
            px = sx(t)
            tick = _log_tick_label(t) if self.x_log else _tick_label(t, x_step, False)
            out.append(
                f'<line x1="{_num(px)}" y1="{_num(top)}" x2="{_num(px)}" '
                f'y2="{_num(top + h)}" class="pl-grid" stroke="{_GRID_COLOR}" stroke-width="1"/>'
            )
            out.append(
                f'<text x="{_num(px)}" y="{_num(top + h + 16)}" text-anchor="middle" '
                f'font-size="11" {text}>{_esc(tick)}</text>'
            )
        for t in y_ticks:
            py = sy(t)
            out.append(
                f'<line x1="{_num(left)}" y1="{_num(py)}" x2="{_num(left + w)}" '
                f'y2="{_num(py)}" class="pl-grid" stroke="{_GRID_COLOR}" stroke-width="1"/>'
            )
            out.append(
                f'<text x="{_num(left - 6)}" y="{_num(py + 4)}" text-anchor="end" '
                f'font-size="11" {text}>{_esc(_tick_label(t, y_step, self.y_percent))}'
                "</text>"
            )
        out.append(
            f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(w)}" height="{_num(h)}" '
            f'class="pl-axis" fill="none" stroke="{_AXIS_COLOR}" stroke-width="1"/>'
        )
        if self.x_label:
            out.append(
                f'<text x="{_num(left + w / 2)}" y="{_num(top + h + 36)}" '
                f'text-anchor="middle" font-size="12" {text}>{_esc(self.x_label)}</text>'
            )
        if self.y_label:
            cx, cy = ox + 14, top + h / 2
            out.append(
                f'<text x="{_num(cx)}" y="{_num(cy)}" text-anchor="middle" font-size="12" '
                f'transform="rotate(-90 {_num(cx)} {_num(cy)})" {text}>'
                f"{_esc(self.y_label)}</text>"
            )
        for s in self._series:
            out.extend(_draw_series(s, sx, sy))
        for value, label, color in self._hlines:
            py = sy(value)
            out.append(
                f'<line x1="{_num(left)}" y1="{_num(py)}" x2="{_num(left + w)}" '
                f'y2="{_num(py)}" stroke="{color}" stroke-width="1.25" '
                'stroke-dasharray="6 4"/>'
            )
            if label:
                out.append(
                    f'<text x="{_num(left + w - 4)}" y="{_num(py - 4)}" text-anchor="end" '
                    f'font-size="11" {text}>{_esc(label)}</text>'
                )
        for n, (value, label, color) in enumerate(self._vlines):
            px = sx(value)
            out.append(
                f'<line x1="{_num(px)}" y1="{_num(top)}" x2="{_num(px)}" '
                f'y2="{_num(top + h)}" stroke="{color}" stroke-width="1" '
                'stroke-dasharray="3 3"/>'
            )
            if label:
                out.append(
                    # staggered: the spot and the forward are often a few pixels apart
                    f'<text x="{_num(px + 4)}" y="{_num(top + 12 + 13 * n)}" font-size="11" '
                    f"{text}>{_esc(label)}</text>"
                )
        out.extend(self._legend(left + w, top))
        return out

    def _legend(self, right: float, top: float) -> list[str]:
        entries = [s for s in self._series if s.label]
        if not entries:
            return []
        width = 28 + 6.5 * max(len(s.label or "") for s in entries)
        x0, y0 = right - width - 8, top + 8
        out = [
            f'<rect x="{_num(x0)}" y="{_num(y0)}" width="{_num(width)}" '
            f'height="{_num(8 + 16 * len(entries))}" class="pl-legend" fill="#ffffff" '
            f'fill-opacity="0.85" stroke="{_GRID_COLOR}"/>'
        ]
        for i, s in enumerate(entries):
            y = y0 + 14 + 16 * i
            if s.kind == "band":
                out.append(
                    f'<rect x="{_num(x0 + 6)}" y="{_num(y - 5)}" width="16" height="10" '
                    f'fill="{s.color}" fill-opacity="0.25"/>'
                )
            else:
                dash = ' stroke-dasharray="6 4"' if s.dash else ""
                out.append(
                    f'<line x1="{_num(x0 + 6)}" y1="{_num(y)}" x2="{_num(x0 + 22)}" '
                    f'y2="{_num(y)}" stroke="{s.color}" stroke-width="2"{dash}/>'
                )
            out.append(
                f'<text x="{_num(x0 + 26)}" y="{_num(y + 4)}" font-size="11" '
                f'class="pl-text" font-family="{FONT}" fill="{_TEXT_COLOR}">{_esc(s.label)}</text>'
            )
        return out

    def to_svg(self) -> str:
        """The chart as a standalone SVG document (one line per element)."""
        return _svg_document(self.width, self.height, self.title, self._svg_body(0.0, 0.0))

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def save(self, path: str) -> None:
        """Writes the SVG to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_svg())

    def __repr__(self) -> str:
        return f"<Chart {self.title!r}: {len(self._series)} series>"


def _segments(
    x: list[float], y: list[float], ok: Callable[[float, float], bool]
) -> list[list[tuple[float, float]]]:
    """Runs of consecutive plottable points (a non-finite point breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for a, b in zip(x, y, strict=True):
        if ok(a, b):
            runs[-1].append((a, b))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _draw_series(s: _Series, sx: _Scale, sy: _Scale) -> list[str]:
    def ok(a: float, b: float) -> bool:
        return math.isfinite(a) and math.isfinite(b) and (a > 0 or not sx.log)

    out: list[str] = []
    if s.kind == "band":
        assert s.y2 is not None
        lows = _segments(s.x, s.y, ok)
        highs = _segments(s.x, s.y2, ok)
        for low, high in zip(lows, highs, strict=False):
            points = [(sx(a), sy(b)) for a, b in high] + [(sx(a), sy(b)) for a, b in reversed(low)]
            coords = " ".join(f"{_num(px)},{_num(py)}" for px, py in points)
            out.append(
                f'<polygon points="{coords}" fill="{s.color}" fill-opacity="0.2" stroke="none"/>'
            )
        return out
    dash = ' stroke-dasharray="6 4"' if s.dash else ""
    for run in _segments(s.x, s.y, ok):
        coords = " ".join(f"{_num(sx(a))},{_num(sy(b))}" for a, b in run)
        out.append(
            f'<polyline points="{coords}" fill="none" stroke="{s.color}" '
            f'stroke-width="2" stroke-linejoin="round"{dash}/>'
        )
        if s.markers:
            out.extend(
                f'<circle cx="{_num(sx(a))}" cy="{_num(sy(b))}" r="3" fill="{s.color}"/>'
                for a, b in run
            )
    return out


def _svg_document(width: float, height: float, title: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" '
        f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" role="img">'
    )
    parts = [
        head,
        f"<title>{_esc(title or 'chart')}</title>",
        # Classes let a page restyle the chart (the notebook's dark mode: CSS beats
        # presentation attributes); a downloaded SVG keeps these light colours.
        f'<rect class="pl-bg" width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>',
        *body,
        "</svg>",
    ]
    return "\n".join(parts)


@dataclass
class Grid:
    """Charts side by side (``columns`` per row) in one SVG."""

    charts: list[Chart]
    columns: int = 2
    title: str = ""

    def to_svg(self) -> str:
        if not self.charts:
            raise ValueError("a grid needs at least one chart")
        cw = max(c.width for c in self.charts)
        ch = max(c.height for c in self.charts)
        rows = math.ceil(len(self.charts) / self.columns)
        top = 28.0 if self.title else 0.0
        body: list[str] = []
        if self.title:
            body.append(
                f'<text x="{_num(cw * self.columns / 2)}" y="20" text-anchor="middle" '
                f'font-size="15" font-weight="600" font-family="{FONT}" '
                f'class="pl-text" fill="{_TEXT_COLOR}">{_esc(self.title)}</text>'
            )
        for i, chart in enumerate(self.charts):
            body.extend(chart._svg_body((i % self.columns) * cw, top + (i // self.columns) * ch))
        return _svg_document(
            cw * min(self.columns, len(self.charts)), top + rows * ch, self.title, body
        )

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def __repr__(self) -> str:
        return f"<Grid {self.title!r}: {len(self.charts)} charts>"


def line_chart(
    x: Numbers,
    y: Numbers | Mapping[str, Numbers],
    *,
    title: str = "",
    x_label: str = "",
    y_label: str = "",
    x_log: bool = False,
    y_percent: bool = False,
    markers: bool = False,
) -> Chart:
    """Lines against a common ``x``: ``y`` is one sequence, or ``{label: sequence}``.

    >>> line_chart([0, 1], {"a": [0, 1], "b": [1, 0]}, title="Cross")
    <Chart 'Cross': 2 series>
    """
    chart = Chart(title=title, x_label=x_label, y_label=y_label, x_log=x_log, y_percent=y_percent)
    series = y.items() if isinstance(y, Mapping) else [(None, y)]
    for label, values in series:
        chart.line(x, values, label, markers=markers)
    return chart


def _linspace(low: float, high: float, n: int) -> list[float]:
    return [low + (high - low) * i / (n - 1) for i in range(n)]


def _spot_grid(strike: float, spots: Numbers | None) -> list[float]:
    if spots is not None:
        return _floats("spots", spots)
    return _linspace(0.5 * strike, 1.5 * strike, 201)


def smile(
    strikes: Numbers,
    vols: Numbers | Mapping[str, Numbers],
    *,
    spot: float | None = None,
    forward: float | None = None,
    title: str = "Implied volatility smile",
    markers: bool = True,
) -> Chart:
    """Implied volatility (in percent) against strike; ``vols`` is one sequence or
    ``{label: sequence}`` (e.g. market and model). Marks the spot and forward if given."""
    chart = line_chart(
        strikes,
        vols,
        title=title,
        x_label="strike",
        y_label="implied volatility",
        y_percent=True,
        markers=markers,
    )
    if spot is not None:
        chart.vline(spot, "spot")
    if forward is not None:
        chart.vline(forward, "forward")
    return chart


def payoff(
    kind: str,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
    vol: float,
    *,
    spots: Numbers | None = None,
    title: str | None = None,
) -> Chart:
    """A European option's payoff at expiry and its Black-Scholes value today against spot
    (``spots`` defaults to 201 points from half to one and a half times the strike). Prices
    come from :func:`pricinglab.black_scholes_many` (the WASM engine inside Pyodide)."""
    from . import black_scholes_many  # late: pricinglab imports nothing from here

    xs = _spot_grid(strike, spots)
    sign = 1.0 if kind == "call" else -1.0
    value = black_scholes_many(kind, xs, strike, expiry, rate, dividend, vol)["price"]
    chart = Chart(
        title=title or f"{kind} K={strike:g}, T={expiry:g}: payoff and value",
        x_label="spot",
        y_label="value",
    )
    chart.line(xs, [max(sign * (s - strike), 0.0) for s in xs], "payoff at expiry", dash=True)
    chart.line(xs, value, f"value today (vol {vol:.0%})")
    chart.vline(strike, "strike")
    return chart


def greeks(
    kind: str,
    strike: float,
    expiry: float,
    rate: float,
    dividend: float,
    vol: float,
    *,
    names: Sequence[str] = ("delta", "gamma", "vega", "theta"),
    spots: Numbers | None = None,
    columns: int = 2,
) -> Grid:
    """Small multiples of Greeks against spot (from :func:`pricinglab.greeks_many`); ``names``
    chooses which, in the order of docs/api.md's conventions (theta per year, vega per unit
    of vol)."""
    from . import greeks_many

    unknown = [n for n in names if n not in _GREEK_LABELS]
    if unknown:
        raise ValueError(f"unknown Greek {unknown[0]!r}: choose from {', '.join(_GREEK_LABELS)}")
    xs = _spot_grid(strike, spots)
    values = greeks_many(kind, xs, strike, expiry, rate, dividend, vol)
    charts = []
    for i, name in enumerate(names):
        chart = Chart(title=_GREEK_LABELS[name], x_label="spot", width=360, height=250)
        chart.line(xs, values[name], color=PALETTE[i % len(PALETTE)])
        chart.vline(strike)
        charts.append(chart)
    title = f"{kind} K={strike:g}, T={expiry:g}, vol={vol:g}, r={rate:g}, q={dividend:g}"
    return Grid(charts, columns=columns, title=title)


def convergence(
    paths: Numbers,
    prices: Numbers,
    std_errors: Numbers,
    *,
    exact: float | None = None,
    title: str = "Monte Carlo convergence",
    label: str = "Monte Carlo estimate",
) -> Chart:
    """Monte Carlo estimates against the number of paths (log axis) with the 95 % confidence
    band ``price ± 1.96 std_error``, and the exact price as a dashed line if given."""
    p, est = _floats("paths", paths), _floats("prices", prices)
    se = _floats("std_errors", std_errors)
    _same_length("prices", est, len(p), "paths")
    _same_length("std_errors", se, len(p), "paths")
    chart = Chart(title=title, x_label="paths", y_label="price", x_log=True)
    chart.band(
        p,
        [m - Z_95 * s for m, s in zip(est, se, strict=True)],
        [m + Z_95 * s for m, s in zip(est, se, strict=True)],
        "95% confidence",
    )
    chart.line(p, est, label, markers=True, color=PALETTE[0])
    if exact is not None:
        chart.hline(exact, f"exact {exact:.6g}")
    return chart


# ----------------------------------------------------------------------------- tables


@dataclass
class Table:
    """Columns of values shown as an HTML table; ``repr`` keeps every digit (floats by their
    shortest round-trip ``repr``), so the plain-text output can be compared exactly."""

    columns: dict[str, list[object]]
    caption: str = ""
    digits: int = 6

    def __post_init__(self) -> None:
        lengths = {name: len(values) for name, values in self.columns.items()}
        if len(set(lengths.values())) > 1:
            first = next(iter(lengths))
            for name, n in lengths.items():
                if n != lengths[first]:
                    raise ValueError(
                        f"column {name!r} has length {n} but {first!r} has length {lengths[first]}"
                    )

    @property
    def rows(self) -> list[tuple[object, ...]]:
        return list(zip(*self.columns.values(), strict=True))

    def _cell(self, value: object) -> str:
        if isinstance(value, float):
            return f"{value:.{self.digits}g}" if math.isfinite(value) else str(value)
        return str(value)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{_esc(name)}</th>" for name in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{_esc(self._cell(v))}</td>" for v in row) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption>{_esc(self.caption)}</caption>" if self.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __repr__(self) -> str:
        cells = [[str(name) for name in self.columns]]
        cells += [[repr(v) if isinstance(v, float) else str(v) for v in row] for row in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))] if cells[0] else []
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
        return "\n".join(([self.caption] if self.caption else []) + lines)


def table(columns: Mapping[str, Iterable[object]], *, caption: str = "", digits: int = 6) -> Table:
    """A :class:`Table` from ``{column name: values}`` (all columns the same length); the
    HTML shows ``digits`` significant digits.

    >>> print(table({"strike": [90, 100], "price": [0.5, 0.25]}))
    strike  price
        90    0.5
       100   0.25
    """
    return Table({str(k): list(v) for k, v in columns.items()}, caption=caption, digits=digits)
