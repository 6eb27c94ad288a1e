// The notebook's kernel: Pyodide (with the wasm engine and pricinglab, see ../python.js) in a
// module Web Worker, so a running cell never freezes the page.
//
// Page -> worker messages:
//   {type: "init", interruptBuffer: Uint8Array over a SharedArrayBuffer (or null)}
//   {type: "execute", id, code, session}   session: the notebook's; a new one gets a fresh namespace
// Worker -> page messages:
//   {type: "status", state: "starting" | "ready" | "busy" | "error", detail}
//   {type: "output", id, output}        an nbformat 4 output (kernel.py), while the cell runs
//   {type: "reply", id, status: "ok" | "error", execution_count}
//   {type: "info", python, pyodide, backend, startMs, phases}   once, when the kernel is ready
//
// Interrupt: the page writes 2 (SIGINT) into the shared interrupt buffer; Pyodide checks it
// while Python runs and raises KeyboardInterrupt (pyodide.setInterruptBuffer). The buffer is
// zeroed before each cell so that a late click cannot interrupt the next one.
import { startPython } from "../python.js";

const SIGINT_NONE = 0;
const KERNEL_MODULE = "_notebook_kernel";

let kernel = null; // the current session's Kernel.execute (one PyProxy, reused for every cell)
let kernelClass = null; // the Python Kernel class: one instance (namespace, counter) per session
let session = null;
let interruptBuffer = null;
let queue = Promise.resolve(); // cells run one after another, even across top-level awaits
let currentId = null;
let bootError = null; // why the kernel could not start, shown in each cell run afterwards

const post = (message) => self.postMessage(message);

// Python calls this with a dict for every output; it becomes a plain object for the page.
function emit(message) {
  const plain = message.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  message.destroy();
  post({ ...plain, id: currentId });
}

async function boot(buffer) {
  const t0 = performance.now();
  const phases = []; // [detail, ms since the worker's boot began], for the info line
  const starting = (detail) => {
    phases.push([detail, Math.round(performance.now() - t0)]);
    post({ type: "status", state: "starting", detail });
  };
  starting("starting");
  const pyodide = await startPython({ onStatus: starting });
  if (buffer) {
    interruptBuffer = buffer;
    pyodide.setInterruptBuffer(interruptBuffer);
  }
  // input() has no terminal here: make it fail clearly instead of hanging.
  pyodide.setStdin({ error: true });
  starting("starting kernel");
  const source = await fetch(new URL("./kernel.py", import.meta.url)).then((r) => {
    if (!r.ok) throw new Error(`kernel.py: HTTP ${r.status}`);
    return r.text();
  });
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.FS.writeFile(`${sitePackages}/${KERNEL_MODULE}.py`, source);
  const module = pyodide.pyimport(KERNEL_MODULE);
  // The Kernel lives as long as the worker; its bound method is looked up once (each lookup
  // would make a new proxy).
  // A copy: a borrowed attribute proxy dies with the module proxy it came from.
  kernelClass = module.Kernel.copy();
  kernel = kernelClass(emit).execute;
  module.destroy();
  const info = pyodide.runPython(
    "import sys, pricinglab; (sys.version.split()[0], getattr(pricinglab, \"backend\", \"unknown\"))",
  ).toJs();
  post({
    type: "info",
    python: info[0],
    backend: info[1],
    pyodide: pyodide.version,
    startMs: performance.now() - t0,
    phases,
  });
  post({ type: "status", state: "ready", detail: "ready" });
}

/** A notebook opened or created since the last cell gets a namespace of its own, as a Jupyter
 * notebook gets its own kernel (the previous one is dropped: one notebook is shown at a time). */
function useSession(name) {
  if (name === session || kernelClass === null) return;
  if (session !== null) {
    kernel.destroy();
    kernel = kernelClass(emit).execute;
  }
  session = name;
}

async function execute(id, code, name) {
  try {
    useSession(name);
  } catch (error) {
    kernel = null;
    bootError = `could not start a namespace for this notebook: ${error?.message ?? error}`;
  }
  if (kernel === null) {
    const evalue = `the kernel did not start (${bootError ?? "unknown error"}); press Restart to try again`;
    post({ type: "output", id, output: { output_type: "error", ename: "KernelError", evalue, traceback: [] } });
    post({ type: "reply", id, status: "error", execution_count: null });
    return;
  }
  currentId = id;
  if (interruptBuffer) interruptBuffer[0] = SIGINT_NONE;
  post({ type: "status", state: "busy", detail: "busy" });
  let reply;
  try {
    const result = await kernel(code);
    const plain = result.toJs({ dict_converter: Object.fromEntries });
    result.destroy();
    reply = { type: "reply", id, status: plain.status, execution_count: plain.execution_count };
  } catch (error) {
    // Only a failure of the kernel itself gets here (the cell's own errors are outputs).
    post({
      type: "output",
      id,
      output: { output_type: "error", ename: "KernelError", evalue: String(error), traceback: [String(error?.stack ?? error)] },
    });
    reply = { type: "reply", id, status: "error", execution_count: null };
  } finally {
    currentId = null;
  }
  post(reply);
  post({ type: "status", state: "ready", detail: "ready" });
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "init") {
    queue = boot(message.interruptBuffer).catch((error) => {
      kernel = null;
      bootError = String(error?.message ?? error);
      post({ type: "status", state: "error", detail: `kernel failed to start: ${error?.message ?? error}` });
    });
  } else if (message.type === "execute") {
    queue = queue.then(() => execute(message.id, message.code, message.session ?? null));
  }
};
