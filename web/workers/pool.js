// A pool of Monte Carlo workers, each with its own instance of the wasm engine.
//
// A run is cut into tasks of contiguous block ranges; idle workers take the next task; the blocks'
// moments come back and are reduced *in block order* by the engine's `monte_carlo_finish`. Each block's
// moments depend only on its own samples (every sample has its own random stream), so the result
// is bit-identical for 1 or N workers and for any task size. Cancelling terminates the workers busy
// with the run (wasm loops cannot be interrupted); fresh ones are started when next needed.
//
// Without cross-origin isolation the pool uses a single worker (still off the main thread).
import init, * as wasm from "../pkg/wasm_core.js";

const WORKER_URL = new URL("./mc.worker.js", import.meta.url);
const WASM_URL = new URL("../pkg/wasm_core_bg.wasm", import.meta.url);
/** Work per task, in simulated path-steps: about 20-50 ms of wasm, short enough for smooth progress
 * and quick load balancing, long enough that messaging costs nothing. */
const TASK_PATH_STEPS = 2_000_000;
/** At least this many tasks per worker when the run is big enough (load balance at the end). */
const TASKS_PER_WORKER = 4;
/** Upper limit on the pool size, whatever the browser reports. */
const MAX_WORKERS = 64;

let compiled = null;
/** The engine compiled once per page, shared by the main thread and every worker. */
export function engineModule() {
  compiled ??= WebAssembly.compileStreaming(fetch(WASM_URL));
  return compiled;
}

/** The number of workers a pool gets by default: one per logical core. */
export function defaultWorkers() {
  return Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1));
}

/** The batch functions `batch` splits: how many of their leading arguments are row columns (the
 * rest: `accuracy` of `american_many`), and the fewest rows per part worth a worker, about 10 ms
 * of wasm each (about 0.25, 0.6, 0.8 and 500 µs a row): below it messaging costs what the split
 * saves. */
export const BATCH_FUNCTIONS = {
  black_scholes_many: { columns: 7, minRows: 50_000 },
  greeks_many: { columns: 7, minRows: 20_000 },
  implied_vol_many: { columns: 7, minRows: 20_000 },
  american_many: { columns: 7, minRows: 20 },
};

/** A row column of a batch (an array or typed array; a number or a string broadcasts). */
export function isColumn(a) {
  return Array.isArray(a) || ArrayBuffer.isView(a);
}

function abortError(signal) {
  return signal?.reason instanceof Error ? signal.reason : new DOMException("Monte Carlo run cancelled", "AbortError");
}

/** Rough Heston's cost per step relative to Heston's (its memory is carried by several factors). */
export const ROUGH_COST_FACTOR = 8;

/** How many blocks one task covers. */
function blocksPerTask(params, plan, size) {
  const perPath = plan.steps * (params.model === "rough_heston" ? ROUGH_COST_FACTOR : 1);
  const blockPaths = plan.block_samples * (params.antithetic === false ? 1 : 2);
  const byCost = Math.max(1, Math.floor(TASK_PATH_STEPS / (blockPaths * perPath)));
  const byBalance = Math.max(1, Math.ceil(plan.blocks / (TASKS_PER_WORKER * size)));
  return Math.min(byCost, byBalance);
}

export class McPool {
  /**
   * @param {number} [n] workers wanted (default: navigator.hardwareConcurrency). Only one is used
   *   when the page is not cross-origin isolated.
   */
  constructor(n = defaultWorkers()) {
    this.isolated = globalThis.crossOriginIsolated === true;
    const wanted = Math.max(1, Math.min(MAX_WORKERS, Math.floor(Number(n)) || 1));
    /** The number of workers actually used. */
    this.size = this.isolated ? wanted : 1;
    this._workers = [];
    this._queue = [];
    this._nextId = 1;
  }

  /** Starts every worker and waits until each has its engine (so timings exclude start-up). */
  async warm() {
    await this._ensureEngine();
    while (this._workers.length < this.size) this._spawn();
    await Promise.all(this._workers.map((w) => w.ready));
  }

