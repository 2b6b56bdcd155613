// The target of the probe browser's user-space listing: a bar under the search box (what is
// picked, or a button to pick), and the picker itself: a filter, recent binaries, a path typed
// by hand, and the running processes — one opens to its executable and mapped libraries.
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import './probes-picker.css';
import { filterProcesses, openPicker, refreshProcesses, setTarget, targetLabel, toggleProcess, useTarget } from './target.js';

/** Rows of processes drawn at once (the filter narrows the rest). */
const SHOWN_PROCESSES = 300;

export function TargetBar() {
  const target = useTarget((s) => s.target);
  const pickerOpen = useTarget((s) => s.pickerOpen);
  return (
    <div className="probe-target-bar" data-testid="probe-target-bar">
      {target ? (
        <span className="probe-target-chip" data-testid="probe-target" title={`User-space probes of ${target.binary ?? 'every object the process maps'}${target.pid !== null ? `\nInsert sets -p ${target.pid} in the run options` : ''}`}>
          <span className="type-dot type-uprobe" aria-hidden="true" /> <span className="mono">{targetLabel(target)}</span>
          <button className="search-clear" data-testid="probe-target-clear" onClick={() => setTarget(null)} title="Back to every probe" aria-label="Clear the picked binary or process">
            ×
          </button>
        </span>
      ) : null}
      <button
        className="btn btn-ghost btn-small probe-target-button"
        data-testid="probe-target-button"
        aria-expanded={pickerOpen}
        onClick={() => openPicker(!pickerOpen)}
        title="List the uprobes and USDT probes of a binary, a library or a running process"
      >
        {pickerOpen ? 'Close picker' : target ? 'Change…' : 'Binary or process…'}
      </button>
    </div>
  );
}

export function ProbePicker() {
  const filter = useTarget((s) => s.filter);
  const processes = useTarget((s) => s.processes);
  const processesError = useTarget((s) => s.processesError);
  const loading = useTarget((s) => s.loadingProcesses);
  const recent = useTarget((s) => s.recent);
  const expanded = useTarget((s) => s.expanded);
  const objects = useTarget((s) => s.objects);
  const objectsError = useTarget((s) => s.objectsError);
  const input = useRef<HTMLInputElement>(null);
  const matching = useMemo(() => filterProcesses(processes?.processes ?? [], filter), [processes, filter]);
  const path = filter.trim().startsWith('/') ? filter.trim() : null;
  const recentShown = recent.filter((r) => !filter.trim() || r.toLowerCase().includes(filter.trim().toLowerCase()));

  useEffect(() => input.current?.focus(), []);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (filter) useTarget.setState({ filter: '' });
      else openPicker(false);
    } else if (e.key === 'Enter' && path) {
      e.preventDefault();
      setTarget({ binary: path, pid: null, comm: null });
    }
  };

  return (
    <div className="probe-picker" data-testid="probe-picker">
      <div className="probe-picker-head">
        <input
          ref={input}
          className="probe-search"
          data-testid="probe-picker-filter"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="Filter processes, or type a binary's path"
          value={filter}
          onChange={(e) => useTarget.setState({ filter: e.target.value })}
          onKeyDown={onKeyDown}
          aria-label="Filter processes or type a path"
        />
        <button className="btn btn-ghost btn-small" data-testid="probe-picker-refresh" onClick={() => void refreshProcesses()} title="List the running processes again">
          Refresh
        </button>
      </div>
      <div className="probe-picker-list scroll">
        {path ? (
          <button className="picker-row" data-testid="probe-picker-path" onClick={() => setTarget({ binary: path, pid: null, comm: null })}>
            <span className="picker-main">
              Browse <span className="mono">{path}</span>
            </span>
            <span className="meta-dim">Enter</span>
          </button>
        ) : null}
        {recentShown.length > 0 ? (
          <>
            <div className="picker-section">Recent binaries</div>
            {recentShown.map((r) => (
              <button key={r} className="picker-row" data-testid="probe-picker-recent" data-path={r} onClick={() => setTarget({ binary: r, pid: null, comm: null })} title={r}>
                <span className="picker-main mono">{r}</span>
              </button>
            ))}
          </>
        ) : null}
        <div className="picker-section">
          Running processes{processes ? ` (${matching.length.toLocaleString('en-US')}${filter.trim() ? ` of ${processes.processes.length.toLocaleString('en-US')}` : ''})` : ''}
        </div>
        {processesError ? <div className="picker-error">Could not list the processes: {processesError}</div> : null}
        {!processes && loading ? <div className="picker-note">Listing the processes…</div> : null}
        {matching.slice(0, SHOWN_PROCESSES).map((p) => (
          <div key={p.pid} className="picker-process">
            <button
              className={`picker-row${expanded === p.pid ? ' open' : ''}`}
              data-testid="probe-picker-process"
              data-pid={p.pid}
              data-comm={p.comm}
              aria-expanded={expanded === p.pid}
              onClick={() => void toggleProcess(p.pid)}
              title={p.cmdline || p.comm}
            >
              <span className={`twisty${expanded === p.pid ? ' open' : ''}`} aria-hidden="true" />
              <span className="picker-comm">{p.comm}</span>
              <span className="picker-pid mono">{p.pid}</span>
              <span className="picker-exe mono meta-dim">{p.exe ?? '(executable not readable)'}</span>
            </button>
            {expanded === p.pid ? (
              <div className="picker-objects" data-testid="probe-picker-objects">
                {objectsError ? <div className="picker-error">{objectsError}</div> : null}
                {!objects && !objectsError ? <div className="picker-note">Reading its maps…</div> : null}
                {objects ? (
                  <>
                    <button className="picker-row picker-object" data-testid="probe-picker-all" onClick={() => setTarget({ binary: null, pid: p.pid, comm: p.comm })}>
                      <span className="picker-main">All {objects.objects.length} mapped objects</span>
                    </button>
                    {objects.objects.map((o) => (
                      <button
                        key={o.path}
                        className="picker-row picker-object"
                        data-testid="probe-picker-object"
                        data-path={o.path}
                        onClick={() => setTarget({ binary: o.path, pid: p.pid, comm: p.comm })}
                        title={o.path}
                      >
                        <span className="picker-main mono">{o.path}</span>
                        <span className={`picker-kind kind-${o.kind}`}>{o.kind === 'executable' ? 'exe' : 'lib'}</span>
                      </button>
                    ))}
                    {objects.notes.map((n) => (
                      <div key={n} className="picker-note">
                        {n}
                      </div>
                    ))}
                  </>
                ) : null}
              </div>
            ) : null}
          </div>
        ))}
        {matching.length > SHOWN_PROCESSES ? <div className="picker-note">{(matching.length - SHOWN_PROCESSES).toLocaleString('en-US')} more: type to narrow the list</div> : null}
        {processes && matching.length === 0 ? <div className="picker-note">No running process matches “{filter.trim()}”.</div> : null}
        {processes?.notes.map((n) => (
          <div key={n} className="picker-note">
            {n}
          </div>
        ))}
      </div>
    </div>
  );
}
