// Our folded export and folded import against FlameGraph's own scripts, whose outputs were
// recorded once (scripts/gen-flamegraph-expected.sh; FlameGraph's code is not in this repo):
// flamegraph.pl draws the recording's frames with the recording's counts, difffolded.pl
// gives `kscope diff`'s lines, and a folded file's edge cases (`;;; 3`, a count with no
// stack, a blank leaf frame, an empty middle frame) import as flamegraph.pl reads them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFolded } from '../../common/import/folded.js';
import { importFile, writeRecordingTo } from '../imports/index.js';
import { foldEvent, mapEvents } from '../../test/support/imports.js';
import { diffFoldedText, loadDiffSide } from './diff.js';
import { exportRecording } from './index.js';
import { EMPTY_STACK } from './stack-maps.js';
import { collector, lastStackMap, oracleFolded, REC_A, REC_B, sum, tmpDir } from '../../test/support/exports.js';
import type { FlameTree } from '../../common/profile/stacks.js';

const FG = path.resolve('test/fixtures/interop/flamegraph');
const read = (f: string) => fs.readFileSync(path.join(FG, f), 'utf8');
const dir = tmpDir('kscope-fg-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** flamegraph.pl's frame titles as "name\tsamples" lines, sorted (names trimmed: kscope trims frame text). */
function titles(file: string): string[] {
  return read(file)
    .split('\n')
    .filter(Boolean)
    .map((t) => {
      const m = /^(.*) \(([\d,]+) samples?, [\d.]+%\)$/.exec(unescape(t));
      if (!m) throw new Error(`not a flamegraph.pl title: ${t}`);
      return `${m[1].trim()}\t${m[2].replace(/,/g, '')}`;
    })
    .sort();
}

/** The same from folded stacks: every path's inclusive samples, plus "all". */
function titlesOfStacks(stacks: Map<string, number>): string[] {
  const inclusive = new Map<string, { name: string; v: number }>();
  for (const [k, v] of stacks) {
    const frames = k.split(';');
    for (let i = 1; i <= frames.length; i++) {
      const p = frames.slice(0, i).join(';');
      const node = inclusive.get(p) ?? { name: frames[i - 1].trim(), v: 0 };
      node.v += v;
      inclusive.set(p, node);
    }
  }
  return [`all\t${sum(stacks)}`, ...[...inclusive.values()].map((n) => `${n.name}\t${n.v}`)].sort();
}

function titlesOfTree(t: FlameTree): string[] {
  const out = [`all\t${t.total}`];
  for (let i = 1; i < t.size; i++) out.push(`${t.nodeName(i).trim()}\t${t.value[i]}`);
  return out.sort();
}

async function folded(rec: string): Promise<string> {
  const c = collector();
  await exportRecording(rec, 'folded', c.stream);
  return c.text();
}

describe('FlameGraph agrees with our folded export', () => {
  it.each([
    ['a', REC_A],
    ['b', REC_B],
  ])('flamegraph.pl draws profile-%s with the recording\'s frames and counts', async (n, rec) => {
    // The recorded run read exactly what we export today.
    expect(await folded(rec)).toBe(read(`profile-${n}.folded`));
    expect(titles(`profile-${n}.titles.txt`)).toEqual(titlesOfStacks(oracleFolded(lastStackMap(fs.readFileSync(rec, 'utf8')))));
  });

  it('difffolded.pl gives the lines `kscope diff` gives (difffolded.pl prints in hash order)', async () => {
    const a = await loadDiffSide(REC_A);
    const b = await loadDiffSide(REC_B);
    const ours = diffFoldedText(a.stacks, b.stacks);
    expect(ours.split('\n').filter(Boolean).sort()).toEqual(read('profile-a-b.difffolded').split('\n').filter(Boolean).sort());
  });
});

describe('folded edge cases import as flamegraph.pl reads them', () => {
  const text = read('edge-cases.folded');

  it('same frames and counts: ";;; 3" and " 2" count at the root, blank leaf and empty middle frames kept', () => {
    const r = parseFolded(text);
    expect(r.problems).toEqual([]);
    const tree = foldEvent(mapEvents(r.events)[0]);
    expect(titlesOfTree(tree)).toEqual(titles('edge-cases.titles.txt'));
  });

  it('the SVG export draws the frameless samples as [empty stack]; the folded export keeps the blank frames', async () => {
    const imp = importFile(path.join(FG, 'edge-cases.folded'));
    const rec = writeRecordingTo(path.join(dir, 'edge.ndjson'), imp.header, imp.events);
    const c = collector();
    await exportRecording(rec, 'svg', c.stream);
    const svg = c.text();
    expect(svg).toContain(`<title>${EMPTY_STACK} (5 samples, `);
    const out = await folded(rec);
    expect(out.split('\n').filter(Boolean).sort()).toEqual([`${EMPTY_STACK} 5`, 'main; ;poll 1', 'main;read;sys_read 7', 'main;write;  4'].sort());
    // … which flamegraph.pl reads back to the same frames (the blank leaf is not merged into "write").
    const again = foldEvent(mapEvents(parseFolded(out.replace(`${EMPTY_STACK} 5`, ';;; 5')).events)[0]);
    expect(titlesOfTree(again)).toEqual(titles('edge-cases.titles.txt'));
  });
});
