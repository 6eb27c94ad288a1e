// The notebook page: cells, the run queue, the kernel, files and autosave.
import { Kernel, KernelState } from "./kernel.js";
import { CellView } from "./cell.js";
import { newCell, parse, serialize, NotebookFormatError } from "./ipynb.js";
import * as storage from "./storage.js";
import { bindCommandKeys } from "./keys.js";
import { Notices } from "./notices.js";

let loads = 0; // notebooks loaded in this page: each gets its own kernel session

// Autosave this long after the last change (and at once when the page is hidden or left),
// but at least this often while changes keep coming (a cell streaming output).
const AUTOSAVE_DELAY_MS = 400;
const AUTOSAVE_MAX_WAIT_MS = 2000;
// An interrupted cell that is still running after this long is inside a WASM call (which
// Python cannot interrupt) or ignores KeyboardInterrupt: the page says so.
const INTERRUPT_HINT_MS = 3000;

const $ = (id) => document.getElementById(id);

function welcomeNotebook() {
  return {
    metadata: {},
    cells: [
      newCell("markdown",
        "# Pricing Lab notebook\n\nPython runs in your browser (Pyodide) and prices with the WebAssembly engine. " +
        "Run a cell with **Shift+Enter**; open a worked example from the *Examples* menu."),
      newCell("code",
        "import pricinglab as pl\n\nprint(pl.backend)\npl.black_scholes(\"call\", spot=100, strike=105, expiry=0.5, rate=0.03, dividend=0.0, vol=0.2)"),
    ],
  };
}

export class NotebookApp {
  constructor() {
    this.views = []; // CellView, in notebook order
    this.metadata = {};
    this.key = null; // storage key of the open notebook
    this.selected = null;
    this.queue = [];
    this.running = null;
    this.deleted = []; // [{cell, index}] for undo
    this.saveTimer = null;
    this.firstUnsaved = null; // when the oldest unsaved change was made
    this.container = $("cells");
    this.notices = new Notices();
    this.kernel = new Kernel({
      onStatus: (state, detail) => this.#showKernelState(state, detail),
      onInfo: (info) => {
        $("kernel-info").textContent =
          `Python ${info.python} · Pyodide ${info.pyodide} · pricinglab backend: ${info.backend} · ` +
          `kernel started in ${Math.round(info.startMs)} ms`;
        document.body.dataset.kernelStartMs = String(Math.round(info.startMs));
        $("kernel-info").title = info.phases.map(([what, ms]) => `${ms} ms: ${what}`).join("\n");
      },
    });
  }

