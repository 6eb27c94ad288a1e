// Line charts on uPlot (vendored from npm): sized to their container, coloured from the page's CSS
// variables and rebuilt when the theme changes. uPlot styles its elements through the CSSOM only,
// which the page's Content-Security-Policy allows (no style attributes in markup).
import uPlot from "../vendor/uplot/uPlot.esm.js";
import { onThemeChange } from "./theme.js";

const HEIGHT = 240;
const NARROW_HEIGHT = 200;
const charts = new Set();

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** A series colour: a CSS variable name ("--c1") or a colour. */
const colour = (c) => (c?.startsWith("--") ? cssVar(c) : c);

/** Non-finite numbers become gaps (uPlot wants null, and NaN would break its scales). */
export function gaps(values) {
  const out = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isFinite(values[i]) ? values[i] : null;
  return out;
}

function axis(label, fg, line) {
  return {
    label,
    stroke: fg,
    grid: { stroke: line, width: 1 },
    ticks: { stroke: line, width: 1 },
    labelFont: "600 12px system-ui, sans-serif",
    font: "11px system-ui, sans-serif",
  };
}

export class Chart {
  /**
   * @param {HTMLElement} el container
   * @param {{x: string, y: string, xLog?: boolean, legend?: boolean,
   *          series: {label: string, colour: string, width?: number, dash?: number[],
   *                   points?: boolean, line?: boolean, fill?: string}[],
   *          bands?: {series: [number, number], fill: string}[]}} spec
   */
  constructor(el, spec) {
    this.el = el;
    this.spec = spec;
    this.data = [[], ...spec.series.map(() => [])];
    this.plot = null;
    charts.add(this);
    new ResizeObserver(() => this._resize()).observe(el);
    this._build();
  }

  /** Replaces the data: `[xs, ys1, ys2, ...]` (a different number of series rebuilds the chart). */
  setData(data, spec) {
    this.data = data;
    if (spec) {
      this.spec = spec;
      this._build();
    } else {
      this.plot.setData(data);
    }
    this.el.dataset.points = String(data[0].length);
  }

  clear() {
    this.setData([[], ...this.spec.series.map(() => [])]);
  }

  _size() {
    const width = Math.max(160, Math.floor(this.el.clientWidth));
    return { width, height: width < 420 ? NARROW_HEIGHT : HEIGHT };
  }

  _resize() {
    const size = this._size();
    if (this.plot && (size.width !== this.plot.width || size.height !== this.plot.height)) this.plot.setSize(size);
  }

  _build() {
    this.plot?.destroy();
    const { x, y, xLog = false, legend = true, series, bands = [] } = this.spec;
    const fg = cssVar("--fg");
    const line = cssVar("--line");
    const opts = {
      ...this._size(),
      scales: { x: { time: false, distr: xLog ? 3 : 1 } },
      axes: [axis(x, fg, line), axis(y, fg, line)],
      legend: { show: legend, live: false },
      cursor: { drag: { x: true, y: false }, points: { show: false } },
      series: [
        { label: x },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.line === false ? "transparent" : colour(s.colour),
          width: s.width ?? 1.5,
          dash: s.dash,
          fill: s.fill ? colour(s.fill) : undefined,
          points: s.points
            ? { show: true, size: 7, stroke: colour(s.colour), fill: colour(s.colour) }
            : { show: false },
        })),
      ],
      bands: bands.map((b) => ({ series: b.series, fill: colour(b.fill) })),
    };
    this.plot = new uPlot(opts, this.data, this.el);
  }
}

onThemeChange(() => {
  for (const c of charts) c._build();
});
