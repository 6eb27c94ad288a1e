// The lab's inputs: one table of parameters, rendered as a labelled number field (the value; its id
// is the API's parameter name, so engine errors find it) paired with a slider, kept in step.

/** [id, label, unit, default, slider min, max, step, group] */
const SPECS = [
  ["spot", "Spot", "", "100", 1, 300, 0.5, "market"],
  ["strike", "Strike", "", "100", 1, 300, 0.5, "market"],
  ["expiry", "Expiry", "years", "1", 0, 5, 0.01, "market"],
  ["rate", "Rate", "cont. comp.", "0.05", -0.05, 0.2, 0.001, "market"],
  ["dividend", "Dividend yield", "", "0", 0, 0.2, 0.001, "market"],
  ["vol", "Volatility", "Black-Scholes, GBM", "0.2", 0, 1.5, 0.005, "vol"],
  ["v0", "v0", "initial variance", "0.04", 0, 0.5, 0.001, "heston"],
  ["kappa", "kappa", "mean reversion", "1.5", 0, 10, 0.05, "heston"],
  ["theta", "theta", "long-run variance", "0.04", 0, 0.5, 0.001, "heston"],
  ["xi", "xi", "vol of variance", "0.3", 0, 2, 0.01, "heston"],
  ["rho", "rho", "spot-variance correlation", "-0.7", -1, 1, 0.01, "heston"],
  ["hurst", "Hurst", "roughness, (0, 0.5]", "0.1", 0.01, 0.5, 0.01, "rough"],
];

/** Monte Carlo settings: number fields only. [id, label, default, min, step] */
const MC_SPECS = [
  ["paths", "Paths", "100000", 1, 1],
  ["steps", "Steps", "", 1, 1],
  ["seed", "Seed", "1", 0, 1],
];

export const FIELDS = SPECS.map(([id, label, unit, value, min, max, step, group]) =>
  ({ id, label, unit, value, min, max, step, group }));
export const MC_FIELDS = MC_SPECS.map(([id, label, value, min, step]) => ({ id, label, value, min, step }));
export const MARKET = FIELDS.filter((f) => f.group === "market").map((f) => f.id);
export const HESTON = FIELDS.filter((f) => f.group === "heston").map((f) => f.id);

/** The models of the switch: API name -> label, and which field groups each uses. */
export const MODELS = {
  black_scholes: { label: "Black-Scholes", groups: ["market", "vol"], mc: null },
  gbm: { label: "GBM", groups: ["market", "vol"], mc: "gbm" },
  heston: { label: "Heston", groups: ["market", "vol", "heston"], mc: "heston" },
  rough_heston: { label: "rough Heston", groups: ["market", "vol", "heston", "rough"], mc: "rough_heston" },
};

function field({ id, label, unit, value, min, max, step, group }) {
  const row = document.createElement("div");
  row.className = "field slider-field";
  row.dataset.group = group;
  const lab = document.createElement("label");
  lab.htmlFor = id;
  lab.textContent = label;
  if (unit) {
    const small = document.createElement("small");
    small.textContent = ` (${unit})`;
    lab.append(small);
  }
  const range = document.createElement("input");
  Object.assign(range, { type: "range", id: `${id}-range`, min, max, step, value });
  range.setAttribute("aria-label", `${label} slider`);
  range.dataset.for = id;
  const num = document.createElement("input");
  // Text, not type=number: Chromium's number field silently drops a decimal comma ("100,5" reads
  // as 1005); numberOf parses strictly and the page says what it could not read.
  Object.assign(num, { type: "text", id, name: id, value, inputMode: "decimal", autocomplete: "off" });
  num.className = "num";
  num.dataset.default = value;
  num.dataset.step = String(step);
  const err = document.createElement("span");
  err.className = "error";
  err.id = `error-${id}`;
  err.setAttribute("role", "alert");
  // The number field first: it is first on screen (the slider spans the row below), so Tab
  // reaches it first.
  row.append(lab, num, range, err);
  return row;
}

/** Renders the slider fields into their group containers (`[data-fields=group]`). */
export function renderFields(root = document) {
  for (const f of FIELDS) root.querySelector(`[data-fields="${f.group}"]`).append(field(f));
}

/** Keeps each slider and its number field in step; `onInput` runs after either changes. */
export function linkSliders(onInput) {
  for (const f of FIELDS) {
    const num = document.getElementById(f.id);
    const range = document.getElementById(`${f.id}-range`);
    range.addEventListener("input", () => {
      num.value = range.value;
      onInput(num);
    });
    num.addEventListener("input", () => {
      syncSlider(f.id);
    });
  }
}

/** Moves a slider to its number field's value (clamped by the slider; the field keeps any value). */
export function syncSlider(id) {
  const num = document.getElementById(id);
  const range = document.getElementById(`${id}-range`);
  if (range && num.value.trim() !== "" && Number.isFinite(Number(num.value))) range.value = num.value;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number in a field, NaN when empty or unparsable (the engine rejects NaN by name). */
export function numberOf(id) {
  const text = document.getElementById(id).value.trim();
  return NUMBER.test(text) ? Number(text) : NaN;
}

/** Why `text` (the parameter `name`'s field) is not a number, or null if it is one or empty. */
export function notANumber(name, text) {
  const t = text.trim();
  if (t === "" || NUMBER.test(t)) return null;
  const hint = /^[+-]?\d*,\d+$/.test(t) ? `: decimals take a point (${t.replace(",", ".")})` : "";
  return `${name} "${t}" is not a number${hint}`;
}

/** Vols above this are far more likely a percentage typed as a number (20 for 20 %). */
export const PLAUSIBLE_VOL = 5;
