// Pure checks of what the user wants to import, before anything is sent.

/** The most the window sends in one importText call (the contract's limit). */
export const IMPORT_MAX_CHARS = 3_000_000;

export const TOO_BIG_HINT = 'For bigger files use the command line: kscope import FILE --output REC.ndjson, then open it from Recordings.';

/** Why a file cannot be imported from the window, or null. */
export function fileProblem(name: string, bytes: number): string | null {
  if (bytes === 0) return `${name} is empty.`;
  if (bytes > IMPORT_MAX_CHARS) return `${name} is ${(bytes / 1e6).toFixed(1)} MB; the window imports up to ${IMPORT_MAX_CHARS / 1e6} MB. ${TOO_BIG_HINT}`;
  return null;
}

/** Why pasted text cannot be imported, or null. */
export function textProblem(text: string): string | null {
  if (!text.trim()) return 'Paste or open something to import first.';
  if (text.length > IMPORT_MAX_CHARS) return `That is ${(text.length / 1e6).toFixed(1)} million characters; the window imports up to ${IMPORT_MAX_CHARS / 1e6} million. ${TOO_BIG_HINT}`;
  return null;
}

/** A best guess of the format, shown beside "auto" (the host decides for real). */
export function guessFormat(text: string): 'folded' | 'perf' | 'bpftrace-text' | null {
  const lines = text.split('\n', 200).filter((l) => l.trim());
  if (!lines.length) return null;
  if (lines.some((l) => /^@\w*(\[.*\])?:/.test(l) || /^\[[^\]]*\)?\s+\d+\s*\|/.test(l.trim()))) return 'bpftrace-text';
  const folded = lines.filter((l) => /^\S.*\s\d+$/.test(l) && !l.startsWith('\t')).length;
  if (folded / lines.length > 0.8) return 'folded';
  // perf script: headers ("comm pid [cpu] [time:] [period] event:") over indented frames, with
  // or without a time; or, without call graphs, one header a line ending in its frame.
  const header = (l: string) => /^\s*\S.*?\s\d+(?:\/\d+)?\s.*\S:(?:\s|$)/.test(l);
  if (lines.some((l) => /^\s+[0-9a-f]+\s+\S+/.test(l)) && lines.some((l) => /^\S/.test(l) && header(l))) return 'perf';
  if (lines.filter((l) => header(l) && /\s[0-9a-f]+\s+\S+.*\(.*\)\s*$/.test(l)).length / lines.length > 0.8) return 'perf';
  return null;
}

/**
 * A file's bytes as text, by its byte-order mark as the host's import reads files: UTF-16 LE
 * (FF FE), UTF-16 BE (FE FF), else UTF-8 (its BOM dropped). Windows tools write folded
 * stacks as UTF-16.
 */
export function decodeFileText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes); // drops a UTF-8 BOM itself
}
