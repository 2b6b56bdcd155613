// What ssh runs on the far side: a POSIX sh script that checks Node (20+), asks for
// kscope's bundle when this version is not there yet (it arrives on the same channel, is
// checked against its SHA-256 and unpacked into a folder named by it), then becomes
// `kscope serve --stdio`. Lines it prints before that start with KSCOPE-REMOTE. Pure.
export const REMOTE_PREFIX = 'KSCOPE-REMOTE ';
/** Exit status of the script when the far side cannot run kscope (no Node, too old, damaged copy). */
export const REMOTE_UNFIT = 97;

export interface BootstrapParams {
  sha256: string;
  bytes: number;
  idleMs: number;
  /**
   * The far side allows --unsafe runs (`serve --stdio --allow-unsafe`). Only set when the
   * person at the command line asked for an unsafe run (`kscope record --host H --unsafe`):
   * a request arriving over the channel can never give that consent on its own.
   */
  allowUnsafe?: boolean;
}

/** Quote one word for a POSIX shell. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function bootstrapScript(p: BootstrapParams): string {
  if (!/^[0-9a-f]{64}$/.test(p.sha256) || !Number.isSafeInteger(p.bytes) || !Number.isSafeInteger(p.idleMs)) throw new Error('bad bootstrap parameters');
  const dir = p.sha256.slice(0, 24);
  return `set -u
say() { printf 'KSCOPE-REMOTE %s\\n' "$*"; }
node=$(command -v node || command -v nodejs || true)
if [ -z "$node" ]; then say "error no Node.js on this host: kscope needs Node 20 or newer there (apt-get install nodejs)"; exit ${REMOTE_UNFIT}; fi
v=$("$node" -p 'process.versions.node' 2>/dev/null || echo 0)
if ! [ "\${v%%.*}" -ge 20 ] 2>/dev/null; then say "error Node.js $v on this host is too old: kscope needs 20 or newer"; exit ${REMOTE_UNFIT}; fi
base="\${XDG_CACHE_HOME:-$HOME/.cache}/kscope/remote"
d="$base/${dir}"
if [ ! -f "$d/dist/electron/cli.cjs" ]; then
  say need-bundle
  mkdir -p "$base" && t=$(mktemp -d "$base/.in.XXXXXX") || { say "error cannot write $base"; exit ${REMOTE_UNFIT}; }
  head -c ${p.bytes} > "$t/b.tar"
  if [ "$(sha256sum < "$t/b.tar" | cut -d' ' -f1)" = ${p.sha256} ] && tar -xf "$t/b.tar" -C "$t"; then
    rm -f "$t/b.tar"; mv -T "$t" "$d" 2>/dev/null || rm -rf "$t"
  else
    rm -rf "$t"; say "error the copy of kscope arrived damaged"; exit ${REMOTE_UNFIT}
  fi
fi
say ready
exec "$node" "$d/dist/electron/cli.cjs" serve --stdio --idle-ms ${p.idleMs}${p.allowUnsafe === true ? ' --allow-unsafe' : ''}
`;
}

/** The one argument ssh sends as the remote command (run by the user's login shell). */
export function remoteCommand(p: BootstrapParams): string {
  return `exec /bin/sh -c ${shQuote(bootstrapScript(p))}`;
}
