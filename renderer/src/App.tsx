// The window: top bar, editor + problems on the left, maps + output on the right, status.
import { openScript, restoreDraft, saveScript } from './files/script-files.js';
import { ScriptFileBar } from './files/ScriptFileBar.js';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { onHashChange, run, start, startOnce, stop } from './actions.js';
// Monaco is most of the renderer's bytes: its own chunk, loaded while the rest paints.
const Editor = lazy(() => import('./editor/Editor.js').then((m) => ({ default: m.Editor })));
import { EquivalentBanner, Gallery } from './gallery/Gallery.js';
import { Dialogs } from './library/Dialogs.js';
import { HostsDialog } from './hosts/HostsDialog.js';
import { ReplayBar } from './library/ReplayBar.js';
import { useLibrary, useReplay } from './library/store.js';
import { focusSearch, wireCatalog } from './probes/browser.js';
import { ProbeBrowser } from './probes/ProbeBrowser.js';
import { isActive, useSession } from './state/session.js';
import { useUi } from './state/ui.js';
import { useTheme } from './theme/store.js';
import { MapTable } from './views/MapTable.js';
import { FlamePanel } from './views/flame/FlamePanel.js';
import { PrintfLog } from './views/PrintfLog.js';
import { Problems, useProblems } from './views/Problems.js';
import { StatusBar } from './views/StatusBar.js';
import { Brand } from './views/Brand.js';
import { MaximizeButton } from './layout/MaximizeButton.js';
import { useLayout, type PaneId } from './layout/store.js';
import { Workspace } from './layout/Workspace.js';
import { useFlames } from './state/flame.js';
import { TopBar } from './views/TopBar.js';
import { formatNumber } from './views/format.js';

function ConnectionScreen() {
  const connection = useUi((s) => s.connection);
  if (connection.kind === 'open') return null;
  let title: string;
  let body: ReactNode;
  if (connection.kind === 'connecting') {
    title = 'Connecting…';
    body = <p>Opening the connection to the kscope host.</p>;
  } else if (connection.kind === 'no-token') {
    title = 'No access token';
    body = (
      <>
        <p>This page needs the token printed by the host. Open the URL it printed, which looks like:</p>
        <pre className="conn-code">http://127.0.0.1:PORT/#token=…</pre>
        <p>
          Start the host with <code>kscope serve</code> if it is not running.
        </p>
      </>
    );
  } else {
    title = 'Disconnected from the kscope host';
    body = (
      <>
        <p className="conn-reason" data-testid="connection-reason">
          {connection.reason}
        </p>
        <p>Any running trace keeps its recording on the host side.</p>
      </>
    );
  }
  return (
    <div className="conn-screen" data-testid="connection-screen" data-state={connection.kind}>
      <div className="conn-card">
        <Brand className="conn-brand" />
        <h1>{title}</h1>
        {body}
        {connection.kind !== 'connecting' ? (
          <button className="btn btn-run" data-testid="reconnect-button" onClick={() => void start()}>
            Reconnect
          </button>
        ) : (
          <div className="spinner" />
        )}
      </div>
    </div>
  );
}

function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const dismiss = useUi((s) => s.dismiss);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast" role="alert">
          <span className="toast-msg">{t.message}</span>
          <button className="toast-close" onClick={() => dismiss(t.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** Beside "Script": which recording the script came from while replaying. */
function ScriptNote() {
  const opened = useReplay((s) => s.opened);
  if (opened && opened.summary.origin !== 'run')
    return (
      <span className="pane-note" data-testid="script-not-from-import" title="An import has no bpftrace script: the editor shows its note; closing the replay gives your script back">
        the import&apos;s note (it has no script)
      </span>
    );
  if (!opened) return <span className="pane-note">bpftrace</span>;
  return (
    <span className="pane-note" data-testid="script-from-recording" title="The script this recording ran: press Run to run it again">
      from the recording · Run runs it again
    </span>
  );
}

function PaneHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="pane-header">
      <span className="pane-title">{title}</span>
      {children}
    </div>
  );
}

