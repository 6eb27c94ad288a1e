// Boots Pyodide (vendored, never a CDN) with the wasm engine importable as `wasm_core` and the
// pricinglab wheel installed, so `import pricinglab as pl` in Python uses the wasm backend.
// Works on the main thread and in a (module) Web Worker: the notebook's kernel runs it there.
import init from "./pkg/wasm_core.js";
import { splittingEngine, startHelpers } from "./workers/sync_batch.js";

const here = (path) => new URL(path, import.meta.url).href;

/**
 * @param {{onStatus?: (text: string) => void}} [options]
 * @returns {Promise<any>} the Pyodide instance
 */
export async function startPython({ onStatus = () => {} } = {}) {
  onStatus("loading Python runtime");
  const [{ loadPyodide }, manifest] = await Promise.all([
    import(here("./vendor/pyodide/pyodide.mjs")),
    fetch(here("./wheels/manifest.json")).then((r) => {
      if (!r.ok) throw new Error(`wheels/manifest.json: HTTP ${r.status} (run ./build.sh)`);
      return r.json();
    }),
    init(),
  ]);
  const pyodide = await loadPyodide({ indexURL: here("./vendor/pyodide/") });
  onStatus("installing pricinglab");
  // In a worker (the notebook's kernel) of an isolated page, batches of many rows split across
  // helper workers, one per further core (workers/sync_batch.js); elsewhere this is the engine.
  pyodide.registerJsModule("wasm_core", splittingEngine());
  startHelpers().catch((err) => console.warn("batch helpers not started:", err));
  await pyodide.loadPackage(here(`./wheels/${manifest.pricinglab}`));
  pyodide.runPython("import pricinglab");
  return pyodide;
}
