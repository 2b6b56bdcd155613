// The script editor: Monaco with the bpftrace language, run/stop keybindings, and the
// session's errors and warnings as markers.
import { useEffect, useRef } from 'react';
import { run, stop } from '../actions.js';
import { markersFor, useEditor } from '../state/editor.js';
import { isActive, useSession } from '../state/session.js';
import { LANGUAGE_ID, setupMonaco, monaco } from './monaco.js';

const OWNER = 'bpftrace';

export function Editor() {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const errors = useSession((s) => s.errors);
  const warnings = useSession((s) => s.warnings);
  const phase = useSession((s) => s.phase);
  const reveal = useEditor((s) => s.reveal);
  const runningKey = useRef<monaco.editor.IContextKey<boolean> | null>(null);

  useEffect(() => {
    setupMonaco();
    const el = host.current!;
    const model = monaco.editor.createModel(useEditor.getState().source, LANGUAGE_ID);
    const editor = monaco.editor.create(el, {
      model,
      theme: 'kscope-dark',
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

    const sub = model.onDidChangeContent(() => {
      monaco.editor.setModelMarkers(model, OWNER, []);
      useEditor.getState().setSource(model.getValue());
    });
    // Source replaced from outside (an example was picked).
    const unsub = useEditor.subscribe((s, prev) => {
      if (s.source !== prev.source && s.source !== model.getValue()) {
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: s.source }], () => null);
        editor.setPosition({ lineNumber: 1, column: 1 });
        editor.revealLine(1);
      }
    });
    editor.focus();
    return () => {
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
    const markers = markersFor(model.getValue(), errors, warnings).map((m) => ({
      ...m,
      severity: m.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      source: 'bpftrace',
    }));
    monaco.editor.setModelMarkers(model, OWNER, markers);
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

  return <div className="editor-host" ref={host} data-testid="editor" />;
}
