// Errors and warnings of the run (and a failed run call), then what the while-typing check
// found in the current text; a click moves the editor there.
import { useEditor } from '../state/editor.js';
import { useSession } from '../state/session.js';
import { runProblemsStale, useRunSource } from '../state/run-source.js';

interface Item {
  severity: 'error' | 'warning';
  message: string;
  line?: number;
  column?: number;
  hint?: string;
  detail?: string;
  /** From the while-typing check, not from a run. */
  check?: boolean;
  /** From a run of an earlier version of the script (its line may have moved). */
  stale?: boolean;
}

export function useProblems(): Item[] {
  const errors = useSession((s) => s.errors);
  const warnings = useSession((s) => s.warnings);
  const runError = useSession((s) => s.runError);
  const checks = useEditor((s) => s.checks);
  const stale = runProblemsStale(useRunSource((s) => s.source), useEditor((s) => s.source));
  const items: Item[] = [];
  if (runError) items.push({ severity: 'error', message: runError, stale });
  for (const e of errors) items.push({ severity: 'error', ...e, stale });
  for (const w of warnings) items.push({ severity: 'warning', ...w, stale });
  // The check's findings, unless the run already reported the same thing at the same place.
  const seen = new Set(items.filter((i) => !i.stale).map((i) => `${i.line}:${i.message}`));
  for (const c of checks) if (!seen.has(`${c.line}:${c.message}`)) items.push({ ...c, check: true });
  return items;
}

export function Problems() {
  const items = useProblems();
  const revealAt = useEditor((s) => s.revealAt);
  return (
    <div className="problems scroll" data-testid="problems">
      {items.length === 0 ? <div className="empty small">No problems.</div> : null}
      {items.map((p, i) => {
        const where = p.line !== undefined ? `${p.line}:${p.column ?? 1}` : null;
        // A stale problem's line is in the old text: not a place to jump to.
        const clickable = p.line !== undefined && !p.stale;
        return (
          <div
            key={i}
            className={`problem problem-${p.severity}${clickable ? ' clickable' : ''}${p.stale ? ' problem-stale' : ''}`}
            data-stale={p.stale ? 'true' : undefined}
            data-testid="problem"
            data-severity={p.severity}
            role={clickable ? 'button' : undefined}
            tabIndex={clickable ? 0 : undefined}
            onClick={clickable ? () => revealAt(p.line!, p.column ?? 1) : undefined}
            onKeyDown={
              clickable
                ? (e) => {
                    if (e.key === 'Enter' || e.key === ' ') revealAt(p.line!, p.column ?? 1);
                  }
                : undefined
            }
          >
            <span className={`problem-icon icon-${p.severity}`} aria-label={p.severity}>
              {p.severity === 'error' ? '✕' : '!'}
            </span>
            <div className="problem-body">
              <div className="problem-line">
                {where ? <span className="problem-loc">{where}</span> : null}
                {p.stale ? (
                  <span className="problem-source" title="Reported by the last run, for the script as it was then; run again to check the current text">
                    earlier run
                  </span>
                ) : null}
                {p.check ? <span className="problem-source" title="Found while typing (kscope's capability check and bpftrace's dry run), before any run">check</span> : null}
                <span className="problem-message">{p.message}</span>
              </div>
              {p.hint ? <div className="problem-hint">{p.hint}</div> : null}
              {p.detail ? <pre className="problem-detail">{p.detail}</pre> : null}
            </div>
          </div>
        );
      })}
    </div>
  );
}
