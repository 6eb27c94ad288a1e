// The price or one Greek against spot and against time to expiry: two batches of 201 contracts
// through `greeks_many` per update (well under a millisecond of wasm).
import { $ } from "./dom.js";
import { GREEKS } from "./analytic.js";
import { Chart, gaps } from "./charts.js";

const POINTS = 201;
const QUANTITIES = ["price", ...GREEKS.map(([name]) => name)];

let bySpot = null;
let byExpiry = null;

function spec(x, y) {
  return {
    x, y, legend: false,
    series: [
      { label: y, colour: "--c1", width: 2 },
      { label: "today", colour: "--c2", line: false, points: true },
    ],
  };
}

export function initCurves() {
  const select = $("plot");
  for (const q of QUANTITIES) select.append(new Option(q, q));
  bySpot = new Chart($("chart-spot"), spec("spot", "price"));
  byExpiry = new Chart($("chart-expiry"), spec("time to expiry (years)", "price"));
}

/** `n` points from `lo` to `hi` with `x` inserted in order; returns [xs, index of x]. */
function grid(lo, hi, x) {
  const xs = new Float64Array(POINTS + 1);
  let at = -1;
  for (let i = 0, j = 0; i < POINTS; i++) {
    const v = lo + ((hi - lo) * i) / (POINTS - 1);
    if (at < 0 && x <= v) {
      at = j;
      xs[j++] = x;
    }
    xs[j++] = v;
  }
  if (at < 0) {
    at = POINTS;
    xs[POINTS] = x;
  }
  return [xs, at];
}

/** 1, 2 or 5 times a power of ten, at least `x`. */
function niceCeil(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= x);
}

function series(engine, quantity, p, spots, expiries) {
  const g = engine.greeks_many(p.kind, spots, p.strike, expiries, p.rate, p.dividend, p.vol);
  return gaps(g[quantity]);
}

function marker(n, at, values) {
  const m = new Array(n).fill(null);
  m[at] = values[at];
  return m;
}

/** Redraws both charts for valid inputs `p` (or clears them when `p` is null). */
export function updateCurves(engine, p) {
  const quantity = $("plot").value;
  if (!p) {
    bySpot.clear();
    byExpiry.clear();
    return;
  }
  // Spot from 40% to 160% of the strike (wider if today's spot is outside): the curve stays put
  // while the spot slider moves the dot along it.
  const [spots, si] = grid(Math.min(0.4 * p.strike, 0.8 * p.spot), Math.max(1.6 * p.strike, 1.2 * p.spot), p.spot);
  const ySpot = series(engine, quantity, p, spots, p.expiry);
  // Expiry from just above 0 (Greeks at 0 are limits, with spikes at the strike) to a round number.
  const tMax = niceCeil(Math.max(1, 1.25 * p.expiry));
  const [expiries, ti] = grid(tMax / (POINTS - 1), tMax, p.expiry);
  const yExpiry = series(engine, quantity, p, p.spot, expiries);
  const relabel = bySpot.spec.y !== quantity;
  bySpot.setData([Array.from(spots), ySpot, marker(spots.length, si, ySpot)],
    relabel ? spec("spot", quantity) : undefined);
  byExpiry.setData([Array.from(expiries), yExpiry, marker(expiries.length, ti, yExpiry)],
    relabel ? spec("time to expiry (years)", quantity) : undefined);
}
