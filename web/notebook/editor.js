// A CodeMirror 6 editor for one cell: Python or Markdown highlighting, the usual editing
// keys, and the notebook's own keys (Shift+Enter, Ctrl/Cmd+Enter, Alt+Enter, Escape, and
// arrow keys that move to the neighbouring cell at the first/last line).
//
// CSP: CodeMirror injects its styles with style-mod, which writes a <style> element into a
// document (refused by style-src 'self', and the editor would be unstyled) but uses a
// constructable stylesheet (adoptedStyleSheets, not subject to style-src) in a shadow root.
// So each editor lives in an open shadow root of its container: no nonce, no 'unsafe-inline'.
// Page CSS does not reach into it; the editor's own look is the theme below (CSS custom
// properties such as --mono do inherit through the shadow boundary).
import {
  EditorView, EditorState, Compartment, Prec, keymap, drawSelection, dropCursor,
  highlightSpecialChars, highlightActiveLine, rectangularSelection, crosshairCursor, placeholder,
  defaultKeymap, history, historyKeymap, indentWithTab, indentOnInput, bracketMatching,
  syntaxHighlighting, HighlightStyle, tags, indentUnit, closeBrackets, closeBracketsKeymap,
  autocompletion, completionKeymap, searchKeymap, highlightSelectionMatches, python, markdown,
} from "./dist/deps.js";

// Syntax colours from the page's CSS variables (--syn-*, light and dark sets in notebook.css,
// inherited into the editor's shadow root): CodeMirror's default style is made for a light
// background and is unreadable on a dark one.
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.operatorKeyword, tags.definitionKeyword, tags.moduleKeyword], color: "var(--syn-keyword)" },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: "var(--syn-string)" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--syn-number)" },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: "var(--syn-comment)", fontStyle: "italic" },
  { tag: [tags.function(tags.definition(tags.variableName)), tags.definition(tags.className), tags.className], color: "var(--syn-definition)" },
  { tag: [tags.propertyName, tags.function(tags.propertyName)], color: "var(--syn-property)" },
  { tag: tags.heading, color: "var(--syn-keyword)", fontWeight: "bold" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.strong, fontWeight: "bold" },
  { tag: [tags.link, tags.url], color: "var(--syn-string)", textDecoration: "underline" },
  { tag: tags.invalid, color: "var(--error)" },
]);

const theme = EditorView.theme({
  "&": { fontSize: "0.9rem", color: "var(--fg)" },
  ".cm-content": { fontFamily: "var(--mono)", caretColor: "var(--fg)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.45" },
  "&.cm-focused": { outline: "2px solid var(--accent)", outlineOffset: "-1px", borderRadius: "0.3rem" },
  ".cm-activeLine": { backgroundColor: "transparent" },
  "&.cm-focused .cm-activeLine": { backgroundColor: "rgba(128, 128, 128, 0.08)" },
  ".cm-placeholder": { color: "var(--muted)" },
});

const languages = { code: () => python(), markdown: () => markdown(), raw: () => [] };

/**
 * @param {HTMLElement} parent
 * @param {{doc: string, cellType: string, onChange: (text: string) => void,
 *          onFocus: () => void, commands: {run: () => void, runAndAdvance: () => void,
 *          runAndInsert: () => void, escape: () => void, previous: () => void, next: () => void}}} options
 */
export function createEditor(parent, { doc, cellType, onChange, onFocus, commands, label }) {
  const language = new Compartment();
  const atFirstLine = (view) => view.state.doc.lineAt(view.state.selection.main.head).number === 1;
  const atLastLine = (view) =>
    view.state.doc.lineAt(view.state.selection.main.head).number === view.state.doc.lines;
  const notebookKeys = Prec.highest(keymap.of([
    { key: "Shift-Enter", run: () => (commands.runAndAdvance(), true) },
    { key: "Mod-Enter", run: () => (commands.run(), true) },
    { key: "Alt-Enter", run: () => (commands.runAndInsert(), true) },
    { key: "Escape", run: () => (commands.escape(), true) },
    { key: "ArrowUp", run: (view) => view.state.selection.main.empty && atFirstLine(view) && commands.previous() },
    { key: "ArrowDown", run: (view) => view.state.selection.main.empty && atLastLine(view) && commands.next() },
  ]));
  const root = parent.attachShadow({ mode: "open" });
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc,
      extensions: [
        notebookKeys,
        theme,
        highlightSpecialChars(),
        history(),
        drawSelection(),
        dropCursor(),
        EditorState.allowMultipleSelections.of(true),
        indentOnInput(),
        syntaxHighlighting(highlight),
        bracketMatching(),
        closeBrackets(),
        autocompletion(),
        rectangularSelection(),
        crosshairCursor(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        indentUnit.of("    "),
        EditorState.tabSize.of(4),
        EditorView.lineWrapping,
        placeholder(cellType === "markdown" ? "Markdown text" : "Python code"),
        keymap.of([
          ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap,
          ...completionKeymap, indentWithTab,
        ]),
        language.of(languages[cellType]?.() ?? []),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
          if (update.focusChanged && update.view.hasFocus) onFocus();
        }),
      ],
    }),
  });
  return {
    view,
    focus(where = "end") {
      view.focus();
      const pos = where === "start" ? 0 : view.state.doc.length;
      view.dispatch({ selection: { anchor: pos } });
    },
    setLanguage(type) {
      view.dispatch({ effects: language.reconfigure(languages[type]?.() ?? []) });
    },
    setText(text) {
      if (text !== view.state.doc.toString()) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      }
    },
    destroy() {
      view.destroy();
    },
  };
}
