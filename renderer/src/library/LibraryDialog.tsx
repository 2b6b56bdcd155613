// The recordings library: every kept run and import, newest first, with search, inline
// rename, delete (confirmed in the row), open (replay), export, and two ticks for Compare.
// Keyboard: / search, ↑/↓ move, Enter open, F2 rename, Del delete, Space tick, Esc close.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RecordingSummary } from '../../../common/contract/index.js';
import { formatNumber } from '../views/format.js';
import { closeDialog, deleteRecording, loadLibrary, openDialog, openReplay, renameRecording } from './actions.js';
import { ExportMenu } from './ExportMenu.js';
import { capUsage, exitLabel, filterRecordings, formatBytes, formatSpan, formatStart, scriptLine } from './format.js';
import { useLibrary } from './store.js';
import './library.css';

/** Open Compare on two recordings: A = the earlier, B = the later. */
export function compareIds(ids: readonly string[], items: readonly RecordingSummary[]): { a: string; b: string } | null {
  if (ids.length !== 2) return null;
  const [x, y] = ids.map((id) => items.find((i) => i.id === id));
  if (!x || !y) return null;
  return Date.parse(x.startedAt) <= Date.parse(y.startedAt) ? { a: x.id, b: y.id } : { a: y.id, b: x.id };
}

