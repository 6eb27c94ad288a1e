// Black-Scholes-Merton price, Greeks and the implied-vol round trip, recomputed on every input
// (a few microseconds of wasm each: the page redraws synchronously as you type).
import { $, fmt, clearErrors, showError } from "./dom.js";
import { HESTON, MARKET, PLAUSIBLE_VOL, notANumber, numberOf } from "./fields.js";

export const GREEKS = [
  ["delta", "dV/dS"], ["gamma", "d²V/dS²"], ["speed", "d³V/dS³"],
  ["vega", "dV/dσ"], ["volga", "d²V/dσ²"], ["vanna", "d²V/dS dσ"], ["zomma", "d³V/dS² dσ"],
  ["theta", "dV/dt (per year)"], ["charm", "d delta/dt"], ["color", "d gamma/dt"], ["veta", "d vega/dt"],
  ["rho", "dV/dr"], ["epsilon", "dV/dq"],
];
const INPUT_IDS = ["kind", ...MARKET, "vol"];

/** The contract and market inputs in API order; an empty or unparsable field is NaN. */
export function readInputs() {
  const p = { kind: $("kind").value };
  for (const id of [...MARKET, "vol"]) p[id] = numberOf(id);
  return p;
}

export function buildGreeksTable() {
  const body = $("greeks-body");
  for (const [name, meaning] of GREEKS) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    const value = document.createElement("td");
    const out = document.createElement("output");
    out.id = `greek-${name}`;
    out.dataset.testid = `greek-${name}`;
    out.textContent = "–";
    value.append(out);
    const note = document.createElement("td");
    note.textContent = meaning;
    tr.append(th, value, note);
    body.append(tr);
  }
}

function setGreeks(g) {
  $("price").value = g ? fmt(g.price) : "–";
  for (const [name] of GREEKS) $(`greek-${name}`).value = g ? fmt(g[name]) : "–";
}

/** Prices `p`; shows errors by their fields. Returns the Greeks, or null when an input is invalid. */
export function updateAnalytic(engine, p) {
  clearErrors([...INPUT_IDS, "price"]);
  let g;
  try {
    for (const id of [...MARKET, "vol"]) {
      const problem = notANumber(id, $(id).value);
      if (problem) throw new Error(problem);
    }
    g = engine.greeks(p.kind, p.spot, p.strike, p.expiry, p.rate, p.dividend, p.vol);
  } catch (err) {
    showError(err, INPUT_IDS);
    setGreeks(null);
    $("iv").value = $("iv-error").value = $("quote-iv").value = "–";
    return null;
  }
  setGreeks(g);
  if (p.vol > PLAUSIBLE_VOL) {
    // Priced as typed, with a hint: a vol of 20 is 2,000 % a year.
    $("error-vol").textContent = `vol ${p.vol} is ${(p.vol * 100).toLocaleString("en")} % a year: did you mean ${p.vol / 100}?`;
  }
  try {
    const iv = engine.implied_vol(p.kind, g.price, p.spot, p.strike, p.expiry, p.rate, p.dividend);
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
      const problem = notANumber("price", quote);
      if (problem) throw new Error(problem);
      $("quote-iv").value = fmt(
        engine.implied_vol(p.kind, Number(quote), p.spot, p.strike, p.expiry, p.rate, p.dividend), 15);
    } catch (err) {
      showError(err, ["price"]);
      $("quote-iv").value = "–";
    }
  }
  return g;
}

/**
 * The selected model's own price next to Black-Scholes: Heston's semi-analytic price (the
 * engine's `heston_price`) and the Black-Scholes vol it implies, so a Monte Carlo run can be
 * checked against it. Rough Heston has no fast semi-analytic pricer in the engine: the row
 * says so. Returns the model price, or null.
 */
export function updateModelPrice(engine, p, model) {
  const row = $("model-price-row");
  row.hidden = model !== "heston" && model !== "rough_heston";
  $("model-price").value = $("model-iv").value = "–";
  if (row.hidden || !p) return null;
  clearErrors(HESTON);
  if (model === "rough_heston") {
    $("model-price-label").textContent = "rough Heston price";
    $("model-price").value = "no fast semi-analytic price: see Monte Carlo below";
    return null;
  }
  $("model-price-label").textContent = "Heston price (semi-analytic)";
  let price;
  try {
    for (const id of HESTON) {
      const problem = notANumber(id, $(id).value);
      if (problem) throw new Error(problem);
    }
    const h = HESTON.map(numberOf);
    price = engine.heston_price(p.kind, p.spot, p.strike, p.expiry, p.rate, p.dividend, ...h);
  } catch (err) {
    showError(err, HESTON);
    return null;
  }
  $("model-price").value = fmt(price);
  try {
    $("model-iv").value = fmt(engine.implied_vol(p.kind, price, p.spot, p.strike, p.expiry, p.rate, p.dividend), 10);
  } catch (err) {
    $("model-iv").value = err.message;
  }
  return price;
}
