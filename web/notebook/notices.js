// The page's two kinds of notice: a banner (role=alert) for problems the user must read, and a
// short-lived toast with one action (e.g. "Cell deleted. Undo").
const TOAST_MS = 8000;
const $ = (id) => document.getElementById(id);

export class Notices {
  constructor() {
    this.toastTimer = null;
    $("banner-close").addEventListener("click", () => this.hideBanner());
  }

  banner(text) {
    $("banner-text").textContent = text;
    $("banner").hidden = false;
  }

  hideBanner() {
    $("banner").hidden = true;
  }

  toast(text, actionLabel, action) {
    $("toast-text").textContent = text;
    const button = $("toast-action");
    button.textContent = actionLabel;
    button.onclick = action;
    $("toast").hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => this.hideToast(), TOAST_MS);
  }

  hideToast() {
    $("toast").hidden = true;
  }
}
