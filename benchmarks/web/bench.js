// The page side of the Chromium engines (driven by benchmarks/engines/chromium.py):
//   wasm-chromium          one module worker running the task (bench.worker.js)
//   wasm-chromium-workers  Monte Carlo blocks split over N module workers, reduced here
//   pyodide-python         the CPython loop's source (benchmarks/heston_loop.py) inside Pyodide
// Everything the driver calls is on `window.bench`; results carry output columns as base64.
import init, * as wasm from "../../web/pkg/wasm_core.js";
import { parseSpec, columnNames, toFloat64, hestonParams } from "./tasks.js";

const wasmReady = init();

const status = (text) => {
  document.getElementById("status").textContent = text;
};

/** A module worker with request/response by id. */
class BenchWorker {
  constructor() {
    this.worker = new Worker(new URL("./bench.worker.js", import.meta.url), { type: "module" });
    this.pending = new Map();
    this.next = 0;
    this.worker.onmessage = ({ data }) => {
      const { resolve, reject } = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (data.ok) resolve(data.result);
      else reject(new Error(data.error));
    };
    this.worker.onerror = (event) => {
      for (const { reject } of this.pending.values()) reject(new Error(`worker error: ${event.message}`));
      this.pending.clear();
    };
  }

  request(cmd, args, transfer = []) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd, args }, transfer);
    });
  }

  terminate() {
    this.worker.terminate();
  }
}

/** Fetches a task directory written by benchmarks/workload.py: spec.txt and its columns. */
async function loadTask(dirUrl) {
  const get = async (name) => {
    const r = await fetch(new URL(name, dirUrl));
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
    return r;
  };
  const spec = parseSpec(await (await get("spec.txt")).text());
  const cols = {};
  for (const name of columnNames(spec)) cols[name] = toFloat64(await (await get(`${name}.f64`)).arrayBuffer());
  return { spec, cols };
}

function base64(f64) {
  const bytes = new Uint8Array(f64.buffer, f64.byteOffset, f64.byteLength);
  const chunk = 0x8000;
  let s = "";
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  return btoa(s);
}

function forDriver(result) {
  const { values, ...rest } = result;
  return values ? { ...rest, values_b64: base64(values) } : rest;
}

let single = null;

async function runSingle(dirUrl, repeats, warmup) {
  const { spec, cols } = await loadTask(dirUrl);
  single ??= new BenchWorker();
  status(`wasm-chromium: ${spec.task}`);
  const result = await single.request("run", { spec, cols, repeats, warmup });
  return forDriver(result);
}

let pool = null;

/** `total` blocks as `n` contiguous ranges whose sizes differ by at most one. */
function splitBlocks(total, n) {
  const ranges = [];
  let first = 0;
  for (let i = 0; i < n; i++) {
    const count = Math.floor(total / n) + (i < total % n ? 1 : 0);
    if (count > 0) ranges.push({ first, count });
    first += count;
  }
  return ranges;
}

/**
 * Heston on `n` workers (default: navigator.hardwareConcurrency): each simulates a contiguous
 * range of blocks; the page concatenates their block sums and reduces them (monte_carlo_finish),
 * which is bit-identical to one worker's monte_carlo(params). Timed from dispatching the ranges
 * to the reduced result, with the workers started and their wasm instantiated beforehand.
 */
async function runWorkers(dirUrl, repeats, warmup, n = navigator.hardwareConcurrency) {
  const { spec } = await loadTask(dirUrl);
  if (spec.task !== "heston") throw new Error(`workers: no block split for task ${spec.task}`);
  await wasmReady;
  const params = hestonParams(spec);
  if (!pool || pool.length !== n) {
    pool?.forEach((w) => w.terminate());
    pool = Array.from({ length: n }, () => new BenchWorker());
  }
  await Promise.all(pool.map((w) => w.request("ready", {})));
  status(`wasm-chromium-workers: ${spec.task} on ${n} workers`);
  const ranges = splitBlocks(wasm.monte_carlo_plan(params).blocks, n);
  let busy = [];
  const once = async () => {
    const parts = await Promise.all(ranges.map((r, i) => pool[i].request("blocks", { params, ...r })));
    busy.push(parts.map((p) => p.ms / 1000));
    const all = new Float64Array(parts.reduce((len, p) => len + p.sums.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p.sums, at);
      at += p.sums.length;
    }
    return wasm.monte_carlo_finish(params, all);
  };
  for (let i = 0; i < warmup; i++) await once();
  busy = [];
  const times = [];
  let last;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    last = await once();
    times.push((performance.now() - t0) / 1000);
  }
  // worker_busy: per timed repeat, the seconds each worker computed (wall time >= the largest).
  return { times, price: last.price, std_error: last.std_error, workers: n, blocks: ranges, worker_busy: busy };
}

let python = null;

/** The pure-Python Heston loop inside Pyodide, timed here around each call. */
async function runPyodide(loopUrl, dirUrl, repeats, warmup) {
  const { spec } = await loadTask(dirUrl);
  if (!python) {
    status("pyodide: booting");
    const { startPython } = await import("../../web/python.js");
    const pyodide = await startPython({ onStatus: status });
    const source = await (await fetch(loopUrl)).text();
    pyodide.FS.writeFile("/home/pyodide/heston_loop.py", source);
    python = { pyodide, loop: pyodide.pyimport("heston_loop").heston_mc_loop };
  }
  status(`pyodide-python: ${spec.task}`);
  const kwargs = { kind: spec.kind, paths: Number(spec.paths), steps: Number(spec.steps), seed: Number(spec.seed) };
  for (const k of ["spot", "strike", "expiry", "rate", "dividend", "v0", "kappa", "theta", "xi", "rho"]) {
    kwargs[k] = Number(spec[k]);
  }
  const call = () => {
    const proxy = python.loop.callKwargs(kwargs);
    const [price, stdError] = proxy.toJs();
    proxy.destroy();
    return [price, stdError];
  };
  for (let i = 0; i < warmup; i++) call();
  const times = [];
  let last;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    last = call();
    times.push((performance.now() - t0) / 1000);
  }
  return { times, price: last[0], std_error: last[1], pyodide: python.pyodide.version };
}

window.bench = {
  runSingle,
  runWorkers,
  runPyodide,
  hardwareConcurrency: navigator.hardwareConcurrency,
  crossOriginIsolated: self.crossOriginIsolated,
};
status("ready");
