// `kscope serve --stdio [--idle-ms N]`: the engine for a peer on our stdin/stdout (ssh runs
// this on a remote host). stdout carries only the channel: any stray console output would
// corrupt it, so console.log/info go to stderr.
import { createBackend } from '../node/backend.js';
import { REMOTE_UNSAFE_REFUSED, serveConsent } from '../node/engine/consent.js';
import { DEFAULT_IDLE_MS, serveStdio } from '../node/remote/serve-stdio.js';

/** `allowUnsafe`: whoever started this server (`serve --stdio --allow-unsafe`) allows --unsafe runs; the peer's request alone never does. */
export async function serveStdioCommand(idleArg: string | undefined, allowUnsafe = false): Promise<number> {
  const idleMs = idleArg === undefined ? DEFAULT_IDLE_MS : Number(idleArg);
  if (!Number.isInteger(idleMs) || idleMs < 0) {
    process.stderr.write(`kscope: bad --idle-ms: ${idleArg}\n`);
    return 2;
  }
  console.log = console.info = (...a: unknown[]) => process.stderr.write(a.map(String).join(' ') + '\n');
  const backend = createBackend({ consentToUnsafe: serveConsent(allowUnsafe, REMOTE_UNSAFE_REFUSED) });
  const reason = await serveStdio({
    input: process.stdin,
    output: process.stdout,
    impl: backend.impl,
    events: backend.events,
    shutdown: () => backend.shutdown(),
    idleMs,
    log: (l) => process.stderr.write(l + '\n'),
  });
  process.stderr.write(`kscope: serve --stdio ended: ${reason}\n`);
  return 0;
}