  /**
   * Prices `params` (docs/api.md, "Monte Carlo") across the pool.
   * @param {object} params
   * @param {{onProgress?: (p: {done: number, total: number, fraction: number}) => void,
   *          signal?: AbortSignal}} [options]
   * @returns {Promise<object>} the engine's result, plus `workers` (pool size), `blockSums` (the
   *   per-block moments in block order, `blockLen` numbers each, for convergence charts via
   *   `monte_carlo_finish`), `blockSamples` (samples per block, from the engine's plan).
   */
  async run(params, { onProgress = () => {}, signal } = {}) {
    if (signal?.aborted) throw abortError(signal);
    await this._ensureEngine();
    const plan = wasm.monte_carlo_plan(params); // throws the engine's message for invalid params
    const per = blocksPerTask(params, plan, this.size);
    const job = { signal, tasks: new Set(), failed: null };
    const chunks = [];
    let done = 0;
    const pending = [];
    for (let first = 0; first < plan.blocks; first += per) {
      const count = Math.min(per, plan.blocks - first);
      pending.push(
        this._submit(job, { type: "blocks", params, first, count }).then((data) => {
          chunks.push([first, data]);
          done += count;
          onProgress({ done, total: plan.blocks, fraction: done / plan.blocks });
        }),
      );
    }
    await this._settle(job, pending);
    chunks.sort((a, b) => a[0] - b[0]);
    const blockSums = new Float64Array(chunks.reduce((n, [, d]) => n + d.length, 0));
    let at = 0;
    for (const [, data] of chunks) {
      blockSums.set(data, at);
      at += data.length;
    }
    const result = wasm.monte_carlo_finish(params, blockSums);
    return { ...result, workers: this.size, blockSums, blockLen: plan.block_len, blockSamples: plan.block_samples };
  }

  /**
   * Sample paths for the charts (one task, on one worker): the engine's `monte_carlo_paths`,
   * `{times, spot, variance}` with `spot`/`variance` row-major, `n` rows of `times.length`.
   */
  async samplePaths(params, n, points, { signal } = {}) {
    if (signal?.aborted) throw abortError(signal);
    await this._ensureEngine();
    const job = { signal, tasks: new Set(), failed: null };
    const [result] = await this._settle(job, [this._submit(job, { type: "paths", params, n, points })]);
    return result;
  }

  /**
   * A batch function (`black_scholes_many`, `greeks_many`, `implied_vol_many`, `american_many`)
   * on the pool: the same arguments and result as the engine's, its rows split into one
   * contiguous range per worker (every row is computed alone, so the result is the engine's,
   * bit for bit). Batches too small for two parts (`BATCH_FUNCTIONS`), and any whose columns
   * do not all have one length (the engine's own error), run on the calling thread.
   * @param {string} fn
   * @param {Array} args the engine function's arguments (numbers, arrays, typed arrays)
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<object>} `{price | vol | <greeks>, status}` as the engine returns it
   */
  async batch(fn, args, { signal } = {}) {
    if (signal?.aborted) throw abortError(signal);
    const spec = BATCH_FUNCTIONS[fn];
    if (!spec) throw new Error(`batch: fn must be one of ${Object.keys(BATCH_FUNCTIONS).join(", ")} (got ${fn})`);
    await this._ensureEngine();
    const columns = args.slice(0, spec.columns);
    const lengths = new Set(columns.filter(isColumn).map((c) => c.length));
    const rows = lengths.size === 1 ? [...lengths][0] : 0;
    const parts = Math.min(this.size, Math.floor(rows / spec.minRows));
    if (lengths.size !== 1 || parts < 2) return wasm[fn](...args);
    const job = { signal, tasks: new Set(), failed: null };
    const pending = [];
    for (let i = 0; i < parts; i++) {
      const [from, to] = [Math.floor((rows * i) / parts), Math.floor((rows * (i + 1)) / parts)];
      const part = args.map((a, j) => (j < columns.length && isColumn(a) ? a.slice(from, to) : a));
      // The slices are the pool's own copies: moved to the worker, not copied again.
      const transfer = part.filter((a) => ArrayBuffer.isView(a)).map((a) => a.buffer);
      pending.push(this._submit(job, { type: "batch", fn, args: part }, transfer));
    }
    const results = await this._settle(job, pending);
    const out = {};
    for (const key of Object.keys(results[0])) {
      const column = new results[0][key].constructor(rows);
      let at = 0;
      for (const r of results) {
        column.set(r[key], at);
        at += r[key].length;
      }
      out[key] = column;
    }
    return out;
  }

