// The "Lessons" gallery: the seed's twelve lessons and kscope's own classics as cards.
// One click loads a card's script (this kernel's equivalent when the original cannot run
// here) and runs it; lesson 1 opens the probe browser with its pattern.
import { replaceScript } from '../files/script-files.js';
import { useEffect, useRef } from 'react';
import type { Example } from '../../../common/contract/index.js';
import { run } from '../actions.js';
import { openWithSearch } from '../probes/browser.js';
import { useEditor } from '../state/editor.js';
import { isActive, useSession } from '../state/session.js';
import { useUi } from '../state/ui.js';
import { useGallery } from './store.js';
import './gallery.css';

const VIEW_LABEL: Record<Example['view'], [string, string]> = {
  printf: ['▤', 'printf log'],
  table: ['▦', 'map table'],
  histogram: ['▁▃▅', 'histogram'],
  flamegraph: ['▟▙', 'flame graph'],
  stats: ['Σ', 'stats'],
  probes: ['⌕', 'probe list'],
};

/** The first sentence-ish paragraph of the header: the card's one-liner. */
export function oneLine(description: string): string {
  const para = description.split(/\n\s*\n/)[0] ?? '';
  return para.replace(/\s+/g, ' ').trim();
}

/** Load `ex` (its equivalent when it cannot run here) into the editor and run it. */
export async function openExample(ex: Example): Promise<void> {
  const gallery = useGallery.getState();
  gallery.setOpen(false);
  if (ex.action === 'browse') {
    openWithSearch(ex.pattern ?? '');
    return;
  }
  const equivalent = !ex.runnable && ex.equivalent ? ex.equivalent : null;
  if (!replaceScript(`"${ex.title}"`, equivalent ? equivalent.source : ex.source, ex.id)) return;
  gallery.setActive(equivalent ? { id: ex.id, showing: 'equivalent' } : null);
  if (isActive(useSession.getState().phase)) {
    useUi.getState().toast('info', 'A run is going: stop it, then press Run to start this example.');
    return;
  }
  await run({ id: ex.id, variant: equivalent ? 'equivalent' : 'original', reason: ex.reason });
}

export function GalleryButton() {
  const open = useGallery((s) => s.open);
  return (
    <button
      className="btn btn-ghost gallery-button"
      data-testid="gallery-button"
      aria-expanded={open}
      onClick={() => useGallery.getState().setOpen(!open)}
      title="The twelve bpftrace lessons and more (Ctrl+L)"
    >
      <span aria-hidden="true">☰</span> Lessons <kbd>Ctrl+L</kbd>
    </button>
  );
}

function Card({ ex }: { ex: Example }) {
  const [icon, label] = VIEW_LABEL[ex.view];
  const eq = !ex.runnable && ex.equivalent !== null;
  return (
    <li
      className={`gallery-card${eq ? ' gallery-card-eq' : ''}`}
      data-testid="gallery-card"
      data-id={ex.id}
      tabIndex={0}
      onClick={() => void openExample(ex)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          void openExample(ex);
        }
      }}
    >
      <div className="gallery-card-top">
        <span className="gallery-lesson">{ex.lesson !== null ? `Lesson ${ex.lesson}` : 'Classic'}</span>
        <span className={`gallery-view gallery-view-${ex.view}`} title={`Shows a ${label}`}>
          <span aria-hidden="true">{icon}</span> {label}
        </span>
      </div>
      <div className="gallery-title">{ex.title.replace(/^Lesson \d+\s*[—-]\s*/, '')}</div>
      <div className="gallery-desc" title={ex.description}>
        {oneLine(ex.description)}
      </div>
      {eq ? (
        <div className="gallery-eq" title={ex.reason ?? ''}>
          <span className="gallery-badge" data-testid="gallery-eq-badge">
            equivalent here
          </span>
          <span className="gallery-reason">{ex.reason}</span>
        </div>
      ) : null}
      <div className="gallery-card-foot">
        <button
          className="btn btn-small gallery-run"
          data-testid="gallery-run"
          onClick={(e) => {
            e.stopPropagation();
            void openExample(ex);
          }}
        >
          {ex.action === 'browse' ? 'Browse probes' : eq ? 'Run equivalent' : 'Run'}
        </button>
      </div>
    </li>
  );
}

