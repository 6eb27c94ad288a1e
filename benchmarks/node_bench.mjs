// The `wasm-node` engine: the wasm package (web/pkg, --target web) in node, one thread.
//
//   node benchmarks/node_bench.mjs <dir> <repeats> <warmup>
//
// <dir> holds spec.txt and the input columns (benchmarks/workload.py). Prints one line of JSON
// ({times, price?, std_error?}); a batch task's output column goes to <dir>/out.f64.
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

import { parseSpec, columnNames, toFloat64, runTask } from "./web/tasks.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [dir, repeats, warmup] = process.argv.slice(2);
if (!dir || !(Number(repeats) >= 1) || !(Number(warmup) >= 0)) {
  console.error("usage: node node_bench.mjs <dir> <repeats> <warmup>");
  process.exit(2);
}

const wasm = await import(join(root, "web", "pkg", "wasm_core.js"));
await wasm.default({ module_or_path: readFileSync(join(root, "web", "pkg", "wasm_core_bg.wasm")) });

const spec = parseSpec(readFileSync(join(dir, "spec.txt"), "utf8"));
const cols = {};
for (const name of columnNames(spec)) cols[name] = toFloat64(readFileSync(join(dir, `${name}.f64`)));

const { values, ...result } = runTask(wasm, spec, cols, Number(repeats), Number(warmup), () => performance.now());
if (values) writeFileSync(join(dir, "out.f64"), new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
console.log(JSON.stringify({ ...result, node: process.version }));
