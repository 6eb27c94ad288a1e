// The Market card: an option chain in (bid/ask or mid quotes, several expiries), its implied-vol
// surface out, a raw SVI smile fitted to each expiry (`fit_svi`), Heston calibrated to the whole
// chain (`calibrate_heston`), and one click to load the fitted parameters into the lab's Heston
// inputs. Quotes are read by quotes.js (the smile card's reader); each expiry's forward comes
// from put-call parity (`parity_forward`, discounted at the rows' rate) where two or more strikes
// have both sides, else from the lab's spot and the rows' (or the lab's) dividend. The fits run in
// a worker of their own (web/workers/fit.worker.js), which reports each stage; a new Fit while one
// runs replaces it.
import { $, h, fmt } from "./dom.js";
import { Chart } from "./charts.js";
import { drawHeatmap } from "./heatmap.js";
import { HESTON } from "./fields.js";
import { parseQuotes } from "./quotes.js";
import { engineModule } from "../workers/pool.js";

const COLOURS = ["--c1", "--c2", "--c3", "--c4", "--c5"];
/** Points per fitted SVI curve on the chart. */
const CURVE_POINTS = 61;
/** Columns (log-moneyness) and rows (expiry) of the surface heatmap. */
const HEATMAP_COLUMNS = 41;
const HEATMAP_ROWS = 24;
/** The example chains, each with the lab market it belongs to. */
const EXAMPLES = {
  "market-example": {
    file: "examples/chain_heston.csv",
    market: { spot: "100", rate: "0.03", dividend: "0.01" },
    source: "A chain generated from Heston's model (v0 0.04, kappa 2, theta 0.05, xi 0.6, rho -0.7; " +
      "S 100, r 0.03, q 0.01) with bid/ask spreads and rounding to cents (scripts/sample_chain.py). " +
      "The lab's spot, rate and dividend were set to match; each expiry's forward is inferred from its " +
      "call-put pairs at the lab's rate, so a wrong dividend field does not move it.",
  },
  "market-example-dax": {
    file: "examples/chain_dax_sepp.csv",
    market: { spot: "4468.17", rate: "0.0357", dividend: "0" },
    source: "The DAX surface of A. Sepp, \"Pricing European-Style Options under Jump Diffusion " +
      "Processes with Stochastic Volatility: Applications of Fourier Transform\" (Acta et Commentationes " +
      "Universitatis Tartuensis de Mathematica 7, 2003), as QuantLib's test-suite transcribes it: " +
      "13 strikes, 8 maturities of 13-703 days, each with its zero rate (the rate column), no dividends; " +
      "mids priced from the published vols (scripts/dax_chain.py). A Heston fit leaves " +
      "sum((100 vol error)^2) = 177.2 on it, about 1.3 % rmse. The lab's spot was set to 4468.17.",
  },
};

let chart = null;
let surfaceChart = null;
let engine = null;
let fitted = null; // the last Heston fit, for "use these parameters"
let worker = null; // started on the first Fit
let runId = 0; // the fit whose replies count

export function initMarket(wasm, onChange) {
  engine = wasm;
  chart = new Chart($("chart-market"), { x: "strike", y: "implied vol", legend: true, series: [] });
  surfaceChart = new Chart($("chart-surface"), { x: "log-moneyness ln(K/F)", y: "total variance", legend: true, series: [] });
  for (const [button, example] of Object.entries(EXAMPLES)) {
    $(button).addEventListener("click", async () => {
      const response = await fetch(example.file);
      $("market-csv").value = await response.text();
      for (const [id, value] of Object.entries(example.market)) $(id).value = value;
      $("market-source").textContent = example.source;
      onChange();
    });
  }
  $("market-fit").addEventListener("click", () => fitChain());
  $("market-use").addEventListener("click", () => {
    if (!fitted) return;
    for (const id of HESTON) $(id).value = String(Number(fitted[id].toPrecision(6)));
    document.querySelector('input[name="model"][value="heston"]').click();
    onChange();
  });
}

