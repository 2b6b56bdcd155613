// The hosts of a `--host H [--host H2 ...]` command line, and kscope's bundle to copy there
// when the far side lacks it: shared by `capabilities --host` and `catalog --host`.
import { makeBundle, type Bundle } from '../node/remote/bundle.js';
import { parseHostSpec, type HostTarget } from '../node/remote/ssh-target.js';

/** The targets and the bundle, or the exit status after saying why not (2: a bad --host). */
export function hostTargets(specs: readonly string[] | undefined): { targets: HostTarget[]; bundle: Bundle } | number {
  try {
    return { targets: (specs ?? []).map(parseHostSpec), bundle: makeBundle() };
  } catch (e) {
    process.stderr.write(`kscope: ${(e as Error).message}\n`);
    return 2;
  }
}
