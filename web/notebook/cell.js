// The view of one cell: prompt, editor, cell tools, and (code cells) the output area, or
// (Markdown cells) the rendered text that turns into an editor on double-click / Enter.
import { createEditor } from "./editor.js";
import { addOutput, renderAll, renderMarkdown, renderOutput, applyCarriageReturns } from "./outputs.js";

function button(label, text, onClick, className = "") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `icon ${className}`.trim();
  b.title = label;
  b.setAttribute("aria-label", label);
  b.textContent = text;
  b.addEventListener("click", (event) => {
    event.stopPropagation();
    onClick();
  });
  return b;
}

export class CellView {
  /**
   * @param {object} cell the model cell (mutated in place: source, outputs, counts)
   * @param {object} app callbacks: select, changed, run, runAndAdvance, runAndInsert, move,
   *   remove, setType, focusNeighbour, commandMode
   */
  constructor(cell, app) {
    this.cell = cell;
    this.app = app;
    this.editing = false;
    this.el = document.createElement("section");
    this.el.className = `cell ${cell.cell_type}-cell`;
    this.el.dataset.cellId = cell.id;
    this.el.tabIndex = -1;

    this.prompt = document.createElement("div");
    this.prompt.className = "prompt";
    this.main = document.createElement("div");
    this.main.className = "cell-main";
    this.input = document.createElement("div");
    this.input.className = "cell-input";
    this.main.append(this.input);

    const tools = document.createElement("div");
    tools.className = "cell-tools";
    this.typeSelect = document.createElement("select");
    this.typeSelect.setAttribute("aria-label", "Cell type");
    for (const [value, text] of [["code", "Code"], ["markdown", "Markdown"], ["raw", "Raw"]]) {
      this.typeSelect.append(new Option(text, value));
    }
    this.typeSelect.value = cell.cell_type;
    this.typeSelect.addEventListener("change", () => app.setType(this, this.typeSelect.value));
    tools.append(
      button("Run cell", "▶", () => app.run(this), "run"),
      button("Move cell up", "↑", () => app.move(this, -1)),
      button("Move cell down", "↓", () => app.move(this, 1)),
      this.typeSelect,
      button("Delete cell", "✕", () => app.remove(this), "danger"),
    );
    this.el.append(this.prompt, this.main, tools);

    this.editor = createEditor(this.input, {
      doc: cell.source,
      cellType: cell.cell_type,
      label: cell.cell_type === "markdown" ? "Markdown cell" : "Code cell",
      onChange: (text) => {
        cell.source = text;
        app.changed();
      },
      onFocus: () => {
        this.editing = true;
        app.select(this, { edit: true });
      },
      commands: {
        run: () => app.run(this),
        runAndAdvance: () => app.runAndAdvance(this),
        runAndInsert: () => app.runAndInsert(this),
        escape: () => app.commandMode(this),
        previous: () => app.focusNeighbour(this, -1),
        next: () => app.focusNeighbour(this, 1),
      },
    });
    this.editor.view.contentDOM.addEventListener("blur", () => {
      this.editing = false;
    });

    this.el.addEventListener("mousedown", () => app.select(this, { edit: false, keepFocus: true }));
    this.#buildBody();
  }

  // The parts that depend on the cell type: output area (code) or rendered view (markdown).
  #buildBody() {
    this.output?.remove();
    this.rendered?.remove();
    this.output = null;
    this.rendered = null;
    this.el.className = `cell ${this.cell.cell_type}-cell${this.el.classList.contains("selected") ? " selected" : ""}`;
    if (this.cell.cell_type === "code") {
      this.output = document.createElement("div");
      this.output.className = "cell-output";
      this.output.dataset.testid = "cell-output";
      this.output.setAttribute("aria-live", "polite");
      this.main.append(this.output);
      renderAll(this.output, this.cell.outputs);
      this.input.hidden = false;
    } else if (this.cell.cell_type === "markdown") {
      this.rendered = document.createElement("div");
      this.rendered.className = "markdown rendered";
      this.rendered.addEventListener("dblclick", () => this.edit());
      this.main.append(this.rendered);
      this.showRendered(this.cell.source.trim() !== "");
    }
    this.setPrompt();
  }

  setType(type) {
    this.editor.setLanguage(type);
    this.typeSelect.value = type;
    this.#buildBody();
  }

  /** Markdown: show the rendered text (true) or the editor (false). */
  showRendered(rendered) {
    if (this.cell.cell_type !== "markdown") return;
    if (rendered) {
      const source = this.cell.source.trim();
      if (source) {
        this.rendered.replaceChildren(renderMarkdown(this.cell.source));
      } else {
        const hint = document.createElement("p");
        hint.className = "hint";
        hint.textContent = "Empty Markdown cell: double-click to edit.";
        this.rendered.replaceChildren(hint);
      }
    }
    this.rendered.hidden = !rendered;
    this.input.hidden = rendered;
  }

  /** Puts the cursor in the editor (opening a rendered Markdown cell). */
  edit(where = "end") {
    this.showRendered(false);
    this.editor.focus(where);
  }

  setPrompt(state) {
    if (this.cell.cell_type !== "code") {
      this.prompt.textContent = "";
      return;
    }
    const count = state === "running" || state === "queued" ? "*" : (this.cell.execution_count ?? " ");
    this.prompt.textContent = `[${count}]:`;
    this.prompt.dataset.state = state ?? "";
    this.el.classList.toggle("running", state === "running");
    this.el.classList.toggle("queued", state === "queued");
  }

  clearOutputs() {
    if (this.cell.cell_type !== "code") return;
    this.cell.outputs = [];
    this.output.replaceChildren();
  }

  /**
   * One output arriving from the kernel: recorded at once, drawn at the next animation
   * frame (a cell printing thousands of lines costs one DOM update per frame).
   */
  appendOutput(output) {
    if (addOutput(this.cell.outputs, output) === "reset") this.output.replaceChildren();
    if (this.frame === undefined) {
      this.frame = requestAnimationFrame(() => {
        this.frame = undefined;
        this.drawOutputs();
      });
    }
  }

  /** Brings the output area up to date with the model (only what changed is redrawn). */
  drawOutputs() {
    if (!this.output) return;
    const outputs = this.cell.outputs;
    const shown = this.output.children;
    // Outputs only grow while a cell runs; the last shown stream may have grown.
    let i = Math.min(shown.length, outputs.length) - 1;
    if (i >= 0 && outputs[i].output_type === "stream") {
      shown[i].textContent = applyCarriageReturns(outputs[i].text);
    }
    for (i = shown.length; i < outputs.length; i++) this.output.append(renderOutput(outputs[i]));
  }

  destroy() {
    this.editor.destroy();
    this.el.remove();
  }
}
