// The race panel: one Heston Monte Carlo, the same paths and steps, in three lanes run one after the
// other (so they never compete for cores): WASM on one worker, WASM on every worker, pure Python in
// Pyodide. Times are wall-clock on this page, from handing over the work to holding the result;
// engine and Python start-up are excluded (workers are warmed, Pyodide is booted first).
import { $, h, fmt, messageOf, paramOf } from "./dom.js";
import { McPool } from "../workers/pool.js";
import { holdWhile, mcParams } from "./montecarlo.js";

const RACE_WORKER_URL = new URL("../workers/race.worker.js", import.meta.url);

let engine = null;
let mainPool = null;
let onePool = null;
let python = null; // {worker, ready: Promise, interrupt?: Uint8Array}
let controller = null;
let nextId = 1;

export function initRace(wasm, pool) {
  engine = wasm;
  mainPool = pool;
  onePool = new McPool(1);
  $("race-run").addEventListener("click", () => holdWhile("paused while the race runs", race()));
  $("race-cancel").addEventListener("click", () => controller?.abort());
}

function lanes() {
  const n = mainPool.size;
  return [
    { id: "wasm1", label: "WASM, 1 worker" },
    { id: "wasmN", label: `WASM, ${n} worker${n > 1 ? "s" : ""}${mainPool.isolated ? "" : " (not cross-origin isolated)"}` },
    { id: "python", label: "Python, pure (Pyodide)" },
  ];
}

function setState(state, text) {
  $("race").dataset.state = state;
  $("race-status").textContent = text;
}

function row(lane) {
  const cell = (what) => h("td", { "data-testid": `race-${what}-${lane.id}`, text: "–" });
  return h("tr", { id: `race-row-${lane.id}`, "data-testid": `race-row-${lane.id}` },
    h("th", { scope: "row", text: lane.label }), cell("time"), cell("price"), cell("size"), cell("speed"));
}

function fill(id, r, seconds) {
  $(`race-row-${id}`).classList.remove("running");
  $(`race-row-${id}`).dataset.seconds = String(seconds);
  document.querySelector(`[data-testid="race-time-${id}"]`).textContent =
    seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`;
  document.querySelector(`[data-testid="race-price-${id}"]`).textContent = `${fmt(r.price, 6)} ± ${fmt(r.std_error, 2)}`;
  document.querySelector(`[data-testid="race-size-${id}"]`).textContent = `${r.paths.toLocaleString("en")} × ${r.steps}`;
}

function speeds() {
  const py = Number($("race-row-python").dataset.seconds);
  for (const { id } of lanes()) {
    const s = Number($(`race-row-${id}`).dataset.seconds);
    const cell = document.querySelector(`[data-testid="race-speed-${id}"]`);
    if (!(s > 0 && py > 0)) continue;
    const x = py / s;
    cell.textContent = id === "python" ? "1× (baseline)" : `${x >= 10 ? Math.round(x) : x.toFixed(1)}×`;
    cell.classList.toggle("fast", x > 1.5);
  }
}

function raceParams() {
  for (const id of ["race-paths", "race-steps"]) {
    $(id).removeAttribute("aria-invalid");
    $(`error-${id}`).textContent = "";
  }
  return mcParams("heston", { paths: Number($("race-paths").value), steps: Number($("race-steps").value) });
}

function bootPython(signal) {
  if (!python) {
    const worker = new Worker(RACE_WORKER_URL, { type: "module", name: "race-python" });
    python = { worker, listeners: new Set() };
    python.ready = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === "ready") {
          python.interrupt = data.interrupt;
          resolve();
        } else if (data.type === "error" && data.id === undefined) reject(new Error(data.message));
        else if (data.type === "status") $("race-status").textContent = `${data.text} (not timed)…`;
        for (const fn of python.listeners) fn(data);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`Python worker failed: ${e.message}`));
      };
    });
    python.ready.catch(() => {
      python?.worker.terminate();
      python = null;
    });
    worker.postMessage({ type: "boot" });
  }
  return abortable(python.ready, signal);
}

function abortable(promise, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new DOMException("cancelled", "AbortError"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function runPython(params, signal) {
  const id = nextId++;
  const py = python;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let tick = 0;
    const done = () => {
      clearInterval(tick);
      py.listeners.delete(listen);
      signal.removeEventListener("abort", onAbort);
    };
    // pricinglab's reference has no progress hook: show the time running instead.
    tick = setInterval(() => {
      $("race-status").textContent = `Python: ${((performance.now() - t0) / 1000).toFixed(1)} s…`;
    }, 200);
    const listen = (msg) => {
      if (msg.id !== id) return;
      if (msg.type === "result") {
        done();
        resolve({ result: msg.result, seconds: (performance.now() - t0) / 1000 });
      } else if (msg.type === "cancelled" || msg.type === "error") {
        done();
        reject(msg.type === "cancelled" ? new DOMException("cancelled", "AbortError") : new Error(msg.message));
      }
    };
    const onAbort = () => {
      if (py.interrupt) {
        py.interrupt[0] = 2; // SIGINT: KeyboardInterrupt at Python's next check
      } else {
        py.worker.terminate(); // no shared memory: stopping the worker is the only way
        if (python === py) python = null;
        done();
        reject(new DOMException("cancelled", "AbortError"));
      }
    };
    py.listeners.add(listen);
    signal.addEventListener("abort", onAbort, { once: true });
    if (py.interrupt) py.interrupt[0] = 0;
    py.worker.postMessage({ type: "run", id, params });
  });
}

async function timed(fn) {
  const t0 = performance.now();
  const result = await fn();
  return { result, seconds: (performance.now() - t0) / 1000 };
}

/** Runs the three lanes in turn. */
export async function race() {
  controller?.abort();
  const ctl = new AbortController();
  controller = ctl;
  const { signal } = ctl;
  const params = raceParams();
  try {
    engine.monte_carlo_plan(params); // validate first: a bad input is reported before anything starts
  } catch (err) {
    const msg = messageOf(err);
    const id = { paths: "race-paths", steps: "race-steps" }[paramOf(msg)];
    if (id) {
      $(id).setAttribute("aria-invalid", "true");
      $(`error-${id}`).textContent = msg;
    }
    setState("error", `not run: ${msg}`);
    controller = null;
    return;
  }
  const body = $("race-body");
  body.replaceChildren(...lanes().map(row));
  $("race-run").disabled = true;
  $("race-cancel").disabled = false;
  setState("running", "warming up the workers (not timed)…");
  try {
    await abortable(Promise.all([onePool.warm(), mainPool.warm()]), signal);
    for (const [id, pool] of [["wasm1", onePool], ["wasmN", mainPool]]) {
      $(`race-row-${id}`).classList.add("running");
      setState("running", `${id === "wasm1" ? "WASM on 1 worker" : `WASM on ${pool.size} workers`}…`);
      const { result, seconds } = await timed(() => pool.run(params, { signal }));
      fill(id, result, seconds);
    }
    setState("running", "starting Python (not timed)…");
    await bootPython(signal);
    $("race-row-python").classList.add("running");
    setState("running", "Python…");
    const { result, seconds } = await runPython(params, signal);
    fill("python", result, seconds);
    speeds();
    setState("done", "done: same model, paths and steps in every lane");
  } catch (err) {
    for (const tr of body.querySelectorAll("tr.running")) tr.classList.remove("running");
    if (signal.aborted) setState("cancelled", "cancelled");
    else setState("error", `failed: ${messageOf(err)}`);
  } finally {
    if (controller === ctl) controller = null;
    $("race-run").disabled = false;
    $("race-cancel").disabled = true;
  }
}
