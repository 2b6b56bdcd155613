// The script editor: Monaco with the bpftrace language, run/stop keybindings, and the
// session's errors and warnings as markers.
import { insertPoint } from './insert-point.js';
import { openScript, saveScript } from '../files/script-files.js';
import { useEffect, useRef } from 'react';
import { run, stop } from '../actions.js';
import { diagnose } from '../probes/api.js';
import { focusSearch } from '../probes/browser.js';
import { markersFor, useEditor, type Marker } from '../state/editor.js';
import { isActive, useSession } from '../state/session.js';
import { DiagnoseScheduler, diagnosticMarkers } from './diagnostics.js';
import { registerLanguageService } from './language.js';
import { LANGUAGE_ID, setupMonaco, monaco } from './monaco.js';
import { useTheme } from '../theme/store.js';
import { monacoThemeName } from '../theme/monaco-light.js';

const OWNER = 'bpftrace';
/** Markers of the while-typing check, kept apart from the run's. */
export const DIAGNOSE_OWNER = 'kscope-diagnose';

function toMonaco(markers: Marker[], source: string): monaco.editor.IMarkerData[] {
  return markers.map((m) => ({
    ...m,
    severity: m.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
    source,
  }));
}

export function Editor() {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const errors = useSession((s) => s.errors);
  const warnings = useSession((s) => s.warnings);
  const phase = useSession((s) => s.phase);
  const reveal = useEditor((s) => s.reveal);
  const insert = useEditor((s) => s.insert);
  const focusNonce = useEditor((s) => s.focusNonce);
  const runningKey = useRef<monaco.editor.IContextKey<boolean> | null>(null);

  useEffect(() => {
    setupMonaco();
    registerLanguageService();
    const el = host.current!;
    const model = monaco.editor.createModel(useEditor.getState().source, LANGUAGE_ID);
    const editor = monaco.editor.create(el, {
      model,
      theme: monacoThemeName(useTheme.getState().resolved),
      automaticLayout: true,
      fontFamily: "'JetBrains Mono', 'Fira Code', 'DejaVu Sans Mono', 'Liberation Mono', monospace",
      fontSize: 13,
      lineHeight: 20,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      renderLineHighlight: 'all',
      padding: { top: 10, bottom: 10 },
      tabSize: 4,
      insertSpaces: true,
      fixedOverflowWidgets: true,
      smoothScrolling: true,
      cursorBlinking: 'smooth',
      glyphMargin: false,
      folding: true,
      lineNumbersMinChars: 3,
      overviewRulerLanes: 2,
      hideCursorInOverviewRuler: true,
      scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
      'semanticHighlighting.enabled': false,
      // Enter after a fully typed probe name makes a new line rather than re-accepting it.
      acceptSuggestionOnEnter: 'smart',
      suggest: { showStatusBar: false, preview: false },
      quickSuggestions: { other: true, comments: false, strings: false },
      ariaLabel: 'bpftrace script',
    });
    editorRef.current = editor;
    runningKey.current = editor.createContextKey<boolean>('kscopeRunning', false);

    editor.addAction({
      id: 'kscope.run',
      label: 'Run script',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      run: () => void run(),
    });
    editor.addAction({
      id: 'kscope.stop',
      label: 'Stop script',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Period],
      run: () => void stop(),
    });
    // Esc stops a run, unless a widget (suggest, find, hover...) wants it first.
    editor.addAction({
      id: 'kscope.stopEsc',
      label: 'Stop script (Esc)',
      keybindings: [monaco.KeyCode.Escape],
      keybindingContext:
        'kscopeRunning && !suggestWidgetVisible && !findWidgetVisible && !markersNavigationVisible && !parameterHintsVisible && !editorHasMultipleSelections',
      run: () => void stop(),
    });

    editor.addAction({
      id: 'kscope.saveScript',
      label: 'Save script',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
      run: () => void saveScript(),
    });
    editor.addAction({
      id: 'kscope.saveScriptAs',
      label: 'Save script as…',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.KeyS],
      run: () => void saveScript(true),
    });
    editor.addAction({
      id: 'kscope.openScript',
      label: 'Open script…',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyO],
      run: () => void openScript(),
    });
    editor.addAction({
      id: 'kscope.searchProbes',
      label: 'Search probes',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyP],
      run: () => focusSearch(),
    });

    const diagnostics = new DiagnoseScheduler({
      diagnose: async (source) => (await diagnose(source)).diagnostics,
      apply: (source, d) => {
        if (model.isDisposed()) return;
        monaco.editor.setModelMarkers(model, DIAGNOSE_OWNER, toMonaco(diagnosticMarkers(source, d), 'kscope'));
        useEditor.getState().setChecks(d);
      },
      clear: () => {
        if (!model.isDisposed()) monaco.editor.setModelMarkers(model, DIAGNOSE_OWNER, []);
        useEditor.getState().setChecks([]);
      },
    });
    diagnostics.update(model.getValue());

    const sub = model.onDidChangeContent(() => {
      monaco.editor.setModelMarkers(model, OWNER, []);
      const source = model.getValue();
      useEditor.getState().setSource(source);
      diagnostics.update(source);
    });
    // Source replaced from outside (an example was picked).
    const unsub = useEditor.subscribe((s, prev) => {
      if (s.source !== prev.source && s.source !== model.getValue()) {
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: s.source }], () => null);
        editor.setPosition({ lineNumber: 1, column: 1 });
        editor.revealLine(1);
        // A new script starts at its left edge (the old horizontal scroll made it look blank).
        // Again after the next frame: the edit's own cursor reveal (to the end of a long
        // one-line script) is applied at render time, after these calls.
        editor.setScrollLeft(0);
        editor.setScrollTop(0);
        requestAnimationFrame(() => {
          if (model.isDisposed()) return;
          editor.setScrollLeft(0);
          editor.setScrollTop(0);
        });
      }
    });
    editor.focus();
    return () => {
      diagnostics.dispose();
      unsub();
      sub.dispose();
      editor.dispose();
      model.dispose();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(model, OWNER, toMonaco(markersFor(model.getValue(), errors, warnings), 'bpftrace'));
  }, [errors, warnings]);

  useEffect(() => {
    runningKey.current?.set(isActive(phase));
  }, [phase]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !reveal) return;
    const pos = { lineNumber: reveal.line, column: reveal.column };
    editor.setPosition(pos);
    editor.revealPositionInCenterIfOutsideViewport(pos);
    editor.focus();
  }, [reveal]);

  // Insert text at the cursor (the probe browser's Insert).
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !insert) return;
    const selection = editor.getSelection() ?? new monaco.Selection(1, 1, 1, 1);
    // A cursor in the header comment (1:1 after loading an example): just below the comment.
    const moved = selection.isEmpty() ? insertPoint(editor.getModel()?.getValue() ?? '', selection.startLineNumber, insert.text) : null;
    const range = moved ? new monaco.Range(moved.line, moved.column, moved.line, moved.column) : selection;
    editor.executeEdits('kscope.insert', [{ range, text: moved ? moved.text : insert.text, forceMoveMarkers: true }]);
    editor.pushUndoStop();
    editor.focus();
  }, [insert]);

  useEffect(() => {
    if (focusNonce > 0) editorRef.current?.focus();
  }, [focusNonce]);

  // Monaco's theme follows the app's (one global setting for every Monaco editor).
  const theme = useTheme((s) => s.resolved);
  useEffect(() => {
    monaco.editor.setTheme(monacoThemeName(theme));
  }, [theme]);

  return <div className="editor-host" ref={host} data-testid="editor" />;
}
