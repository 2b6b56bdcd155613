// What kscope accepts as a bpftrace script, the same on every path (the contract's run and
// diagnose, the CLI's record, the privileged helper): text, not empty, at most 1 MiB.
/** The one script-size limit (the helper's protocol re-exports it). */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

/** Why `source` is not a script kscope runs, or null. */
export function scriptProblem(source: string): string | null {
  if (source.trim() === '') return 'the script is empty';
  const bytes = Buffer.byteLength(source);
  if (bytes > MAX_SCRIPT_BYTES) return `the script is ${bytes.toLocaleString('en-US')} bytes; at most ${MAX_SCRIPT_BYTES.toLocaleString('en-US')} (1 MiB)`;
  const nul = source.indexOf('\0');
  if (nul >= 0) return `not a text script: a NUL byte at character ${nul + 1} (binary data?)`;
  return null;
}

/** A script file's bytes → its text, or why not (binary, not UTF-8, too big, empty). */
export function scriptFromBytes(bytes: Uint8Array, name: string): { ok: true; source: string } | { ok: false; message: string } {
  if (bytes.length > MAX_SCRIPT_BYTES) return { ok: false, message: `${name} is ${bytes.length.toLocaleString('en-US')} bytes; a script is at most ${MAX_SCRIPT_BYTES.toLocaleString('en-US')} (1 MiB)` };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ok: false, message: `${name} is not a bpftrace script: binary data (a NUL byte at offset ${nul})` };
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: `${name} is not a bpftrace script: not UTF-8 text` };
  }
  const p = scriptProblem(source);
  return p ? { ok: false, message: `${name}: ${p}` } : { ok: true, source };
}
