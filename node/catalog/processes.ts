// Running processes for the probe browser's picker, read-only from /proc: name, PID, user,
// executable and command line; and for one process, the executable and the libraries it has
// mapped (its /proc/PID/maps), whose uprobes and USDT probes the browser then lists. Kernel
// threads (no executable mapped) are left out: nothing of theirs can carry a uprobe. The
// parsers are pure; the readers take the procfs root so tests can point them elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import type { ListProcessesResult, ProcessObjects, ProcessSummary } from '../../common/contract/index.js';
import { parseMaps, UprobeError } from './uprobes.js';

/** Most processes listed (a busy host has tens of thousands; the picker filters by text). */
export const MAX_PROCESSES = 5000;
/** Longest command line kept per process (the picker shows one line). */
export const MAX_CMDLINE = 512;

/** `/proc/PID/cmdline` (NUL-separated argv) → one line; '' for kernel threads. */
export function parseCmdline(raw: Buffer | string, max = MAX_CMDLINE): string {
  const s = (typeof raw === 'string' ? raw : raw.toString('utf8')).replace(/\0+$/, '').split('\0').join(' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The real UID from `/proc/PID/status` (`Uid:\treal\teffective\t…`), or null. */
export function parseStatusUid(status: string): number | null {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** Is this a kernel thread (kthreadd, PID 2, or one of its children)? From `/proc/PID/status`. */
export function isKernelThread(pid: number, status: string): boolean {
  const m = /^PPid:\s+(\d+)/m.exec(status);
  return pid === 2 || (m !== null && Number(m[1]) === 2);
}

/** A maps path without the kernel's ` (deleted)` mark, and whether it had it. */
export function mapsPath(p: string): { path: string; deleted: boolean } {
  return p.endsWith(' (deleted)') ? { path: p.slice(0, -' (deleted)'.length), deleted: true } : { path: p, deleted: false };
}

const readText = (p: string): string | null => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

function readExe(proc: string, pid: number): string | null {
  try {
    return mapsPath(fs.readlinkSync(path.join(proc, String(pid), 'exe'))).path;
  } catch {
    return null; // a kernel thread, a process gone, or another user's (without privilege)
  }
}

function summary(proc: string, pid: number): (ProcessSummary & { kernel: boolean }) | null {
  const dir = path.join(proc, String(pid));
  const comm = readText(path.join(dir, 'comm'));
  if (comm === null) return null; // exited meanwhile
  let cmdline = '';
  try {
    cmdline = parseCmdline(fs.readFileSync(path.join(dir, 'cmdline')));
  } catch {
    /* gone: the empty line says nothing more */
  }
  const exe = readExe(proc, pid);
  const status = readText(path.join(dir, 'status'));
  return { pid, comm: comm.replace(/\n$/, ''), exe, cmdline, uid: status ? parseStatusUid(status) : null, kernel: status ? isKernelThread(pid, status) : false };
}

/** Every user-space process (kernel threads left out), by PID. */
export function listProcesses(proc = '/proc'): ListProcessesResult {
  const pids = fs
    .readdirSync(proc)
    .filter((n) => /^[1-9]\d*$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  const processes: ProcessSummary[] = [];
  let kernelThreads = 0;
  let exited = 0;
  let hidden = 0;
  for (const pid of pids) {
    const s = summary(proc, pid);
    if (!s) continue;
    if (s.kernel) {
      kernelThreads++;
      continue;
    }
    if (s.exe === null && s.cmdline === '') {
      exited++; // a zombie: it has no memory left to probe
      continue;
    }
    if (s.exe === null) hidden++;
    const { kernel: _kernel, ...entry } = s;
    if (processes.length < MAX_PROCESSES) processes.push(entry);
  }
  const notes: string[] = [];
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  if (kernelThreads) notes.push(`${n(kernelThreads, 'kernel thread', 'kernel threads')} not shown (no executable to put a uprobe in)`);
  if (exited) notes.push(`${n(exited, 'exited process (zombie)', 'exited processes (zombies)')} not shown`);
  if (hidden) notes.push(`${n(hidden, "process's executable", "processes' executables")} could not be read: the kernel refused (another user's process without root, or one that is not dumpable)`);
  if (processes.length === MAX_PROCESSES) notes.push(`only the first ${MAX_PROCESSES} processes are listed`);
  return { processes, notes };
}

/** One process's executable and the libraries it maps executable, in map order. */
export function processObjects(pid: number, proc = '/proc'): ProcessObjects {
  const s = summary(proc, pid);
  if (!s) throw new UprobeError(`process ${pid} does not exist (it may have exited)`);
  let maps: string;
  try {
    maps = fs.readFileSync(path.join(proc, String(pid), 'maps'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') throw new UprobeError(`process ${pid} (${s.comm}) has exited`);
    throw new UprobeError(`cannot read the memory maps of process ${pid} (${s.comm}): ${code === 'EACCES' || code === 'EPERM' ? "the kernel refused (another user's process without root, or one that is not dumpable)" : (e as Error).message}`);
  }
  const notes: string[] = [];
  const objects: ProcessObjects['objects'] = [];
  for (const raw of parseMaps(maps)) {
    const m = mapsPath(raw);
    if (m.deleted) {
      notes.push(`${m.path} was replaced or deleted after ${s.comm} mapped it: its probes are not listed (bpftrace would attach to the new file)`);
      continue;
    }
    if (objects.some((o) => o.path === m.path)) continue;
    objects.push({ path: m.path, kind: m.path === s.exe ? 'executable' : 'library' });
  }
  const root = (() => {
    try {
      return fs.readlinkSync(path.join(proc, String(pid), 'root'));
    } catch {
      return '/';
    }
  })();
  if (root !== '/') notes.push(`process ${pid} runs in another root (${root}, a container?): its paths are inside it, and bpftrace -p ${pid} resolves them there`);
  if (objects.length === 0) notes.push(`process ${pid} maps no executable files`);
  const { kernel: _kernel, ...entry } = s;
  return { ...entry, objects, notes };
}