/** The dialog, and its Ctrl+L shortcut (mounted once, in App). */
export function Gallery() {
  const open = useGallery((s) => s.open);
  const examples = useUi((s) => s.examples);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const ctrl = e.ctrlKey || e.metaKey;
      if (ctrl && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'l') {
        // Capture phase: before the editor, where Ctrl+L would select a line.
        e.preventDefault();
        e.stopPropagation();
        const g = useGallery.getState();
        g.setOpen(!g.open);
      } else if (e.key === 'Escape' && useGallery.getState().open) {
        e.preventDefault();
        e.stopPropagation();
        useGallery.getState().setOpen(false);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  useEffect(() => {
    if (open) dialog.current?.querySelector<HTMLElement>('.gallery-card')?.focus();
  }, [open]);

  if (!open) return null;
  const lessons = examples.filter((e) => e.lesson !== null);
  const own = examples.filter((e) => e.lesson === null);
  return (
    <div className="modal-backdrop gallery-backdrop" onClick={() => useGallery.getState().setOpen(false)}>
      <div
        className="gallery"
        role="dialog"
        aria-modal="true"
        aria-label="Lessons"
        data-testid="gallery"
        ref={dialog}
        onClick={(e) => e.stopPropagation()}
      >
        <div className="gallery-head">
          <div>
            <div className="gallery-heading">Lessons</div>
            <div className="gallery-sub">Brendan Gregg&apos;s twelve bpftrace one-liner lessons, and a few classics. One click loads and runs.</div>
          </div>
          <button className="btn btn-ghost" data-testid="gallery-close" onClick={() => useGallery.getState().setOpen(false)} title="Close (Esc)">
            ✕
          </button>
        </div>
        <div className="gallery-body">
          {examples.length === 0 ? <div className="gallery-empty">No examples (not connected yet?)</div> : null}
          {lessons.length ? (
            <ul className="gallery-grid">
              {lessons.map((ex) => (
                <Card key={ex.id} ex={ex} />
              ))}
            </ul>
          ) : null}
          {own.length ? (
            <>
              <div className="gallery-section">More</div>
              <ul className="gallery-grid">
                {own.map((ex) => (
                  <Card key={ex.id} ex={ex} />
                ))}
              </ul>
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** Above the editor while it holds an example's equivalent: why, and a way to read the original. */
export function EquivalentBanner() {
  const active = useGallery((s) => s.active);
  const exampleId = useEditor((s) => s.exampleId);
  const examples = useUi((s) => s.examples);
  const ex = active && active.id === exampleId ? examples.find((e) => e.id === active.id) : undefined;
  if (!active || !ex || !ex.equivalent) return null;
  const name = ex.lesson !== null ? `Lesson ${ex.lesson}` : ex.title;
  const show = (which: 'equivalent' | 'original') => {
    if (!replaceScript(which === 'original' ? 'the original script' : "this kernel's equivalent", which === 'original' ? ex.source : ex.equivalent!.source, ex.id)) return;
    useGallery.getState().setActive({ id: ex.id, showing: which });
  };
  return (
    <div className="equivalent-banner" data-testid="equivalent-banner" role="note">
      <span className="gallery-badge">equivalent here</span>
      {active.showing === 'equivalent' ? (
        <span className="equivalent-text">
          {name} needs {ex.needs.join(', ')}: {(ex.reason ?? '').replace(`${ex.needs.join(', ')}: `, '')}. Running the equivalent: {ex.equivalent.title.replace(/^Lesson \d+\s*\(equivalent\)\s*[—-]\s*/, '')}.{' '}
          <button className="link-button" data-testid="show-original" onClick={() => show('original')}>
            Show the original
          </button>
        </span>
      ) : (
        <span className="equivalent-text">
          The original {name}, for reading: it cannot run on this kernel ({ex.reason}).{' '}
          <button className="link-button" data-testid="show-equivalent" onClick={() => show('equivalent')}>
            Back to the equivalent
          </button>
        </span>
      )}
      <button className="link-button equivalent-close" title="Hide" onClick={() => useGallery.getState().setActive(null)}>
        ✕
      </button>
    </div>
  );
}
