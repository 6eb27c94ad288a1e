// The view in the URL hash, so a link reproduces it: `#model=heston&spot=120&plot=gamma`.
// Only values that differ from the defaults are written (short links); a field's default is its
// `data-default` attribute. The text of each field is kept verbatim, so the round trip is exact.

/** hash key -> element id; every key is a form control with a `data-default`. */
const CONTROLS = {
  kind: "kind", exercise: "exercise",
  spot: "spot", strike: "strike", expiry: "expiry", rate: "rate", dividend: "dividend", vol: "vol",
  v0: "v0", kappa: "kappa", theta: "theta", xi: "xi", rho: "rho", hurst: "hurst",
  paths: "paths", steps: "steps", seed: "seed", payoff: "payoff", barrier: "barrier", exercise_dates: "exercise_dates",
  quote: "quote", plot: "plot", paths_show: "paths-show", smile: "smile-csv", race_paths: "race-paths", race_steps: "race-steps",
};
const DEFAULT_MODEL = "gbm";
const WRITE_DELAY_MS = 250;

export function currentModel() {
  return document.querySelector('input[name="model"]:checked')?.value ?? DEFAULT_MODEL;
}

function setModel(model) {
  const radio = document.querySelector(`input[name="model"][value="${CSS.escape(model)}"]`);
  if (radio) radio.checked = true;
  return Boolean(radio);
}

/** The hash for the current view ("" when everything is at its default). */
export function stateHash() {
  const q = new URLSearchParams();
  const model = currentModel();
  if (model !== DEFAULT_MODEL) q.set("model", model);
  for (const [key, id] of Object.entries(CONTROLS)) {
    const el = document.getElementById(id);
    const fallback = el.dataset.default ?? (el.tagName === "SELECT" ? el.options[0]?.value : "");
    if (el.value !== fallback) q.set(key, el.value);
  }
  const s = q.toString();
  return s ? `#${s}` : "";
}

/** Puts a hash's values into the form (unknown keys and bad models are ignored). */
export function applyHash(hash) {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  setModel(q.get("model") ?? DEFAULT_MODEL);
  for (const [key, id] of Object.entries(CONTROLS)) {
    const el = document.getElementById(id);
    const fallback = el.dataset.default ?? (el.tagName === "SELECT" ? el.options[0]?.value : "");
    const value = q.has(key) ? q.get(key) : fallback;
    if (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === value)) continue;
    el.value = value;
  }
}

let timer = 0;
/** Writes the view into the address bar soon (debounced: Chromium throttles rapid history calls). */
export function saveSoon() {
  clearTimeout(timer);
  timer = setTimeout(saveNow, WRITE_DELAY_MS);
}

export function saveNow() {
  clearTimeout(timer);
  const hash = stateHash();
  if (hash !== location.hash && !(hash === "" && location.hash === "")) {
    history.replaceState(null, "", `${location.pathname}${location.search}${hash}`);
  }
}
