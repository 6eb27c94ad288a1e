// The benchmark tasks against the wasm package's JS API (docs/api.md), shared by the node engine
// (benchmarks/js/node_bench.mjs) and the browser worker (bench.worker.js), so both time exactly
// the same calls. Only the API call is timed: the input columns are already Float64Arrays.

/** Parses spec.txt (`key=value` lines, written by benchmarks/workload.py). */
export function parseSpec(text) {
  const spec = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) spec[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return spec;
}

/** The column names a task reads from `<name>.f64` files. */
export function columnNames(spec) {
  return spec.columns ? spec.columns.split(",") : [];
}

/** Little-endian float64 bytes -> Float64Array (a copy, so the buffer may be transferred). */
export function toFloat64(bytes) {
  const buf = bytes instanceof ArrayBuffer ? bytes : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return new Float64Array(buf.slice(0));
}

const HESTON_NUMBERS = ["spot", "strike", "expiry", "rate", "dividend", "v0", "kappa", "theta", "xi", "rho"];

/** The `monte_carlo(params)` argument of a Heston spec. */
export function hestonParams(spec) {
  const p = { model: spec.model, kind: spec.kind };
  for (const k of HESTON_NUMBERS) p[k] = Number(spec[k]);
  p.paths = Number(spec.paths);
  p.steps = Number(spec.steps);
  p.seed = Number(spec.seed);
  p.antithetic = spec.antithetic === "true";
  return p;
}

function firstBadRow(status) {
  const row = status.findIndex((s) => s !== 0);
  return row < 0 ? null : `row ${row} failed with status ${status[row]}`;
}

/** The call a task times, as a thunk, and how to read its result. */
function taskCall(wasm, spec, cols) {
  switch (spec.task) {
    case "heston": {
      const params = hestonParams(spec);
      return {
        call: () => wasm.monte_carlo(params),
        read: (r) => ({ price: r.price, std_error: r.std_error }),
      };
    }
    case "bs_batch": {
      const [kind, rate, dividend] = [spec.kind, Number(spec.rate), Number(spec.dividend)];
      return {
        call: () => wasm.black_scholes_many(kind, cols.spot, cols.strike, cols.expiry, rate, dividend, cols.vol),
        read: (r) => ({ values: r.price, error: firstBadRow(r.status) }),
      };
    }
    case "iv_batch": {
      const [kind, rate, dividend] = [spec.kind, Number(spec.rate), Number(spec.dividend)];
      return {
        call: () => wasm.implied_vol_many(kind, cols.price, cols.spot, cols.strike, cols.expiry, rate, dividend),
        read: (r) => ({ values: r.vol, error: firstBadRow(r.status) }),
      };
    }
    default:
      throw new Error(`unknown task ${spec.task}`);
  }
}

/**
 * Runs a task `warmup` times untimed, then `repeats` times timed with `now()` (milliseconds).
 * @returns {{times: number[], price?: number, std_error?: number, values?: Float64Array}}
 *   times in seconds.
 */
export function runTask(wasm, spec, cols, repeats, warmup, now) {
  const { call, read } = taskCall(wasm, spec, cols);
  for (let i = 0; i < warmup; i++) call();
  const times = [];
  let last;
  for (let i = 0; i < repeats; i++) {
    const t0 = now();
    last = call();
    times.push((now() - t0) / 1000);
  }
  const out = read(last);
  if (out.error) throw new Error(`${spec.task}: ${out.error}`);
  delete out.error;
  return { times, ...out };
}
