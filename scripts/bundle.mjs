// Bundles the notebook's third-party modules (CodeMirror 6, marked, DOMPurify; see
// scripts/notebook-deps.mjs) from node_modules into web/notebook/dist/deps.js with esbuild.
// Run by build.sh after `npm ci`; the output is git-ignored.
import { build } from "esbuild";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: [join(root, "scripts", "notebook-deps.mjs")],
  outfile: join(root, "web", "notebook", "dist", "deps.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["chrome110", "firefox115", "safari16"],
  minify: process.env.BUNDLE_DEBUG !== "1",
  legalComments: "linked",
  logLevel: "warning",
});
console.log("bundle: web/notebook/dist/deps.js");
