// The standalone SVG flame graph (escaping of untrusted names, widths from samples) and the
// differential core (tree, difffolded text, colours by share, recordings or folded files).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DiffNode, MapEvent } from '../../common/contract/index.js';
import { parseRecording } from '../recordings/writer.js';
import { diffColor, diffFoldedText, diffRecordings, diffSvg, diffTree, loadDiffSide, parseFoldedText } from './diff.js';
import { exportRecording } from './index.js';
import { xmlEscape } from './svg.js';
import { collector, lastStackMap, oracleFolded, REC_A, REC_B, sum, tmpDir, writeRecording } from '../../test/support/exports.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HOSTILE = `<script>alert(1)</script>&"'\u0001]]>`;

function frames(svg: string): { name: string; w: number; d: number; title: string }[] {
  const out: { name: string; w: number; d: number; title: string }[] = [];
  const re = /<g class="f" data-x="([^"]*)" data-w="([^"]*)" data-d="([^"]*)"><title>([^<]*)<\/title>.*?<desc>([^<]*)<\/desc><\/g>/g;
  for (let m = re.exec(svg); m; m = re.exec(svg)) out.push({ w: Number(m[2]), d: Number(m[3]), title: unescape(m[4]), name: unescape(m[5]) });
  return out;
}
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('svg flame graph', () => {
  it('escapes untrusted frame and comm names everywhere', async () => {
    const events = parseRecording(fs.readFileSync(REC_A, 'utf8')).events;
    const ev = lastStackMap(fs.readFileSync(REC_A, 'utf8'));
    const evil: MapEvent = { ...ev, t: ev.t + 1, entries: [...ev.entries, { key: `\n    ${HOSTILE}+12\n    do_syscall_64+5\n,${HOSTILE}`, value: 1000 }] };
    const rec = writeRecording(path.join(dir, 'evil.ndjson'), REC_A, [...events, evil]);
    const c = collector();
    await exportRecording(rec, 'svg', c.stream);
    const svg = c.text();
    expect(svg).not.toContain('<script>alert');
    expect(svg.match(/<script/g)).toHaveLength(1);
    expect(svg.match(/\]\]>/g)).toHaveLength(1); // only the end of our own CDATA
    expect(svg).not.toContain('\u0001');
    expect(svg).toContain(xmlEscape(HOSTILE));
    expect(xmlEscape(HOSTILE)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;\uFFFD]]&gt;');
    const fs_ = frames(svg);
    expect(fs_.filter((f) => f.name === HOSTILE.replace('\u0001', '\uFFFD')).map((f) => f.d)).toEqual([1, 3]);
  });

  it('draws frames with widths from their samples, the root as "all"', async () => {
    const ev = lastStackMap(fs.readFileSync(REC_B, 'utf8'));
    const total = sum(oracleFolded(ev));
    const c = collector();
    const r = await exportRecording(REC_B, 'svg', c.stream);
    expect(r.mime).toBe('image/svg+xml');
    const svg = c.text();
    expect(svg.startsWith('<?xml')).toBe(true);
    const f = frames(svg);
    const root = f.find((x) => x.d === 0)!;
    expect(root).toMatchObject({ name: 'all', w: 1 });
    expect(root.title).toContain(`${total.toLocaleString('en-US')} samples`);
    // The key's comm parts are the frames above the root; their widths add up to the whole.
    const comms = new Map<string, number>();
    for (const [k, v] of oracleFolded(ev)) comms.set(k.split(';')[0], (comms.get(k.split(';')[0]) ?? 0) + v);
    const level1 = f.filter((x) => x.d === 1);
    expect(new Map(level1.map((x) => [x.name, Math.round(x.w * total)]))).toEqual(comms);
    expect(svg).toContain('function search(');
    expect(svg).toContain('function zoom(');
  });
});

/** Self samples per path of a DiffNode tree, for one side. */
function selfStacks(t: DiffNode, side: 'a' | 'b'): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (n: DiffNode, p: string[]) => {
    const kids = n.c ?? [];
    const self = n[side] - kids.reduce((a, c) => a + c[side], 0);
    if (p.length > 0 && self > 0) out.set(p.join(';'), self);
    for (const c of kids) walk(c, [...p, c.n]);
  };
  walk(t, []);
  return out;
}

describe('diff', () => {
  const wantA = oracleFolded(lastStackMap(fs.readFileSync(REC_A, 'utf8')));
  const wantB = oracleFolded(lastStackMap(fs.readFileSync(REC_B, 'utf8')));

  it('diffRecordings: one tree of inclusive samples in A and B', async () => {
    const d = await diffRecordings(REC_A, REC_B);
    expect(d).toMatchObject({ mapA: '@stacks', mapB: '@stacks', totalA: sum(wantA), totalB: sum(wantB) });
    expect(d.tree).toMatchObject({ n: 'all', a: sum(wantA), b: sum(wantB) });
    expect(selfStacks(d.tree, 'a')).toEqual(wantA);
    expect(selfStacks(d.tree, 'b')).toEqual(wantB);
    const check = (n: DiffNode) => {
      const kids = n.c ?? [];
      expect(kids.reduce((x, c) => x + c.a, 0)).toBeLessThanOrEqual(n.a);
      expect(kids.reduce((x, c) => x + c.b, 0)).toBeLessThanOrEqual(n.b);
      expect(new Set(kids.map((c) => c.n)).size).toBe(kids.length);
      kids.forEach(check);
    };
    check(d.tree);
  });

  it('difffolded text: "stack countA countB" for every stack of either side', () => {
    const text = diffFoldedText(wantA, wantB);
    const lines = text.trimEnd().split('\n');
    const keys = new Set([...wantA.keys(), ...wantB.keys()]);
    expect(lines).toHaveLength(keys.size);
    for (const l of lines) {
      const m = /^(.*) (\d+) (\d+)$/.exec(l)!;
      expect(Number(m[2])).toBe(wantA.get(m[1]) ?? 0);
      expect(Number(m[3])).toBe(wantB.get(m[1]) ?? 0);
    }
  });

  it('colours frames by the change in share: red grew, blue shrank, grey same', () => {
    const a = new Map([['main;work', 10], ['main;idle', 10], ['main;gone', 20]]);
    const b = new Map([['main;work', 60], ['main;idle', 20], ['main;new', 20]]);
    const tree = diffTree(a, b);
    expect(tree).toMatchObject({ a: 40, b: 100 });
    const svg = diffSvg(tree);
    const byName = new Map(frames(svg).map((f) => [f.name, f]));
    const fill = (n: string) => new RegExp(`<desc>${n}</desc>`).test(svg) && svg.slice(0, svg.indexOf(`<desc>${n}</desc>`)).split('fill="').pop()!.split('"')[0];
    // work: 25% → 60% (the largest gain); gone: 50% → 0% (the largest loss); idle: 25% → 20%; main: 100% → 100%.
    expect(fill('work')).toBe(diffColor(0.35, 0.5));
    expect(fill('work')).toMatch(/^rgb\(255,/);
    expect(fill('gone')).toBe('rgb(50,50,255)');
    expect(fill('idle')).toMatch(/^rgb\(\d+,\d+,255\)$/);
    expect(fill('main')).toBe('rgb(235,235,235)');
    expect(byName.get('gone')!.title).toContain('A: 20 (50.00%), B: 0 (0.00%), share −50.00 pp');
    // Width: the mean share, so a frame that vanished still shows.
    expect(byName.get('gone')!.w).toBeCloseTo(0.25);
    expect(byName.get('new')!.w).toBeCloseTo(0.1);
  });

  it('reads folded files as sides, reporting the bad lines', async () => {
    const fa = path.join(dir, 'a.folded');
    fs.writeFileSync(fa, 'main;a 3\nnot a count line\nmain;b 2\n');
    const side = await loadDiffSide(fa);
    expect(side).toMatchObject({ map: fa, total: 5 });
    expect(parseFoldedText(fs.readFileSync(fa, 'utf8')).problems).toEqual([{ line: 2, reason: 'expected "frame;frame;... COUNT"' }]);
    const d = await diffRecordings(fa, REC_B);
    expect(d.totalA).toBe(5);
    expect(selfStacks(d.tree, 'b')).toEqual(wantB);
  });

  it('refuses a recording without stack maps', async () => {
    const events = parseRecording(fs.readFileSync(REC_A, 'utf8')).events.filter((e) => !(e.type === 'map' && e.name === '@stacks'));
    const rec = writeRecording(path.join(dir, 'nostack.ndjson'), REC_A, events);
    await expect(diffRecordings(rec, REC_B)).rejects.toThrow(/no stack maps/);
  });
});
