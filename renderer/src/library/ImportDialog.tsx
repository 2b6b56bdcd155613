// Import what users already have: paste (or open, or drop) folded stacks, `perf script`
// output, or bpftrace's terminal output; the host parses it into a recording, which opens
// in the views. Lines it could not read are listed with their numbers.
import { useEffect, useRef, useState } from 'react';
import { IMPORT_FORMATS, type ImportFormat } from '../../../common/contract/index.js';
import { closeDialog, errorMessage, importText, openDialog, openReplay, type ImportResult } from './actions.js';
import { decodeFileText, fileProblem, guessFormat, IMPORT_MAX_CHARS, textProblem } from './import-text.js';
import './library.css';

const FORMAT_LABEL: Record<ImportFormat, string> = {
  folded: 'folded stacks (a;b;c N)',
  perf: 'perf script output',
  'bpftrace-text': "bpftrace's terminal output (@maps, hist)",
};

export function ImportDialog() {
  const [text, setText] = useState('');
  const [as, setAs] = useState<ImportFormat | ''>('');
  const [name, setName] = useState('');
  /** The file the text was read from (its name names the import; null: pasted). */
  const [fromFile, setFromFile] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [drag, setDrag] = useState(false);
  // perf script: samples weigh their period (as stackcollapse-perf.pl and inferno) unless counted.
  const [countSamples, setCountSamples] = useState(false);
  const [rawFrames, setRawFrames] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => area.current?.focus(), []);
  const guess = text ? guessFormat(text) : null;
  const isPerf = (as || guess) === 'perf';

  const readFile = async (f: File) => {
    setResult(null);
    const p = fileProblem(f.name, f.size);
    if (p) {
      setProblem(p);
      return;
    }
    setBusy(`Reading ${f.name}…`);
    try {
      // By its byte-order mark: UTF-16 files (Windows tools) are read too, not garbled.
      const t = decodeFileText(new Uint8Array(await f.arrayBuffer()));
      setText(t);
      setFromFile(f.name);
      setProblem(null);
    } catch (e) {
      setProblem(`Could not read ${f.name}: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const submit = async () => {
    if (busy) return;
    const p = textProblem(text);
    if (p) {
      setProblem(p);
      return;
    }
    setProblem(null);
    setResult(null);
    setBusy(`Importing ${(text.length / 1000).toFixed(0)} k characters…`);
    try {
      const perf = isPerf ? { weight: countSamples ? ('samples' as const) : ('period' as const), rawFrames } : undefined;
      const r = await importText(text, as || undefined, name.trim() || undefined, perf, fromFile ?? undefined);
      if (r.problems.length === 0) {
        await openReplay(r.summary.id);
        return;
      }
      setResult(r);
    } catch (e) {
      setProblem(`Import failed: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="modal-backdrop" onClick={closeDialog}>
      <div
        className={`lib-dialog import-dialog${drag ? ' dragging' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label="Import"
        data-testid="import-dialog"
        onClick={(e) => e.stopPropagation()}
        onDragOver={(e) => {
          e.preventDefault();
          setDrag(true);
        }}
        onDragLeave={() => setDrag(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDrag(false);
          const f = e.dataTransfer.files[0];
          if (f) void readFile(f);
        }}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault();
            e.stopPropagation(); // not the window's Ctrl+Enter (Run)
            void submit();
          }
        }}
      >
        <div className="lib-head">
          <div className="lib-title-block">
            <div className="lib-heading">Import</div>
            <div className="lib-sub">Folded stacks, perf script output, or bpftrace&apos;s text output as printed in a terminal: paste it, open a file, or drop one here.</div>
          </div>
          <div className="lib-head-actions">
            <button className="btn btn-small btn-ghost" onClick={() => openDialog('library')} title="Back to the recordings">
              ← Recordings
            </button>
            <button className="btn btn-ghost" onClick={closeDialog} title="Close (Esc)">
              ✕
            </button>
          </div>
        </div>
        <div className="import-body">
          <textarea
            ref={area}
            className="import-text"
            data-testid="import-text"
            spellCheck={false}
            placeholder={'main;do_work;compute 120\nmain;idle 30\n\nor\n\n@bytes:\n[32, 64)    12 |@@@@@@@@@@            |\n[64, 128)   25 |@@@@@@@@@@@@@@@@@@@@@@|'}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (!e.target.value) setFromFile(null);
              setResult(null);
              setProblem(null);
            }}
          />
          <div className="import-side">
            <button className="btn btn-small btn-ghost" data-testid="import-file" onClick={() => file.current?.click()}>
              Open a file…
            </button>
            <input
              ref={file}
              type="file"
              hidden
              data-testid="import-file-input"
              accept=".txt,.folded,.out,.perf,.log,text/plain"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void readFile(f);
                e.target.value = '';
              }}
            />
            <label className="import-field">
              <span>Format</span>
              <select value={as} onChange={(e) => setAs(e.target.value as ImportFormat | '')} data-testid="import-format">
                <option value="">detect{guess ? ` (looks like ${guess})` : ''}</option>
                {IMPORT_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {FORMAT_LABEL[f]}
                  </option>
                ))}
              </select>
            </label>
            {isPerf ? (
              <div className="import-field import-perf" data-testid="import-perf">
                <label title="Each sample counts 1 instead of its period (perf's sample weight; stackcollapse-perf.pl and inferno weigh by period)">
                  <input type="checkbox" checked={countSamples} onChange={(e) => setCountSamples(e.target.checked)} data-testid="import-count-samples" /> Count samples, not periods
                </label>
                <label title="Keep C++ arguments, Java signatures and inline chains (A->B) as perf printed them">
                  <input type="checkbox" checked={rawFrames} onChange={(e) => setRawFrames(e.target.checked)} data-testid="import-raw-frames" /> Keep frames as printed
                </label>
              </div>
            ) : null}
            <label className="import-field">
              <span>Name</span>
              <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder={`(${fromFile ?? 'pasted text'} · format · time)`} data-testid="import-name" />
            </label>
            <div className="import-size">
              {text.length.toLocaleString('en-US')} of {IMPORT_MAX_CHARS.toLocaleString('en-US')} characters
            </div>
            <button className="btn btn-primary" data-testid="import-submit" disabled={busy !== null || !text.trim()} onClick={() => void submit()}>
              {busy ? 'Importing…' : 'Import and open'} <kbd>Ctrl+Enter</kbd>
            </button>
            {busy ? (
              <div className="import-busy" data-testid="import-busy">
                <span className="spinner small" /> {busy}
              </div>
            ) : null}
          </div>
        </div>
        {problem ? (
          <div className="import-problem" role="alert" data-testid="import-problem">
            {problem}
          </div>
        ) : null}
        {result ? (
          <div className="import-result" data-testid="import-result">
            <div className="import-result-head">
              Imported “{result.summary.name}” as <b>{result.format}</b>, with {result.problems.length} line{result.problems.length === 1 ? '' : 's'} skipped:
              <span className="pane-header-spacer" />
              <button className="btn btn-small btn-primary" data-testid="import-open" autoFocus onClick={() => void openReplay(result.summary.id)}>
                Open it
              </button>
            </div>
            <ul className="import-problems scroll" data-testid="import-problems">
              {result.problems.slice(0, 200).map((p, i) => (
                <li key={i}>
                  <span className="import-line">line {p.line}</span> {p.reason}
                </li>
              ))}
              {result.problems.length > 200 ? <li>… and {result.problems.length - 200} more</li> : null}
            </ul>
          </div>
        ) : null}
      </div>
    </div>
  );
}