  start() {
    this.kernel.start(); // first: Pyodide's download and compile overlap the page's set-up
    this.#bindToolbar();
    bindCommandKeys(this);
    addEventListener("pagehide", () => this.saveNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.saveNow();
    });
    this.#openInitial();
  }

  // ------------------------------------------------------------------ notebook lifecycle

  #openInitial() {
    const key = storage.currentKey();
    if (key !== null) {
      const entry = storage.list().find((e) => e.key === key);
      try {
        this.load(parse(storage.load(key)), { key, name: entry?.name ?? "Untitled" });
        return;
      } catch (error) {
        // Keep the unreadable copy untouched; start a new notebook beside it.
        this.showBanner(`The notebook saved in this browser could not be read (${error.message}); it is kept, and a new one was started.`);
      }
    }
    this.load(welcomeNotebook(), { key: storage.newKey(), name: "Untitled" });
    this.saveNow();
  }

  /** Shows a notebook ({metadata, cells}); the kernel and its variables carry on. */
  load(notebook, { key, name }) {
    this.#clearQueue();
    for (const view of this.views) view.destroy();
    this.views = [];
    this.selected = null;
    this.metadata = notebook.metadata ?? {};
    this.key = key;
    this.conflict = false;
    // Each load is a new Python namespace and execution count (a Jupyter notebook's own kernel).
    this.session = `${key}#${++loads}`;
    this.setName(name);
    for (const cell of notebook.cells) this.#insertView(cell, this.views.length);
    if (this.views.length === 0) this.#insertView(newCell("code"), 0);
    this.select(this.views[0], { edit: false, keepFocus: true });
    this.#refreshRecent();
  }

  setName(name) {
    this.name = name.trim() || "Untitled";
    $("notebook-name").value = this.name;
    document.title = `${this.name} · Pricing Lab notebook`;
  }

  /** The in-memory notebook ({metadata, cells}). */
  model() {
    return { metadata: this.metadata, cells: this.views.map((v) => v.cell) };
  }

  toText() {
    return serialize(this.model(), this.kernel.info?.python);
  }

  // ------------------------------------------------------------------ autosave

  changed() {
    clearTimeout(this.saveTimer);
    this.firstUnsaved ??= performance.now();
    const wait = Math.min(AUTOSAVE_DELAY_MS, AUTOSAVE_MAX_WAIT_MS - (performance.now() - this.firstUnsaved));
    this.saveTimer = setTimeout(() => this.saveNow(), Math.max(0, wait));
    const status = $("save-status");
    if (!status.dataset.error) status.textContent = "Saving…";
  }

  saveNow() {
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.firstUnsaved = null;
    if (this.key === null) return;
    const status = $("save-status");
    if (this.conflict) {
      // Another tab saved this notebook: writing now would silently overwrite its edits.
      status.dataset.error = "true";
      status.textContent = "Not saved: this notebook was changed in another tab";
      return;
    }
    try {
      this.lastSaved = this.toText();
      storage.save(this.key, this.name, this.lastSaved);
      delete status.dataset.error;
      status.textContent = "Saved in this browser";
    } catch (error) {
      status.dataset.error = "true";
      status.textContent = `Not saved: ${error.message}`;
    }
  }

  #refreshRecent() {
    const select = $("recent");
    select.replaceChildren(new Option("Recent…", ""));
    for (const entry of storage.list()) {
      const when = new Date(entry.updated).toLocaleString();
      const option = new Option(`${entry.name} (${when})`, entry.key);
      if (entry.key === this.key) option.textContent = `${entry.name} (open)`;
      select.append(option);
    }
    select.value = "";
  }

  // ------------------------------------------------------------------ cells

  #insertView(cell, index) {
    const view = new CellView(cell, this);
    this.views.splice(index, 0, view);
    const after = this.views[index + 1];
    this.container.insertBefore(view.el, after ? after.el : null);
    return view;
  }

  insertCell(index, type = "code", { edit = true } = {}) {
    const view = this.#insertView(newCell(type), index);
    this.select(view, { edit });
    this.changed();
    return view;
  }

  select(view, { edit = false, keepFocus = false } = {}) {
    if (!view) return;
    if (this.selected && this.selected !== view) {
      this.selected.el.classList.remove("selected");
      if (this.selected.cell.cell_type === "markdown" && this.selected.cell.source.trim()) {
        this.selected.showRendered(true);
      }
    }
    this.selected = view;
    view.el.classList.add("selected");
    if (edit) {
      if (!view.editor.view.hasFocus) view.edit();
    } else if (!keepFocus) {
      view.el.focus({ preventScroll: false });
    }
    view.el.scrollIntoView({ block: "nearest" });
  }

  commandMode(view) {
    this.select(view, { edit: false });
  }

  focusNeighbour(view, delta) {
    const next = this.views[this.views.indexOf(view) + delta];
    if (!next) return false;
    this.select(next, { edit: false, keepFocus: true });
    next.edit(delta > 0 ? "start" : "end");
    return true;
  }

  move(view, delta) {
    const i = this.views.indexOf(view);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= this.views.length) return;
    this.views.splice(i, 1);
    this.views.splice(j, 0, view);
    const after = this.views[j + 1];
    this.container.insertBefore(view.el, after ? after.el : null);
    view.el.scrollIntoView({ block: "nearest" });
    this.changed();
  }

  remove(view) {
    const index = this.views.indexOf(view);
    if (index < 0) return;
    if (this.running === view) this.interrupt();
    this.queue = this.queue.filter((v) => v !== view);
    this.views.splice(index, 1);
    view.destroy();
    this.deleted.push({ cell: view.cell, index });
    if (this.views.length === 0) this.#insertView(newCell("code"), 0);
    this.select(this.views[Math.min(index, this.views.length - 1)]);
    this.changed();
    this.toast("Cell deleted.", "Undo", () => this.undoDelete());
  }

  undoDelete() {
    const last = this.deleted.pop();
    if (!last) return;
    const view = this.#insertView(last.cell, Math.min(last.index, this.views.length));
    this.select(view);
    this.changed();
    this.hideToast();
  }

  setType(view, type) {
    if (view.cell.cell_type === type) return;
    const cell = view.cell;
    cell.cell_type = type;
    if (type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    } else {
      delete cell.outputs;
      delete cell.execution_count;
    }
    view.setType(type);
    this.changed();
  }

  // ------------------------------------------------------------------ running

  run(view) {
    if (view.cell.cell_type === "markdown") {
      view.showRendered(true);
      return;
    }
    if (view.cell.cell_type === "code") this.#enqueue([view]);
  }

  runAndAdvance(view) {
    this.run(view);
    const i = this.views.indexOf(view);
    const next = this.views[i + 1] ?? this.insertCell(i + 1, "code", { edit: false });
    this.select(next, { edit: next.cell.cell_type === "code" });
  }

  runAndInsert(view) {
    this.run(view);
    this.insertCell(this.views.indexOf(view) + 1, "code");
  }

  runAll() {
    for (const view of this.views) {
      if (view.cell.cell_type === "markdown") view.showRendered(true);
    }
    this.#enqueue(this.views.filter((v) => v.cell.cell_type === "code"));
  }

  #enqueue(views) {
    for (const view of views) {
      if (view === this.running || this.queue.includes(view)) continue;
      view.setPrompt("queued");
      this.queue.push(view);
    }
    if (!this.running) this.#drain();
  }

  async #drain() {
    while (this.queue.length > 0) {
      const view = this.queue.shift();
      if (!this.views.includes(view)) continue;
      this.running = view;
      view.clearOutputs();
      view.setPrompt("running");
      const reply = await this.kernel.execute(view.cell.source, (output) => {
        view.appendOutput(output);
        this.changed();
      }, this.session);
      view.drawOutputs();
      if (reply.execution_count !== null) view.cell.execution_count = reply.execution_count;
      view.setPrompt();
      this.running = null;
      this.changed();
      // As Jupyter: an error (or an interrupt, or a restart) cancels the cells queued after it.
      if (reply.status !== "ok") this.#clearQueue();
    }
  }

  #clearQueue() {
    for (const view of this.queue) view.setPrompt();
    this.queue = [];
  }

  interrupt() {
    this.#clearQueue();
    const running = this.running;
    if (this.kernel.interrupt()) {
      setTimeout(() => {
        if (running && this.running === running) {
          this.showBanner(
            "The cell is still running: a long call into the WebAssembly engine cannot be " +
            "interrupted (nor code that catches KeyboardInterrupt). Restart stops it; variables are lost.",
          );
        }
      }, INTERRUPT_HINT_MS);
    } else if (this.kernel.state === KernelState.BUSY) {
      this.showBanner("Interrupt needs SharedArrayBuffer (a cross-origin isolated page): use Restart.");
    }
  }

  restart() {
    this.#clearQueue();
    this.kernel.restart();
  }

  clearOutputs() {
    for (const view of this.views) {
      if (view.cell.cell_type === "code" && view !== this.running) {
        view.clearOutputs();
        view.cell.execution_count = null;
        view.setPrompt(this.queue.includes(view) ? "queued" : undefined);
      }
    }
    this.changed();
  }

  #showKernelState(state, detail) {
    const el = $("kernel-status");
    el.textContent = state;
    el.dataset.state = state;
    $("kernel-detail").textContent = detail && detail !== state ? detail : "";
    $("interrupt").disabled = !(state === KernelState.BUSY && this.kernel.canInterrupt);
  }

  // ------------------------------------------------------------------ files

  async openFile(file) {
    try {
      const notebook = parse(await file.text());
      this.saveNow();
      this.load(notebook, { key: storage.newKey(), name: file.name.replace(/\.ipynb$/i, "") });
      this.saveNow();
      this.#refreshRecent();
      this.hideBanner();
    } catch (error) {
      const why = error instanceof NotebookFormatError ? error.message : `could not read the file (${error.message})`;
      this.showBanner(`${file.name}: ${why}`);
    }
  }

  /** Opens an example: your saved copy if you have one (one copy per example, not one per
   * opening; Delete it to start again from the original), else the original. */
  async openExample(file) {
    try {
      const key = `example-${file}`;
      const saved = storage.load(key);
      let notebook;
      if (saved !== null) notebook = parse(saved);
      else {
        const response = await fetch(new URL(`../examples/${file}`, import.meta.url));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        notebook = parse(await response.text());
      }
      this.saveNow();
      this.load(notebook, { key, name: file.replace(/\.ipynb$/, "") });
      this.saveNow();
      this.#refreshRecent();
    } catch (error) {
      this.showBanner(`Example ${file} could not be opened: ${error.message}`);
    }
  }

  openSaved(key) {
    const text = storage.load(key);
    if (text === null || key === this.key) return;
    try {
      this.saveNow();
      const entry = storage.list().find((e) => e.key === key);
      this.load(parse(text), { key, name: entry?.name ?? "Untitled" });
      this.saveNow();
      this.#refreshRecent();
    } catch (error) {
      this.showBanner(`That saved notebook could not be read: ${error.message}`);
    }
  }

  newNotebook() {
    this.saveNow();
    this.load({ metadata: {}, cells: [newCell("code")] }, { key: storage.newKey(), name: "Untitled" });
    this.saveNow();
    this.#refreshRecent();
    this.views[0].edit();
  }

  /** Deletes the open notebook from this browser's storage (after asking) and starts a new one. */
  deleteSaved() {
    if (!confirm(`Delete "${this.name}" from this browser? Download it first to keep a copy.`)) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    storage.remove(this.key);
    this.load({ metadata: {}, cells: [newCell("code")] }, { key: storage.newKey(), name: "Untitled" });
    this.saveNow();
    this.#refreshRecent();
  }

  download() {
    const blob = new Blob([this.toText()], { type: "application/x-ipynb+json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `${this.name.replace(/[\\/:*?"<>|]+/g, "_")}.ipynb`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  // ------------------------------------------------------------------ messages

  showBanner(text) {
    this.notices.banner(text);
  }

  hideBanner() {
    this.notices.hideBanner();
  }

  toast(text, actionLabel, action) {
    this.notices.toast(text, actionLabel, action);
  }

  hideToast() {
    this.notices.hideToast();
  }

  // ------------------------------------------------------------------ wiring

  #bindToolbar() {
    const on = (id, handler) => $(id).addEventListener("click", handler);
    on("run-all", () => this.runAll());
    // After a toolbar Interrupt or Restart the keyboard belongs to the notebook again (command
    // mode on the selected cell), not to the button.
    on("interrupt", () => {
      this.interrupt();
      this.selected?.el.focus();
    });
    on("restart", () => {
      this.restart();
      this.selected?.el.focus();
    });
    on("download", () => this.download());
    on("new-notebook", () => this.newNotebook());
    on("clear-outputs", () => this.clearOutputs());
    const insertIndex = () => (this.selected ? this.views.indexOf(this.selected) + 1 : this.views.length);
    on("add-code", () => this.insertCell(insertIndex(), "code"));
    on("add-markdown", () => this.insertCell(insertIndex(), "markdown"));
    $("open-file").addEventListener("change", (event) => {
      const [file] = event.target.files;
      event.target.value = "";
      if (file) this.openFile(file);
    });
    $("examples").addEventListener("change", (event) => {
      const file = event.target.value;
      event.target.value = "";
      if (file) this.openExample(file);
    });
    $("delete-notebook").addEventListener("click", () => this.deleteSaved());
    // Another tab saving the notebook open here: say so, and stop autosaving it in this tab.
    window.addEventListener("storage", (event) => {
      if (this.key === null || event.key !== storage.dataKey(this.key) || event.newValue === null) return;
      if (event.newValue === this.lastSaved) return;
      this.conflict = true;
      this.showBanner("This notebook was saved from another tab. Autosave is paused here so that " +
        "neither tab overwrites the other: reload to see the other tab's version, or download this one.");
      this.saveNow();
    });
    $("recent").addEventListener("change", (event) => {
      if (event.target.value) this.openSaved(event.target.value);
    });
    $("notebook-name").addEventListener("change", (event) => {
      this.setName(event.target.value);
      this.saveNow();
      this.#refreshRecent();
    });
  }
}

const app = new NotebookApp();
app.start();
// For users' own automation from the console (and for the tests): the page's notebook.
globalThis.notebookApp = app;
