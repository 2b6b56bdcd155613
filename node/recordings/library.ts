// The recordings library: the shell over the recordings folder. Lists (newest first, with
// a cached scan per file), searches, renames (a sidecar: ids never change), deletes, keeps
// the folder under the size cap, and opens recordings for replay (a few kept open).
import fs from 'node:fs';
import path from 'node:path';
import type { RecordingSummary, Result, SessionUpdate } from '../../common/contract/index.js';
import { readAt } from './lines.js';
import { openElsewhere } from './open-files.js';
import { recordingIdOf, recordingPath } from './paths.js';
import { Replay } from './replay.js';
import { RecordingScanner, type ScanSummary } from './scan.js';
import { defaultSettingsPath, readLibrarySettings } from './settings.js';
import { Names, ScanCache } from './store.js';
import { matchesQuery, newestFirst, overCap, toSummary, unreadableSummary } from './summary.js';

export interface LibraryConfig {
  dir: string;
  settingsPath?: string;
  /** Recording files being written by this process's runs (absolute paths). */
  writing?: () => Iterable<string>;
  /** Look in /proc for recordings another process (a `kscope record`) has open (default true). */
  checkOtherProcesses?: boolean;
  /** Recordings kept open for scrubbing. */
  keepOpen?: number;
}

/** The start time in a header this kscope cannot read (a future format), to sort it among the rest. */
function startedAtOf(file: string): Date | null {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = readAt(fd, 0, 64 * 1024);
      const nl = buf.indexOf(10);
      const h = JSON.parse(buf.toString('utf8', 0, nl < 0 ? buf.length : nl)) as { startedAt?: unknown };
      const d = typeof h.startedAt === 'string' ? new Date(h.startedAt) : null;
      return d && !Number.isNaN(d.getTime()) ? d : null;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

export class RecordingNotFound extends Error {}
export class RecordingBusy extends Error {}

interface Entry {
  id: string;
  file: string;
  stat: fs.Stats;
}

export class RecordingsLibrary {
  readonly dir: string;
  private readonly settingsPath: string;
  private readonly names: Names;
  private readonly replays = new Map<string, Promise<Replay>>();
  /** Scanners of files being written, resumed from where they stopped. */
  private readonly growing = new Map<string, { scanner: RecordingScanner; ino: number; busy: Promise<void> | null }>();
  private readonly scanning = new Map<string, Promise<ScanSummary>>();

  constructor(private readonly cfg: LibraryConfig) {
    this.dir = path.resolve(cfg.dir);
    this.settingsPath = cfg.settingsPath ?? defaultSettingsPath();
    this.names = new Names(this.dir);
  }

  capBytes(): number {
    return readLibrarySettings(this.settingsPath).recordingsCapBytes;
  }

  pathOf(id: string): string {
    return recordingPath(this.dir, id);
  }

  /** The file of a recording that exists (else RecordingNotFound). */
  existing(id: string): string {
    return this.entry(id).file;
  }

  /** Every recording, newest first, after enforcing the cap; filtered by `query`. */
  async list(query?: string): Promise<Result<'recordings'>> {
    const entries = this.entries();
    const cache = new ScanCache(this.dir);
    const writing = this.writingSet(entries, cache);
    const names = this.names.all();
    let items: RecordingSummary[] = [];
    for (const e of entries) items.push(await this.summarize(e, writing, cache, names));
    items.sort(newestFirst);
    const capBytes = this.capBytes();
    const removed = new Set(this.removeAll(overCap(items, capBytes, (s) => writing.has(s.path))));
    if (removed.size) items = items.filter((s) => !removed.has(s.id));
    cache.keepOnly(new Set(items.map((s) => path.basename(s.path))));
    cache.save();
    const totalBytes = items.reduce((n, s) => n + s.bytes, 0);
    return { dir: this.dir, totalBytes, capBytes, items: items.filter((s) => matchesQuery(s, query)) };
  }

  /** Delete the oldest recordings beyond the cap (after a run ends); the ids removed. */
  async enforceCap(): Promise<string[]> {
    const before = new Set(this.entries().map((e) => e.id));
    const after = new Set((await this.list()).items.map((s) => s.id));
    return [...before].filter((id) => !after.has(id));
  }

  async summary(id: string): Promise<RecordingSummary> {
    const e = this.entry(id);
    const cache = new ScanCache(this.dir);
    const s = await this.summarize(e, this.writingSet([e], cache), cache, this.names.all());
    cache.save();
    return s;
  }

  async rename(id: string, name: string): Promise<RecordingSummary> {
    this.entry(id);
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean) throw new Error('a recording name cannot be blank');
    this.names.set(id, clean);
    return this.summary(id);
  }

  remove(id: string): { deleted: boolean } {
    const file = this.pathOf(id);
    if (!fs.existsSync(file)) return { deleted: false };
    if (this.writingSet([{ id, file, stat: fs.statSync(file) }]).has(file)) {
      throw new RecordingBusy('this recording is still being written by a running session: stop the run first');
    }
    this.removeAll([{ id, path: file }]);
    return { deleted: true };
  }

  /** Open for replay: the summary, header and the scrubber's stops. */
  async open(id: string): Promise<Result<'openRecording'>> {
    const e = this.entry(id);
    const running = this.writingSet([e]).has(e.file);
    const r = await this.replay(e.file);
    const info = r.info();
    const h = info.summary.header;
    return {
      summary: toSummary({ id, path: e.file, userName: this.names.all()[id], scan: info.summary, running }),
      script: h.script,
      options: h.options,
      bpftraceVersion: h.bpftraceVersion,
      kernelRelease: h.kernelRelease,
      frames: info.frames,
      invalidLines: info.invalidLines,
      torn: info.torn && !running,
    };
  }

  /** The replayed state at time t. */
  async at(id: string, t: number, printfLimit: number): Promise<SessionUpdate> {
    const e = this.entry(id);
    const running = this.writingSet([e]).has(e.file);
    return (await this.replay(e.file)).at(t, printfLimit, id, running);
  }

  private async replay(file: string): Promise<Replay> {
    let r = this.replays.get(file);
    if (r) this.replays.delete(file);
    else {
      r = Replay.open(file);
      // A recording that cannot be opened is not kept (the next try reads it again).
      r.catch(() => this.replays.get(file) === r && this.replays.delete(file));
    }
    this.replays.set(file, r); // most recent last
    const keep = this.cfg.keepOpen ?? 3;
    while (this.replays.size > keep) this.replays.delete(this.replays.keys().next().value!);
    const replay = await r;
    await replay.refresh();
    return replay;
  }

  private entries(): Entry[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: Entry[] = [];
    for (const n of names) {
      const id = recordingIdOf(n);
      if (!id) continue;
      const file = path.join(this.dir, n);
      try {
        const stat = fs.statSync(file);
        if (stat.isFile()) out.push({ id, file, stat });
      } catch {
        // deleted while we looked
      }
    }
    return out;
  }

  private entry(id: string): Entry {
    const file = this.pathOf(id);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      throw new RecordingNotFound(`no recording ${id} in ${this.dir}`);
    }
    if (!stat.isFile()) throw new RecordingNotFound(`no recording ${id} in ${this.dir}`);
    return { id, file, stat };
  }

  /** Which of these files are being written: by our runs, or (no exit yet) held open by another process. */
  private writingSet(entries: readonly Entry[], cache = new ScanCache(this.dir)): Set<string> {
    const ours = new Set([...(this.cfg.writing?.() ?? [])].map((p) => path.resolve(p)));
    const out = new Set(entries.map((e) => e.file).filter((f) => ours.has(f)));
    if (this.cfg.checkOtherProcesses === false) return out;
    // Only files without an exit line can be in progress; ask /proc about those alone.
    const candidates = entries.filter((e) => !out.has(e.file) && cache.get(path.basename(e.file), e.stat.size, e.stat.mtimeMs)?.scan?.exit == null).map((e) => e.file);
    if (candidates.length) for (const f of openElsewhere(new Set(candidates))) out.add(f);
    return out;
  }

  private async summarize(e: Entry, writing: ReadonlySet<string>, cache: ScanCache, names: Record<string, string>): Promise<RecordingSummary> {
    const base = path.basename(e.file);
    const running = writing.has(e.file);
    let scan: ScanSummary | null = null;
    let problem: string | null = null;
    const hit = running ? null : cache.get(base, e.stat.size, e.stat.mtimeMs);
    if (hit) ({ scan, problem } = hit);
    else {
      try {
        scan = running ? await this.scanGrowing(e) : await this.scanOnce(e);
        if (!running) this.growing.delete(e.file);
      } catch (err) {
        problem = (err as Error).message;
      }
      if (!running) cache.set(base, { size: e.stat.size, mtimeMs: e.stat.mtimeMs, scan, problem });
    }
    if (!scan) return unreadableSummary(e.id, e.file, e.stat.size, startedAtOf(e.file) ?? e.stat.mtime, problem ?? 'unknown problem', names[e.id]);
    return toSummary({ id: e.id, path: e.file, userName: names[e.id], scan, running });
  }

  /** One scan per file version at a time (two lists at once share it). */
  private scanOnce(e: Entry): Promise<ScanSummary> {
    const key = `${e.file}\0${e.stat.size}\0${e.stat.mtimeMs}`;
    let p = this.scanning.get(key);
    if (!p) {
      p = new RecordingScanner(false).scanFileAsync(e.file).then((s) => s.summary());
      this.scanning.set(key, p);
      const done = () => this.scanning.delete(key);
      p.then(done, done);
    }
    return p;
  }

  private async scanGrowing(e: Entry): Promise<ScanSummary> {
    let g = this.growing.get(e.file);
    if (!g || g.ino !== e.stat.ino) {
      g = { scanner: new RecordingScanner(false), ino: e.stat.ino, busy: null };
      this.growing.set(e.file, g);
    }
    while (g.busy) await g.busy;
    const p = g.scanner.scanFileAsync(e.file).then(() => undefined);
    g.busy = p;
    try {
      await p;
    } finally {
      g.busy = null;
    }
    return g.scanner.summary();
  }

  private removeAll(victims: readonly { id: string; path: string }[]): string[] {
    const done: string[] = [];
    for (const v of victims) {
      try {
        fs.unlinkSync(v.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') continue;
      }
      this.replays.delete(v.path);
      this.growing.delete(v.path);
      try {
        this.names.set(v.id, null);
      } catch {
        // a stale name for a deleted id is harmless
      }
      done.push(v.id);
    }
    return done;
  }
}
