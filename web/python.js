// Boots Pyodide (vendored, never a CDN) with the wasm engine importable as `wasm_core` and the
// pricinglab wheel installed, so `import pricinglab as pl` in Python uses the wasm backend.
// Works on the main thread and in a (module) Web Worker: the notebook's kernel runs it there.
import init, * as wasm from "./pkg/wasm_core.js";

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
  pyodide.registerJsModule("wasm_core", wasm);
  await pyodide.loadPackage(here(`./wheels/${manifest.pricinglab}`));
  pyodide.runPython("import pricinglab");
  return pyodide;
}
