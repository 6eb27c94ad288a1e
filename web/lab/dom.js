// Small DOM helpers shared by the lab's modules.

export const $ = (id) => document.getElementById(id);

/** A number for display: `digits` significant digits, trailing zeros dropped; "–" if not finite. */
export const fmt = (x, digits = 10) => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : "–");

/** An element with attributes and children (no inline styles: the page's CSP forbids them). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) el.append(child);
  return el;
}

/** The engine's message of an error ("spot must be > 0 (got -1)"). */
export const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** The parameter an engine message names: its first word ("spot", "hurst", "blocks", ...). */
export const paramOf = (message) => message.split(/[\s[]/, 1)[0];

export function clearErrors(ids) {
  for (const id of ids) {
    const slot = $(`error-${id}`);
    if (slot) slot.textContent = "";
    $(id)?.removeAttribute("aria-invalid");
  }
}

/** Shows an engine error next to the field it names (or the first of `ids` if it names none). */
export function showError(err, ids) {
  const message = messageOf(err);
  const param = paramOf(message);
  const id = ids.includes(param) ? param : ids[0];
  $(`error-${id}`).textContent = message;
  $(id)?.setAttribute("aria-invalid", "true");
  return id;
}

/** Calls `fn` once per animation frame at most, with the latest arguments. */
export function perFrame(fn) {
  let queued = false;
  let args = [];
  return (...a) => {
    args = a;
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn(...args);
    });
  };
}
