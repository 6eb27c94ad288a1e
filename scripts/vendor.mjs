// Copies the runtime files the pages load from node_modules into web/vendor (git-ignored),
// so nothing is fetched from a CDN. Run by build.sh after `npm ci`.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "web", "vendor");

// [package, files to copy, destination folder under web/vendor]
const copies = [
  ["pyodide", ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"], "pyodide"],
  // uPlot: the lab page's charts (canvas; styles only through the CSSOM, which the CSP allows).
  ["uplot", ["dist/uPlot.esm.js", "dist/uPlot.min.css", "LICENSE"], "uplot"],
];

rmSync(out, { recursive: true, force: true });
for (const [pkg, files, dest] of copies) {
  const from = join(root, "node_modules", pkg);
  mkdirSync(join(out, dest), { recursive: true });
  for (const f of files) {
    const src = join(from, f);
    if (!existsSync(src)) throw new Error(`vendor: ${pkg}/${f} is missing; run npm ci`);
    cpSync(src, join(out, dest, f.split("/").pop()));
  }
}
console.log(`vendor: ${copies.length} package(s) copied to web/vendor`);
