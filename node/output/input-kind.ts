// Is a file's beginning text? A reader looks before it trusts: kscope's inputs (recordings,
// folded stacks, perf script, bpftrace text) are UTF-8 text without NUL bytes (JSON escapes a
// NUL as \u0000), so a NUL or invalid UTF-8 in the first bytes means binary data (an ELF, an
// image, /dev/zero), refused with that word instead of drawn as garbage.
export const SNIFF_BYTES = 64 * 1024;

/** Why `head` (a file's first bytes) is not text, or null. */
export function binaryReason(head: Uint8Array): string | null {
  const b = head.subarray(0, SNIFF_BYTES);
  // UTF-16 with its byte-order mark is text (Windows tools write folded stacks so); the
  // importers decode it by its BOM (imports/text-decoder.ts).
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return null;
  const nul = b.indexOf(0);
  if (nul >= 0) return `binary data (a NUL byte at offset ${nul})`;
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes.
  let end = b.length;
  for (let k = 0; k < 3 && end > 0 && (b[end - 1] & 0xc0) === 0x80; k++) end--;
  if (end > 0 && b[end - 1] >= 0xc0) end--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, end));
  } catch {
    return 'binary data (not UTF-8 text)';
  }
  return null;
}
