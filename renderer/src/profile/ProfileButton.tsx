// "Profile CPU": a small dialog (frequency, stacks, scope, duration) that writes the
// profile script into the editor and runs it with BPFTRACE_MAP_KEYS_MAX raised.
import { replaceScript } from '../files/script-files.js';
import { useState } from 'react';
import { run } from '../actions.js';
import { isActive, useSession } from '../state/session.js';
import { DEFAULT_PROFILE, PROFILE_MAP_KEYS_MAX, defaultStacks, profileProblem, profileScript, type ProfileChoice } from './script.js';
import './profile.css';

function ProfileDialog({ onClose }: { onClose: () => void }) {
  const [hz, setHz] = useState(String(DEFAULT_PROFILE.hz));
  const [stacks, setStacks] = useState<ProfileChoice['stacks']>(DEFAULT_PROFILE.stacks);
  const [scopeKind, setScopeKind] = useState<'all' | 'pid' | 'comm'>('all');
  const [scopeValue, setScopeValue] = useState('');
  const [timed, setTimed] = useState(false);
  const [duration, setDuration] = useState('10');
  const choice: ProfileChoice = {
    hz: Number(hz),
    stacks,
    scope: scopeKind === 'pid' ? { kind: 'pid', pid: Number(scopeValue) } : scopeKind === 'comm' ? { kind: 'comm', comm: scopeValue } : { kind: 'all' },
    durationSec: timed ? Number(duration) : null,
  };
  const problem = profileProblem(choice);
  const start = () => {
    if (problem) return;
    if (!replaceScript('the CPU profile script', profileScript(choice), null)) return;
    onClose();
    void run(undefined, { mapKeysMax: PROFILE_MAP_KEYS_MAX, ...(choice.durationSec ? { durationSec: choice.durationSec } : {}) });
  };
  return (
    <div className="modal-backdrop profile-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="profile-dialog" role="dialog" aria-label="Profile CPU" data-testid="profile-dialog" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <h2>Profile CPU</h2>
        <label>
          <span>Frequency (Hz)</span>
          <input data-testid="profile-hz" type="number" min={1} max={10000} value={hz} onChange={(e) => setHz(e.target.value)} />
        </label>
        <label>
          <span>Stacks</span>
          <select data-testid="profile-stacks" value={stacks} onChange={(e) => setStacks(e.target.value as ProfileChoice['stacks'])}>
            <option value="both" disabled={scopeKind === 'all'}>
              kernel + user{scopeKind === 'all' ? ' (pick a PID or process)' : ''}
            </option>
            <option value="kernel">kernel</option>
            <option value="user" disabled={scopeKind === 'all'}>
              user{scopeKind === 'all' ? ' (pick a PID or process)' : ''}
            </option>
          </select>
        </label>
        <label>
          <span>Scope</span>
          <select
            data-testid="profile-scope"
            value={scopeKind}
            onChange={(e) => {
              const k = e.target.value as 'all' | 'pid' | 'comm';
              setScopeKind(k);
              setStacks(defaultStacks(k));
            }}
          >
            <option value="all">all CPUs</option>
            <option value="pid">a PID</option>
            <option value="comm">a process name</option>
          </select>
          {scopeKind !== 'all' ? (
            <input
              data-testid="profile-scope-value"
              placeholder={scopeKind === 'pid' ? 'PID' : 'comm'}
              value={scopeValue}
              onChange={(e) => setScopeValue(e.target.value)}
            />
          ) : null}
        </label>
        <label>
          <span>Duration</span>
          <select value={timed ? 'timed' : 'open'} onChange={(e) => setTimed(e.target.value === 'timed')}>
            <option value="open">until stopped</option>
            <option value="timed">seconds…</option>
          </select>
          {timed ? <input data-testid="profile-duration" type="number" min={1} value={duration} onChange={(e) => setDuration(e.target.value)} /> : null}
        </label>
        <pre className="profile-preview">{problem ?? profileScript(choice)}</pre>
        <div className="profile-actions">
          <button className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button className="btn btn-run" data-testid="profile-start" disabled={problem !== null} onClick={start}>
            Profile
          </button>
        </div>
      </div>
    </div>
  );
}

export function ProfileButton() {
  const [open, setOpen] = useState(false);
  const active = useSession((s) => isActive(s.phase));
  return (
    <>
      <button className="btn btn-ghost" data-testid="profile-button" disabled={active} onClick={() => setOpen(true)} title="Sample on-CPU stacks into a flame graph">
        Profile CPU
      </button>
      {open ? <ProfileDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}
