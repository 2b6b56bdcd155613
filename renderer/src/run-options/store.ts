// The run options form: positional parameters, -p PID, -c CMD, duration, unsafe. Remembered
// across reloads except "unsafe", which is asked for each session of the page (consent is
// for a run, not a preference).
import { create } from 'zustand';
import { argsFor, positionalUse } from './positional.js';

const KEY = 'kscope.runOptions';

export interface RunForm {
  args: string[];
  pid: string;
  command: string;
  durationSec: string;
  unsafe: boolean;
}

const EMPTY: RunForm = { args: [], pid: '', command: '', durationSec: '', unsafe: false };

function load(): RunForm {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<RunForm> | null;
    if (!v || typeof v !== 'object') return EMPTY;
    return {
      args: Array.isArray(v.args) ? v.args.filter((a): a is string => typeof a === 'string').slice(0, 64) : [],
      pid: typeof v.pid === 'string' ? v.pid : '',
      command: typeof v.command === 'string' ? v.command : '',
      durationSec: typeof v.durationSec === 'string' ? v.durationSec : '',
      unsafe: false,
    };
  } catch {
    return EMPTY;
  }
}

export interface RunOptionsStore extends RunForm {
  open: boolean;
  set(patch: Partial<RunForm>): void;
  setArg(index: number, value: string): void;
  setOpen(open: boolean): void;
  clear(): void;
}

export const useRunOptions = create<RunOptionsStore>()((set, get) => {
  const save = () => {
    const { args, pid, command, durationSec } = get();
    try {
      localStorage.setItem(KEY, JSON.stringify({ args, pid, command, durationSec }));
    } catch {
      // Not remembered; the form still works.
    }
  };
  return {
    ...load(),
    open: false,
    set: (patch) => {
      set(patch);
      save();
    },
    setArg: (index, value) => {
      const args = get().args.slice();
      while (args.length <= index) args.push('');
      args[index] = value;
      set({ args });
      save();
    },
    setOpen: (open) => set({ open }),
    clear: () => {
      set({ ...EMPTY });
      save();
    },
  };
});

export interface FormOptions {
  args: string[];
  pid?: number;
  command?: string;
  durationSec?: number;
  unsafe: boolean;
}

/** The form as RunOptions for `source`, or the problems that keep it from running. Pure. */
export function formOptions(form: RunForm, source: string): { options: FormOptions; problems: string[] } {
  const problems: string[] = [];
  const use = positionalUse(source);
  const { args, missing } = argsFor(use, form.args);
  if (missing.length) problems.push(`The script uses ${missing.map((k) => `$${k}`).join(', ')} but ${missing.length === 1 ? 'it has' : 'they have'} no value: fill ${missing.length === 1 ? 'it' : 'them'} in under Run options.`);
  const options: FormOptions = { args, unsafe: form.unsafe };
  const pid = form.pid.trim();
  if (pid) {
    if (/^[1-9]\d{0,6}$/.test(pid)) options.pid = Number(pid);
    else problems.push(`-p needs a process id (a whole number such as 1234), not "${pid}".`);
  }
  const command = form.command.trim();
  if (command) options.command = command;
  if (options.pid !== undefined && options.command !== undefined) problems.push('Use -p PID or -c CMD, not both (bpftrace traces one process).');
  const d = form.durationSec.trim();
  if (d) {
    const n = Number(d);
    if (Number.isFinite(n) && n > 0 && n <= 7 * 24 * 3600) options.durationSec = n;
    else problems.push(`The duration must be a number of seconds above 0, not "${d}".`);
  }
  return { options, problems };
}

/** How many options are set (for the button's badge). */
export function setCount(form: RunForm): number {
  return (form.args.some((a) => a !== '') ? 1 : 0) + (form.pid.trim() ? 1 : 0) + (form.command.trim() ? 1 : 0) + (form.durationSec.trim() ? 1 : 0) + (form.unsafe ? 1 : 0);
}
