// The probe browser: search box, the tree of the catalog (or search results), and the
// details of the selected probe. Collapses to a thin rail.
import { resultRows, shownProbes } from './fold.js';
import './probes-fold.css';
import { useEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCatalog } from '../state/catalog.js';
import { formatNumber } from '../views/format.js';
import {
  clearSearch,
  focusSearch,
  loadMore,
  select,
  setOpen,
  setQuery,
  toggleGroup,
  toggleType,
} from './browser.js';
import { ProbeDetails } from './ProbeDetails.js';
import { ProbePicker, TargetBar } from './ProbePicker.js';
import { useTarget } from './target.js';
import { parseUserGlob } from '../../../common/bpftrace/user-glob.js';
import './probes.css';
import { leafLabel, resultSegments, treeRows, unavailableText, type Row } from './rows.js';

const ROW_HEIGHT = 22;
const USER_TAG: Partial<Record<string, string>> = { uprobe: 'uprobe', uretprobe: 'uret', usdt: 'usdt' };

export function ProbeBrowser() {
  const open = useCatalog((s) => s.open);
  const tree = useCatalog((s) => s.tree);
  const query = useCatalog((s) => s.query);
  const selected = useCatalog((s) => s.selected);
  const pickerOpen = useTarget((s) => s.pickerOpen);
  const total = useMemo(() => tree?.types.reduce((n, t) => n + (t.available ? t.count : 0), 0) ?? 0, [tree]);

  if (!open) {
    return (
      <div className="probe-rail">
        <button
          className="probe-rail-button"
          data-testid="probe-browser-toggle"
          onClick={() => setOpen(true)}
          title="Show the probe browser (Ctrl+P searches)"
        >
          <span className="rail-chevron">›</span>
          <span className="rail-label">Probes</span>
        </button>
      </div>
    );
  }
  return (
    <aside className="probe-browser" data-testid="probe-browser">
      <div className="pane-header">
        <span className="pane-title">Probes</span>
        {tree ? (
          <span className="count" title={`${formatNumber(total)} attachable probes on this machine`}>
            {formatNumber(total)}
          </span>
        ) : null}
        <span className="pane-header-spacer" />
        <button
          className="icon-button"
          data-testid="probe-browser-toggle"
          onClick={() => setOpen(false)}
          title="Hide the probe browser"
          aria-label="Hide the probe browser"
        >
          ‹
        </button>
      </div>
      <SearchBox />
      <TargetBar />
      {pickerOpen ? (
        <ProbePicker />
      ) : (
        <>
          <div className={`probe-list-wrap${selected ? ' with-details' : ''}`}>{query.trim() ? <SearchResults /> : <ProbeTree />}</div>
          {selected ? <ProbeDetails /> : null}
        </>
      )}
    </aside>
  );
}

