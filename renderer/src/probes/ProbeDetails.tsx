// Details of the selected probe (describeProbe) or probe type (from the tree): availability
// with the reason and what works instead, arguments, prototype, help, the one-liner, and
// actions: insert at the cursor, new script from a template, measure the event rate.
import { useEffect, useRef, useState } from 'react';
import type { ProbeDescription, ProbeType } from '../../../common/contract/index.js';
import { PROBE_TYPE_HELP } from '../editor/reference.js';
import { isEdited, useEditor } from '../state/editor.js';
import { useCatalog } from '../state/catalog.js';
import { useUi } from '../state/ui.js';
import { formatNumber } from '../views/format.js';
import { errorMessage, measureRate } from './api.js';
import { closeDetails } from './browser.js';
import { useTarget } from './target.js';
import { useRunOptions } from '../run-options/store.js';

export const MEASURE_SECONDS = 5;

export function ProbeDetails() {
  const selected = useCatalog((s) => s.selected);
  const details = useCatalog((s) => s.details);
  const tree = useCatalog((s) => s.tree);
  if (!selected) return null;

  let body;
  if (selected.kind === 'type') {
    const t = tree?.types.find((x) => x.type === selected.type);
    body = t ? <TypeDetails type={t.type} count={t.count} available={t.available} reason={t.reason} alternative={t.alternative} groups={t.groups.length} /> : null;
  } else if (!details || details.loading) {
    body = (
      <>
        <DetailsHead name={selected.name} />
        <div className="details-loading">Describing…</div>
      </>
    );
  } else if (details.error || !details.data) {
    body = (
      <>
        <DetailsHead name={selected.name} />
        <div className="details-unavailable">
          <div className="details-unavailable-title">Could not describe this probe</div>
          <div>{details.error}</div>
        </div>
      </>
    );
  } else {
    body = <Description d={details.data} />;
  }
  return (
    <section className="probe-details scroll" data-testid="probe-details" aria-label="Probe details">
      <button className="details-close icon-button" onClick={() => closeDetails()} title="Close" aria-label="Close the details">
        ×
      </button>
      {body}
    </section>
  );
}

function DetailsHead({ name, type, available }: { name: string; type?: string; available?: boolean }) {
  return (
    <div className="details-head">
      <div className="details-name mono" data-testid="probe-details-name">
        {name}
      </div>
      {type ? (
        <div className="details-badges">
          <span className={`type-chip type-${type}`}>{type}</span>
          {available === undefined ? null : available ? (
            <span className="avail-badge ok" data-testid="probe-availability">
              available
            </span>
          ) : (
            <span className="avail-badge bad" data-testid="probe-availability">
              unavailable
            </span>
          )}
        </div>
      ) : null}
    </div>
  );
}

function Unavailable({ type, reason, alternative }: { type: string; reason: string | null; alternative: string | null }) {
  return (
    <div className="details-unavailable" data-testid="probe-unavailable">
      <div className="details-unavailable-title">{type} — unavailable on this machine</div>
      <div className="details-reason">{reason ?? 'This probe cannot be attached here.'}</div>
      {alternative ? <div className="details-alternative">{alternative}</div> : null}
    </div>
  );
}

function TypeDetails(props: { type: ProbeType; count: number; available: boolean; reason: string; alternative: string | null; groups: number }) {
  const help = PROBE_TYPE_HELP[props.type];
  return (
    <>
      <DetailsHead name={props.type} type="probe type" available={props.available} />
      {props.available ? null : <Unavailable type={props.type} reason={props.reason} alternative={props.alternative} />}
      <dl className="details-facts">
        {help ? (
          <>
            <dt>Syntax</dt>
            <dd className="mono">{help.signature}</dd>
            <dt>What</dt>
            <dd>{help.description}</dd>
          </>
        ) : null}
        <dt>Probes</dt>
        <dd>
          {formatNumber(props.count)}
          {props.groups > 0 ? ` in ${formatNumber(props.groups)} ${props.groups === 1 ? 'group' : 'groups'}` : ''}
        </dd>
        {props.available ? (
          <>
            <dt>Source</dt>
            <dd>{props.reason}</dd>
          </>
        ) : null}
      </dl>
    </>
  );
}

