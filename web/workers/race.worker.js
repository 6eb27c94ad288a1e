// The race's Python lane: Pyodide in a worker, running heston_qe.py (pure Python).
//
// In:  {type: "boot"} then {type: "run", id, params}
// Out: {type: "status", text}, {type: "ready", interrupt?: Uint8Array}, {type: "progress", id, fraction},
//      {type: "result", id, result, seconds}, {type: "cancelled", id}, {type: "error", id?, message}
// Cancel: with cross-origin isolation the page writes 2 (SIGINT) into the shared interrupt buffer and
// Python raises KeyboardInterrupt at its next bytecode check; otherwise the page terminates the worker.
import { startPython } from "../python.js";

let py = null;
let run = null;

async function boot() {
  py = await startPython({ onStatus: (text) => self.postMessage({ type: "status", text }) });
  const source = await fetch(new URL("./heston_qe.py", import.meta.url)).then((r) => {
    if (!r.ok) throw new Error(`heston_qe.py: HTTP ${r.status}`);
    return r.text();
  });
  py.runPython(source);
  run = py.globals.get("heston_qe_mc");
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
  const progress = (fraction) => self.postMessage({ type: "progress", id: msg.id, fraction });
  const params = py.toPy(msg.params);
  try {
    const t0 = performance.now();
    const out = run(params, progress);
    const seconds = (performance.now() - t0) / 1000;
    const result = out.toJs({ dict_converter: Object.fromEntries });
    out.destroy();
    self.postMessage({ type: "result", id: msg.id, result, seconds });
  } catch (err) {
    if (err.type === "KeyboardInterrupt") self.postMessage({ type: "cancelled", id: msg.id });
    else self.postMessage({ type: "error", id: msg.id, message: err.message });
  } finally {
    params.destroy();
  }
};