/** Window-level shortcuts, for when the focus is not in the editor (which has its own). */
function useGlobalShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as Element | null;
      // Ctrl+Shift+M: maximize the pane holding the focus (the flame graph when none), or restore.
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === 'm') {
        e.preventDefault();
        const layout = useLayout.getState();
        if (layout.maximized) return layout.restore();
        const pane = target?.closest?.('[data-pane]')?.getAttribute('data-pane') as PaneId | null | undefined;
        layout.toggleMaximized(pane ?? (useFlames.getState().order.length > 0 ? 'flame' : 'editor'));
        return;
      }
      // Alt+Shift+T: the next theme (system → light → dark), from anywhere, the editor included.
      if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyT') {
        e.preventDefault();
        useTheme.getState().cycle();
        return;
      }
      if (target?.closest?.('.monaco-editor')) return;
      // Ctrl+O / Ctrl+S / Ctrl+Shift+S: the script as a file (the editor has the same keys).
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key.toLowerCase() === 's' || (e.key.toLowerCase() === 'o' && !e.shiftKey))) {
        if (useLibrary.getState().dialog !== 'none') return;
        e.preventDefault();
        if (e.key.toLowerCase() === 'o') void openScript();
        else void saveScript(e.shiftKey);
        return;
      }
      // A recordings dialog is open: its keys are its own (Esc closes it, not the run).
      if (useLibrary.getState().dialog !== 'none') return;
      const ctrl = e.ctrlKey || e.metaKey;
      if (ctrl && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'p') {
        e.preventDefault();
        focusSearch();
      } else if (ctrl && e.key === 'Enter') {
        e.preventDefault();
        void run();
      } else if (ctrl && e.key === '.') {
        e.preventDefault();
        void stop();
      } else if (e.key === 'Escape' && isActive(useSession.getState().phase)) {
        if (target instanceof HTMLSelectElement) return;
        e.preventDefault();
        void stop();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

// The panes' counts are components of their own: what changes with every live update (the
// line count) or every keystroke (the problems) re-renders its badge, not the whole app.
function ProblemCounts() {
  const problems = useProblems();
  const errorCount = problems.filter((p) => p.severity === 'error').length;
  const warnCount = problems.length - errorCount;
  return (
    <>
      {errorCount > 0 ? <span className="count count-error">{errorCount}</span> : null}
      {warnCount > 0 ? <span className="count count-warning">{warnCount}</span> : null}
    </>
  );
}

function MapCount() {
  const mapCount = useSession((s) => s.mapOrder.length);
  return mapCount > 0 ? <span className="count">{mapCount}</span> : null;
}

function OutputCount() {
  const printfSeen = useSession((s) => s.printfSeen);
  return printfSeen > 0 ? <span className="count">{formatNumber(printfSeen)}</span> : null;
}

export function App() {
  const connection = useUi((s) => s.connection);
  const hasFlames = useFlames((s) => s.order.length > 0);
  useGlobalShortcuts();
  useEffect(() => {
    wireCatalog();
    // The last draft first: a non-empty editor keeps its text instead of the start example.
    restoreDraft();
    void startOnce();
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  return (
    <div className="app">
      <TopBar />
      <ReplayBar />
      <div className="main">
        <ProbeBrowser />
        <Workspace
          editor={
            <div className="pane editor-pane">
              <PaneHeader title="Script">
                <ScriptNote />
                <span className="pane-header-spacer" />
                <ScriptFileBar />
                <MaximizeButton pane="editor" label="the script" />
              </PaneHeader>
              <EquivalentBanner />
              <Suspense fallback={<div className="editor-loading" data-testid="editor-loading">Loading the editor…</div>}>
                <Editor />
              </Suspense>
            </div>
          }
          problems={
            <div className="pane problems-pane">
              <PaneHeader title="Problems">
                <ProblemCounts />
                <span className="pane-header-spacer" />
                <MaximizeButton pane="problems" label="the problems" />
              </PaneHeader>
              <Problems />
            </div>
          }
          flame={hasFlames ? <FlamePanel /> : null}
          maps={
            <div className="pane maps-pane">
              <PaneHeader title="Maps">
                <MapCount />
                <span className="pane-header-spacer" />
                <MaximizeButton pane="maps" label="the maps" />
              </PaneHeader>
              <MapTable />
            </div>
          }
          output={
            <div className="pane output-pane">
              <PaneHeader title="Output">
                <OutputCount />
                <span className="pane-header-spacer" />
                <MaximizeButton pane="output" label="the output" />
              </PaneHeader>
              <PrintfLog />
            </div>
          }
        />
      </div>
      <StatusBar />
      <Toasts />
      <Gallery />
      <Dialogs />
      <HostsDialog />
      {connection.kind !== 'open' ? <ConnectionScreen /> : null}
    </div>
  );
}
