// Autosave: every notebook the page has opened lives in localStorage (as .ipynb text, outputs
// included), with an index of names and times. localStorage rather than IndexedDB because its
// writes are synchronous: the save made in `pagehide` is on disk before the page goes, so a
// reload (or a closed tab) loses nothing, not even the last keystrokes.
const PREFIX = "pricinglab.notebook.";
const INDEX_KEY = `${PREFIX}index`; // [{key, name, updated}], most recent first
const CURRENT_KEY = `${PREFIX}current`;
const DATA_PREFIX = `${PREFIX}data.`;

export class StorageFullError extends Error {}

function readIndex() {
  try {
    const index = JSON.parse(localStorage.getItem(INDEX_KEY) ?? "[]");
    return Array.isArray(index) ? index.filter((e) => e && typeof e.key === "string") : [];
  } catch {
    return [];
  }
}

function writeIndex(index) {
  localStorage.setItem(INDEX_KEY, JSON.stringify(index));
}

/** The localStorage key under which the notebook `key` is saved (for "storage" events). */
export const dataKey = (key) => DATA_PREFIX + key;

/** A new storage key for a notebook. */
export function newKey() {
  return crypto.randomUUID();
}

/** The saved notebooks, most recently saved first: [{key, name, updated}]. */
export function list() {
  return readIndex().filter((e) => localStorage.getItem(DATA_PREFIX + e.key) !== null);
}

/** The .ipynb text saved under `key`, or null. */
export function load(key) {
  return localStorage.getItem(DATA_PREFIX + key);
}

/**
 * Saves a notebook's .ipynb text under `key` and makes it the current one.
 * @throws {StorageFullError} when the browser's quota for this site is used up
 */
export function save(key, name, text) {
  try {
    localStorage.setItem(DATA_PREFIX + key, text);
    const index = readIndex().filter((e) => e.key !== key);
    index.unshift({ key, name, updated: new Date().toISOString() });
    writeIndex(index);
    localStorage.setItem(CURRENT_KEY, key);
  } catch (error) {
    if (error?.name === "QuotaExceededError") {
      throw new StorageFullError("browser storage is full: download this notebook (.ipynb) to keep it");
    }
    throw error;
  }
}

/** Forgets a saved notebook. */
export function remove(key) {
  localStorage.removeItem(DATA_PREFIX + key);
  writeIndex(readIndex().filter((e) => e.key !== key));
  if (localStorage.getItem(CURRENT_KEY) === key) localStorage.removeItem(CURRENT_KEY);
}

/** The key of the notebook that was open last, or null. */
export function currentKey() {
  const key = localStorage.getItem(CURRENT_KEY);
  return key !== null && load(key) !== null ? key : null;
}
