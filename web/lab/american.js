// American exercise for the analytic model: the engine's `american_greeks` (the price and its
// Greeks), the early-exercise premium over the European price, and `american_boundary`'s
// critical spots for the chart. A price plus its finite-difference Greeks is seven boundary
// solves (a few milliseconds of wasm each), so the card redraws synchronously as you type.
import { $, fmt } from "./dom.js";
import { Chart, gaps } from "./charts.js";

const NAMES = ["delta", "gamma", "theta", "vega", "rho", "epsilon"];
let chart = null;

export function initAmerican() {
  const body = $("american-greeks-body");
  for (const name of NAMES) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    const td = document.createElement("td");
    const out = document.createElement("output");
    out.id = `american-${name}`;
    out.dataset.testid = `american-${name}`;
    out.textContent = "–";
    td.append(out);
    tr.append(th, td);
    body.append(tr);
  }
  chart = new Chart($("chart-boundary"), {
    x: "time from today (years)",
    y: "critical spot",
    series: [
      { label: "exercise boundary", colour: "--c1", width: 2 },
      { label: "strike", colour: "--muted", dash: [4, 4] },
      { label: "spot", colour: "--c2", dash: [2, 3] },
    ],
  });
}

function clear(message) {
  $("american-price").value = $("american-premium").value = "–";
  $("american-exercised").value = message ?? "";
  for (const name of NAMES) $(`american-${name}`).value = "–";
}

/** Prices `p` (null: an input is invalid) with American exercise when the page asks for it. */
export function updateAmerican(engine, p, european) {
  const on = $("exercise").value === "american";
  $("american-row").hidden = !on;
  $("boundary-card").hidden = !on;
  if (!on) return null;
  if (!p) {
    clear();
    return null;
  }
  const args = [p.kind, p.spot, p.strike, p.expiry, p.rate, p.dividend, p.vol];
  let g;
  try {
    g = engine.american_greeks(...args);
  } catch (err) {
    clear(err.message);
    chart.setData([[], [], [], []]);
    return null;
  }
  $("american-price").value = fmt(g.price);
  $("american-premium").value = fmt(g.price - european.price);
  const intrinsic = Math.max(p.kind === "call" ? p.spot - p.strike : p.strike - p.spot, 0);
  $("american-exercised").value = g.price === intrinsic && intrinsic > 0 ? "(exercise now: the price is the intrinsic value)" : "";
  for (const name of NAMES) $(`american-${name}`).value = fmt(g[name]);
  drawBoundary(engine, args);
  return g;
}

function drawBoundary(engine, args) {
  const [, spot, strike, expiry, , , vol] = args;
  const note = $("boundary-note");
  if (!(expiry > 0 && vol > 0)) {
    chart.setData([[], [], [], []]);
    note.textContent = "No boundary to draw at expiry 0 or vol 0.";
    return;
  }
  const b = engine.american_boundary(...args, "fast");
  const values = Array.from(b.boundary);
  if (values.every((x) => x === 0 || x === Infinity)) {
    chart.setData([[], [], [], []]);
    note.textContent = "Early exercise never pays here (a call with dividend <= 0, a put with rate <= 0): the American price is the European one.";
    return;
  }
  note.textContent = "The critical spot against calendar time: a put is exercised when the spot is at or below it, a call at or above.";
  const n = values.length;
  chart.setData([Array.from(b.time), gaps(values), new Array(n).fill(strike), new Array(n).fill(spot)]);
}
