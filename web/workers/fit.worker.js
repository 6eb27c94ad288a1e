// The Market card's fitting worker: its own instance of the wasm engine, so a fit never freezes
// the page. Messages in: {type: "init", module}; {type: "fit", id, market, slices, quotes} with
// `slices` [{t, forward, strike, vol}] (one per expiry) and `quotes` the calibrate_heston columns.
// The SSVI surface is fitted to the slices' quotes together.
// Replies: {type: "ready"}; {type: "progress", id, stage, done, total} after each stage;
// {type: "result", id, smiles: [{fit} | {error}], surface: {fit} | {error}, heston: {fit} | {error}};
// {type: "error", id, message}.
import init, * as wasm from "../pkg/wasm_core.js";

let ready = null;

function outcome(fn) {
  try {
    return { fit: fn() };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      ready = init(msg.module ? { module_or_path: msg.module } : undefined);
      await ready;
      self.postMessage({ type: "ready" });
      return;
    }
    await ready;
    if (msg.type !== "fit") throw new Error(`fit.worker: unknown message type ${msg.type}`);
    const total = msg.slices.length + 1;
    const smiles = msg.slices.map((s, i) => {
      const r = outcome(() => wasm.fit_svi(s.strike, s.vol, s.t, s.forward));
      self.postMessage({ type: "progress", id: msg.id, stage: `SVI smile ${i + 1} of ${msg.slices.length}`, done: i + 1, total });
      return r;
    });
    const column = (f) => Float64Array.from(msg.slices.flatMap((s) => Array.from(s.strike, (_, j) => f(s, j))));
    const surface = msg.slices.length ? outcome(() => {
      const r = wasm.fit_ssvi(column((s, j) => s.strike[j]), column((s, j) => s.vol[j]),
        column((s) => s.t), column((s) => s.forward));
      return { ...r, expiry: Array.from(r.expiry), theta: Array.from(r.theta) };
    }) : null;
    self.postMessage({ type: "progress", id: msg.id, stage: "calibrating Heston", done: msg.slices.length, total });
    const heston = msg.quotes.price.length ? outcome(() => wasm.calibrate_heston({ ...msg.market, ...msg.quotes })) : null;
    self.postMessage({ type: "result", id: msg.id, smiles, surface, heston });
  } catch (err) {
    self.postMessage({ type: "error", id: msg.id, message: err instanceof Error ? err.message : String(err) });
  }
};