/** Reads the chain with the lab's market `p` (spot, and rate, dividend, kind, expiry defaults
 * for rows without their own). */
function readChain(p) {
  const { rows: read, errors } = parseQuotes($("market-csv").value, p);
  const notes = [...errors];
  const forwards = parityDividends(read, p, notes);
  const rows = read.map((q) => ({
    ...q, rate: q.rate ?? p.rate, dividend: q.dividend ?? forwards.get(q.expiry)?.dividend ?? p.dividend,
  }));
  const usable = [];
  if (rows.length) {
    const vol = (prices) => engine.implied_vol_many(rows.map((q) => q.kind), Float64Array.from(prices),
      p.spot, Float64Array.from(rows, (q) => q.strike), Float64Array.from(rows, (q) => q.expiry),
      Float64Array.from(rows, (q) => q.rate), Float64Array.from(rows, (q) => q.dividend));
    const mid = vol(rows.map((q) => q.price));
    const bid = vol(rows.map((q) => q.bid ?? NaN));
    const ask = vol(rows.map((q) => q.ask ?? NaN));
    rows.forEach((q, i) => {
      if (mid.status[i] !== 0) {
        notes.push(`line ${q.line} (strike ${fmt(q.strike)}): ${engine.status_message(mid.status[i])}`);
        return;
      }
      // Out-of-the-money quotes only (puts below the forward, calls at or above it): an
      // in-the-money quote's vol is its spread divided by a tiny vega, noise to a smile fit.
      const forward = p.spot * Math.exp((q.rate - q.dividend) * q.expiry);
      if ((q.kind === "put") !== (q.strike < forward)) return;
      usable.push({ ...q, forward, vol: mid.vol[i], bidVol: bid.vol[i], askVol: ask.vol[i] });
    });
  }
  return { quotes: usable, notes, forwards };
}

/** Per expiry whose rows carry no dividend of their own and quote two or more strikes on both
 * sides: the forward by put-call parity at the rows' discount factor, and the dividend yield it
 * implies, `q = r - ln(F/S)/T` (a map expiry -> {forward, dividend, pairs, used}). A fit that
 * fails is a note; that expiry keeps the given dividend. */
function parityDividends(rows, p, notes) {
  const out = new Map();
  const expiries = [...new Set(rows.filter((q) => q.dividend === undefined).map((q) => q.expiry))];
  for (const t of expiries.sort((a, b) => a - b)) {
    const slice = rows.filter((q) => q.expiry === t && q.dividend === undefined);
    const strikes = [...new Set(slice.map((q) => q.strike))].sort((a, b) => a - b);
    const side = (kind) => Float64Array.from(strikes, (k) => slice.find((q) => q.kind === kind && q.strike === k)?.price ?? NaN);
    const call = side("call");
    const put = side("put");
    if (strikes.filter((_, i) => !Number.isNaN(call[i]) && !Number.isNaN(put[i])).length < 2) continue;
    const rate = slice[0].rate ?? p.rate;
    try {
      const fit = engine.parity_forward(Float64Array.from(strikes), call, put, Math.exp(-rate * t));
      out.set(t, { forward: fit.forward, dividend: rate - Math.log(fit.forward / p.spot) / t,
        pairs: fit.pairs, used: fit.used_pairs });
    } catch (e) {
      notes.push(`expiry ${fmt(t, 4)}: forward from the given dividend (put-call parity: ${e.message})`);
    }
  }
  return out;
}

/** The forwards line: which expiries' forwards came from parity, and what they imply. */
function showForwards(forwards) {
  const parts = [...forwards].map(([t, f]) =>
    `${fmt(t * 365, 3)} d: F ${fmt(f.forward, 6)}, dividend ${fmt(100 * f.dividend, 3)} % ` +
    `(${f.used} of ${f.pairs} put-call pairs)`);
  const el = $("market-forwards");
  el.textContent = parts.length ? `Forwards by put-call parity: ${parts.join("; ")}.` : "";
  el.dataset.forwards = JSON.stringify([...forwards].map(([t, f]) => ({ expiry: t, ...f })));
}

