// The library's size cap after a writer that is not the app's engine (kscope record, kscope
// import): the same rule as after each run in the app, so the next `kscope recordings` does
// not find the folder far over the cap and delete everything but the newest at once.
import { RecordingsLibrary } from './library.js';

/** Remove the oldest recordings beyond the cap (never the newest); says which, on stderr. */
export async function enforceLibraryCap(dir: string, settingsPath?: string, say: (line: string) => void = (l) => void process.stderr.write(l + '\n')): Promise<string[]> {
  try {
    const removed = await new RecordingsLibrary({ dir, settingsPath }).enforceCap();
    if (removed.length > 0) say(`kscope: the recordings folder was over its size cap: removed the ${removed.length} oldest (${removed.join(', ')})`);
    return removed;
  } catch (e) {
    say(`kscope: warning: could not keep the recordings folder under its cap: ${(e as Error).message}`);
    return [];
  }
}
