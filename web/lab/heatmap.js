// A heatmap in SVG: a grid of values (rows over a y axis, columns over an x axis), coloured on a
// perceptual scale with its colour bar. Built from DOM nodes with presentation attributes only
// (the page's Content-Security-Policy allows no inline styles); text takes the page's colours
// through the `heatmap` CSS classes, so it follows the theme.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const HEIGHT = 260;
const PAD = { left: 56, right: 70, top: 10, bottom: 40 };
const BAR = 14; // colour bar width
// Viridis (matplotlib's default colour map; S. van der Walt and N. Smith, 2015) at 9 stops:
// perceptually uniform and readable in grey and by the common colour-vision deficiencies.
const STOPS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** The colour of `u` in [0, 1] on the scale. */
export function colour(u) {
  const x = Math.min(1, Math.max(0, u)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const c = STOPS[i].map((v, j) => Math.round(v + f * (STOPS[i + 1][j] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function node(name, attrs, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Draws the heatmap into `el` (replacing its content).
 * @param {HTMLElement} el
 * @param {{xs: number[], ys: number[], values: number[][], xLabel: string, yLabel: string,
 *          label: string, format: (v: number) => string, tick: (v: number) => string}} spec
 *   `values[i][j]` at (xs[j], ys[i]); non-finite values are left blank.
 */
export function drawHeatmap(el, { xs, ys, values, xLabel, yLabel, label, format, tick }) {
  const finite = values.flat().filter(Number.isFinite);
  el.replaceChildren();
  el.dataset.cells = String(finite.length);
  if (!finite.length || xs.length < 2 || ys.length < 1) return;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  el.dataset.min = String(lo);
  el.dataset.max = String(hi);
  const svg = node("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "heatmap",
    "aria-label": `${label}: from ${format(lo)} to ${format(hi)}`,
  });
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const cw = w / xs.length;
  const ch = h / ys.length;
  const span = hi - lo || 1;
  values.forEach((row, i) => {
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) return;
      // Row 0 (the first y) at the bottom, as on a chart.
      svg.append(node("rect", {
        x: (PAD.left + j * cw).toFixed(2), y: (PAD.top + (ys.length - 1 - i) * ch).toFixed(2),
        width: (cw + 0.5).toFixed(2), height: (ch + 0.5).toFixed(2), fill: colour((v - lo) / span),
      }));
    });
  });
  const text = (x, y, s, anchor = "middle") =>
    node("text", { x, y, "text-anchor": anchor, class: "heatmap-text" }, s);
  for (const j of [0, Math.floor((xs.length - 1) / 4), Math.floor((xs.length - 1) / 2),
    Math.floor((3 * (xs.length - 1)) / 4), xs.length - 1]) {
    svg.append(text(PAD.left + (j + 0.5) * cw, PAD.top + h + 14, tick(xs[j])));
  }
  const rows = ys.length <= 8 ? ys.map((_, i) => i) : [0, Math.floor((ys.length - 1) / 2), ys.length - 1];
  for (const i of rows) {
    svg.append(text(PAD.left - 6, PAD.top + (ys.length - 0.5 - i) * ch + 4, tick(ys[i]), "end"));
  }
  svg.append(text(PAD.left + w / 2, HEIGHT - 6, xLabel));
  svg.append(node("text", {
    x: 12, y: PAD.top + h / 2, "text-anchor": "middle", class: "heatmap-text",
    transform: `rotate(-90 12 ${PAD.top + h / 2})`,
  }, yLabel));
  // The colour bar: 32 steps from the lowest value (bottom) to the highest (top).
  const bx = WIDTH - PAD.right + 12;
  for (let s = 0; s < 32; s++) {
    svg.append(node("rect", {
      x: bx, y: (PAD.top + h - ((s + 1) * h) / 32).toFixed(2), width: BAR,
      height: (h / 32 + 0.5).toFixed(2), fill: colour((s + 0.5) / 32),
    }));
  }
  svg.append(text(bx + BAR + 3, PAD.top + 10, format(hi), "start"));
  svg.append(text(bx + BAR + 3, PAD.top + h, format(lo), "start"));
  el.append(svg);
}
