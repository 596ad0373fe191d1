// The CodeMirror 6 editor: one view, one EditorState per open file so that
// switching files keeps each file's unsaved text and undo history.
import { EditorState } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput } from '@codemirror/language';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { javascript } from '@codemirror/lang-javascript';

export class Editor {
  constructor(parent, { onChange, onSave }) {
    this.onChange = onChange;
    this.extensions = [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      javascript(),
      EditorState.tabSize.of(2),
      keymap.of([
        { key: 'Mod-s', preventDefault: true, run: () => { onSave(); return true; } },
        ...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab,
      ]),
      EditorView.updateListener.of(u => { if (u.docChanged) this.onChange(u.state); }),
    ];
    this.readOnlyExt = [EditorState.readOnly.of(true), EditorView.editable.of(false)];
    this.view = new EditorView({ parent, state: this.create('', true) });
  }

  create(text, readOnly) {
    return EditorState.create({
      doc: text,
      extensions: readOnly ? [this.extensions, this.readOnlyExt] : this.extensions,
    });
  }

  get state() { return this.view.state; }
  set state(st) { this.view.setState(st); }
  text() { return this.view.state.doc.toString(); }
  focus() { this.view.focus(); }
}
