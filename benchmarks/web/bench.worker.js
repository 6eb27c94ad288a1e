// One benchmark worker: its own instance of the wasm package (web/pkg), running a task on
// request. Timing happens here, around the API call only (tasks.js).
import init, * as wasm from "../../web/pkg/wasm_core.js";
import { runTask } from "./tasks.js";

const ready = init();

const commands = {
  /** Nothing: answers once the wasm module is instantiated. */
  ready() {
    return { result: true, transfer: [] };
  },
  /** A whole task, `repeats` times: {times, price?, std_error?, values?}. */
  run({ spec, cols, repeats, warmup }) {
    const result = runTask(wasm, spec, cols, repeats, warmup, () => performance.now());
    return { result, transfer: result.values ? [result.values.buffer] : [] };
  },
  /** Monte Carlo blocks `first .. first + count` of `params`, as flat block sums, and the
   *  milliseconds this worker spent on them (to see how far the workers overlapped). */
  blocks({ params, first, count }) {
    const t0 = performance.now();
    const sums = wasm.monte_carlo_blocks(params, first, count);
    return { result: { sums, ms: performance.now() - t0 }, transfer: [sums.buffer] };
  },
};

self.onmessage = async (event) => {
  const { id, cmd, args } = event.data;
  try {
    await ready;
    const { result, transfer } = commands[cmd](args);
    self.postMessage({ id, ok: true, result }, transfer);
  } catch (error) {
    self.postMessage({ id, ok: false, error: String(error?.stack ?? error) });
  }
};