function SearchBox() {
  const query = useCatalog((s) => s.query);
  const focusNonce = useCatalog((s) => s.focusNonce);
  const result = useCatalog((s) => s.result);
  const resultFor = useCatalog((s) => s.resultFor);
  const searching = useCatalog((s) => s.searching);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusNonce === 0) return;
    input.current?.focus();
    input.current?.select();
  }, [focusNonce]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const s = useCatalog.getState();
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (s.query) clearSearch();
      else input.current?.blur();
      return;
    }
    if (!s.query.trim()) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        document.querySelector<HTMLElement>('[data-testid=probe-tree]')?.focus();
      }
      return;
    }
    const n = s.result ? shownProbes(s.result, s.showUnavailable) : 0;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (n === 0) return;
      const d = e.key === 'ArrowDown' ? 1 : -1;
      useCatalog.setState({ active: Math.max(0, Math.min(n - 1, s.active + d)) });
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      if (n === 0) return;
      const d = e.key === 'PageDown' ? 15 : -15;
      useCatalog.setState({ active: Math.max(0, Math.min(n - 1, s.active + d)) });
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (s.resultFor !== s.query) return;
      const p = s.result?.probes[s.active];
      if (p) select({ kind: 'probe', name: p.name });
    }
  };

  const shown = result && query.trim() && resultFor === query;
  const target = useTarget((s) => s.target);
  // What the host says about user-space listings (files matched, debug files read) is shown;
  // the kernel catalog's own notes are not repeated under every search.
  const userNotes = result !== null && result.notes.length > 0 && (target !== null || parseUserGlob(query) !== null);
  return (
    <div className="probe-search-wrap">
      <div className="probe-search-box">
        <span className="search-icon" aria-hidden="true" />
        <input
          ref={input}
          className="probe-search"
          data-testid="probe-search"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="Search probes (Ctrl+P) — glob or words"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          aria-label="Search probes"
        />
        {query ? (
          <button className="search-clear" onClick={() => clearSearch()} title="Clear (Esc)" aria-label="Clear the search">
            ×
          </button>
        ) : null}
      </div>
      {query.trim() ? (
        <div className="probe-search-meta" data-testid="probe-search-meta">
          {shown ? (
            <>
              <span data-testid="probe-result-count">
                {formatNumber(result.total)} {result.total === 1 ? 'match' : 'matches'}
              </span>
              <span className={`mode-badge mode-${result.mode}`} data-testid="probe-search-mode">
                {result.mode}
              </span>
              {result.total > result.probes.length ? (
                <span className="meta-dim">first {formatNumber(result.probes.length)} shown</span>
              ) : null}
              <span className="meta-dim meta-right">{Math.round(result.tookMs)} ms</span>
            </>
          ) : (
            <span className="meta-dim">{searching ? 'Searching…' : ' '}</span>
          )}
        </div>
      ) : null}
      {shown && userNotes ? (
        <div className="probe-search-notes" data-testid="probe-search-notes" title={result.notes.join('\n')}>
          {result.notes[0]}
          {result.notes.length > 1 ? ` (+${result.notes.length - 1} more)` : ''}
        </div>
      ) : null}
    </div>
  );
}

/** The fold line's height: four lines of text. */
const FOLD_HEIGHT = 74;