/** The worker, started once: its own engine instance, from the page's compiled module. */
async function fitWorker() {
  if (!worker) {
    worker = new Worker(new URL("../workers/fit.worker.js", import.meta.url), { type: "module", name: "fit" });
    const ready = new Promise((resolve, reject) => {
      worker.addEventListener("message", () => resolve(), { once: true }); // the first reply is "ready"
      worker.addEventListener("error", (e) => reject(new Error(e.message)), { once: true });
    });
    worker.postMessage({ type: "init", module: await engineModule() });
    await ready;
  }
  return worker;
}

async function fitChain() {
  const id = ++runId;
  const p = {
    kind: $("kind").value, expiry: Number($("expiry").value),
    spot: Number($("spot").value), rate: Number($("rate").value), dividend: Number($("dividend").value),
  };
  const list = $("market-errors");
  list.replaceChildren();
  $("market-status").textContent = "fitting…";
  const { quotes, notes, forwards } = readChain(p);
  showForwards(forwards);
  const expiries = [...new Set(quotes.map((q) => q.expiry))].sort((a, b) => a - b);
  const slices = expiries.map((t) => {
    const slice = quotes.filter((q) => q.expiry === t);
    return { t, forward: slice[0].forward, slice,
      strike: Float64Array.from(slice, (q) => q.strike), vol: Float64Array.from(slice, (q) => q.vol) };
  });
  const w = await fitWorker();
  const reply = await new Promise((resolve) => {
    const onMessage = (e) => {
      if (e.data.id !== id) return;
      if (e.data.type === "progress") {
        if (id === runId) $("market-status").textContent = `fitting: ${e.data.stage}…`;
        return;
      }
      w.removeEventListener("message", onMessage);
      resolve(e.data);
    };
    w.addEventListener("message", onMessage);
    w.postMessage({
      type: "fit", id, market: { spot: p.spot, rate: p.rate, dividend: p.dividend },
      slices: slices.map(({ t, forward, strike, vol }) => ({ t, forward, strike, vol })),
      quotes: {
        kind: quotes.map((q) => q.kind), strike: Float64Array.from(quotes, (q) => q.strike),
        expiry: Float64Array.from(quotes, (q) => q.expiry), price: Float64Array.from(quotes, (q) => q.price),
        rate: Float64Array.from(quotes, (q) => q.rate), dividend: Float64Array.from(quotes, (q) => q.dividend),
      },
    });
  });
  if (id !== runId) return; // a newer Fit replaced this one
  if (reply.type === "error") notes.push(reply.message);
  const smiles = slices.map((s, i) => {
    const r = reply.smiles?.[i];
    if (r?.error) notes.push(`expiry ${fmt(s.t, 4)}: ${r.error}`);
    return { ...s, fit: r?.fit ?? null };
  });
  if (reply.heston?.error) notes.push(`Heston: ${reply.heston.error}`);
  if (reply.surface?.error) notes.push(`SSVI: ${reply.surface.error}`);
  showSurface(reply.surface?.fit ?? null);
  for (const n of notes) list.append(h("li", { text: n }));
  showSmiles(smiles);
  showHeston(reply.heston?.fit ?? null, quotes);
  drawMarket(smiles, quotes);
  $("market-status").textContent = quotes.length
    ? `${quotes.length} quotes over ${expiries.length} expir${expiries.length === 1 ? "y" : "ies"} fitted`
    : "no usable quotes";
}

/** The SSVI surface: its parameters and checks, and its total variance per expiry against
 * log-moneyness (lines that never cross: no calendar arbitrage). */