  /** Stops every worker; the pool can still be used (it starts new ones). */
  terminate() {
    for (const w of this._workers) w.worker.terminate();
    for (const w of this._workers) w.task?.reject(new DOMException("pool terminated", "AbortError"));
    this._workers = [];
    for (const t of this._queue) t.reject(new DOMException("pool terminated", "AbortError"));
    this._queue = [];
  }

  // -------------------------------------------------------------------------------------------

  async _ensureEngine() {
    this._module ??= await engineModule();
    await init({ module_or_path: this._module }); // a no-op once the page's engine is loaded
  }

  /** Waits for a job's tasks; on abort or the first failure, cancels the rest and throws. */
  _settle(job, pending) {
    return new Promise((resolve, reject) => {
      const fail = (err) => {
        if (job.failed) return;
        job.failed = err;
        this._cancel(job);
        reject(err);
      };
      const onAbort = () => fail(abortError(job.signal));
      if (job.signal?.aborted) return onAbort();
      job.signal?.addEventListener("abort", onAbort, { once: true });
      Promise.all(pending).then(
        (values) => {
          job.signal?.removeEventListener("abort", onAbort);
          if (!job.failed) resolve(values);
        },
        (err) => {
          job.signal?.removeEventListener("abort", onAbort);
          fail(err);
        },
      );
    });
  }

  _submit(job, message, transfer = []) {
    return new Promise((resolve, reject) => {
      const task = { id: this._nextId++, job, message, transfer, resolve, reject };
      job.tasks.add(task);
      this._queue.push(task);
      this._pump();
    });
  }

  /** Drops a job's queued tasks and terminates the workers running its others. */
  _cancel(job) {
    const err = job.failed ?? new DOMException("cancelled", "AbortError");
    this._queue = this._queue.filter((t) => t.job !== job);
    for (const w of [...this._workers]) {
      if (w.task?.job === job) this._retire(w);
    }
    for (const t of job.tasks) t.reject(err); // settles the job's promises (already failed)
    job.tasks.clear();
  }

  _retire(w) {
    w.worker.terminate();
    this._workers = this._workers.filter((x) => x !== w);
    w.task = null;
  }

  _spawn() {
    const worker = new Worker(WORKER_URL, { type: "module", name: `mc-${this._workers.length}` });
    const w = { worker, task: null, ready: null, isReady: false };
    let started, failedToStart;
    w.ready = new Promise((resolve, reject) => {
      started = resolve;
      failedToStart = reject;
    });
    w.ready.catch(() => {}); // surfaced through the tasks
    const fail = (err) => {
      const task = w.task;
      this._retire(w);
      failedToStart(err);
      task?.reject(err);
      // A worker that cannot even start will not be the last: fail what waits rather than hang.
      if (!w.isReady) for (const t of this._queue.splice(0)) t.reject(err);
    };
    worker.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === "ready") {
        w.isReady = true;
        started();
        this._pump();
      } else if (msg.type === "error" && msg.id === undefined) {
        fail(new Error(`Monte Carlo worker failed to start: ${msg.message}`));
      } else {
        this._finish(w, msg);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(new Error(`Monte Carlo worker failed: ${event.message || "could not load its script"}`));
    };
    worker.postMessage({ type: "init", module: this._module });
    this._workers.push(w);
    return w;
  }

  _finish(w, msg) {
    const task = w.task;
    w.task = null;
    if (task && task.id === msg.id) {
      task.job.tasks.delete(task);
      if (msg.type === "error") task.reject(new Error(msg.message));
      else task.resolve(msg.type === "blocks" ? msg.data : msg.result);
    }
    this._pump();
  }

  _pump() {
    for (const w of this._workers) {
      if (this._queue.length === 0) break;
      if (!w.isReady || w.task) continue;
      const task = this._queue.shift();
      w.task = task;
      w.worker.postMessage({ ...task.message, id: task.id }, task.transfer);
    }
    // Start workers (all at once, up to the pool size) for the tasks no starting worker will take.
    const starting = this._workers.filter((w) => !w.isReady).length;
    const more = Math.min(this.size - this._workers.length, this._queue.length - starting);
    for (let i = 0; i < more; i++) this._spawn();
  }
}
