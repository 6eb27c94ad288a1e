"""The results as an SVG bar chart: one panel per task, median seconds on a log scale (the
engines span three orders of magnitude), each bar labelled with its time and its speed-up over
the task's baseline. Presentation attributes only (no inline ``style``), so the lab's CSP allows
it inline too."""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

WIDTH = 960
LABEL_W = 190
VALUE_W = 230
ROW_H = 22
BAR_H = 14
PANEL_GAP = 34
TITLE_H = 60
FONT = "system-ui, -apple-system, Segoe UI, sans-serif"
BAR = "#3b6fb6"
BAR_BASE = "#9a9a9a"
BAR_WASM = "#d9822b"


def _colour(engine: str, baseline: str) -> str:
    if engine == baseline:
        return BAR_BASE
    return BAR_WASM if engine.startswith("wasm") else BAR


def _fmt(s: float) -> str:
    return f"{s * 1e3:.3g} ms" if s < 1 else f"{s:.3g} s"


def _legend() -> str:
    items = [(BAR_BASE, "baseline"), (BAR_WASM, "WebAssembly"), (BAR, "other engines")]
    out, x0 = [], 8
    for colour, label in items:
        out.append(f'<rect x="{x0}" y="33" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x0 + 14}" y="42" font-size="11">{label}</text>')
        x0 += 18 + 7 * len(label) + 14
    return "".join(out)


def svg(results: dict[str, Any]) -> str:
    tasks = [t for t in results["work"] if any(r["task"] == t for r in results["records"])]
    secs = [r["seconds"] for r in results["records"] if r["seconds"] > 0]
    if not secs:
        raise ValueError("no records to chart")
    lo = 10 ** math.floor(math.log10(min(secs)))
    hi = 10 ** math.ceil(math.log10(max(secs)))
    plot_w = WIDTH - LABEL_W - VALUE_W

    def x(s: float) -> float:
        return LABEL_W + plot_w * (math.log10(s) - math.log10(lo)) / (
            math.log10(hi) - math.log10(lo)
        )

    out: list[str] = []
    y = TITLE_H
    for task in tasks:
        recs = sorted(
            (r for r in results["records"] if r["task"] == task), key=lambda r: r["seconds"]
        )
        base = recs[0]["baseline"]
        out.append(
            f'<text x="8" y="{y + 14}" font-weight="600" font-size="14">{escape(task)}'
            f'<tspan font-weight="400" fill="#555"> (seconds, log scale; x = speed-up over '
            f"{escape(base)})</tspan></text>"
        )
        y += 24
        top = y
        bars: list[str] = []
        for r in recs:
            bars.append(
                f'<text x="{LABEL_W - 8}" y="{y + BAR_H - 2}" text-anchor="end" font-size="12">'
                f"{escape(r['engine'])}</text>"
            )
            x1 = x(r["seconds"])
            bars.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{max(x1 - LABEL_W, 1):.1f}" height="{BAR_H}" '
                f'fill="{_colour(r["engine"], base)}"/>'
            )
            sp = r.get("speedup_vs_baseline")
            label = _fmt(r["seconds"]) + ("" if sp is None else f"  ({sp:.3g}x)")
            bars.append(f'<text x="{x1 + 6:.1f}" y="{y + BAR_H - 2}" font-size="12">{label}</text>')
            y += ROW_H
        # Decade grid lines behind the bars, labelled under the panel.
        decade = lo
        while decade <= hi * 1.0001:
            gx = x(decade)
            out.append(
                f'<line x1="{gx:.1f}" y1="{top - 2}" x2="{gx:.1f}" y2="{y - 4}" stroke="#e2e2e2"/>'
            )
            bars.append(
                f'<text x="{gx:.1f}" y="{y + 8}" text-anchor="middle" font-size="10" fill="#777">'
                f"{_fmt(decade)}</text>"
            )
            decade *= 10
        out += bars
        y += PANEL_GAP
    machine = results.get("machine", {})
    title = (
        f"Pricing Lab benchmark ({results.get('mode', '')} run): "
        f"{machine.get('cpu', '')}, {machine.get('logical_cpus', '')} logical CPUs"
    )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" '
        f'viewBox="0 0 {WIDTH} {y}" font-family="{FONT}">'
        f'<rect width="{WIDTH}" height="{y}" fill="#ffffff"/>'
        f'<text x="8" y="24" font-size="16" font-weight="600">{escape(title)}</text>' + _legend()
    )
    return head + "".join(out) + "</svg>\n"
