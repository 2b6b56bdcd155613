// bpftrace's `-f json` escapes every byte >= 0x80 of a string as `\uffffffXX` (the byte,
// sign-extended to 32 bits, printed with %04x). JSON.parse reads that as U+FFFF followed by
// the literal text "ffXX". This module turns such runs back into the bytes they stand for
// and decodes them as UTF-8, so 'café' and '中文' come out as the kernel had them. Pure.

const MARK = '\uffff';
const ESCAPED = /\uffffff([0-9a-fA-F]{2})/g;

/** True when `s` may hold escaped bytes (cheap test for the hot path). */
export function hasEscapedBytes(s: string): boolean {
  return s.includes(MARK);
}

/**
 * Restore `\uffffffXX` runs (as JSON.parse leaves them: U+FFFF + "ffXX") to bytes and decode
 * them as UTF-8. A byte sequence that is not valid UTF-8 is shown as `\xNN` per byte, so no
 * byte is silently replaced.
 */
export function restoreBytes(s: string): string {
  if (!s.includes(MARK)) return s;
  let out = '';
  let last = 0;
  let bytes: number[] = [];
  ESCAPED.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ESCAPED.exec(s)) !== null) {
    if (m.index !== last) {
      out += decodeUtf8(bytes) + s.slice(last, m.index);
      bytes = [];
    }
    bytes.push(parseInt(m[1]!, 16));
    last = m.index + m[0].length;
  }
  return out + decodeUtf8(bytes) + s.slice(last);
}

/** Strict UTF-8 decoding, invalid bytes as `\xNN` (TextDecoder would turn them into U+FFFD). */
export function decodeUtf8(b: number[]): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? (c <= 0xef ? 2 : -1) : c >= 0xc2 && c <= 0xdf ? 1 : c < 0x80 ? 0 : -1;
    let cp = -1;
    if (need === 0) cp = c;
    else if (need > 0 && i + need < b.length) {
      cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
      for (let k = 1; k <= need; k++) {
        const d = b[i + k]!;
        if ((d & 0xc0) !== 0x80) {
          cp = -1;
          break;
        }
        cp = (cp << 6) | (d & 0x3f);
      }
      // Overlong forms, surrogates and values beyond U+10FFFF are not UTF-8.
      if (cp >= 0 && ((need === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff)))) cp = -1;
    }
    if (cp < 0) {
      out += '\\x' + c.toString(16).padStart(2, '0');
      i += 1;
    } else {
      out += String.fromCodePoint(cp);
      i += need + 1;
    }
  }
  return out;
}
