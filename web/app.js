// The lab page: inputs -> the wasm engine -> results, updating as you type.
// Errors come back from the engine as Error messages that start with the parameter's name
// ("spot must be > 0 (got -1)"), which is how they find the field they belong next to.
import init, * as wasm from "./pkg/wasm_core.js";

const FIELDS = ["spot", "strike", "expiry", "rate", "dividend", "vol"];
const GREEKS = [
  ["delta", "dV/dS"], ["gamma", "d²V/dS²"], ["speed", "d³V/dS³"],
  ["vega", "dV/dσ"], ["volga", "d²V/dσ²"], ["vanna", "d²V/dS dσ"], ["zomma", "d³V/dS² dσ"],
  ["theta", "dV/dt (per year)"], ["charm", "d delta/dt"], ["color", "d gamma/dt"], ["veta", "d vega/dt"],
  ["rho", "dV/dr"], ["epsilon", "dV/dq"],
];
const MC_DEBOUNCE_MS = 200;

const $ = (id) => document.getElementById(id);
const fmt = (x, digits = 10) => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : "–");

function clearErrors(ids) {
  for (const id of ids) {
    $(`error-${id}`).textContent = "";
    const input = $(id);
    if (input) input.removeAttribute("aria-invalid");
  }
}

/** Shows an engine error next to the field it names; returns false if it names none of `ids`. */
function showError(err, ids) {
  const message = err instanceof Error ? err.message : String(err);
  const param = message.split(/[\s[]/, 1)[0];
  const id = ids.includes(param) ? param : ids[0];
  $(`error-${id}`).textContent = message;
  const input = $(id);
  if (input) input.setAttribute("aria-invalid", "true");
}

/** The form's values in API order; an empty or unparsable field is NaN, which the engine rejects by name. */
function readInputs() {
  const values = { kind: $("kind").value };
  for (const f of FIELDS) values[f] = $(f).value.trim() === "" ? NaN : Number($(f).value);
  return values;
}

function buildGreeksTable() {
  const body = $("greeks-body");
  for (const [name, meaning] of GREEKS) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<th scope="row">${name}</th><td><output id="greek-${name}" data-testid="greek-${name}">–</output></td><td>${meaning}</td>`;
    body.appendChild(tr);
  }
}

function setGreeks(g) {
  $("price").value = g ? fmt(g.price) : "–";
  for (const [name] of GREEKS) $(`greek-${name}`).value = g ? fmt(g[name]) : "–";
}

function updateAnalytic(p) {
  clearErrors(["kind", ...FIELDS, "price"]);
  let g;
  try {
    g = wasm.greeks(p.kind, p.spot, p.strike, p.expiry, p.rate, p.dividend, p.vol);
  } catch (err) {
    showError(err, ["kind", ...FIELDS]);
    setGreeks(null);
    $("iv").value = $("iv-error").value = $("quote-iv").value = "–";
    return false;
  }
  setGreeks(g);
  try {
    const iv = wasm.implied_vol(p.kind, g.price, p.spot, p.strike, p.expiry, p.rate, p.dividend);
    $("iv").value = fmt(iv, 15);
    $("iv-error").value = p.vol > 0 ? Math.abs(iv / p.vol - 1).toExponential(2) : "–";
  } catch (err) {
    // The price sits on a no-arbitrage bound (e.g. vol or expiry 0): say so rather than invent a number.
    $("iv").value = err.message;
    $("iv-error").value = "–";
  }
  const quote = $("quote").value.trim();
  if (quote === "") {
    $("quote-iv").value = "–";
  } else {
    try {
      $("quote-iv").value = fmt(
        wasm.implied_vol(p.kind, Number(quote), p.spot, p.strike, p.expiry, p.rate, p.dividend), 15);
    } catch (err) {
      showError(err, ["price"]);
      $("quote-iv").value = "–";
    }
  }
  return g;
}

function runMonteCarlo(p, bsPrice) {
  clearErrors(["paths", "seed"]);
  const params = {
    model: "gbm", kind: p.kind, spot: p.spot, strike: p.strike, expiry: p.expiry,
    rate: p.rate, dividend: p.dividend, vol: p.vol,
    paths: Number($("paths").value), steps: 1, seed: Number($("seed").value),
  };
  try {
    const r = wasm.monte_carlo(params);
    $("mc-price").value = fmt(r.price, 8);
    $("mc-se").value = fmt(r.std_error, 3);
    $("mc-ci").value = `[${fmt(r.ci_low, 8)}, ${fmt(r.ci_high, 8)}]`;
    $("mc-z").value = r.std_error > 0
      ? `${fmt((bsPrice - r.price) / r.std_error, 3)} standard errors away` : "exact (no randomness)";
  } catch (err) {
    showError(err, ["paths", "seed"]);
    $("mc-price").value = $("mc-se").value = $("mc-ci").value = $("mc-z").value = "–";
  }
}

let mcTimer = 0;
function update() {
  const p = readInputs();
  const g = updateAnalytic(p);
  clearTimeout(mcTimer);
  if (!g) {
    $("mc-price").value = $("mc-se").value = $("mc-ci").value = $("mc-z").value = "–";
    return;
  }
  mcTimer = setTimeout(() => runMonteCarlo(p, g.price), MC_DEBOUNCE_MS);
}

async function main() {
  buildGreeksTable();
  await init();
  // Handy at the console, and what the browser tests call: the engine's exports.
  window.pricingLab = wasm;
  $("engine-version").textContent = `engine ${wasm.version()}`;
  for (const el of document.querySelectorAll("input, select")) el.addEventListener("input", update);
  $("inputs").addEventListener("submit", (e) => e.preventDefault());
  update();
  $("engine-status").textContent = "ready";
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  $("engine-status").textContent = `engine failed to load: ${err.message}`;
  throw err;
});
