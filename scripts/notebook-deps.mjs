// The third-party code the notebook page uses, re-exported from npm packages so that
// scripts/bundle.mjs can bundle it (esbuild) into web/notebook/dist/deps.js: one pinned,
// offline ES module, no CDN. The notebook's own modules (web/notebook/*.js) are served as-is.
export { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, dropCursor, highlightSpecialChars, rectangularSelection, crosshairCursor,
  placeholder } from "@codemirror/view";
export { EditorState, Compartment, Prec } from "@codemirror/state";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export { indentOnInput, bracketMatching, foldGutter, foldKeymap, syntaxHighlighting,
  defaultHighlightStyle, HighlightStyle, indentUnit } from "@codemirror/language";
export { tags } from "@lezer/highlight";
export { closeBrackets, closeBracketsKeymap, autocompletion, completionKeymap }
  from "@codemirror/autocomplete";
export { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
export { python } from "@codemirror/lang-python";
export { markdown } from "@codemirror/lang-markdown";
export { marked } from "marked";
export { default as DOMPurify } from "dompurify";
