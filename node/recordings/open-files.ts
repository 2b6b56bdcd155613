// Which of some files another process has open (a `kscope record` in a terminal writing
// into the same folder): /proc/*/fd links. Processes we may not look into are skipped, so
// as an ordinary user this sees only that user's processes.
import fs from 'node:fs';

export function openElsewhere(files: ReadonlySet<string>, procRoot = '/proc'): Set<string> {
  const found = new Set<string>();
  let pids: string[];
  try {
    pids = fs.readdirSync(procRoot).filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
  } catch {
    return found;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`${procRoot}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = fs.readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
        if (files.has(target)) found.add(target);
      } catch {
        // closed meanwhile
      }
    }
    if (found.size === files.size) break;
  }
  return found;
}
