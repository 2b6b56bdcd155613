// In the Script pane's header: the file the script came from (• when edited), Open, Save and
// the recent scripts.
import { useEffect, useRef, useState } from 'react';
import { isEdited, useEditor } from '../state/editor.js';
import { openRecent, openScript, saveScript, useScriptFile } from './script-files.js';
import './files.css';

export function ScriptFileBar() {
  const fileName = useScriptFile((s) => s.fileName);
  const recent = useScriptFile((s) => s.recent);
  const edited = useEditor((s) => isEdited(s));
  const [menu, setMenu] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setMenu(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [menu]);
  return (
    <div className="script-file" ref={wrap}>
      {fileName ? (
        <span className="script-file-name" data-testid="script-file-name" title={edited ? `${fileName}: edited, not saved` : fileName}>
          {fileName}
          {edited ? <span className="script-dirty" aria-label="edited"> •</span> : null}
        </span>
      ) : edited ? (
        <span className="script-file-name muted" data-testid="script-file-name" title="Edited, not saved to a file">
          unsaved •
        </span>
      ) : null}
      <button className="btn btn-small btn-ghost" data-testid="script-open" onClick={() => void openScript()} title="Open a .bt script (Ctrl+O)">
        Open…
      </button>
      <button className="btn btn-small btn-ghost" data-testid="script-save" onClick={() => void saveScript()} title="Save the script (Ctrl+S; Ctrl+Shift+S: save as)">
        Save
      </button>
      <button
        className="btn btn-small btn-ghost"
        data-testid="script-recent"
        aria-expanded={menu}
        disabled={recent.length === 0}
        onClick={() => setMenu((m) => !m)}
        title="Recent scripts"
      >
        Recent ▾
      </button>
      {menu ? (
        <div className="script-recent-menu" role="menu" data-testid="script-recent-menu">
          {recent.map((r) => (
            <button
              key={r.name}
              role="menuitem"
              className="script-recent-item"
              onClick={() => {
                setMenu(false);
                openRecent(r.name);
              }}
              title={`${r.name}: as last opened or saved, ${new Date(r.at).toLocaleString()}`}
            >
              <span className="mono">{r.name}</span>
              <span className="muted">{new Date(r.at).toLocaleDateString()}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
