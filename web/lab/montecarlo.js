// The Monte Carlo card: runs the selected model on the worker pool (progress, cancel), shows the
// price with its standard error, sample paths, and the convergence of the estimate with its band.
import { $, fmt, clearErrors, showError, messageOf } from "./dom.js";
import { HESTON, MARKET, MODELS, numberOf } from "./fields.js";
import { Chart } from "./charts.js";
import { ROUGH_COST_FACTOR } from "../workers/pool.js";

/** Runs up to this many path-steps start by themselves as inputs change; bigger ones wait for Run. */
const AUTO_RUN_PATH_STEPS = 20_000_000;
const AUTO_RUN_DELAY_MS = 250;
const SAMPLE_PATHS = 30;
/** Points per sample path on the chart (the engine picks the nearest time steps). */
const SAMPLE_POINTS = 201;
/** GBM's price needs one (exact) step; its sample paths are drawn with this many to show a path. */
const GBM_DISPLAY_STEPS = 100;
const CONVERGENCE_POINTS = 60;
const MC_IDS = ["paths", "steps", "seed", ...HESTON, "hurst", "vol", ...MARKET];

let engine = null;
let pool = null;
let controller = null;
let timer = 0;
let pathsChart = null;
let convergenceChart = null;
let lastAnalytic = null;
let lastPaths = null; // [sample paths, model, drawn denser than the run] for the spot/variance switch
let pending = false; // an automatic run is scheduled
let held = null; // why automatic runs are paused (the race is timing the pool), or null

/** The API params of the current inputs for `model` ("gbm", "heston", "rough_heston"). */
export function mcParams(model, overrides = {}) {
  const p = { model, kind: $("kind").value };
  for (const id of MARKET) p[id] = numberOf(id);
  if (model === "gbm") p.vol = numberOf("vol");
  else for (const id of HESTON) p[id] = numberOf(id);
  if (model === "rough_heston") p.hurst = numberOf("hurst");
  p.paths = numberOf("paths");
  if ($("steps").value.trim() !== "") p.steps = numberOf("steps");
  p.seed = numberOf("seed");
  return { ...p, ...overrides };
}

function cost(params) {
  const steps = params.steps ?? (params.model === "gbm" ? 1 : 100);
  return params.paths * steps * (params.model === "rough_heston" ? ROUGH_COST_FACTOR : 1);
}

function clearResult() {
  for (const id of ["mc-price", "mc-se", "mc-ci", "mc-z", "mc-cv"]) $(id).value = "–";
}

/** The shown result no longer answers the inputs: its numbers go, its charts are marked. */
function markStale() {
  clearResult();
  $("mc").dataset.stale = "true";
}

