// The page's side of the kernel: starts kernel.worker.js, sends it cells, routes their
// outputs back, interrupts (shared interrupt buffer) and restarts (a fresh worker).
const SIGINT = 2;

export const KernelState = Object.freeze({
  STARTING: "starting",
  READY: "ready",
  BUSY: "busy",
  INTERRUPTING: "interrupting",
  ERROR: "error",
});

export class Kernel {
  /**
   * @param {{onStatus?: (state: string, detail: string) => void,
   *          onInfo?: (info: {python: string, pyodide: string, backend: string, startMs: number}) => void}} options
   */
  constructor({ onStatus = () => {}, onInfo = () => {} } = {}) {
    this.onStatus = onStatus;
    this.onInfo = onInfo;
    this.state = KernelState.STARTING;
    this.info = null;
    this.worker = null;
    this.pending = new Map(); // id -> {onOutput, resolve}
    this.nextId = 1;
    this.interruptBuffer = null;
  }

  /** Whether Interrupt can stop running Python (needs SharedArrayBuffer: COOP/COEP). */
  get canInterrupt() {
    return this.interruptBuffer !== null;
  }

  start() {
    this.worker = new Worker(new URL("./kernel.worker.js", import.meta.url), { type: "module", name: "kernel" });
    this.interruptBuffer = globalThis.crossOriginIsolated ? new Uint8Array(new SharedArrayBuffer(1)) : null;
    this.worker.onmessage = (event) => this.#receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.#setState(KernelState.ERROR, `kernel worker failed: ${event.message ?? "unknown error"}`);
      this.#abortAll();
    };
    this.#setState(KernelState.STARTING, "starting");
    this.worker.postMessage({ type: "init", interruptBuffer: this.interruptBuffer });
  }

  /**
   * Runs one cell's code in `session`'s namespace (a new session starts a fresh one).
   * `onOutput(output)` receives each nbformat output as it appears.
   * @returns {Promise<{status: "ok" | "error" | "aborted", execution_count: number | null}>}
   */
  execute(code, onOutput, session = null) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { onOutput, resolve });
      this.worker.postMessage({ type: "execute", id, code, session });
    });
  }

  /** Raises KeyboardInterrupt in the running cell (Python checks the buffer as it runs). */
  interrupt() {
    if (this.state !== KernelState.BUSY || !this.interruptBuffer) return false;
    this.interruptBuffer[0] = SIGINT;
    this.#setState(KernelState.INTERRUPTING, "interrupting");
    return true;
  }

  /** A fresh Python: the running cell and queued cells are aborted, variables are lost. */
  restart() {
    this.worker?.terminate();
    this.#abortAll();
    this.info = null;
    this.start();
  }

  #abortAll() {
    for (const { resolve } of this.pending.values()) resolve({ status: "aborted", execution_count: null });
    this.pending.clear();
  }

  #setState(state, detail) {
    this.state = state;
    this.onStatus(state, detail);
  }

  #receive(message) {
    switch (message.type) {
      case "status":
        // "interrupting" stays until the worker reports the cell ended.
        if (this.state === KernelState.INTERRUPTING && message.state === KernelState.BUSY) return;
        this.#setState(message.state, message.detail);
        break;
      case "info":
        this.info = message;
        this.onInfo(message);
        break;
      case "output":
        this.pending.get(message.id)?.onOutput(message.output);
        break;
      case "reply": {
        const entry = this.pending.get(message.id);
        this.pending.delete(message.id);
        entry?.resolve({ status: message.status, execution_count: message.execution_count });
        break;
      }
      default:
        break;
    }
  }
}
