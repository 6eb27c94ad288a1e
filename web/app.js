// The lab page: inputs -> the wasm engine -> results and charts, updating as you type; Monte Carlo
// on a pool of workers; the race panel. Each concern lives in web/lab/*.js.
// Errors come back from the engine as Error messages that start with the parameter's name
// ("spot must be > 0 (got -1)"), which is how they find the field they belong next to.
import init, * as wasm from "./pkg/wasm_core.js";
import { McPool, engineModule } from "./workers/pool.js";
import { $ } from "./lab/dom.js";
import { FIELDS, MODELS, renderFields, linkSliders, syncSlider } from "./lab/fields.js";
import { buildGreeksTable, readInputs, updateAnalytic, updateModelPrice } from "./lab/analytic.js";
import { initCurves, updateCurves } from "./lab/curves.js";
import { initAmerican, updateAmerican } from "./lab/american.js";
import { initSmile, updateSmile } from "./lab/smile.js";
import { initMarket } from "./lab/market.js";
import { initMonteCarlo, onInputs as mcOnInputs, redrawPaths } from "./lab/montecarlo.js";
import { initRace } from "./lab/race.js";
import { initTheme } from "./lab/theme.js";
import { applyHash, currentModel, saveSoon, stateHash } from "./lab/state.js";

/** Shows the field groups the selected model uses. */
function showModelFields() {
  const groups = new Set(MODELS[currentModel()].groups);
  for (const el of document.querySelectorAll("[data-fields] > .field[data-group]")) {
    el.hidden = !groups.has(el.dataset.group);
  }
  for (const el of document.querySelectorAll("fieldset[data-group]")) {
    el.hidden = el.dataset.group === "mc" ? !MODELS[currentModel()].mc : !groups.has(el.dataset.group);
  }
  document.body.dataset.model = currentModel();
}

/** Everything analytic that depends on the inputs (synchronous: a few milliseconds at most). */
function update() {
  const p = readInputs();
  const g = updateAnalytic(wasm, p);
  const modelPrice = updateModelPrice(wasm, g ? p : null, currentModel());
  if (g) g.model_price = modelPrice;
  updateAmerican(wasm, g ? p : null, g);
  updateCurves(wasm, g ? p : null);
  updateSmile(wasm, g ? p : null);
  return g;
}

function onInput(event) {
  const target = event?.target;
  if (target?.name === "model") showModelFields();
  const g = update();
  // The Monte Carlo card reruns only for inputs it uses (not the chart choice, quote or smile).
  const id = target?.id ?? "";
  if (id === "paths-show") redrawPaths();
  else if (!["plot", "quote", "smile-csv", "race-paths", "race-steps"].includes(id)) mcOnInputs(g);
  saveSoon();
}

function loadHash() {
  applyHash(location.hash);
  for (const f of FIELDS) syncSlider(f.id);
  showModelFields();
  mcOnInputs(update());
}

async function main() {
  initTheme();
  renderFields();
  buildGreeksTable();
  const module = await engineModule();
  await init({ module_or_path: module });
  // Handy at the console, and what the browser tests call: the engine's exports.
  window.pricingLab = wasm;
  const pool = new McPool();
  window.pricingLabPool = pool;
  $("engine-version").textContent = `engine ${wasm.version()}`;
  $("pool-info").textContent = pool.isolated
    ? `${pool.size} Monte Carlo worker${pool.size > 1 ? "s" : ""}`
    : "1 Monte Carlo worker (the page is not cross-origin isolated)";

  initCurves();
  initAmerican();
  initSmile(() => {
    for (const f of FIELDS) syncSlider(f.id); // the example sets market and Heston inputs
    onInput(null);
  });
  initMarket(wasm, () => {
    for (const f of FIELDS) syncSlider(f.id); // the example sets the market inputs
    onInput(null);
  });
  initMonteCarlo(wasm, pool);
  initRace(wasm, pool);
  linkSliders((num) => onInput({ target: num }));
  for (const el of document.querySelectorAll("#inputs input:not([type=range]), #inputs select, #quote, #plot, #paths-show, #smile-csv, #race-paths, #race-steps")) {
    el.addEventListener("input", onInput);
  }
  $("inputs").addEventListener("submit", (e) => e.preventDefault());
  window.addEventListener("hashchange", () => {
    if (location.hash !== stateHash()) loadHash();
  });
  $("share").addEventListener("click", async () => {
    const url = `${location.origin}${location.pathname}${stateHash()}`;
    try {
      await navigator.clipboard.writeText(url);
      $("share").textContent = "Link copied";
    } catch {
      $("share").textContent = "Link in the address bar";
    }
    history.replaceState(null, "", url);
    setTimeout(() => ($("share").textContent = "Copy link"), 2000);
  });

  loadHash();
  $("engine-status").textContent = "ready";
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  $("engine-status").textContent = `engine failed to load: ${err.message}`;
  throw err;
});
