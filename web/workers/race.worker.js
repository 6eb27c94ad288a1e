// The race's Python lane: Pyodide in a worker, running pricinglab's pure-Python Monte Carlo
// (pricinglab.reference_mc: the engine's schemes and estimator re-implemented with `math` and
// `random` only; the wasm backend that `pricinglab.monte_carlo` would pick in Pyodide is bypassed).
//
// In:  {type: "boot"} then {type: "run", id, params}
// Out: {type: "status", text}, {type: "ready", interrupt?: Uint8Array},
//      {type: "result", id, result}, {type: "cancelled", id}, {type: "error", id?, message}
// Cancel: with cross-origin isolation the page writes 2 (SIGINT) into the shared interrupt buffer and
// Python raises KeyboardInterrupt at its next bytecode check; otherwise the page terminates the worker.
import { startPython } from "../python.js";

let py = null;
let run = null;

async function boot() {
  py = await startPython({ onStatus: (text) => self.postMessage({ type: "status", text }) });
  run = py.pyimport("pricinglab.reference_mc").monte_carlo;
  let interrupt;
  if (self.crossOriginIsolated) {
    interrupt = new Uint8Array(new SharedArrayBuffer(1));
    py.setInterruptBuffer(interrupt);
  }
  self.postMessage({ type: "ready", interrupt });
}

self.onmessage = async ({ data: msg }) => {
  if (msg.type === "boot") {
    try {
      await boot();
    } catch (err) {
      self.postMessage({ type: "error", message: `Python failed to start: ${err.message}` });
    }
    return;
  }
  if (msg.type !== "run") return;
  const params = py.toPy(msg.params);
  try {
    const out = run(params);
    const result = out.toJs({ dict_converter: Object.fromEntries });
    out.destroy();
    self.postMessage({ type: "result", id: msg.id, result });
  } catch (err) {
    if (err.type === "KeyboardInterrupt") self.postMessage({ type: "cancelled", id: msg.id });
    else self.postMessage({ type: "error", id: msg.id, message: err.message });
  } finally {
    params.destroy();
  }
};
