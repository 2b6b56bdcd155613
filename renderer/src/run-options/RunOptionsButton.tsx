// "Options" beside Run: a popover with the run options bpftrace has. The positional
// parameters' fields are generated from the $1…$N the script reads.
import { useEffect, useMemo, useRef } from 'react';
import { useEditor } from '../state/editor.js';
import { isActive, useSession } from '../state/session.js';
import { positionalUse } from './positional.js';
import { formOptions, setCount, useRunOptions } from './store.js';
import './run-options.css';

export function RunOptionsButton() {
  const form = useRunOptions();
  const source = useEditor((s) => s.source);
  const active = isActive(useSession((s) => s.phase));
  const use = useMemo(() => positionalUse(source), [source]);
  const problems = useMemo(() => formOptions(form, source).problems, [form, source]);
  const wrap = useRef<HTMLDivElement>(null);
  const n = setCount(form);

  useEffect(() => {
    if (!form.open) return;
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) form.setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [form.open]);

  return (
    <div className="run-options-wrap" ref={wrap}>
      <button
        className={`btn btn-ghost run-options-button${n > 0 ? ' on' : ''}`}
        data-testid="run-options-button"
        aria-expanded={form.open}
        onClick={() => form.setOpen(!form.open)}
        title="Run options: positional parameters, -p PID, -c CMD, duration, unsafe functions"
      >
        Options{n > 0 ? <span className="count">{n}</span> : null}
        {problems.length > 0 ? <span className="run-options-warn" aria-label="needs attention">!</span> : null}
      </button>
      {form.open ? (
        <div
          className="run-options"
          data-testid="run-options"
          role="dialog"
          aria-label="Run options"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              form.setOpen(false);
            }
          }}
        >
          <div className="run-options-title">Run options {active ? <span className="muted">(for the next run)</span> : null}</div>
          <fieldset className="run-options-group">
            <legend>Positional parameters</legend>
            {use.highest === 0 ? (
              <div className="muted" data-testid="run-args-none">
                This script reads no $1…$N{use.count ? ' ($# will be 0)' : ''}.
              </div>
            ) : (
              Array.from({ length: use.highest }, (_, i) => (
                <label key={i} className="run-options-row">
                  <span className="mono">${i + 1}</span>
                  <input
                    data-testid={`run-arg-${i + 1}`}
                    value={form.args[i] ?? ''}
                    placeholder={use.used.includes(i + 1) ? 'value (as text; numbers are parsed by bpftrace)' : 'not read by the script'}
                    onChange={(e) => form.setArg(i, e.target.value)}
                    autoFocus={i === 0}
                  />
                </label>
              ))
            )}
          </fieldset>
          <fieldset className="run-options-group">
            <legend>Process</legend>
            <label className="run-options-row">
              <span className="mono">-p</span>
              <input data-testid="run-pid" inputMode="numeric" value={form.pid} placeholder="PID: trace this process (the run ends when it exits)" onChange={(e) => form.set({ pid: e.target.value })} />
            </label>
            <label className="run-options-row">
              <span className="mono">-c</span>
              <input data-testid="run-command" value={form.command} placeholder="command: run it and trace it (as root)" onChange={(e) => form.set({ command: e.target.value })} />
            </label>
          </fieldset>
          <fieldset className="run-options-group">
            <legend>Duration</legend>
            <label className="run-options-row">
              <span>Stop after</span>
              <input data-testid="run-duration" inputMode="decimal" value={form.durationSec} placeholder="seconds (empty: until stopped)" onChange={(e) => form.set({ durationSec: e.target.value })} />
            </label>
          </fieldset>
          <fieldset className="run-options-group">
            <legend>Unsafe functions</legend>
            <label className="run-options-check">
              <input type="checkbox" data-testid="run-unsafe" checked={form.unsafe} onChange={(e) => form.set({ unsafe: e.target.checked })} />
              <span>
                Allow <code>system()</code>, <code>signal()</code> and other functions that change the machine (bpftrace <code>--unsafe</code>). kscope asks for your
                consent where the page cannot give it itself; in browser mode the host must be started with <code>--allow-unsafe</code>. Not remembered.
              </span>
            </label>
          </fieldset>
          {problems.length > 0 ? (
            <ul className="run-options-problems" data-testid="run-options-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          ) : null}
          <div className="run-options-actions">
            <button className="btn btn-small btn-ghost" data-testid="run-options-clear" onClick={form.clear}>
              Clear
            </button>
            <button className="btn btn-small btn-ghost" onClick={() => form.setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
