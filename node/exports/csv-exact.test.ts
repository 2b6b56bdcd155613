// CSV and JSON exports carry what bpftrace printed: integers beyond 2^53 digit for digit and
// non-ASCII text decoded, on real output of every tested version.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AggregateEvent, TraceEvent } from '../../common/contract/index.js';
import { StdoutDecoder } from '../engine/decode-stdout.js';
import { Sink } from './sink.js';
import { writeCsv } from './csv.js';

const FIX = path.resolve(__dirname, '../../test/fixtures');

function aggregates(v: string, name: string): AggregateEvent[] {
  const dir = path.join(FIX, `bpftrace-${v}`);
  const d = new StdoutDecoder({ bpftraceVersion: fs.readFileSync(path.join(dir, 'VERSION.txt'), 'utf8').split('\n')[0] });
  const evs: TraceEvent[] = [...d.push(fs.readFileSync(path.join(dir, `${name}.stdout.ndjson`), 'utf8'), 0), ...d.end(0)];
  return evs.filter((e): e is AggregateEvent => e.type === 'map' || e.type === 'hist' || e.type === 'stats');
}

async function csv(maps: AggregateEvent[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (b: Buffer) => chunks.push(b));
  await writeCsv(maps, new Sink(out));
  return Buffer.concat(chunks).toString('utf8');
}

describe.each(['0.17', '0.23', '0.27'])('CSV of bpftrace %s output', (v) => {
  it('int64 limits digit for digit', async () => {
    const text = await csv(aggregates(v, 'int-limits'));
    expect(text).toContain('@max,map,,9223372036854775807,');
    expect(text).toContain('@min,map,,-9223372036854775808,');
    expect(text).toContain('@big,map,1,9007199254740993,');
    expect(text).toContain('@st,stats,,,,,1,9223372036854775807,9223372036854775807');
    expect(text).toContain('@av,avg,,-7,,,,-7,');
  });

  it('UTF-8 keys and values decoded', async () => {
    const text = await csv(aggregates(v, 'utf8'));
    expect(text).toContain('@k,map,café,1');
    expect(text).toContain('@k,map,中文,1');
    expect(text).toContain('@v,map,,été');
  });
});
