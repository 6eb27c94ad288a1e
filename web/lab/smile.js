// The implied-vol smile of quotes pasted as CSV (read by quotes.js), through `implied_vol_many`:
// one curve per kind and expiry. Spot, rate and dividend come from the inputs, and so do kind and
// expiry when the quotes have no such column. A quote that cannot give a vol (below intrinsic,
// above the upper bound, a price at its lower bound) is listed with its reason, never plotted, and
// never displaces a good quote for the same contract.
import { $, h, fmt } from "./dom.js";
import { Chart, gaps } from "./charts.js";
import { parseQuotes } from "./quotes.js";

const COLOURS = ["--c1", "--c2", "--c3", "--c4", "--c5"];

/** Alan Lewis's Heston reference prices (S=100, r=0.01, q=0.02, T=1, v0=0.04, kappa=4, theta=0.25,
 * xi=1, rho=-0.5), quoted by QuantLib's test-suite; see docs/references.md. */
const LEWIS = {
  inputs: { spot: "100", expiry: "1", rate: "0.01", dividend: "0.02",
    v0: "0.04", kappa: "4", theta: "0.25", xi: "1", rho: "-0.5" },
  // Strings, so the CSV carries the published digits exactly.
  quotes: [
    ["80", "26.774758743998854", "7.958878113256768"],
    ["90", "20.933349000596710", "12.017966707346305"],
    ["100", "16.070154917028834", "17.055270961270109"],
    ["110", "12.132211516709845", "23.017825898442801"],
    ["120", "9.024913483457836", "29.811026202682472"],
  ],
};

let chart = null;

export function initSmile(onChange) {
  chart = new Chart($("chart-smile"), {
    x: "strike", y: "implied vol", legend: true,
    series: [
      { label: "calls", colour: "--c1", width: 2, points: true },
      { label: "puts", colour: "--c2", width: 1, dash: [5, 4], points: true },
    ],
  });
  $("smile-example").addEventListener("click", () => {
    for (const [id, value] of Object.entries(LEWIS.inputs)) $(id).value = value;
    const rows = ["strike,price,kind"];
    for (const [k, call, put] of LEWIS.quotes) rows.push(`${k},${call},call`, `${k},${put},put`);
    $("smile-csv").value = rows.join("\n");
    $("smile-source").textContent =
      "Alan Lewis's reference prices for Heston (v0 0.04, kappa 4, theta 0.25, xi 1, rho -0.5; " +
      "S 100, r 0.01, q 0.02, T 1), as QuantLib's test-suite uses them. By put-call parity the call " +
      "and put smiles coincide. The inputs above were set to match.";
    onChange({ all: true });
  });
}

/** Recomputes the smile for the inputs `p` (kind, spot, expiry, rate, dividend). */
export function updateSmile(engine, p) {
  const list = $("smile-errors");
  list.replaceChildren();
  $("smile-body").replaceChildren();
  const text = $("smile-csv").value;
  if (text.trim() === "" || !p) {
    chart.clear();
    return;
  }
  const { rows, errors } = parseQuotes(text, p);
  const notes = [...errors];
  let vols = new Float64Array(0);
  let status = new Uint8Array(0);
  if (rows.length) {
    try {
      const r = engine.implied_vol_many(
        rows.map((q) => q.kind), Float64Array.from(rows, (q) => q.price), p.spot,
        Float64Array.from(rows, (q) => q.strike), Float64Array.from(rows, (q) => q.expiry), p.rate, p.dividend);
      vols = r.vol;
      status = r.status;
      rows.forEach((q, i) => {
        if (r.status[i] !== 0) notes.push(`line ${q.line} (strike ${fmt(q.strike)}): ${engine.status_message(r.status[i])}`);
      });
    } catch (err) {
      notes.push(err.message); // a wrong type, e.g. a kind that is not "call" or "put"
    }
  }
  // The plotted quote of each contract: its first good row. A repeated contract is flagged.
  const plotted = new Map();
  const seen = new Map();
  rows.forEach((q, i) => {
    const key = `${q.kind}|${q.strike}|${q.expiry}`;
    if (seen.has(key)) {
      notes.push(`line ${q.line}: the same ${q.kind}, strike ${fmt(q.strike)} and expiry ${fmt(q.expiry)} as line ${seen.get(key)}`);
    } else seen.set(key, q.line);
    if (!(i < vols.length) || status[i] !== 0 || !Number.isFinite(vols[i])) return;
    if (vols[i] === 0) {
      notes.push(`line ${q.line} (strike ${fmt(q.strike)}): the price is at its lower bound (no time value), not a quote to plot`);
      return;
    }
    if (!plotted.has(key)) plotted.set(key, i);
  });
  for (const n of notes) list.append(h("li", { text: n }));
  $("smile-body").replaceChildren(...rows.map((q, i) => h("tr", {
    dataset: { kind: q.kind, strike: q.strike, expiry: q.expiry, vol: vols[i],
      plotted: plotted.get(`${q.kind}|${q.strike}|${q.expiry}`) === i },
  },
  h("td", { text: q.line }), h("td", { text: q.kind }), h("td", { text: fmt(q.strike) }),
  h("td", { text: fmt(q.expiry) }), h("td", { text: fmt(q.price, 17) }),
  h("td", { text: i < vols.length && Number.isFinite(vols[i]) ? fmt(vols[i], q.digits) : "–" }))));
  drawSmile(rows, vols, [...plotted.values()]);
}

/** One series per (expiry, kind) over the union of plotted strikes. */
function drawSmile(rows, vols, plottedRows) {
  const strikes = [...new Set(plottedRows.map((i) => rows[i].strike))].sort((a, b) => a - b);
  const at = new Map(strikes.map((k, i) => [k, i]));
  const expiries = [...new Set(plottedRows.map((i) => rows[i].expiry))].sort((a, b) => a - b);
  const several = expiries.length > 1;
  const series = [];
  const data = [strikes];
  expiries.forEach((t, e) => {
    for (const kind of ["call", "put"]) {
      const ys = new Array(strikes.length).fill(null);
      for (const i of plottedRows) if (rows[i].expiry === t && rows[i].kind === kind) ys[at.get(rows[i].strike)] = gaps([vols[i]])[0];
      if (several && ys.every((y) => y === null)) continue;
      const label = (several ? `T=${fmt(t, 4)} ` : "") + `${kind}s`;
      series.push({ label, colour: COLOURS[(several ? e : kind === "call" ? 0 : 1) % COLOURS.length],
        width: kind === "call" ? 2 : 1, dash: kind === "put" ? [5, 4] : undefined, points: true });
      data.push(ys);
    }
  });
  if (!series.length) {
    series.push(...chart.spec.series.slice(0, 2));
    data.push(...series.map(() => []));
  }
  const same = series.length === chart.spec.series.length && series.every((s, i) => s.label === chart.spec.series[i].label);
  chart.setData(data, same ? undefined : { ...chart.spec, series });
  $("chart-smile").dataset.series = String(series.length);
}
