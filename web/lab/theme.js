// Light, dark or the system's choice (the default), remembered in localStorage. Charts are drawn on
// canvases with colours read from CSS variables, so they are redrawn when the theme changes.

const KEY = "pricing-lab-theme";
const CHOICES = ["auto", "light", "dark"];
const listeners = new Set();

function apply(choice) {
  if (choice === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  const button = document.getElementById("theme");
  button.textContent = `Theme: ${choice}`;
  button.setAttribute("aria-label", `Colour theme: ${choice} (press to change)`);
  for (const fn of listeners) fn();
}

function stored() {
  try {
    const c = localStorage.getItem(KEY);
    return CHOICES.includes(c) ? c : "auto";
  } catch {
    return "auto"; // storage can be disabled; the page still works
  }
}

/** Calls `fn` whenever the page's colours change (theme button or the system's setting). */
export function onThemeChange(fn) {
  listeners.add(fn);
}

export function initTheme() {
  let choice = stored();
  apply(choice);
  document.getElementById("theme").addEventListener("click", () => {
    choice = CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length];
    try {
      localStorage.setItem(KEY, choice);
    } catch {
      /* not remembered, still applied */
    }
    apply(choice);
  });
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    if (choice === "auto") apply(choice);
  });
}