function showSurface(fit) {
  const out = $("market-surface");
  if (!fit) {
    out.textContent = "–";
    surfaceChart.setData([[]], { ...surfaceChart.spec, series: [] });
    $("heatmap-surface").replaceChildren();
    return;
  }
  out.textContent = `rho ${fmt(fit.rho, 4)}, eta ${fmt(fit.eta, 4)}, gamma ${fmt(fit.gamma, 4)}; ` +
    `implied-vol rmse ${fmt(fit.rmse_vol, 3)}; calendar arbitrage ${fit.calendar_free ? "none" : "present"}, ` +
    `butterfly arbitrage ${fit.butterfly_free ? "none" : "present"}`;
  out.dataset.calendarFree = fit.calendar_free;
  out.dataset.butterflyFree = fit.butterfly_free;
  out.dataset.fit = JSON.stringify({ rho: fit.rho, eta: fit.eta, gamma: fit.gamma, expiry: fit.expiry, theta: fit.theta });
  const ks = Array.from({ length: CURVE_POINTS }, (_, i) => -0.5 + i / (CURVE_POINTS - 1));
  const series = [];
  const data = [ks];
  fit.expiry.forEach((t, e) => {
    data.push(ks.map((k) => ssviVariance(fit, fit.theta[e], k)));
    series.push({ label: `T=${fmt(t, 3)}`, colour: COLOURS[e % COLOURS.length], width: 1.5 });
  });
  surfaceChart.setData(data, { ...surfaceChart.spec, series });
  $("chart-surface").dataset.series = String(series.length);
  drawSurfaceHeatmap(fit);
}

/** SSVI total variance at ATM total variance `theta` and log-moneyness `k` (Gatheral &
 * Jacquier 2014, eq. (4.1), with their power-law phi, eq. (4.5)). */
function ssviVariance(fit, theta, k) {
  const phi = fit.eta / (theta ** fit.gamma * (1 + theta) ** (1 - fit.gamma));
  return theta / 2 * (1 + fit.rho * phi * k + Math.sqrt((phi * k + fit.rho) ** 2 + 1 - fit.rho ** 2));
}

/** The surface's implied vol sqrt(w/T) on a grid from the first to the last fitted expiry
 * (evenly spaced in sqrt(T), so the short end, where the smile changes fastest, is not squashed). The
 * ATM total variance between fitted expiries is interpolated linearly in T: non-decreasing, so
 * the SSVI surface stays free of calendar arbitrage (Gatheral & Jacquier 2014, Theorem 4.1). */
function drawSurfaceHeatmap(fit) {
  const ts = fit.expiry;
  const first = ts[0], last = ts[ts.length - 1];
  const rows = ts.length > 1 ? HEATMAP_ROWS : 1;
  const [a, b] = [Math.sqrt(first), Math.sqrt(last)];
  const ys = Array.from({ length: rows }, (_, i) => (rows > 1 ? (a + (b - a) * i / (rows - 1)) ** 2 : first));
  const xs = Array.from({ length: HEATMAP_COLUMNS }, (_, j) => -0.5 + j / (HEATMAP_COLUMNS - 1));
  const atm = (t) => {
    if (ts.length === 1) return fit.theta[0];
    let e = 0;
    while (e < ts.length - 2 && ts[e + 1] < t) e++;
    const f = (t - ts[e]) / (ts[e + 1] - ts[e]);
    return fit.theta[e] + Math.min(1, Math.max(0, f)) * (fit.theta[e + 1] - fit.theta[e]);
  };
  const values = ys.map((t) => xs.map((k) => Math.sqrt(ssviVariance(fit, atm(t), k) / t)));
  drawHeatmap($("heatmap-surface"), {
    xs, ys, values, xLabel: "log-moneyness ln(K/F)", yLabel: "expiry (years)",
    label: "SSVI implied vol over log-moneyness and expiry",
    format: (v) => `${fmt(100 * v, 3)} %`, tick: (v) => fmt(v, 2),
  });
}