function Row({
  s,
  now,
  cursor,
  picked,
  renaming,
  confirming,
  onRename,
  onConfirm,
}: {
  s: RecordingSummary;
  now: Date;
  cursor: boolean;
  picked: boolean;
  renaming: boolean;
  confirming: boolean;
  onRename(on: boolean): void;
  onConfirm(on: boolean): void;
}) {
  const [draft, setDraft] = useState(s.name);
  const exit = exitLabel(s);
  const lib = useLibrary.getState();
  useEffect(() => {
    if (renaming) setDraft(s.name);
  }, [renaming, s.name]);
  const commit = async () => {
    if (draft.trim() && draft.trim() !== s.name) await renameRecording(s.id, draft);
    onRename(false);
  };
  return (
    <tr
      className={`lib-row${cursor ? ' cursor' : ''}${picked ? ' picked' : ''}`}
      data-testid="library-row"
      data-id={s.id}
      aria-selected={cursor}
      // Focusable, and focused on a click: the row's keys (F2, Del, Enter, Space) then reach
      // the dialog's handler instead of the search box that had the focus.
      tabIndex={-1}
      onClick={(e) => {
        lib.setCursor(s.id);
        const t = e.target as HTMLElement;
        if (!t.closest('input, button, textarea, select')) e.currentTarget.focus({ preventScroll: true });
      }}
      onDoubleClick={() => !renaming && !s.problem && void openReplay(s.id)}
    >
      <td className="lib-pick">
        <input
          type="checkbox"
          checked={picked}
          onChange={() => lib.togglePick(s.id)}
          onClick={(e) => e.stopPropagation()}
          aria-label={`Pick ${s.name} for Compare`}
          title="Pick two to compare (Space)"
          data-testid="library-pick"
        />
      </td>
      <td className="lib-name-cell">
        {renaming ? (
          <input
            className="lib-rename"
            data-testid="library-rename-input"
            value={draft}
            autoFocus
            maxLength={200}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Enter') void commit();
              else if (e.key === 'Escape') onRename(false);
            }}
            onBlur={() => void commit()}
          />
        ) : (
          <div className="lib-name" data-testid="library-name" title={`${s.name}\n${s.path}`}>
            {s.name}
            {s.running ? (
              <span className="lib-badge lib-badge-running" data-testid="library-running" title="Its run is still going: the file is being written. Opening it shows it as far as it is written now.">
                recording…
              </span>
            ) : null}
            {s.problem ? (
              <span className="lib-badge lib-badge-problem" data-testid="library-problem" title={s.problem}>
                unreadable
              </span>
            ) : null}
            {s.interrupted ? (
              <span className="lib-badge lib-badge-interrupted" data-testid="library-interrupted" title="No exit was written: the app or the machine died during the run. It opens as far as it was written.">
                interrupted
              </span>
            ) : null}
            {s.origin !== 'run' ? <span className="lib-badge lib-badge-import">imported · {s.origin}</span> : null}
            {s.stackMaps.length ? <span className="lib-badge lib-badge-flame">stacks</span> : null}
          </div>
        )}
        {s.problem ? (
          <div className="lib-script lib-problem-text" title={s.problem}>
            {s.problem}
          </div>
        ) : (
          <div className="lib-script" title={s.script}>
            {scriptLine(s.script) || <i>no script</i>}
          </div>
        )}
      </td>
      <td className="lib-num" title={s.startedAt}>
        {formatStart(s.startedAt, now)}
      </td>
      <td className="lib-num">{formatSpan(s.durationMs)}</td>
      <td className="lib-num">{formatNumber(s.events)}</td>
      <td className={`lib-num${s.lostEvents > 0 ? ' lib-lost' : ''}`}>{formatNumber(s.lostEvents)}</td>
      <td className={`lib-exit lib-exit-${exit.tone}`}>{exit.text}</td>
      <td className="lib-num">{formatBytes(s.bytes)}</td>
      <td className="lib-actions" onClick={(e) => e.stopPropagation()}>
        {confirming ? (
          <span className="lib-confirm" data-testid="library-confirm">
            Delete for good?
            <button className="btn btn-small btn-danger" data-testid="library-confirm-delete" autoFocus onClick={() => void deleteRecording(s.id).then(() => onConfirm(false))}>
              Delete
            </button>
            <button className="btn btn-small btn-ghost" onClick={() => onConfirm(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <>
            <button
              className="btn btn-small btn-primary"
              data-testid="library-open"
              disabled={s.problem !== null}
              onClick={() => void openReplay(s.id)}
              title={s.problem ?? 'Replay it in the views (Enter)'}
            >
              Open
            </button>
            {s.problem ? null : <ExportMenu summary={s} compact />}
            <button className="btn btn-small btn-ghost" data-testid="library-rename" onClick={() => onRename(true)} title="Rename (F2)">
              Rename
            </button>
            <button className="btn btn-small btn-ghost lib-delete" data-testid="library-delete" onClick={() => onConfirm(true)} title="Delete (Del)">
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

export function LibraryDialog() {
  const items = useLibrary((s) => s.items);
  const query = useLibrary((s) => s.query);
  const loading = useLibrary((s) => s.loading);
  const error = useLibrary((s) => s.error);
  const storedCursor = useLibrary((s) => s.cursor);
  const picked = useLibrary((s) => s.picked);
  const totalBytes = useLibrary((s) => s.totalBytes);
  const capBytes = useLibrary((s) => s.capBytes);
  const dir = useLibrary((s) => s.dir);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => filterRecordings(items, query), [items, query]);
  // The keyboard row is always one that is shown (the first after the search changes).
  const cursor = shown.some((s) => s.id === storedCursor) ? storedCursor : (shown[0]?.id ?? null);
  const usage = capUsage(totalBytes, capBytes);
  const now = new Date();
  const pair = compareIds(picked, items);

  useEffect(() => {
    search.current?.focus();
  }, []);
  useEffect(() => {
    body.current?.querySelector('.lib-row.cursor')?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);

  const startCompare = () => {
    if (!pair) return;
    useLibrary.setState({ compare: pair });
    openDialog('compare');
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (renaming) return;
    const inSearch = e.target === search.current;
    const idx = shown.findIndex((s) => s.id === cursor);
    const lib = useLibrary.getState();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(shown.length - 1, idx + (e.key === 'ArrowDown' ? 1 : -1)));
      if (shown[next]) lib.setCursor(shown[next].id);
    } else if (e.key === 'Enter' && cursor && !confirming) {
      if ((e.target as HTMLElement).tagName === 'BUTTON') return;
      e.preventDefault();
      void openReplay(cursor);
    } else if (e.key === '/' && !inSearch) {
      e.preventDefault();
      search.current?.focus();
    } else if (inSearch) {
      return;
    } else if (e.key === 'F2' && cursor) {
      e.preventDefault();
      setRenaming(cursor);
    } else if (e.key === 'Delete' && cursor) {
      e.preventDefault();
      setConfirming(cursor);
    } else if (e.key === ' ' && cursor && (e.target as HTMLElement).tagName !== 'BUTTON') {
      e.preventDefault();
      lib.togglePick(cursor);
    }
  };

  return (
    <div className="modal-backdrop" onClick={closeDialog}>
      <div className="lib-dialog" role="dialog" aria-modal="true" aria-label="Recordings" data-testid="library" onClick={(e) => e.stopPropagation()} onKeyDown={onKey}>
        <div className="lib-head">
          <div className="lib-title-block">
            <div className="lib-heading">Recordings</div>
            <div className="lib-sub">
              Every run is kept here, and every import. Open one to replay it in the same views, with a time scrubber.
            </div>
          </div>
          <div className="lib-head-actions">
            <button className="btn btn-small btn-ghost" data-testid="library-import" onClick={() => openDialog('import')} title="Paste or open folded stacks, perf script output, or bpftrace's terminal output">
              Import…
            </button>
            <button
              className="btn btn-small btn-primary"
              data-testid="library-compare"
              disabled={!pair}
              onClick={startCompare}
              title={pair ? 'Compare the two ticked recordings (the earlier is A, before)' : 'Tick two recordings to compare them'}
            >
              Compare{picked.length ? ` (${picked.length}/2)` : ''}
            </button>
            <button className="btn btn-ghost" data-testid="library-close" onClick={closeDialog} title="Close (Esc)">
              ✕
            </button>
          </div>
        </div>
        <div className="lib-tools">
          <input
            ref={search}
            className="lib-search"
            data-testid="library-search"
            placeholder="Search name, script, map, or: interrupted, lost, stacks, imported  ( / )"
            value={query}
            spellCheck={false}
            onChange={(e) => useLibrary.getState().setQuery(e.target.value)}
          />
          <span className="lib-count" data-testid="library-count">
            {query ? `${shown.length} of ${items.length}` : `${items.length} recording${items.length === 1 ? '' : 's'}`}
          </span>
          <span className="lib-usage" data-testid="library-usage" title={`Kept in ${dir}. The oldest recordings are removed past the cap.`}>
            <span className="lib-usage-bar">
              <span className={`lib-usage-fill${usage.nearlyFull ? ' full' : ''}`} style={{ width: `${Math.max(1, usage.fraction * 100)}%` }} />
            </span>
            {usage.text}
          </span>
        </div>
        <div className="lib-body scroll" ref={body}>
          {error ? (
            <div className="lib-empty lib-error" data-testid="library-error">
              <b>The recordings could not be listed.</b> {error}{' '}
              <button className="link-button" onClick={() => void loadLibrary()}>
                Retry
              </button>
            </div>
          ) : items.length === 0 ? (
            <div className="lib-empty">
              {loading ? 'Loading…' : (
                <>
                  No recordings yet. Every run is kept here: press Run (<kbd>Ctrl+Enter</kbd>), or <button className="link-button" onClick={() => openDialog('import')}>import</button> text you already have.
                </>
              )}
            </div>
          ) : shown.length === 0 ? (
            <div className="lib-empty">Nothing matches “{query}”.</div>
          ) : (
            <table className="lib-table">
              <thead>
                <tr>
                  <th className="lib-pick" title="Tick two to compare" />
                  <th>Name · script</th>
                  <th className="lib-num">Started</th>
                  <th className="lib-num">Duration</th>
                  <th className="lib-num">Events</th>
                  <th className="lib-num">Lost</th>
                  <th>Exit</th>
                  <th className="lib-num">Size</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {shown.map((s) => (
                  <Row
                    key={s.id}
                    s={s}
                    now={now}
                    cursor={s.id === cursor}
                    picked={picked.includes(s.id)}
                    renaming={renaming === s.id}
                    confirming={confirming === s.id}
                    onRename={(on) => {
                      setRenaming(on ? s.id : null);
                      if (!on) body.current?.closest<HTMLElement>('.lib-dialog')?.focus();
                    }}
                    onConfirm={(on) => setConfirming(on ? s.id : null)}
                  />
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="lib-foot">
          <span>
            <kbd>↑</kbd>/<kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>F2</kbd> rename · <kbd>Del</kbd> delete · <kbd>Space</kbd> tick for compare · <kbd>/</kbd> search · <kbd>Esc</kbd> close
          </span>
          <span className="lib-dir" title="Where recordings are kept">
            {dir}
          </span>
        </div>
      </div>
    </div>
  );
}
