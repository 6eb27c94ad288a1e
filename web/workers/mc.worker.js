// One Monte Carlo worker: its own instance of the wasm engine, computing what the pool asks.
//
// Messages in (each with an `id` the reply repeats):
//   {type: "init", module}                     instantiate the engine from a compiled WebAssembly.Module
//   {type: "blocks", id, params, first, count} the moments of blocks first .. first+count-1
//   {type: "paths", id, params, n, points}     n sample paths at `points` times, for the charts
//   {type: "batch", id, fn, args}              rows of a batch function (pool.js `batch`)
// Replies: {type: "ready"}, {type: "blocks", id, data: Float64Array}, {type: "paths", id, result},
// {type: "batch", id, result} (its columns transferred),
// {type: "error", id, message}. A run is cancelled by terminating the worker (the engine's loops
// cannot be interrupted from outside), so there is no "cancel" message.
import init, * as wasm from "../pkg/wasm_core.js";

/** The engine's row-independent batch functions a worker runs for the pool. */
const BATCH_FUNCTIONS = ["black_scholes_many", "greeks_many", "implied_vol_many", "american_many"];

let ready = null;

function reply(message, transfer = []) {
  self.postMessage(message, transfer);
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      // The pool compiles the module once and hands it to every worker: no refetch, no recompile.
      ready = init(msg.module ? { module_or_path: msg.module } : undefined);
      await ready;
      reply({ type: "ready", version: wasm.version() });
      return;
    }
    await ready;
    if (msg.type === "blocks") {
      const data = wasm.monte_carlo_blocks(msg.params, msg.first, msg.count);
      reply({ type: "blocks", id: msg.id, data }, [data.buffer]);
    } else if (msg.type === "batch") {
      if (!BATCH_FUNCTIONS.includes(msg.fn)) throw new Error(`mc.worker: ${msg.fn} is not a batch function`);
      const result = wasm[msg.fn](...msg.args);
      reply({ type: "batch", id: msg.id, result }, Object.values(result).map((column) => column.buffer));
    } else if (msg.type === "paths") {
      const result = wasm.monte_carlo_paths(msg.params, msg.n, msg.points);
      reply({ type: "paths", id: msg.id, result });
    } else {
      throw new Error(`mc.worker: unknown message type ${msg.type}`);
    }
  } catch (err) {
    reply({ type: "error", id: msg.id, message: err instanceof Error ? err.message : String(err) });
  }
};
