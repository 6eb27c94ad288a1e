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
const PAYOFF_IDS = ["payoff", "barrier", "exercise_dates"];
const MC_IDS = ["paths", "steps", "seed", ...PAYOFF_IDS, ...HESTON, "hurst", "vol", ...MARKET];
const ERROR_IDS = ["paths", "steps", "seed", ...PAYOFF_IDS, ...HESTON, "hurst"];
const BARRIERS = ["up_and_out", "up_and_in", "down_and_out", "down_and_in"];
const EXERCISES = ["bermudan", "american"];
/** Longstaff-Schwartz's training pass (monte_carlo/lsm.rs): min(2^15, 2^22 / dates) paths. */
const LSM_TRAINING_PATHS = 2 ** 15;
const LSM_TRAINING_PATH_DATES = 2 ** 22;

let engine = null;
let pool = null;
let controller = null;
let timer = 0;
let pathsChart = null;
let convergenceChart = null;
let lastAnalytic = null;
let lastPaths = null; // [sample paths, model, the run's steps if drawn denser, barrier] for the spot/variance switch
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

/** The payoff fields of the page (docs/api.md, "Monte Carlo payoffs"): only those it uses. */
function payoffParams() {
  const payoff = $("payoff").value;
  const p = { payoff };
  if (BARRIERS.includes(payoff)) p.barrier = numberOf("barrier");
  if (payoff === "bermudan") p.exercise_dates = numberOf("exercise_dates");
  return p;
}

/** The card's run: the page's model and contract with the chosen payoff. */
function cardParams(model) {
  return { ...mcParams(model), ...payoffParams() };
}

/** The steps a run takes when `steps` is left empty (the engine's defaults, docs/api.md). */
function defaultSteps(params) {
  if (params.model === "gbm" && (params.payoff === "european" || BARRIERS.includes(params.payoff))) return 1;
  if (params.payoff === "bermudan") {
    const n = params.exercise_dates;
    return params.model === "gbm" ? n : n * Math.ceil(100 / n);
  }
  return 100;
}

function cost(params) {
  const steps = params.steps ?? defaultSteps(params);
  // Early exercise first simulates its training paths (as many path-steps again at most).
  const training = EXERCISES.includes(params.payoff)
    ? Math.min(LSM_TRAINING_PATHS, LSM_TRAINING_PATH_DATES / steps) * steps
    : 0;
  return (params.paths * steps + training) * (params.model === "rough_heston" ? ROUGH_COST_FACTOR : 1);
}

/** Shows the payoff's own fields, and says what its steps and estimator are. */
function showPayoffFields() {
  const payoff = $("payoff").value;
  $("barrier-field").hidden = !BARRIERS.includes(payoff);
  $("exercise_dates-field").hidden = payoff !== "bermudan";
  $("payoff-note").textContent = {
    european: "Steps default: 1 for GBM (its step is exact), 100 for Heston and rough Heston.",
    asian: "The average of the spot at every step (steps = fixings, default 100), S0 not included.",
    barrier: "Monitored continuously (a Brownian bridge between steps; exact for GBM on its one default step). No rebate.",
    bermudan: "Exercisable at the given number of evenly spaced dates up to expiry (steps: a multiple of them). Longstaff-Schwartz: a lower bound.",
    american: "Exercisable now and at every step (steps even, default 100, at most 512). Longstaff-Schwartz at every step and every other step, extrapolated (2 B(n) - B(n/2)): close to the American, not a bound; for GBM the Exercise: American price above is exact.",
  }[payoff.startsWith("asian") ? "asian" : BARRIERS.includes(payoff) ? "barrier" : payoff];
}

