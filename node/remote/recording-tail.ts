// Read a run's recording from a byte offset, as text that never splits a UTF-8 character.
// A remote host's recorder pulls a run through this (the contract's recordingTail), so the
// local copy is the far side's recording byte for byte, including what the coalesced
// `session` updates skip in a flood.
import fs from 'node:fs';

export interface TailChunk {
  text: string;
  nextOffset: number;
  /** The run has ended and nothing is left past nextOffset: the recording is complete. */
  ended: boolean;
}

/** How many bytes at the end of `buf` belong to a character that continues past it. */
export function incompleteUtf8Tail(buf: Uint8Array): number {
  for (let back = 1; back <= Math.min(4, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * `exited` must be read before this is called: a run that had ended then has written its
 * last byte, so reaching the file's end means the recording is complete.
 */
export function readTail(file: string, offset: number, maxBytes: number, exited: boolean): TailChunk {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (offset > size) throw new Error(`offset ${offset} is past the end of the recording (${size} bytes)`);
    const want = Math.min(maxBytes, size - offset);
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const n = fs.readSync(fd, buf, got, want - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    let use = got - incompleteUtf8Tail(buf.subarray(0, got));
    // A chunk shorter than one character (maxBytes < 4) still moves forward.
    if (use === 0 && got > 0) use = got;
    const next = offset + use;
    return { text: buf.toString('utf8', 0, use), nextOffset: next, ended: exited && next >= size };
  } finally {
    fs.closeSync(fd);
  }
}

/** The contract method over the engine's sessions. */
export function recordingTail(
  get: (id: string) => { recordingPath: string | null; state: string } | undefined,
  p: { sessionId: string; offset: number; maxBytes: number },
): TailChunk {
  const s = get(p.sessionId);
  if (!s) throw new Error(`no such session: ${p.sessionId}`);
  if (!s.recordingPath) throw new Error(`run ${p.sessionId} keeps no recording`);
  const exited = s.state === 'exited';
  return readTail(s.recordingPath, p.offset, p.maxBytes, exited);
}
