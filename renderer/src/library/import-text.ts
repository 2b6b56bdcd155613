// Pure checks of what the user wants to import, before anything is sent.
import type { ImportFormat } from '../../../common/contract/index.js';
import { detectImportFormat } from '../../../common/import/detect.js';

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

/** A best guess of the format, shown beside "auto": the same detection the host runs. */
export function guessFormat(text: string): ImportFormat | null {
  return detectImportFormat(text);
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
