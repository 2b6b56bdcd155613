// The local copy of one host's recording. The far side's recording arrives as raw text
// (recordingTail); each complete line is checked against the recording format and written
// as it came, byte for byte, with a synchronous append (like the engine's own writer), so
// what arrived before a cut link is on disk. Only the header is rewritten: it gains the
// host and the run it belongs to.
import fs from 'node:fs';
import path from 'node:path';
import { RECORDING_FORMAT, RecordingHeader, TraceEvent, type RunOptions } from '../../common/contract/index.js';

export interface HostInfo {
  /** The host as the user named it. */
  target: string;
  /** Where the far side keeps its own copy (null: it never ran there). */
  remoteRecording: string | null;
}
export interface RunGroup {
  id: string;
  /** Every host of the run, in the order given. */
  hosts: string[];
}

export class HostRecording {
  private fd: number;
  private partial = '';
  private headerDone = false;
  lines = 0;
  invalidLines = 0;
  lastT = 0;

  constructor(
    readonly path: string,
    private readonly host: HostInfo,
    private readonly run: RunGroup,
    private readonly onEvent: (e: TraceEvent) => void = () => {},
  ) {
    fs.mkdirSync(pathDir(path), { recursive: true });
    this.fd = fs.openSync(path, 'w', 0o600);
  }

  get hasHeader(): boolean {
    return this.headerDone;
  }

  /** A chunk of the far side's recording; lines may span chunks. */
  push(text: string): void {
    const all = this.partial + text;
    const cut = all.lastIndexOf('\n');
    if (cut === -1) {
      this.partial = all;
      return;
    }
    this.partial = all.slice(cut + 1);
    let out = '';
    for (const line of all.slice(0, cut).split('\n')) {
      if (!this.headerDone) {
        out += this.headerLine(line) + '\n';
        continue;
      }
      let ev: TraceEvent;
      try {
        const r = TraceEvent.safeParse(JSON.parse(line));
        if (!r.success) throw new Error('not an event');
        ev = r.data;
      } catch {
        this.invalidLines++;
        continue;
      }
      out += line + '\n';
      this.lines++;
      this.lastT = Math.max(this.lastT, ev.t);
      this.onEvent(ev);
    }
    this.write(out);
  }

  private headerLine(line: string): string {
    const r = RecordingHeader.safeParse(JSON.parse(line));
    if (!r.success) throw new Error(`the far side's recording does not start with a header`);
    this.headerDone = true;
    // Keep every field the far side wrote (JSON.parse, not the schema's stripped copy).
    return JSON.stringify({ ...(JSON.parse(line) as object), host: this.host, run: this.run });
  }

  /** The header for a host where nothing ran (unreachable, or it refused the run). */
  writeOwnHeader(h: { script: string; options: RunOptions; bpftraceVersion: string | null; kernelRelease: string; startedAt: string; kscopeVersion: string }): void {
    if (this.headerDone) return;
    this.headerDone = true;
    this.write(JSON.stringify({ type: 'header', format: RECORDING_FORMAT, ...h, injected: null, host: this.host, run: this.run }) + '\n');
  }

  /** An event of our own (the reason a host failed). */
  append(e: TraceEvent): void {
    this.write(JSON.stringify(e) + '\n');
    this.onEvent(e);
  }

  private write(text: string): void {
    if (!text) return;
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

const pathDir = (p: string) => path.dirname(p);
