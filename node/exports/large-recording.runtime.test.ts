// A ~1 GB recording (many cumulative prints of a real stack map, printf lines between them)
// exports to folded with bounded memory: the file is streamed and only the newest print of
// each map is kept. In the runtime tier because writing and reading 1 GB takes a while; it
// needs no root. No time is asserted; RSS growth is (generously, < 300 MB for 1 GB of input).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MapEvent } from '../../common/contract/index.js';
import { parseFoldedText } from './diff.js';
import { exportRecording } from './index.js';
import { lastStackMap, oracleFolded, REC_B, tmpDir } from '../../test/support/exports.js';

const TARGET = 1024 ** 3;
const dir = tmpDir('kscope-1gb-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a 1 GB recording', () => {
  it('exports to folded with memory bounded, from the last print of the map', { timeout: 300_000 }, async () => {
    const text = fs.readFileSync(REC_B, 'utf8');
    const header = text.slice(0, text.indexOf('\n') + 1);
    const base = lastStackMap(text);
    const rec = path.join(dir, 'big.ndjson');
    const fd = fs.openSync(rec, 'w');
    fs.writeSync(fd, header);
    let size = header.length;
    let t = 0;
    let last: MapEvent = base;
    // Prints grow cumulatively (counts scale with the print number), as a long run's would.
    for (let k = 1; size < TARGET; ) {
      const batch: string[] = [];
      for (let j = 0; j < 200; j++, k++) {
        t += 1000;
        last = { ...base, t, snapshot: true, entries: base.entries.map((e) => ({ key: e.key, value: Number(e.value) * k })) };
        batch.push(JSON.stringify({ type: 'printf', t, text: `tick ${k}\n` }), JSON.stringify(last));
      }
      const buf = Buffer.from(batch.join('\n') + '\n');
      fs.writeSync(fd, buf);
      size += buf.length;
    }
    fs.closeSync(fd);
    expect(fs.statSync(rec).size).toBeGreaterThanOrEqual(TARGET);

    const out = path.join(dir, 'big.folded');
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const r = await exportRecording(rec, 'folded', out);
      expect(r.warnings).toEqual([]);
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMB = (peak - before) / 2 ** 20;
    console.log(`1 GB recording → folded: RSS growth ${growthMB.toFixed(0)} MB (from ${(before / 2 ** 20).toFixed(0)} MB)`);
    expect(growthMB).toBeLessThan(300);
    expect(parseFoldedText(fs.readFileSync(out, 'utf8')).stacks).toEqual(oracleFolded(last));
    fs.rmSync(rec);
  });
});