/** What the run's control variate is (path_payoff.rs). */
function controlLabel(params) {
  const { model, payoff } = params;
  if (payoff === "asian_arithmetic" && model === "gbm") return "the geometric Asian, priced in closed form";
  if (payoff.startsWith("asian")) return "the discounted average spot";
  if (model === "gbm" && EXERCISES.includes(payoff)) return "the European price at exercise, by Black-Scholes";
  if (model === "gbm" && payoff !== "european") return "the European payoff, priced by Black-Scholes";
  if (EXERCISES.includes(payoff)) return "the discounted spot at exercise";
  return "the discounted spot";
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

/** The European price under the run's model (null when there is no closed form). */
function europeanPrice(model) {
  if (model === "gbm" && lastAnalytic) return lastAnalytic.price;
  const heston = lastAnalytic?.model_price;
  return model === "heston" && Number.isFinite(heston) ? heston : null;
}

/** The GBM American price by the engine's QD+ pricer (what the extrapolated Longstaff-Schwartz estimates). */
function americanPrice(p) {
  try {
    return engine.american(p.kind, p.spot, p.strike, p.expiry, p.rate, p.dividend, p.vol);
  } catch {
    return null;
  }
}

/** The closed-form price a run of `params` can be checked against: [label, price] or null. */
function referencePrice(params) {
  const { model, payoff } = params;
  if (payoff === "american" && model === "gbm") {
    const price = americanPrice(params);
    return price === null ? null : ["the American (QD+)", price];
  }
  if (payoff !== "european") return null;
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
  showPayoffFields();
  const params = cardParams(model.mc);
  clearErrors(ERROR_IDS);
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
  clearErrors(ERROR_IDS);
  const params = cardParams(model);
  const ctl = new AbortController();
  controller = ctl;
  setBusy(true);
  const t0 = performance.now();
  $("mc-status").textContent = `running on ${pool.size} worker${pool.size > 1 ? "s" : ""}…`;
  // Independent paths for the picture (the run pairs each path with its mirror image); GBM's
  // single exact step would draw straight lines, so its pictures use more steps.
  const runSteps = params.steps ?? defaultSteps(params);
  const displaySteps = model === "gbm" ? Math.max(runSteps, GBM_DISPLAY_STEPS) : params.steps;
  // The pictures are of the model's paths, the same whatever the payoff.
  const display = { ...mcParams(model), steps: displaySteps, antithetic: false };
  if (display.steps === undefined) delete display.steps;
  const paths = pool.samplePaths(display, SAMPLE_PATHS, SAMPLE_POINTS, { signal: ctl.signal })
    .then((r) => controller === ctl && drawPaths(r, model, model === "gbm" && displaySteps !== runSteps ? runSteps : null, params.barrier ?? null))
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
  const reference = referencePrice(p);
  const european = europeanPrice(p.model);
  if (reference) {
    $("mc-compare-label").textContent = `${reference[0]} is`;
    const lower = p.payoff === "american" ? ` (${fmt(reference[1], 8)}; Longstaff-Schwartz extrapolated from two Bermudans)` : "";
    $("mc-z").value = !estimable
      ? "– (no standard error to compare with)"
      : r.std_error > 0
        ? `${fmt((reference[1] - r.price) / r.std_error, 3)} standard errors away${lower}`
        : "exact (no randomness)";
  } else if (p.payoff !== "european") {
    // No closed form for this payoff here: the vanilla price says what the feature is worth.
    $("mc-compare-label").textContent = "The European option is";
    $("mc-z").value = european === null
      ? "– (no closed form under this model)"
      : `${fmt(european, 8)} (difference ${fmt(r.price - european, 6)})`;
  } else {
    $("mc-compare-label").textContent = "Implied vol";
    try {
      $("mc-z").value = fmt(engine.implied_vol(p.kind, r.price, p.spot, p.strike, p.expiry, p.rate, p.dividend), 6);
    } catch (err) {
      $("mc-z").value = messageOf(err);
    }
  }
  $("mc-cv-label").textContent = controlLabel(p);
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
  const [referenceLabel, reference] = referencePrice(params) ?? [null, null];
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

function drawPaths(r, model, denser, barrier) {
  lastPaths = [r, model, denser, barrier];
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
  const showBarrier = !showVariance && barrier !== null && Number.isFinite(barrier);
  if (showBarrier) {
    series.push({ label: "barrier", colour: "--c2", width: 1.5, dash: [6, 4] });
    data.push(data[0].map(() => barrier));
  }
  pathsChart.setData(data, { x: "time (years)", y: showVariance ? "variance" : "spot", legend: false, series });
  $("paths-caption").textContent =
    `${count} sample paths of the ${what} (${MODELS[model].label}` +
    `${denser ? `, drawn with ${m - 1} steps; the run takes ${plural(denser, "step")}, GBM's steps are exact` : ""})` +
    (showBarrier ? `, the barrier dashed` : "");
}
