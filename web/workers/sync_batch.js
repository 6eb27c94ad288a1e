// Batch functions split across helper workers *synchronously*, for Pyodide: its Python calls
// the engine without awaiting, so the notebook's kernel worker cannot use the page pool's
// promises (pool.js). Instead it posts each helper a contiguous range of rows, prices its own
// range, and blocks on a shared counter (Atomics.wait, which workers may do) until every helper
// has written its rows into shared memory. Same rows, same engine: the result is the one-call
// result bit for bit. Needs a worker in a cross-origin isolated page (SharedArrayBuffer) and
// more than one core; otherwise, and for batches too small to split (pool.js BATCH_FUNCTIONS)
// or with columns of different lengths (the engine's own error), the engine runs the batch itself.
import * as wasm from "../pkg/wasm_core.js";
import { BATCH_FUNCTIONS, defaultWorkers, engineModule, isColumn } from "./pool.js";

/** How long the caller waits for a helper before giving up on the split (and running alone). */
const HELPER_TIMEOUT_MS = 120_000;

const helpers = []; // {worker, ready: boolean}
let lastParts = 1;

/** Whether this context can split: a worker, cross-origin isolated, with more than one core. */
export function canSplit() {
  return typeof WorkerGlobalScope !== "undefined" && globalThis.crossOriginIsolated === true && defaultWorkers() > 1;
}

/** Starts one helper per further core (each with its own engine instance); returns at once. */
export async function startHelpers() {
  if (!canSplit() || helpers.length) return;
  const module = await engineModule();
  for (let i = 1; i < defaultWorkers(); i++) {
    const worker = new Worker(new URL("./batch_helper.worker.js", import.meta.url), { type: "module" });
    const helper = { worker, ready: false };
    worker.onmessage = (event) => {
      if (event.data?.type === "ready") helper.ready = true;
    };
    worker.onerror = () => {
      helper.ready = false;
    };
    worker.postMessage({ type: "init", module });
    helpers.push(helper);
  }
}

/** `{helpers, ready, lastParts}`: how many helpers there are, how many have their engine, and
 * how many parts the last batch call was split into (1: not split). */
export function splitInfo() {
  return { helpers: helpers.length, ready: helpers.filter((h) => h.ready).length, lastParts };
}

/** `fn` (a batch function of the engine) with the synchronous split. */
export function splitting(fn) {
  const spec = BATCH_FUNCTIONS[fn];
  return (...args) => {
    lastParts = 1;
    const ready = helpers.filter((h) => h.ready);
    const columns = args.slice(0, spec.columns);
    const lengths = new Set(columns.filter(isColumn).map((c) => c.length));
    const rows = lengths.size === 1 ? [...lengths][0] : 0;
    const parts = Math.min(ready.length + 1, Math.floor(rows / spec.minRows));
    if (lengths.size !== 1 || parts < 2) return wasm[fn](...args);
    const range = (i) => [Math.floor((rows * i) / parts), Math.floor((rows * (i + 1)) / parts)];
    const slice = (from, to) => args.map((a, j) => (j < spec.columns && isColumn(a) ? a.slice(from, to) : a));
    // The result's shape (its column names) from one row, then shared columns for every row.
    const shape = wasm[fn](...slice(0, 1));
    const shared = {};
    for (const [key, column] of Object.entries(shape)) {
      const bytes = column.BYTES_PER_ELEMENT * rows;
      shared[key] = new column.constructor(new SharedArrayBuffer(bytes));
    }
    // [helpers done, helpers failed]
    const control = new Int32Array(new SharedArrayBuffer(8));
    const buffers = Object.fromEntries(Object.entries(shared).map(([k, v]) => [k, v.buffer]));
    for (let i = 1; i < parts; i++) {
      const [from, to] = range(i);
      const part = slice(from, to);
      // The slices are copies made for the helper: moved to it, not copied again.
      const transfer = part.filter((a) => ArrayBuffer.isView(a)).map((a) => a.buffer);
      ready[i - 1].worker.postMessage({ type: "rows", fn, args: part, from, buffers, control: control.buffer }, transfer);
    }
    const [from0, to0] = range(0);
    // The caller's own rows as views (no copy): the engine only reads them.
    const view = (a, j) => (j >= spec.columns || !isColumn(a) ? a : ArrayBuffer.isView(a) ? a.subarray(from0, to0) : a.slice(from0, to0));
    const own = wasm[fn](...args.map(view));
    for (const [key, column] of Object.entries(own)) shared[key].set(column, from0);
    const deadline = performance.now() + HELPER_TIMEOUT_MS;
    let done;
    while ((done = Atomics.load(control, 0)) < parts - 1) {
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(control, 0, done, left) === "timed-out") break;
    }
    if (Atomics.load(control, 0) < parts - 1 || Atomics.load(control, 1) > 0) {
      return wasm[fn](...args); // a helper failed or hung: the whole batch here
    }
    lastParts = parts;
    // Plain (unshared) copies, as the engine returns them.
    return Object.fromEntries(Object.entries(shared).map(([k, v]) => [k, v.slice()]));
  };
}

/** The engine's module namespace for Python, with its batch functions splitting (where they can). */
export function splittingEngine() {
  const engine = { ...wasm, batch_split_info: splitInfo };
  if (canSplit()) for (const fn of Object.keys(BATCH_FUNCTIONS)) engine[fn] = splitting(fn);
  return engine;
}
