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
  if (lines.some((l) => /^\s+[0-9a-f]+\s+\S+/.test(l)) && lines.some((l) => /\s\d+\.\d+:\s/.test(l))) return 'perf';
  return null;
}