function showSmiles(smiles) {
  $("market-body").replaceChildren(...smiles.map(({ t, forward, slice, fit }) => h("tr",
    { dataset: { expiry: t, butterflyFree: fit ? fit.butterfly_free : "", rmseVol: fit ? fit.rmse_vol : "" } },
    h("td", { text: fmt(t, 4) }), h("td", { text: fmt(forward, 6) }), h("td", { text: slice.length }),
    h("td", { text: fit ? ["a", "b", "rho", "m", "sigma"].map((k) => fmt(fit[k], 4)).join(", ") : "–" }),
    h("td", { text: fit ? fmt(fit.rmse_vol, 3) : "–" }),
    h("td", { text: fit ? (fit.butterfly_free ? "yes" : `no (min g ${fmt(fit.min_g, 3)})`) : "–" }))));
}

function showHeston(fit, quotes) {
  fitted = fit;
  $("market-use").disabled = !fit;
  const out = $("market-heston");
  if (!fit) {
    out.textContent = "–";
    $("market-residuals").textContent = "";
    return;
  }
  const params = HESTON.map((k) => `${k} ${fmt(fit[k], 5)}`).join(", ");
  out.textContent = `${params}; implied-vol rmse ${fmt(fit.rmse_vol, 3)}; ` +
    `${fit.converged ? "converged" : "not converged"} after ${fit.iterations} iterations (${fit.message}); ` +
    `Feller's condition ${fit.feller ? "holds" : "fails (2 kappa theta < xi^2)"}`;
  out.dataset.v0 = fit.v0;
  out.dataset.rmseVol = fit.rmse_vol;
  out.dataset.converged = fit.converged;
  const worst = quotes.map((q, i) => ({ q, e: fit.model_price[i] - q.price }))
    .sort((a, b) => Math.abs(b.e) - Math.abs(a.e)).slice(0, 3)
    .map(({ q, e }) => `${q.kind} ${fmt(q.strike)} at ${fmt(q.expiry, 3)}: ${e >= 0 ? "+" : ""}${fmt(e, 3)}`);
  $("market-residuals").textContent = `largest price residuals (model − quote): ${worst.join("; ")}`;
}

/** Quotes (mid vols) and each expiry's SVI smile over the union of strikes. */
function drawMarket(smiles, quotes) {
  const strikes = [...new Set(quotes.map((q) => q.strike))].sort((a, b) => a - b);
  if (!strikes.length) {
    chart.setData([[]], { ...chart.spec, series: [] });
    return;
  }
  const lo = strikes[0], hi = strikes[strikes.length - 1];
  const grid = [...new Set([...strikes, ...Array.from({ length: CURVE_POINTS }, (_, i) => lo + (hi - lo) * i / (CURVE_POINTS - 1))])]
    .sort((a, b) => a - b);
  const series = [];
  const data = [grid];
  smiles.forEach(({ t, forward, slice, fit }, e) => {
    const colour = COLOURS[e % COLOURS.length];
    const points = grid.map((k) => slice.find((q) => q.strike === k)?.vol ?? null);
    series.push({ label: `T=${fmt(t, 3)} quotes`, colour, points: true, line: false });
    data.push(points);
    if (fit) {
      // Over the slice's own quotes only: beyond them a smile is extrapolation, not a fit.
      const from = Math.min(...slice.map((q) => q.strike));
      const to = Math.max(...slice.map((q) => q.strike));
      const curve = grid.map((k) => {
        if (k < from || k > to) return null;
        const x = Math.log(k / forward) - fit.m;
        const w = fit.a + fit.b * (fit.rho * x + Math.sqrt(x * x + fit.sigma * fit.sigma));
        return w > 0 ? Math.sqrt(w / t) : null;
      });
      series.push({ label: `T=${fmt(t, 3)} SVI`, colour, width: 1.5 });
      data.push(curve);
    }
  });
  chart.setData(data, { ...chart.spec, series });
  $("chart-market").dataset.series = String(series.length);
}