function Description({ d }: { d: ProbeDescription }) {
  return (
    <>
      <DetailsHead name={d.name} type={d.type} available={d.available} />
      {d.available ? null : <Unavailable type={d.type} reason={d.reason} alternative={d.alternative} />}
      <Actions d={d} />
      {d.args.length > 0 ? (
        <div className="details-section">
          <div className="pd-label">
            {d.type === 'tracepoint' ? (
              <>
                Arguments <span className="meta-dim mono">args-&gt;NAME</span>
              </>
            ) : (
              'Arguments'
            )}
          </div>
          <table className="args-table" data-testid="probe-args">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th className="num">Offset</th>
                <th className="num">Size</th>
              </tr>
            </thead>
            <tbody>
              {d.args.map((a) => (
                <tr key={a.name} data-testid="probe-arg">
                  <td className="arg-name">{a.name}</td>
                  <td className="arg-type">{a.type}</td>
                  <td className="num">{a.offset ?? '—'}</td>
                  <td className="num">{a.size ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {d.prototype ? (
        <div className="details-section">
          <div className="pd-label">Prototype</div>
          <pre className="details-code">{d.prototype}</pre>
        </div>
      ) : null}
      {d.help ? <p className="details-help">{d.help}</p> : null}
      <div className="details-section">
        <div className="pd-label">One-liner</div>
        <div className="oneliner">
          <pre className="details-code" data-testid="probe-oneliner">
            {d.oneLiner}
          </pre>
          <CopyButton text={d.oneLiner} />
        </div>
      </div>
    </>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1400);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      useUi.getState().toast('error', 'Could not copy: the clipboard is not available here.');
    }
  };
  return (
    <button className="btn btn-ghost btn-small copy-button" data-testid="probe-copy" onClick={() => void copy()} title="Copy the one-liner">
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

type Measure =
  | { phase: 'idle' }
  | { phase: 'running'; probe: string }
  | { phase: 'done'; probe: string; perSecond: number; events: number; seconds: number }
  | { phase: 'error'; probe: string; message: string };

function Actions({ d }: { d: ProbeDescription }) {
  const [menu, setMenu] = useState(false);
  const [confirm, setConfirm] = useState<{ title: string; source: string } | null>(null);
  const [measure, setMeasure] = useState<Measure>({ phase: 'idle' });
  const menuRef = useRef<HTMLDivElement>(null);
  const name = d.name;
  const target = useTarget((s) => s.target);
  // The picked process's PID, for a probe in one of its objects.
  const pid = target?.pid != null && (d.type === 'uprobe' || d.type === 'uretprobe' || d.type === 'usdt') ? target.pid : null;

  useEffect(() => {
    setMenu(false);
    setConfirm(null);
    setMeasure((m) => (m.phase !== 'idle' && m.probe === name ? m : { phase: 'idle' }));
  }, [name]);

  useEffect(() => {
    if (!menu) return;
    const onDown = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) {
        setMenu(false);
        setConfirm(null);
      }
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [menu]);

  const useTemplate = (t: { title: string; source: string }) => {
    if (isEdited(useEditor.getState()) && !confirm) {
      setConfirm(t);
      return;
    }
    useEditor.getState().setSource(t.source, null);
    useEditor.getState().focus();
    setMenu(false);
    setConfirm(null);
  };

  const startMeasure = () => {
    const probe = name;
    setMeasure({ phase: 'running', probe });
    measureRate(probe, MEASURE_SECONDS)
      .then((r) => setMeasure((m) => (m.phase === 'running' && m.probe === probe ? { phase: 'done', probe, perSecond: r.perSecond, events: r.events, seconds: r.seconds } : m)))
      .catch((e: unknown) => setMeasure((m) => (m.phase === 'running' && m.probe === probe ? { phase: 'error', probe, message: errorMessage(e) } : m)));
  };

  return (
    <div className="details-actions-wrap">
      <div className="details-actions">
        <button
          className="btn btn-ghost btn-small"
          data-testid="probe-insert"
          onClick={() => {
            useEditor.getState().insertText(name);
            // A probe of a picked process: trace that process only (bpftrace -p PID).
            if (pid !== null) useRunOptions.getState().set({ pid: String(pid), command: '' });
          }}
          title={pid !== null ? `Insert the probe name at the editor's cursor, and set -p ${pid} in the run options` : "Insert the probe name at the editor's cursor"}
        >
          Insert
        </button>
        <div className="pd-menu-wrap" ref={menuRef}>
          <button
            className="btn btn-ghost btn-small"
            data-testid="probe-new-script"
            onClick={() => {
              setMenu((m) => !m);
              setConfirm(null);
            }}
            disabled={d.templates.length === 0}
            aria-haspopup="menu"
            aria-expanded={menu}
            title={d.templates.length === 0 ? 'No templates for this probe' : 'Start a new script from a template'}
          >
            New script <span className="caret" aria-hidden="true" />
          </button>
          {menu ? (
            <div className="pd-menu" role="menu" data-testid="probe-template-menu">
              {confirm ? (
                <div className="pd-menu-confirm" data-testid="probe-template-confirm">
                  <div>Replace the edited script with “{confirm.title}”?</div>
                  <div className="pd-menu-confirm-actions">
                    <button className="btn btn-small btn-danger" data-testid="probe-template-replace" onClick={() => useTemplate(confirm)}>
                      Replace
                    </button>
                    <button className="btn btn-ghost btn-small" onClick={() => setConfirm(null)}>
                      Cancel
                    </button>
                  </div>
                </div>
              ) : (
                d.templates.map((t) => (
                  <button key={t.title} className="pd-menu-item" role="menuitem" data-testid="probe-template" onClick={() => useTemplate(t)}>
                    <span className="pd-menu-item-title">{t.title}</span>
                    <span className="pd-menu-item-preview mono">{t.source.split('\n').find((l) => /=|printf/.test(l))?.trim() ?? ''}</span>
                  </button>
                ))
              )}
            </div>
          ) : null}
        </div>
        <button
          className="btn btn-ghost btn-small"
          data-testid="probe-measure"
          onClick={startMeasure}
          disabled={!d.available || measure.phase === 'running'}
          title={d.available ? `Count its events for ${MEASURE_SECONDS} s before tracing it` : 'Not available on this machine'}
        >
          Measure rate
        </button>
      </div>
      {measure.phase === 'running' ? (
        <div className="measure" data-testid="probe-measure-progress">
          <div className="measure-track">
            <div className="measure-fill" style={{ animationDuration: `${MEASURE_SECONDS}s` }} />
          </div>
          <span className="meta-dim">Counting events for {MEASURE_SECONDS} s…</span>
        </div>
      ) : null}
      {measure.phase === 'done' ? (
        <div className="measure measure-done" data-testid="probe-rate">
          <span className="rate-value">≈ {formatNumber(Math.round(measure.perSecond))} events/s</span>
          <span className="meta-dim">
            {formatNumber(measure.events)} in {measure.seconds} s — tracing it costs roughly this many events per second
          </span>
        </div>
      ) : null}
      {measure.phase === 'error' ? (
        <div className="measure measure-error" data-testid="probe-rate-error">
          {measure.message}
        </div>
      ) : null}
      {pid !== null ? (
        <div className="pd-pid-hint" data-testid="probe-pid-hint">
          Insert also sets <span className="mono">-p {pid}</span> in the run options: bpftrace traces {target?.comm ?? 'that process'} only.
        </div>
      ) : null}
    </div>
  );
}
