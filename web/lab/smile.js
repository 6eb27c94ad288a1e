// The implied-vol smile of a strip of quotes pasted as CSV, through `implied_vol_many`.
//
// Columns: strike, price, and optionally kind ("call"/"put") and expiry (years). With a header row
// the columns are found by name in any order; without one they are taken in that order. Missing
// kind/expiry come from the inputs; spot, rate and dividend always do.
import { $, h, fmt } from "./dom.js";
import { Chart, gaps } from "./charts.js";

const COLUMNS = ["strike", "price", "kind", "expiry"];

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

/** Parses the CSV: {rows: [{line, strike, price, kind, expiry}], errors: [string]}. */
export function parseQuotes(text, defaults) {
  const lines = text.split(/\r?\n/);
  const rows = [];
  const errors = [];
  let order = COLUMNS;
  let first = true;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const cells = line.split(/\s*[,;\t]\s*|\s+/).map((c) => c.trim().replace(/^"|"$/g, ""));
    if (first) {
      first = false;
      const names = cells.map((c) => c.toLowerCase());
      if (names.some((n) => COLUMNS.includes(n))) {
        const unknown = names.filter((n) => !COLUMNS.includes(n));
        if (unknown.length) errors.push(`line ${i + 1}: unknown column ${unknown.map((u) => `"${u}"`).join(", ")} (use ${COLUMNS.join(", ")})`);
        if (!names.includes("strike") || !names.includes("price")) errors.push(`line ${i + 1}: the header needs strike and price`);
        order = names;
        return;
      }
    }
    const row = { line: i + 1, kind: defaults.kind, expiry: defaults.expiry };
    order.forEach((name, j) => {
      const cell = cells[j];
      if (cell === undefined || cell === "" || !COLUMNS.includes(name)) return;
      row[name] = name === "kind" ? cell.toLowerCase() : Number(cell);
    });
    if (row.strike === undefined || row.price === undefined) {
      errors.push(`line ${i + 1}: needs a strike and a price`);
      return;
    }
    rows.push(row);
  });
  return { rows, errors };
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
  if (rows.length) {
    try {
      const r = engine.implied_vol_many(
        rows.map((q) => q.kind), Float64Array.from(rows, (q) => q.price), p.spot,
        Float64Array.from(rows, (q) => q.strike), Float64Array.from(rows, (q) => q.expiry), p.rate, p.dividend);
      vols = r.vol;
      rows.forEach((q, i) => {
        if (r.status[i] !== 0) notes.push(`line ${q.line} (strike ${fmt(q.strike)}): ${engine.status_message(r.status[i])}`);
      });
    } catch (err) {
      notes.push(err.message); // a wrong type, e.g. a kind that is not "call" or "put"
    }
  }
  for (const n of notes) list.append(h("li", { text: n }));
  $("smile-body").replaceChildren(...rows.map((q, i) => h("tr", { dataset: { kind: q.kind, strike: q.strike, vol: vols[i] } },
    h("td", { text: q.line }), h("td", { text: q.kind }), h("td", { text: fmt(q.strike) }),
    h("td", { text: fmt(q.expiry) }), h("td", { text: fmt(q.price, 17) }),
    h("td", { text: i < vols.length && Number.isFinite(vols[i]) ? fmt(vols[i], 15) : "–" }))));
  // One x value per strike; calls and puts as two series.
  const strikes = [...new Set(rows.map((q) => q.strike).filter(Number.isFinite))].sort((a, b) => a - b);
  const at = new Map(strikes.map((k, i) => [k, i]));
  const calls = new Array(strikes.length).fill(null);
  const puts = new Array(strikes.length).fill(null);
  rows.forEach((q, i) => {
    if (!at.has(q.strike) || !(i < vols.length)) return;
    (q.kind === "put" ? puts : calls)[at.get(q.strike)] = gaps([vols[i]])[0];
  });
  chart.setData([strikes, calls, puts]);
}
