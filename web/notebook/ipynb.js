// Notebook <-> .ipynb (nbformat 4.5: https://nbformat.readthedocs.io/en/latest/format_description.html).
//
// In memory a notebook is {metadata, cells: [cell]}, each cell {id, cell_type, source (one
// string), metadata, outputs, execution_count, attachments?}; outputs are nbformat output
// dicts whose text fields are single strings. On disk multi-line strings are lists of lines
// (as Jupyter writes them), the cell ids are kept, and the kernelspec says Python (Pyodide).

export const NBFORMAT = 4;
export const NBFORMAT_MINOR = 5;
const CELL_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const TEXT_TYPES = /^(text\/|image\/svg\+xml$)/;
const JSON_TYPE = /(^application\/(.+\+)?json$)/;

/** A new cell id (nbformat 4.5: 1-64 of [a-zA-Z0-9-_]). */
export function newCellId() {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}

/** A cell of the in-memory notebook. */
export function newCell(cellType = "code", source = "") {
  const cell = { id: newCellId(), cell_type: cellType, source, metadata: {} };
  if (cellType === "code") {
    cell.outputs = [];
    cell.execution_count = null;
  }
  return cell;
}

/** The notebook-level metadata nbformat and Jupyter expect for our kernel. */
export function kernelMetadata(pythonVersion) {
  return {
    kernelspec: { name: "python3", display_name: "Python (Pyodide)", language: "python" },
    language_info: {
      name: "python",
      version: pythonVersion || "3",
      mimetype: "text/x-python",
      file_extension: ".py",
      pygments_lexer: "ipython3",
      codemirror_mode: { name: "ipython", version: 3 },
      nbconvert_exporter: "python",
    },
  };
}

// "a\nb\n" -> ["a\n", "b\n"]; "" -> [] (nbformat's multiline_string, as Jupyter writes it).
function toLines(text) {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

function joinText(value) {
  if (Array.isArray(value)) return value.join("");
  return typeof value === "string" ? value : "";
}

function exportOutput(output) {
  switch (output.output_type) {
    case "stream":
      return { output_type: "stream", name: output.name, text: toLines(output.text) };
    case "display_data":
    case "execute_result": {
      const data = {};
      for (const [mime, value] of Object.entries(output.data ?? {})) {
        data[mime] = typeof value === "string" && TEXT_TYPES.test(mime) ? toLines(value) : value;
      }
      const out = { output_type: output.output_type, data, metadata: output.metadata ?? {} };
      if (output.output_type === "execute_result") out.execution_count = output.execution_count ?? null;
      return out;
    }
    case "error":
      return {
        output_type: "error",
        ename: String(output.ename),
        evalue: String(output.evalue),
        traceback: (output.traceback ?? []).map(String),
      };
    default:
      return null; // the page's own markers (e.g. "clear") never reach a file
  }
}

function exportCell(cell) {
  const out = { id: cell.id, cell_type: cell.cell_type, metadata: cell.metadata ?? {}, source: toLines(cell.source) };
  if (cell.cell_type === "code") {
    out.execution_count = cell.execution_count ?? null;
    out.outputs = (cell.outputs ?? []).map(exportOutput).filter(Boolean);
  } else if (cell.attachments && cell.cell_type !== "code") {
    out.attachments = cell.attachments;
  }
  return out;
}

/** The notebook as an nbformat 4.5 JSON object (outputs included). */
export function toIpynb(notebook, pythonVersion) {
  const metadata = { ...(notebook.metadata ?? {}), ...kernelMetadata(pythonVersion) };
  return {
    nbformat: NBFORMAT,
    nbformat_minor: NBFORMAT_MINOR,
    metadata,
    cells: notebook.cells.map(exportCell),
  };
}

/** The notebook as .ipynb text (one-space indent and a final newline, as Jupyter writes). */
export function serialize(notebook, pythonVersion) {
  return `${JSON.stringify(toIpynb(notebook, pythonVersion), null, 1)}\n`;
}

export class NotebookFormatError extends Error {}

function importOutput(output, index) {
  if (!output || typeof output !== "object") throw new NotebookFormatError(`output ${index} is not an object`);
  switch (output.output_type) {
    case "stream":
      return { output_type: "stream", name: output.name === "stderr" ? "stderr" : "stdout", text: joinText(output.text) };
    case "display_data":
    case "execute_result": {
      const data = {};
      for (const [mime, value] of Object.entries(output.data ?? {})) {
        data[mime] = JSON_TYPE.test(mime) || typeof value === "object" && !Array.isArray(value) ? value : joinText(value);
      }
      const out = { output_type: output.output_type, data, metadata: output.metadata ?? {} };
      if (output.output_type === "execute_result") {
        out.execution_count = Number.isInteger(output.execution_count) ? output.execution_count : null;
      }
      return out;
    }
    case "error":
      return {
        output_type: "error",
        ename: String(output.ename ?? "Error"),
        evalue: String(output.evalue ?? ""),
        traceback: Array.isArray(output.traceback) ? output.traceback.map(String) : [],
      };
    default:
      throw new NotebookFormatError(`unknown output_type ${JSON.stringify(output.output_type)}`);
  }
}

/**
 * Parses .ipynb text (nbformat 4, any minor version) into the in-memory notebook.
 * Cell ids are kept when valid and unique, made otherwise (nbformat < 4.5 has none).
 * @throws {NotebookFormatError} with a message a person can act on
 */
export function parse(text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(`not a notebook: the file is not valid JSON (${error.message})`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new NotebookFormatError("not a notebook: the JSON is not an object");
  }
  if (json.nbformat !== NBFORMAT) {
    throw new NotebookFormatError(
      `only nbformat 4 notebooks can be opened (this file says nbformat ${JSON.stringify(json.nbformat)}); ` +
      "convert it with `jupyter nbconvert --to notebook`",
    );
  }
  if (!Array.isArray(json.cells)) throw new NotebookFormatError("not a notebook: it has no list of cells");
  const seen = new Set();
  const cells = json.cells.map((raw, i) => {
    if (!raw || typeof raw !== "object") throw new NotebookFormatError(`cell ${i + 1} is not an object`);
    const cellType = ["code", "markdown", "raw"].includes(raw.cell_type) ? raw.cell_type : null;
    if (!cellType) throw new NotebookFormatError(`cell ${i + 1} has an unknown cell_type ${JSON.stringify(raw.cell_type)}`);
    let id = typeof raw.id === "string" && CELL_ID.test(raw.id) && !seen.has(raw.id) ? raw.id : newCellId();
    while (seen.has(id)) id = newCellId();
    seen.add(id);
    const cell = { id, cell_type: cellType, source: joinText(raw.source), metadata: raw.metadata ?? {} };
    if (cellType === "code") {
      cell.execution_count = Number.isInteger(raw.execution_count) ? raw.execution_count : null;
      cell.outputs = (Array.isArray(raw.outputs) ? raw.outputs : []).map(importOutput);
    } else if (raw.attachments && typeof raw.attachments === "object") {
      cell.attachments = raw.attachments;
    }
    return cell;
  });
  return { metadata: json.metadata && typeof json.metadata === "object" ? json.metadata : {}, cells };
}
