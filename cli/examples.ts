// `kscope examples [--json]` and the `--example ID` part of `kscope record`: the gallery
// in a terminal, with this kernel's capabilities deciding original or equivalent.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Example } from '../common/contract/index.js';
import { createBackend } from '../node/backend.js';
import { exampleRun, loadExamples } from '../node/examples.js';
import { resourcesDir } from '../node/paths.js';

/** The gallery as this machine sees it (capabilities decide original or equivalent). */
export function loadGallery(): Example[] {
  return loadExamples(path.join(resourcesDir(), 'examples'), createBackend({ recordingsDir: null }).capabilities());
}

export function formatExampleList(list: readonly Example[]): string {
  const idw = Math.max(2, ...list.map((e) => e.id.length));
  const rows = list.map((e) => {
    const lesson = e.lesson !== null ? `#${e.lesson}`.padEnd(4) : '    ';
    let line = `${e.id.padEnd(idw)}  ${lesson} ${e.title}  [${e.view}]`;
    if (e.action === 'browse') line += `  → lists probes: kscope catalog '${e.pattern ?? ''}'`;
    else if (!e.runnable) line += e.equivalent ? `\n${' '.repeat(idw + 7)}→ runs the equivalent here: ${e.reason}` : `\n${' '.repeat(idw + 7)}→ cannot run here: ${e.reason}`;
    return line;
  });
  return rows.join('\n');
}

export function examplesCommand(argv: string[], load: () => Example[]): number {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const list = load();
  if (values.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
  else process.stdout.write(formatExampleList(list) + '\n');
  return 0;
}

export type ExampleRecordPlan =
  | { ok: true; source: string; file: string; example: { id: string; variant: 'original' | 'equivalent'; reason: string | null }; message: string }
  | { ok: false; code: number; message: string };

/** What `kscope record --example ID` runs, and what it says on stderr about it. */
export function planExampleRecord(id: string, list: readonly Example[]): ExampleRecordPlan {
  const ex = list.find((e) => e.id === id || (e.lesson !== null && id === String(e.lesson)));
  if (!ex) return { ok: false, code: 2, message: `no example '${id}'; the examples are:\n${formatExampleList(list)}` };
  if (ex.action === 'browse')
    return {
      ok: false,
      code: 2,
      message: `${ex.id} (${ex.title}) runs nothing: lesson ${ex.lesson ?? ''} lists probes. Try: kscope catalog '${ex.pattern ?? ''}'`,
    };
  if (!ex.runnable && !ex.equivalent) return { ok: false, code: 1, message: `${ex.id} cannot run here and has no equivalent: ${ex.reason}` };
  const run = exampleRun(ex);
  const message =
    run.variant === 'equivalent'
      ? `running the equivalent of ${ex.id} (${run.title}): the original needs ${ex.needs.join(', ')} — ${run.reason}`
      : `running ${ex.id} (${ex.title})`;
  return {
    ok: true,
    source: run.source,
    file: `${ex.id}${run.variant === 'equivalent' ? '.equivalent' : ''}.bt`,
    example: { id: ex.id, variant: run.variant, reason: run.reason },
    message,
  };
}
