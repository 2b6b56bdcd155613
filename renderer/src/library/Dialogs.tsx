// The recordings dialogs (library, import, compare), mounted once in App, with their
// shortcuts: Ctrl+R opens or closes the library (before the browser reloads the page),
// Esc closes whichever is open.
import { lazy, Suspense, useEffect } from 'react';
import { closeDialog, openDialog } from './actions.js';
import { ImportDialog } from './ImportDialog.js';
import { LibraryDialog } from './LibraryDialog.js';
import { useLibrary } from './store.js';

// The compare view (diff trees, its own flame chart) loads when first opened.
const CompareView = lazy(() => import('../compare/CompareView.js').then((m) => ({ default: m.CompareView })));

export function RecordingsButton() {
  const dialog = useLibrary((s) => s.dialog);
  return (
    <button
      className="btn btn-ghost recordings-button"
      data-testid="recordings-button"
      aria-expanded={dialog === 'library'}
      onClick={() => (dialog === 'library' ? closeDialog() : openDialog('library'))}
      title="Every run kept: replay, export, import, compare (Ctrl+R)"
    >
      <span className="rec-dot" aria-hidden="true" /> Recordings <kbd>Ctrl+R</kbd>
    </button>
  );
}

export function Dialogs() {
  const dialog = useLibrary((s) => s.dialog);
  useEffect(() => {
    const onCapture = (e: KeyboardEvent) => {
      const ctrl = e.ctrlKey || e.metaKey;
      if (ctrl && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'r') {
        e.preventDefault();
        e.stopPropagation();
        if (useLibrary.getState().dialog === 'library') closeDialog();
        else openDialog('library');
      }
    };
    // Bubble phase: a rename field or an open menu stops its own Esc first.
    const onBubble = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented && useLibrary.getState().dialog !== 'none') {
        e.preventDefault();
        closeDialog();
      }
    };
    window.addEventListener('keydown', onCapture, true);
    window.addEventListener('keydown', onBubble);
    return () => {
      window.removeEventListener('keydown', onCapture, true);
      window.removeEventListener('keydown', onBubble);
    };
  }, []);
  if (dialog === 'library') return <LibraryDialog />;
  if (dialog === 'import') return <ImportDialog />;
  if (dialog === 'compare')
    return (
      <Suspense fallback={<div className="lib-loading">Loading…</div>}>
        <CompareView />
      </Suspense>
    );
  return null;
}
