// The top bar: name, examples, run/stop, snapshot interval, keyboard help.
import { useState } from 'react';
import { loadExample, run, stop } from '../actions.js';
import { GalleryButton } from '../gallery/Gallery.js';
import { RecordingsButton } from '../library/Dialogs.js';
import { HostsButton } from '../hosts/HostsDialog.js';
import { ProfileButton } from '../profile/ProfileButton.js';
import { RunOptionsButton } from '../run-options/RunOptionsButton.js';
import { useEditor } from '../state/editor.js';
import { isActive, useSession } from '../state/session.js';
import { useUi } from '../state/ui.js';
import { Brand } from './Brand.js';
import { ThemeSelect } from '../theme/ThemeSelect.js';

const SNAPSHOTS: [number, string][] = [
  [250, '250 ms'],
  [500, '500 ms'],
  [1000, '1 s'],
  [2000, '2 s'],
  [5000, '5 s'],
  [0, 'off'],
];

export const SHORTCUTS: [string, string][] = [
  ['Ctrl+Enter', 'Run the script'],
  ['Ctrl+.', 'Stop the run'],
  ['Esc', 'Stop the run (when no editor widget is open)'],
  ['Ctrl+O', 'Open a .bt script'],
  ['Ctrl+S', 'Save the script (Ctrl+Shift+S: save as)'],
  ['Ctrl+Shift+M', 'Maximize the focused pane (again: restore)'],
  ['Ctrl+F', 'Find in the script'],
  ['Ctrl+/', 'Toggle line comment'],
  ['F8', 'Next problem in the script'],
  ['Ctrl+P', 'Search probes (also in the editor)'],
  ['Ctrl+L', 'Lessons gallery'],
  ['Ctrl+R', 'Recordings: replay, export, import, compare'],
  ['Ctrl+Shift+H', 'Hosts: run the script on other machines over ssh'],
  ['← / →', 'Step a replay through its snapshots (Shift: bigger steps)'],
  ['Ctrl+Space', 'Suggest probes, fields, functions'],
  ['Alt+Shift+T', 'Theme: system → light → dark'],
];

export function TopBar() {
  const examples = useUi((s) => s.examples);
  const snapshotMs = useUi((s) => s.snapshotMs);
  const setSnapshotMs = useUi((s) => s.setSnapshotMs);
  const exampleId = useEditor((s) => s.exampleId);
  const phase = useSession((s) => s.phase);
  const active = isActive(phase);
  const [help, setHelp] = useState(false);
  const current = examples.find((e) => e.id === exampleId);

  return (
    <header className="top-bar">
      <Brand />
      <div className="top-group top-left">
        <GalleryButton />
        <RecordingsButton />
        <HostsButton />
        <ProfileButton />
        <label className="field">
          <span className="field-label">Example</span>
          <select
            data-testid="example-select"
            value={current ? current.id : ''}
            onChange={(e) => loadExample(e.target.value)}
            title={current?.description ?? 'Load an example script'}
          >
            {current ? null : (
              <option value="" disabled>
                {examples.length ? 'Choose an example…' : 'No examples'}
              </option>
            )}
            {examples.map((e) => (
              <option key={e.id} value={e.id} title={e.description}>
                {e.title}
              </option>
            ))}
          </select>
        </label>
        {current ? <span className="example-desc" title={current.description}>{current.description}</span> : null}
      </div>
      <div className="top-spacer" />
      <div className="top-group top-right">
        <label className="field" title="How often kscope prints the script's maps while it runs">
          <span className="field-label">Snapshot</span>
          <select
            data-testid="snapshot-select"
            value={snapshotMs}
            disabled={active}
            onChange={(e) => setSnapshotMs(Number(e.target.value))}
          >
            {SNAPSHOTS.map(([ms, label]) => (
              <option key={ms} value={ms}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <ThemeSelect />
        <RunOptionsButton />
        {active ? (
          // Distinct keys: Run and Stop must be different DOM nodes, so a click aimed at
          // one can never land on the other after a re-render.
          <button
            key="stop"
            className="btn btn-stop"
            data-testid="stop-button"
            onClick={() => void stop()}
            aria-busy={phase === 'stopping'}
            title={phase === 'stopping' ? 'Force the stop now: maps without their final print keep their last snapshot (Ctrl+. or Esc again)' : 'Stop (Ctrl+. or Esc)'}
          >
            <span className="btn-icon stop-icon" aria-hidden="true" />
            {phase === 'stopping' ? 'Stopping… Force' : 'Stop'}{'  '}
            <kbd>Ctrl+.</kbd>
          </button>
        ) : (
          <button
            key="run"
            className="btn btn-run"
            data-testid="run-button"
            onClick={() => void run()}
            title="Run (Ctrl+Enter)"
          >
            <span className="btn-icon run-icon" aria-hidden="true" />
            Run{'  '}
            <kbd>Ctrl+Enter</kbd>
          </button>
        )}
        <div className="help-wrap">
          <button
            className="btn btn-ghost help-button"
            data-testid="shortcuts-help"
            aria-expanded={help}
            onClick={() => setHelp((h) => !h)}
            onBlur={() => setHelp(false)}
            title="Keyboard shortcuts"
          >
            ?
          </button>
          {help ? (
            <div className="help-popover" role="tooltip" data-testid="shortcuts-popover">
              <div className="help-title">Keyboard shortcuts</div>
              <table>
                <tbody>
                  {SHORTCUTS.map(([k, d]) => (
                    <tr key={k}>
                      <td>
                        <kbd>{k}</kbd>
                      </td>
                      <td>{d}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      </div>
    </header>
  );
}
