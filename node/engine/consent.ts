// Consent to --unsafe, given by something the page cannot reach: the Electron main process's
// native dialog, the `serve --allow-unsafe` flag of whoever started the server, the terminal
// user's own `record --unsafe`. The contract's `run {options: {unsafe: true}}` is a request,
// never consent: the backend asks its UnsafeConsent for every such run.
import { unsafeCalls } from './unsafe-functions.js';

export interface UnsafeRequest {
  source: string;
  /** The unsafe functions the script calls (system, signal, override), for the question. */
  functions: string[];
}

export type ConsentAnswer = { ok: true } | { ok: false; message: string };
export type UnsafeConsent = (req: UnsafeRequest) => Promise<ConsentAnswer>;

export const SERVE_UNSAFE_REFUSED =
  'unsafe runs are off in browser mode: the page cannot allow them; whoever starts the server can, with kscope serve --allow-unsafe';

export const REMOTE_UNSAFE_REFUSED =
  'unsafe runs on this host are off: only the command line can allow them there (kscope record --host H --unsafe); the window cannot';

/** Browser mode (and `serve --stdio` on a far host): the server's flag decides, for every run. */
export function serveConsent(allowUnsafe: boolean, refused: string = SERVE_UNSAFE_REFUSED): UnsafeConsent {
  return async () => (allowUnsafe ? { ok: true } : { ok: false, message: refused });
}

/** Nobody can be asked (a backend made without a consent source). */
export const noConsent: UnsafeConsent = async () => ({ ok: false, message: 'unsafe runs need the user\'s consent, and nothing here can ask for it' });

export function unsafeRequest(source: string): UnsafeRequest {
  return { source, functions: unsafeCalls(source) };
}

/** The question a dialog asks (Electron's native one). */
export function consentQuestion(req: UnsafeRequest): { message: string; detail: string } {
  const named = req.functions.length > 0 ? req.functions.map((f) => `${f}()`).join(', ') : 'no unsafe function kscope can see';
  return {
    message: `Run this script with --unsafe?`,
    detail:
      `It calls: ${named}.\n\n` +
      'With --unsafe, bpftrace lets a script run commands as root (system), send signals to any process (signal) ' +
      'and change what kernel functions return (override). This is asked for every run.',
  };
}
