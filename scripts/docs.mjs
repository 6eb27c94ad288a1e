// Renders the API reference (docs/api.md) into web/docs/api.html with marked, so that both
// pages can link it and it reads offline, served like the rest of web/. Run by build.sh; the
// output is git-ignored. No inline styles or scripts (the server's CSP): web/docs/docs.css.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { marked } from "marked";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = readFileSync(join(root, "docs", "api.md"), "utf8");
const title = (source.match(/^# (.+)$/m)?.[1] ?? "API reference").trim();
const body = marked.parse(source, { gfm: true });
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<&]/g, "")} · Pricing Lab</title>
<link rel="icon" href="../favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="docs.css">
</head>
<body>
<nav><a href="../index.html">Lab</a> · <a href="../notebook.html">Notebook</a></nav>
<main>
${body}
</main>
</body>
</html>
`;
mkdirSync(join(root, "web", "docs"), { recursive: true });
writeFileSync(join(root, "web", "docs", "api.html"), page);
console.log("docs: web/docs/api.html");