const plural = (n, word) => `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;

function setBusy(busy) {
  $("mc-cancel").disabled = !busy;
  $("mc-progress").value = busy ? 0 : $("mc-progress").value;
}

export function initMonteCarlo(wasm, mcPool) {
  engine = wasm;
  pool = mcPool;
  pathsChart = new Chart($("chart-paths"), { x: "time (years)", y: "spot", legend: false, series: [] });
  convergenceChart = new Chart($("chart-convergence"), convergenceSpec(null));
  $("mc-run").addEventListener("click", () => run());
  $("mc-cancel").addEventListener("click", () => cancel("cancelled"));
  // Escape cancels a run from anywhere on the page (as the Cancel button does).
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && controller) cancel("cancelled");
  });
}

/** The closed-form price a run of `model` can be checked against: [label, price] or null. */
function referencePrice(model) {
  if (model === "gbm" && lastAnalytic) return ["Black-Scholes", lastAnalytic.price];
  const heston = lastAnalytic?.model_price;
  if (model === "heston" && Number.isFinite(heston)) return ["Heston (semi-analytic)", heston];
  return null;
}

function convergenceSpec(reference) {
  const series = [
    { label: "estimate", colour: "--c1", width: 2 },
    { label: "95% high", colour: "--band", width: 0 },
    { label: "95% low", colour: "--band", width: 0 },
  ];
  if (reference) series.push({ label: reference, colour: "--c2", width: 1.5, dash: [6, 4] });
  return { x: "paths", y: "price", xLog: true, legend: false, series, bands: [{ series: [2, 3], fill: "--band" }] };
}

/** Stops the current run (if any), leaving `why` in the status line. */
export function cancel(why) {
  if (!controller) return;
  controller.abort();
  controller = null;
  setBusy(false);
  if (why) $("mc-status").textContent = why;
}

/**
 * Pauses this card's runs (cancelling the current one) until `until` settles, so that nothing else
 * uses the workers while the race is timing them.
 */
export async function holdWhile(why, until) {
  // Rerun afterwards only what the hold interrupted (a run, or one waiting to start).
  const interrupted = controller !== null || pending;
  const status = $("mc-status").textContent;
  cancel(why);
  clearTimeout(timer);
  pending = false;
  held = why;
  $("mc-run").disabled = true;
  try {
    return await until;
  } finally {
    held = null;
    if (interrupted) onInputs(lastAnalytic);
    else {
      $("mc-run").disabled = false;
      $("mc-status").textContent = status;
    }
  }
}

/** Called on every input change: reschedules an automatic run when it is small enough. */
export function onInputs(analytic) {
  lastAnalytic = analytic;
  clearTimeout(timer);
  const model = MODELS[document.querySelector('input[name="model"]:checked').value];
  $("mc-model").textContent = model.mc ? MODELS[model.mc].label : "off";
  $("mc-off").hidden = Boolean(model.mc);
  $("mc-run").disabled = !model.mc || held !== null;
  cancel(null);
  markStale();
  pending = false;
  if (held !== null) {
    $("mc-status").textContent = held;
    return;
  }
  if (!model.mc || !analytic) {
    clearResult();
    pathsChart.clear();
    convergenceChart.clear();
    lastPaths = null;
    $("mc-status").textContent = model.mc ? "fix the inputs above to simulate" : "";
    return;
  }
  const params = mcParams(model.mc);
  clearErrors(["paths", "steps", "seed", ...HESTON, "hurst"]);
  try {
    engine.monte_carlo_plan(params); // errors show as you type, even for runs that wait for Run
  } catch (err) {
    clearResult();
    $("mc-status").textContent = `not run: see ${showError(err, MC_IDS)}`;
    return;
  }
  if (!(cost(params) <= AUTO_RUN_PATH_STEPS)) {
    $("mc-status").textContent = `a large run (${Math.round(cost(params)).toLocaleString("en")} path-steps): press Run`;
    return;
  }
  pending = true;
  timer = setTimeout(() => run(), AUTO_RUN_DELAY_MS);
}

/** Runs the selected model's Monte Carlo on the pool now. */
export async function run() {
  clearTimeout(timer);
  pending = false;
  if (held !== null) return;
  cancel(null);
  const modelName = document.querySelector('input[name="model"]:checked').value;
  const model = MODELS[modelName].mc;
  if (!model) return;
  clearErrors(["paths", "steps", "seed", ...HESTON, "hurst"]);
  const params = mcParams(model);
  const ctl = new AbortController();
  controller = ctl;
  setBusy(true);
  const t0 = performance.now();
  $("mc-status").textContent = `running on ${pool.size} worker${pool.size > 1 ? "s" : ""}…`;
  // Independent paths for the picture (the run pairs each path with its mirror image); GBM's
  // single exact step would draw straight lines, so its pictures use more steps.
  const displaySteps = model === "gbm" ? Math.max(params.steps ?? 1, GBM_DISPLAY_STEPS) : params.steps;
  const display = { ...params, steps: displaySteps, antithetic: false };
  if (display.steps === undefined) delete display.steps;
  const paths = pool.samplePaths(display, SAMPLE_PATHS, SAMPLE_POINTS, { signal: ctl.signal })
    .then((r) => controller === ctl && drawPaths(r, model, model === "gbm" && displaySteps !== (params.steps ?? 1)))
    .catch(() => {}); // the run below reports the same errors
  try {
    const result = await pool.run(params, {
      signal: ctl.signal,
      onProgress: ({ fraction }) => {
        if (controller === ctl) $("mc-progress").value = fraction;
      },
    });
    if (controller !== ctl) return;
    const seconds = (performance.now() - t0) / 1000;
    showResult(result, params, seconds);
    drawConvergence(result, params);
    await paths;
  } catch (err) {
    if (ctl.signal.aborted || controller !== ctl) return;
    clearResult();
    const where = showError(err, MC_IDS);
    $("mc-status").textContent = `not run: see ${where}`;
  } finally {
    if (controller === ctl) {
      controller = null;
      setBusy(false);
    }
  }
}

function showResult(r, params, seconds) {
  delete $("mc").dataset.stale;
  // A standard error needs two independent samples (an antithetic pair is one): with fewer it is
  // undefined, whatever number the estimator returns.
  const estimable = r.samples >= 2;
  $("mc-price").value = fmt(r.price, 8);
  $("mc-se").value = estimable ? fmt(r.std_error, 3) : `undefined (${plural(r.samples, "independent sample")})`;
  $("mc-ci").value = estimable ? `[${fmt(r.ci_low, 8)}, ${fmt(r.ci_high, 8)}]` : "– (needs 2 or more independent samples)";
  $("mc-progress").value = 1;
  const p = params;
  const reference = referencePrice(p.model);
  if (reference) {
    $("mc-compare-label").textContent = `${reference[0]} is`;
    $("mc-z").value = !estimable
      ? "– (no standard error to compare with)"
      : r.std_error > 0
        ? `${fmt((reference[1] - r.price) / r.std_error, 3)} standard errors away`
        : "exact (no randomness)";
  } else {
    $("mc-compare-label").textContent = "Implied vol";
    try {
      $("mc-z").value = fmt(engine.implied_vol(p.kind, r.price, p.spot, p.strike, p.expiry, p.rate, p.dividend), 6);
    } catch (err) {
      $("mc-z").value = messageOf(err);
    }
  }
  $("mc-cv").value = r.control_variate
    ? `std. error ${fmt(r.std_error, 3)} with it, ${fmt(r.std_error_without_control, 3)} without ` +
      `(price without: ${fmt(r.price_without_control, 8)})`
    : "not used (too few samples)";
  $("mc-status").textContent =
    `${plural(r.paths, "path")} × ${plural(r.steps, "step")} in ${seconds.toFixed(2)} s on ` +
    `${r.workers} worker${r.workers > 1 ? "s" : ""}`;
}

/**
 * The estimate after the first k blocks, for k on a log scale: each sample's random stream depends
 * only on (seed, sample index), so the first k blocks of this run are exactly the whole of a run
 * with k blocks' worth of paths, which the engine's `monte_carlo_finish` reduces like any other.
 */
function drawConvergence(r, params) {
  const blocks = r.blockSums.length / r.blockLen;
  const perBlock = r.blockSamples * (params.antithetic === false ? 1 : 2);
  const ks = new Set();
  for (let i = 0; i < CONVERGENCE_POINTS; i++) {
    ks.add(Math.max(1, Math.round(blocks ** (i / (CONVERGENCE_POINTS - 1)))));
  }
  const xs = [], est = [], hi = [], lo = [], ref = [];
  const [referenceLabel, reference] = referencePrice(params.model) ?? [null, null];
  for (const k of [...ks].sort((a, b) => a - b)) {
    const prefix = k === blocks ? params : { ...params, paths: k * perBlock };
    const partial = engine.monte_carlo_finish(prefix, r.blockSums.subarray(0, k * r.blockLen));
    xs.push(partial.paths);
    est.push(partial.price);
    // No band where the standard error is undefined (fewer than 2 independent samples).
    hi.push(partial.samples >= 2 ? partial.ci_high : null);
    lo.push(partial.samples >= 2 ? partial.ci_low : null);
    ref.push(reference);
  }
  const data = [xs, est, hi, lo];
  if (reference !== null) data.push(ref);
  convergenceChart.setData(data, convergenceSpec(referenceLabel));
  const band = r.samples >= 2
    ? ", its 95% confidence band (shaded)"
    : " (no confidence band: one independent sample has no standard error)";
  $("convergence-caption").textContent =
    `the estimate as paths accumulate (blue)${band}` +
    (reference !== null ? ` and the ${referenceLabel} price (dashed)` : "");
}

/** Redraws the sample paths (spot or variance, as the select says). */
export function redrawPaths() {
  if (lastPaths) drawPaths(...lastPaths);
}

function drawPaths(r, model, denser) {
  lastPaths = [r, model, denser];
  const showVariance = model !== "gbm" && $("paths-show").value === "variance";
  $("paths-show-field").hidden = model === "gbm";
  const values = showVariance ? r.variance : r.spot;
  const m = r.times.length;
  const count = values.length / m;
  const series = [];
  const data = [Array.from(r.times)];
  for (let k = 0; k < count; k++) {
    series.push({ label: `path ${k + 1}`, colour: showVariance ? "--path2" : "--path", width: 1 });
    data.push(Array.from(values.subarray(k * m, (k + 1) * m)));
  }
  const what = showVariance ? (model === "rough_heston" ? "variance (mean over each step)" : "variance") : "spot";
  pathsChart.setData(data, { x: "time (years)", y: showVariance ? "variance" : "spot", legend: false, series });
  $("paths-caption").textContent =
    `${count} sample paths of the ${what} (${MODELS[model].label}` +
    `${denser ? `, drawn with ${m - 1} steps; the price needs only one, GBM's step is exact` : ""})`;
}
