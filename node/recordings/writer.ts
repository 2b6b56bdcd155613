// Recordings: NDJSON, a header line then one event a line. Written with a synchronous
// append before an event is sent anywhere, so a crash of the UI or the app loses nothing
// bpftrace printed (the bytes are in the kernel's page cache once write() returns).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RECORDING_FORMAT, RecordingHeader, TraceEvent } from '../../common/contract/index.js';
import { MapDeltaDecoder, MapDeltaEncoder, MapDeltaError, isMapDelta, type Print } from '../../common/format/map-delta.js';

export function defaultRecordingsDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'kscope', 'recordings');
}

export function recordingFileName(startedAt: Date, id: string): string {
  return `${startedAt.toISOString().replace(/[:.]/g, '-')}-${id}.ndjson`;
}

export class RecordingWriter {
  private fd: number | null;
  bytes = 0;
  /** Set when a write failed (disk full, ...): the recording is valid up to the last line. */
  failure: string | null = null;

  /** Format 2 and later: map prints are written as what changed (common/format/map-delta.ts). */
  private readonly deltas: MapDeltaEncoder | null;

  constructor(
    readonly path: string,
    header: RecordingHeader,
  ) {
    this.deltas = header.format >= 2 ? new MapDeltaEncoder() : null;
    fs.mkdirSync(pathDir(path), { recursive: true });
    this.fd = fs.openSync(path, 'w', 0o600);
    this.writeRaw(JSON.stringify(header) + '\n');
  }

  /**
   * Append events, one a line. `onLine` learns each line's byte offset and length (newline
   * excluded) in the file, so a reader can seek to it later (the printf log's pages).
   */
  append(events: readonly TraceEvent[], onLine?: (event: TraceEvent, offset: number, length: number) => void): void {
    if (this.fd === null || events.length === 0) return;
    let text = '';
    const d = this.deltas;
    for (const e of events) text += (d && (e.type === 'map' || e.type === 'hist' || e.type === 'stats') ? d.line(e as Print) : JSON.stringify(e)) + '\n';
    const buf = Buffer.from(text);
    if (onLine) {
      // JSON.stringify escapes newlines inside strings, so every 0x0a byte ends a line: one
      // indexOf per line in C++ instead of a byteLength per line (the flood's hot path).
      let from = 0;
      for (const e of events) {
        const nl = buf.indexOf(10, from);
        onLine(e, this.bytes + from, nl - from);
        from = nl + 1;
      }
    }
    this.writeBuf(buf);
  }

  /** The share of a map's entries its last print changed (format 2, a map big enough for deltas), else null. */
  changeFraction(name: string): number | null {
    return this.deltas?.changed.get(name) ?? null;
  }

  private writeRaw(text: string): void {
    this.writeBuf(Buffer.from(text));
  }

  private writeBuf(buf: Buffer): void {
    if (this.fd === null) return;
    let off = 0;
    try {
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off);
      this.bytes += buf.length;
    } catch (e) {
      this.failure = (e as Error).message;
      // Drop the part of a line that did get written: every line in the file stays whole.
      const whole = buf.subarray(0, off).lastIndexOf(10) + 1;
      try {
        fs.ftruncateSync(this.fd, this.bytes + whole);
        this.bytes += whole;
      } catch {
        // the reader tolerates a torn last line
      }
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } finally {
      this.fd = null;
    }
  }
}

const pathDir = (p: string) => path.dirname(p);

/** What the user is told when the recording could not be written (shown as the run's error). */
export function recordingFailureMessage(failure: string, file: string | null): string {
  const why = /ENOSPC|no space/i.test(failure) ? 'the disk is full' : /EDQUOT|quota/i.test(failure) ? 'the disk quota is exceeded' : 'writing the recording failed';
  return `Recording stopped: ${why} (${failure}). bpftrace was stopped so nothing goes unrecorded; the recording${file ? ` ${file}` : ''} is valid up to its last line.`;
}

export interface ParsedRecording {
  header: RecordingHeader;
  events: TraceEvent[];
  /** The last line was cut mid-write (the app was killed); it was ignored. */
  torn: boolean;
  /** Lines that were complete but not understood, with their line numbers. */
  invalid: { line: number; reason: string }[];
}

export class RecordingFormatError extends Error {}

/** Parse a recording's text. Tolerates a torn last line; refuses a future format clearly. */
export function parseRecording(text: string): ParsedRecording {
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n');
  let torn = false;
  if (!endsClean) {
    const last = lines[lines.length - 1];
    try {
      JSON.parse(last);
    } catch {
      torn = last.length > 0;
      lines.pop();
    }
  } else lines.pop();
  if (lines.length === 0) throw new RecordingFormatError('empty recording: no header line');
  let headerJson: unknown;
  try {
    headerJson = JSON.parse(lines[0]);
  } catch {
    throw new RecordingFormatError('not a kscope recording: the first line is not JSON');
  }
  const h = RecordingHeader.safeParse(headerJson);
  if (!h.success) throw new RecordingFormatError('not a kscope recording: the first line is not a header');
  if (h.data.format > RECORDING_FORMAT) {
    throw new RecordingFormatError(`recording format ${h.data.format} is newer than this kscope understands (${RECORDING_FORMAT}); update kscope`);
  }
  const events: TraceEvent[] = [];
  const invalid: ParsedRecording['invalid'] = [];
  // Map prints written as changes (format 2) come back as the prints bpftrace printed.
  const prints = new MapDeltaDecoder();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    let json: unknown;
    try {
      json = JSON.parse(lines[i]);
    } catch {
      invalid.push({ line: i + 1, reason: 'not JSON' });
      continue;
    }
    const delta = isMapDelta(json);
    if (isMapDelta(json)) {
      const d = json;
      try {
        json = prints.apply(d);
      } catch (e) {
        if (!(e instanceof MapDeltaError)) throw e;
        prints.forget(d.name);
        invalid.push({ line: i + 1, reason: e.message });
        continue;
      }
    }
    const r = TraceEvent.safeParse(json);
    if (r.success) {
      events.push(r.data);
      const e = r.data;
      if (!delta && (e.type === 'map' || e.type === 'hist' || e.type === 'stats')) prints.full(json as Print);
    } else invalid.push({ line: i + 1, reason: 'not a known event' });
  }
  return { header: h.data, events, torn, invalid };
}
