// The recording line of a folded import's map, written from the folded texts (foldedSourceOf)
// without building a key string per stack: the same bytes as JSON.stringify of the map with
// its entries (checked by node/exports/reference-outputs.test.ts and the bench's sha256).
//
// A key is "\n" + one "    frame\n" a frame, leaf first (foldedStackToKey; no text here ends
// in ";"). JSON escapes a string character by character and ";" never needs escaping, so
// the escaped key is the escaped text's frames, between its ";"s, in reverse order: one
// JSON.stringify per stack, its bytes copied frame by frame into a large buffer.
import type { MapEvent } from '../../common/contract/index.js';
import type { Count } from '../../common/import/exact-counts.js';
import { countJson } from '../../common/import/exact-counts.js';

const CHUNK = 1 << 20;
const KEY_OPEN = Buffer.from('{"key":"\\n');
const VALUE = Buffer.from('","value":');
const INDENT = Buffer.from('    ');

/** `write` must be done with the bytes when it returns (a synchronous write): the buffer is reused. */
export function writeFoldedMapLine(ev: MapEvent, counts: ReadonlyMap<string, Count>, write: (bytes: Buffer) => void): void {
  // The line around the entries, from the event's own fields (without reading `entries`).
  const shell: Record<string, unknown> = {};
  for (const k of Object.keys(ev)) shell[k] = k === 'entries' ? [] : (ev as unknown as Record<string, unknown>)[k];
  const text = JSON.stringify(shell);
  const at = text.indexOf('"entries":[]') + '"entries":['.length;
  let out = Buffer.allocUnsafe(CHUNK);
  let pos = out.write(text.slice(0, at));
  let scratch = Buffer.allocUnsafe(1 << 16);
  const room = (n: number): void => {
    if (pos + n <= out.length) return;
    write(out.subarray(0, pos));
    // `write` is done with the bytes when it returns: the buffer is reused (no 1 MiB of garbage a chunk).
    if (n > out.length) out = Buffer.allocUnsafe(n);
    pos = 0;
  };
  let first = true;
  // forEach, not for…of: no [key, value] array a stack (100k of them, all garbage).
  counts.forEach((count, stack) => {
    // The text's JSON string, quotes included, in scratch[0, n): written as it is when it has
    // nothing to escape (no string made: the common case), else through JSON.stringify.
    let n: number;
    if (plainJson(stack)) {
      if (stack.length * 3 + 2 > scratch.length) scratch = Buffer.allocUnsafe(stack.length * 3 + 2);
      scratch[0] = 34;
      n = 1 + scratch.write(stack, 1, 'utf8');
      scratch[n++] = 34;
    } else {
      const esc = JSON.stringify(stack);
      if (esc.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(esc.length * 3);
      n = scratch.write(esc, 0, 'utf8');
    }
    const value = JSON.stringify(countJson(count));
    let frames = 1;
    for (let i = 1; i < n - 1; i++) if (scratch[i] === 59) frames++;
    // Each frame gains "    " and "\n" (2 bytes escaped): 5 bytes more than its ";".
    room(1 + KEY_OPEN.length + (n - 2) + frames * 6 + VALUE.length + value.length + 1 + 1);
    if (!first) out[pos++] = 44; // ,
    first = false;
    pos += KEY_OPEN.copy(out, pos);
    let end = n - 1;
    for (let i = n - 2; i >= 0; i--) {
      if (i > 0 && scratch[i] !== 59) continue;
      // A frame: (i, end) — i is a ";" or the opening quote.
      pos += INDENT.copy(out, pos);
      pos += scratch.copy(out, pos, i + 1, end);
      out[pos++] = 92; // \
      out[pos++] = 110; // n
      end = i;
    }
    pos += VALUE.copy(out, pos);
    pos += out.write(value, pos, 'latin1');
    out[pos++] = 125; // }
  });
  const tail = text.slice(at) + '\n';
  room(tail.length * 3);
  pos += out.write(tail, pos);
  write(out.subarray(0, pos));
}

/** A text JSON.stringify would leave as it is: no control character, quote, backslash or surrogate. */
function plainJson(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}
