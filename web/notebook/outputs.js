// Renders nbformat outputs into a cell's output area.
//
// HTML, SVG and Markdown are sanitised with DOMPurify before they touch the page: a notebook
// opened from disk is untrusted. The page's Content-Security-Policy refuses inline styles and
// event handlers anyway, but Chromium reports (console errors) every one it meets while *parsing*
// HTML, even into an inert document (DOMParser, <template>), which is how DOMPurify works. So a
// first, DOM-free pass (stripInline) removes style="" and on*="" attributes and <style>/<script>
// elements from the text; DOMPurify then does the real sanitising. Charts use SVG presentation
// attributes (fill=, stroke=) instead of styles (pricinglab.plot).
import { DOMPurify, marked } from "./dist/deps.js";

// Richest first (as Jupyter chooses).
const MIME_ORDER = [
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "text/markdown",
  "application/json",
  "text/latex",
  "text/plain",
];
// A cell's streamed text is cut beyond this many characters (the page stays responsive).
export const MAX_STREAM_CHARS = 500_000;
const TRUNCATED_NOTE = "\n[output truncated: the cell printed more than the page keeps]\n";

const SANITIZE_HTML = { FORBID_TAGS: ["style", "script"], FORBID_ATTR: ["style"], ADD_ATTR: ["target"] };
const SANITIZE_SVG = { USE_PROFILES: { svg: true, svgFilters: true }, FORBID_TAGS: ["style", "script"], FORBID_ATTR: ["style"] };

// ANSI escape sequences (colours in tracebacks from other kernels) are shown as plain text.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
export const stripAnsi = (text) => text.replace(ANSI, "");

/**
 * Terminal-like handling of carriage returns (progress bars): text after a `\r` overwrites
 * its line.
 */
export function applyCarriageReturns(text) {
  if (!text.includes("\r")) return text;
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const parts = line.split("\r");
      let out = "";
      for (const part of parts) out = part + out.slice(part.length);
      return out;
    })
    .join("\n");
}

const TAG_START = /<(\/?)([a-zA-Z][^\s/>]*)/y;
const ATTRIBUTE = /([^\s"'>\/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?/y;
const SPACE = /[\s\/]+/y;
const DROPPED_ELEMENTS = new Set(["script", "style"]);

function match(regex, text, at) {
  regex.lastIndex = at;
  return regex.exec(text);
}

/**
 * Removes style and on* attributes and script/style elements from HTML text, with a tokenizer
 * (HTML's tag and attribute syntax: quoted and unquoted values, comments, CDATA), not a DOM.
 * Not a sanitiser on its own: what it misses, DOMPurify and the CSP still stop.
 */
export function stripInline(html) {
  let out = "";
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt < 0) {
      out += html.slice(i);
      break;
    }
    out += html.slice(i, lt);
    i = lt;
    const special = html.startsWith("<!--", i) ? "-->" : html.startsWith("<![CDATA[", i) ? "]]>" : null;
    if (special) {
      const end = html.indexOf(special, i + 4);
      const stop = end < 0 ? n : end + special.length;
      out += html.slice(i, stop);
      i = stop;
      continue;
    }
    const tag = match(TAG_START, html, i);
    if (!tag) {
      out += "&lt;";
      i += 1;
      continue;
    }
    const name = tag[2].toLowerCase();
    let kept = tag[0];
    let j = i + tag[0].length;
    while (j < n && html[j] !== ">") {
      const space = match(SPACE, html, j);
      if (space) {
        kept += space[0];
        j += space[0].length;
        continue;
      }
      const attribute = match(ATTRIBUTE, html, j);
      if (!attribute) {
        j += 1; // a stray quote or '=': drop it
        continue;
      }
      const attributeName = attribute[1].toLowerCase();
      if (attributeName !== "style" && !attributeName.startsWith("on")) kept += attribute[0];
      j += attribute[0].length;
    }
    i = j + 1; // past '>' (or the end of an unterminated tag, which is dropped)
    if (j >= n) break;
    if (tag[1] === "" && DROPPED_ELEMENTS.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      const end = close < 0 ? -1 : html.indexOf(">", close);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (tag[1] === "/" && DROPPED_ELEMENTS.has(name)) continue;
    out += `${kept}>`;
  }
  return out;
}

function sanitizedFragment(html, config) {
  return DOMPurify.sanitize(stripInline(html), { ...config, RETURN_DOM_FRAGMENT: true });
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Renders Markdown (a Markdown cell, or text/markdown output) into a sanitised fragment. */
export function renderMarkdown(source) {
  const html = marked.parse(source, { async: false, gfm: true });
  const fragment = sanitizedFragment(html, SANITIZE_HTML);
  for (const a of fragment.querySelectorAll("a[href]")) {
    if (/^[a-z]+:/i.test(a.getAttribute("href"))) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
  }
  return fragment;
}

function renderData(data) {
  const mime = MIME_ORDER.find((m) => data[m] !== undefined) ?? Object.keys(data)[0];
  const value = data[mime];
  const box = element("div", "output-data");
  box.dataset.mime = mime ?? "";
  switch (mime) {
    case "text/html":
      box.append(sanitizedFragment(String(value), SANITIZE_HTML));
      break;
    case "image/svg+xml":
      box.classList.add("output-svg");
      box.append(sanitizedFragment(String(value), SANITIZE_SVG));
      break;
    case "image/png":
    case "image/jpeg": {
      const img = element("img");
      img.src = `data:${mime};base64,${String(value).replace(/\s/g, "")}`;
      img.alt = data["text/plain"] ?? "image output";
      box.append(img);
      break;
    }
    case "text/markdown":
      box.classList.add("markdown");
      box.append(renderMarkdown(String(value)));
      break;
    case "application/json":
      box.append(element("pre", "output-text", JSON.stringify(value, null, 2)));
      break;
    default:
      box.append(element("pre", "output-text", stripAnsi(String(value ?? ""))));
  }
  return box;
}

/** The DOM for one output. */
export function renderOutput(output) {
  switch (output.output_type) {
    case "stream": {
      const pre = element("pre", `output-stream ${output.name}`, applyCarriageReturns(output.text));
      pre.dataset.stream = output.name;
      return pre;
    }
    case "display_data":
    case "execute_result": {
      const box = renderData(output.data ?? {});
      box.classList.add(output.output_type === "execute_result" ? "output-result" : "output-display");
      return box;
    }
    case "error": {
      const text = output.traceback?.length
        ? output.traceback.map(stripAnsi).join("\n")
        : `${output.ename}: ${output.evalue}`;
      return element("pre", "output-error", text);
    }
    default:
      return element("pre", "output-text", "");
  }
}

/**
 * Adds an output to a cell's list the way Jupyter does: consecutive stream outputs of the
 * same name merge (and are capped); "clear" empties the list.
 * @returns {"append" | "update" | "reset"} what the view must do
 */
export function addOutput(outputs, output) {
  if (output.output_type === "clear") {
    outputs.length = 0;
    return "reset";
  }
  const last = outputs[outputs.length - 1];
  if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
    if (last.text.length < MAX_STREAM_CHARS) {
      last.text += output.text;
      if (last.text.length >= MAX_STREAM_CHARS) last.text = last.text.slice(0, MAX_STREAM_CHARS) + TRUNCATED_NOTE;
    }
    return "update";
  }
  outputs.push(output.output_type === "stream" ? { ...output } : output);
  return "append";
}

/** Re-renders a whole output area. */
export function renderAll(area, outputs) {
  area.replaceChildren(...outputs.map(renderOutput));
}