function SearchResults() {
  const query = useCatalog((s) => s.query);
  const result = useCatalog((s) => s.result);
  const resultFor = useCatalog((s) => s.resultFor);
  const searchError = useCatalog((s) => s.searchError);
  const active = useCatalog((s) => s.active);
  const selected = useCatalog((s) => s.selected);
  const scroller = useRef<HTMLDivElement>(null);
  const tree = useCatalog((s) => s.tree);
  const showUnavailable = useCatalog((s) => s.showUnavailable);
  const rows = useMemo(() => (result ? resultRows(result, tree, showUnavailable) : []), [result, tree, showUnavailable]);
  const rowOf = (index: number) => rows.findIndex((r) => r.kind === 'probe' && r.index === index);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    // The fold line wraps: it says why, and what to use instead.
    estimateSize: (i) => (rows[i]?.kind === 'fold' ? FOLD_HEIGHT : ROW_HEIGHT),
    overscan: 12,
  });

  useEffect(() => {
    const row = rowOf(active);
    if (row >= 0) virtual.scrollToIndex(row, { align: 'auto' });
  }, [active, rows, virtual]);

  if (searchError && resultFor === query) {
    return <div className="empty small probe-error">Search failed: {searchError}</div>;
  }
  if (result && resultFor === query && result.total === 0) {
    return (
      <div className="probe-nomatch" data-testid="probe-nomatch">
        <div>
          No probes match <span className="mono">'{query.trim()}'</span>
        </div>
        {result.suggestions.length > 0 ? (
          <div className="probe-suggestions">
            <span className="meta-dim">Did you mean</span>
            {result.suggestions.map((s) => (
              <button key={s} className="suggestion" data-testid="probe-suggestion" onClick={() => setQuery(s)}>
                {s}
              </button>
            ))}
          </div>
        ) : (
          <div className="meta-dim">Try fewer words, or a glob such as tracepoint:sched:*</div>
        )}
      </div>
    );
  }
  const selectedName = selected?.kind === 'probe' ? selected.name : null;
  // While a newer query is asked, the previous answer stays on screen, dimmed and marked
  // stale (no flicker, and nothing reads it as the answer to the new query).
  const fresh = resultFor === query;
  return (
    <div className={`probe-list scroll${fresh ? '' : ' stale'}`} ref={scroller} data-testid="probe-results" role="listbox" aria-label="Search results">
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          if (row.kind === 'fold') {
            return (
              <button
                key="fold"
                className="probe-row fold-row"
                style={{ transform: `translateY(${item.start}px)`, height: FOLD_HEIGHT }}
                data-testid="probe-fold"
                aria-expanded={showUnavailable}
                title={row.detail}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => useCatalog.setState({ showUnavailable: !showUnavailable })}
              >
                <span className="fold-caret" aria-hidden="true">
                  {showUnavailable ? '▾' : '▸'}
                </span>
                <span className="fold-text">
                  {row.count.toLocaleString('en-US')} more can&apos;t run here ({row.types.join(', ')}).{' '}
                  {row.alternative ? <span className="fold-alt">{row.alternative} </span> : null}
                  <span className="fold-why">Why: {row.reason}</span>
                </span>
              </button>
            );
          }
          const p = row.probe;
          const index = row.index;
          return (
            <div
              key={p.name}
              className={`probe-row result-row${index === active ? ' active' : ''}${p.name === selectedName ? ' selected' : ''}${p.available ? '' : ' unavailable'}`}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              data-testid={fresh ? 'probe-result' : 'probe-result-stale'}
              data-name={p.name}
              data-available={String(p.available)}
              role="option"
              aria-selected={index === active}
              title={p.available ? p.name : `${p.name}\nunavailable on this machine`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                useCatalog.setState({ active: index });
                select({ kind: 'probe', name: p.name });
              }}
            >
              <span className={`type-dot type-${p.type}`} aria-hidden="true" title={p.type} />
              {/* uprobe and uretprobe of one function differ only in their start, which a long path pushes out of sight. */}
              {USER_TAG[p.type] ? <span className={`result-type-tag tag-${p.type}`}>{USER_TAG[p.type]}</span> : null}
              <span className="probe-name mono">
                <span className="probe-name-inner">
                  {resultSegments(p).map((seg, i) =>
                    seg.hit ? (
                      <mark key={i} className={seg.dim ? 'hl dim' : 'hl'}>
                        {seg.text}
                      </mark>
                    ) : (
                      <span key={i} className={seg.dim ? 'dim' : undefined}>
                        {seg.text}
                      </span>
                    ),
                  )}
                </span>
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function ProbeTree() {
  const tree = useCatalog((s) => s.tree);
  const treeError = useCatalog((s) => s.treeError);
  const expanded = useCatalog((s) => s.expanded);
  const leaves = useCatalog((s) => s.leaves);
  const selected = useCatalog((s) => s.selected);
  const activeIndex = useCatalog((s) => s.treeActive);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => treeRows(tree?.types ?? [], expanded, leaves), [tree, expanded, leaves]);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 16,
  });
  const active = Math.min(activeIndex, Math.max(0, rows.length - 1));

  const activate = (row: Row) => {
    if (row.kind === 'type') {
      toggleType(row.node.type, row.node.groups.length > 0);
      select({ kind: 'type', type: row.node.type });
    } else if (row.kind === 'group') toggleGroup(row.type.type, row.name);
    else if (row.kind === 'probe') select({ kind: 'probe', name: row.probe.name });
    else if (row.kind === 'more' && !row.loading) loadMore(row.type, row.group);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = rows[active];
    let next = active;
    if (e.key === 'ArrowDown') next = Math.min(rows.length - 1, active + 1);
    else if (e.key === 'ArrowUp') {
      if (active === 0) {
        e.preventDefault();
        focusSearch();
        return;
      }
      next = active - 1;
    } else if (e.key === 'PageDown') next = Math.min(rows.length - 1, active + 15);
    else if (e.key === 'PageUp') next = Math.max(0, active - 15);
    else if (e.key === 'Enter' || e.key === ' ') {
      if (row) activate(row);
    } else if (e.key === 'ArrowRight' && row) {
      if ((row.kind === 'type' || row.kind === 'group') && !row.expanded) activate(row);
    } else if (e.key === 'ArrowLeft' && row) {
      if ((row.kind === 'type' || row.kind === 'group') && row.expanded) activate(row);
      else {
        for (let i = active - 1; i >= 0; i--) if (rows[i]!.depth < row.depth) {
          next = i;
          break;
        }
      }
    } else return;
    e.preventDefault();
    if (next !== active) {
      useCatalog.setState({ treeActive: next });
      virtual.scrollToIndex(next, { align: 'auto' });
    }
  };

  if (treeError) return <div className="empty small probe-error">Could not load the probe catalog: {treeError}</div>;
  if (!tree) return <div className="empty small">Loading the probe catalog…</div>;
  const selectedName = selected?.kind === 'probe' ? selected.name : null;
  const selectedType = selected?.kind === 'type' ? selected.type : null;
  return (
    <div
      className="probe-list scroll"
      ref={scroller}
      data-testid="probe-tree"
      role="tree"
      aria-label="Probe catalog"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const common = {
            style: { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, paddingLeft: 6 + row.depth * 14 },
            onClick: () => {
              useCatalog.setState({ treeActive: item.index });
              activate(row);
            },
            onMouseDown: (e: MouseEvent) => {
              if (e.detail > 1) e.preventDefault();
            },
          };
          const isActive = item.index === active ? ' active' : '';
          if (row.kind === 'type') {
            const t = row.node;
            return (
              <div
                key={row.key}
                {...common}
                className={`probe-row type-row${isActive}${t.available ? '' : ' unavailable'}${selectedType === t.type ? ' selected' : ''}`}
                data-testid="probe-node"
                data-kind="type"
                data-type={t.type}
                data-available={String(t.available)}
                role="treeitem"
                aria-expanded={row.expanded}
                title={t.available ? `${t.type}: ${t.reason}` : unavailableText(t.type, t.reason, t.alternative)}
              >
                <span className={`twisty${row.expanded ? ' open' : ''}`} aria-hidden="true" />
                <span className={`type-dot type-${t.type}`} aria-hidden="true" />
                <span className="node-label">{t.type}</span>
                {t.available ? null : <span className="na-badge">n/a</span>}
                <span className="node-count">{formatNumber(t.count)}</span>
              </div>
            );
          }
          if (row.kind === 'group') {
            return (
              <div
                key={row.key}
                {...common}
                className={`probe-row group-row${isActive}${row.type.available ? '' : ' unavailable'}`}
                data-testid="probe-node"
                data-kind="group"
                data-type={row.type.type}
                data-available={String(row.type.available)}
                role="treeitem"
                aria-expanded={row.expanded}
                title={row.name}
              >
                <span className={`twisty${row.expanded ? ' open' : ''}`} aria-hidden="true" />
                <span className="node-label mono">{row.name}</span>
                <span className="node-count">{formatNumber(row.count)}</span>
              </div>
            );
          }
          if (row.kind === 'probe') {
            const p = row.probe;
            return (
              <div
                key={row.key}
                {...common}
                className={`probe-row leaf-row${isActive}${p.available ? '' : ' unavailable'}${selectedName === p.name ? ' selected' : ''}`}
                data-testid="probe-node"
                data-kind="probe"
                data-type={p.type}
                data-name={p.name}
                data-available={String(p.available)}
                role="treeitem"
                title={p.name}
              >
                <span className="twisty-space" aria-hidden="true" />
                <span className="node-label mono">{leafLabel(p)}</span>
              </div>
            );
          }
          if (row.kind === 'more') {
            return (
              <div key={row.key} {...common} className={`probe-row more-row${isActive}`} data-testid="probe-more" role="treeitem">
                <span className="twisty-space" aria-hidden="true" />
                <span className="node-label">
                  {row.loading ? 'Loading…' : `Show more — ${formatNumber(row.total - row.loaded)} of ${formatNumber(row.total)} remaining`}
                </span>
              </div>
            );
          }
          return (
            <div key={row.key} {...common} className={`probe-row status-row${row.error ? ' error' : ''}${isActive}`}>
              <span className="twisty-space" aria-hidden="true" />
              <span className="node-label">{row.text}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
