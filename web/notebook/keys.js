// Command mode (a cell selected, no editor focused): Jupyter's single-key commands.
//   Enter edit · Shift+Enter run and move on · Ctrl/Cmd+Enter run · Alt+Enter run and insert
//   ↑/k ↓/j select · a/b insert above/below · d d delete · z undo delete · m Markdown · y code
//   i i interrupt the kernel · 0 0 restart it

/** @param {import("./app.js").NotebookApp} app */
export function bindCommandKeys(app) {
  let pending = null; // the first key of a doubled command ("d d", "i i", "0 0")
  const DOUBLED = { d: (view) => app.remove(view), i: () => app.interrupt(), 0: () => app.restart() };
  document.addEventListener("keydown", (event) => {
    // Events from an editor come retargeted to its shadow host, .cell-input.
    if (event.target.closest?.(".cell-input, input, select, textarea, button")) return;
    const view = app.selected;
    if (!view) return;
    const i = app.views.indexOf(view);
    const key = event.key;
    let handled = true;
    if (key === "Enter" && event.shiftKey) app.runAndAdvance(view);
    else if (key === "Enter" && (event.ctrlKey || event.metaKey)) app.run(view);
    else if (key === "Enter" && event.altKey) app.runAndInsert(view);
    else if (key === "Enter") view.edit();
    else if (event.ctrlKey || event.metaKey || event.altKey) handled = false;
    else if (key === "ArrowUp" || key === "k") app.select(app.views[i - 1] ?? view);
    else if (key === "ArrowDown" || key === "j") app.select(app.views[i + 1] ?? view);
    else if (key === "a") app.insertCell(i, "code", { edit: false });
    else if (key === "b") app.insertCell(i + 1, "code", { edit: false });
    else if (key === "m") app.setType(view, "markdown");
    else if (key === "y") app.setType(view, "code");
    else if (key === "z") app.undoDelete();
    else if (key in DOUBLED) {
      if (pending === key) {
        DOUBLED[key](view);
        pending = null;
      } else pending = key;
      event.preventDefault();
      return;
    } else handled = false;
    pending = null;
    if (handled) event.preventDefault();
  });
}
