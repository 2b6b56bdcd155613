// A running process the e2e tests can find by its name: sleep exec'd through a symlink named
// NAME (the kernel's comm is the link's name; its exe stays the real sleep binary), started
// before a file's tests and killed after them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const SLEEP = ['/usr/bin/sleep', '/bin/sleep'].find((p) => fs.existsSync(p));

/** Call at a file's top level (not when the file is skipped). `name`: under 16 bytes, as comm keeps it. */
export function namedSleepForFile(name: string, skip: boolean): { readonly pid: number } {
  let dir = '';
  let child: ChildProcess | null = null;
  beforeAll(async () => {
    if (skip || !SLEEP) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-named-'));
    fs.symlinkSync(fs.realpathSync(SLEEP), path.join(dir, name));
    child = spawn(path.join(dir, name), ['600'], { stdio: 'ignore' });
    for (let i = 0; i < 500; i++) {
      try {
        if (fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === name) break;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get pid() {
      return child!.pid!;
    },
  };
}
