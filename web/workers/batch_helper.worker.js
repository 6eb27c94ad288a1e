// A helper of sync_batch.js: prices the rows it is posted with its own engine instance and writes
// them into the caller's shared columns, then counts itself done on the shared control word.
//   {type: "init", module}   the compiled engine (WebAssembly.Module); replies {type: "ready"}
//   {type: "rows", fn, args, from, buffers: {column: SharedArrayBuffer}, control: SharedArrayBuffer}
import init, * as wasm from "../pkg/wasm_core.js";

const BATCH_FUNCTIONS = ["black_scholes_many", "greeks_many", "implied_vol_many", "american_many"];

self.onmessage = async (event) => {
  const msg = event.data;
  if (msg.type === "init") {
    await init({ module_or_path: msg.module });
    self.postMessage({ type: "ready" });
    return;
  }
  const control = new Int32Array(msg.control);
  try {
    if (msg.type !== "rows" || !BATCH_FUNCTIONS.includes(msg.fn)) throw new Error(`batch_helper: bad message ${msg.type} ${msg.fn}`);
    const result = wasm[msg.fn](...msg.args);
    for (const [key, column] of Object.entries(result)) {
      new column.constructor(msg.buffers[key]).set(column, msg.from);
    }
  } catch (err) {
    Atomics.add(control, 1, 1);
    console.error(err);
  }
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
};
