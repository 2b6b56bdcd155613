// Decoder throughput: StdoutDecoder.push (64 KiB chunks) vs a bare split + JSON.parse loop
// over the same 1M recorded-shape lines. Run: node scripts/bench.mjs decode
import fs from 'node:fs';
import path from 'node:path';
import { StdoutDecoder } from '../../node/engine/decode-stdout.js';

const LINES = 1_000_000;
const CHUNK = 64 * 1024;
const REPEATS = 5;

// Shapes as bpftrace 0.17 prints them (see test/fixtures/bpftrace-0.17).
function printfLine(i: number): string {
  const text = `${(i * 7919) % 100000} ${['bash', 'node', 'sshd', 'systemd-journal'][i % 4]} openat /usr/lib/x86_64-linux-gnu/libc.so.${i % 10} "ok"\n`;
  return `{"type": "printf", "data": ${JSON.stringify(text)}}`;
}
function mapLine(i: number): string {
  if (i % 2 === 0) {
    const entries = Array.from({ length: 20 }, (_, k) => `"comm-${k}": ${k * i}`).join(', ');
    return `{"type": "map", "data": {"@": {${entries}}}}`;
  }
  const buckets = Array.from({ length: 16 }, (_, k) => `{"min": ${2 ** k}, "max": ${2 ** (k + 1) - 1}, "count": ${(k * i) % 97}}`).join(', ');
  return `{"type": "hist", "data": {"@lat": [${buckets}]}}`;
}

function buildText(mixed: boolean | 'maps'): string {
  const lines: string[] = [];
  // 'maps': every line a map or hist (the exact JSON reader's path), a fifth of the lines.
  if (mixed === 'maps') for (let i = 0; i < LINES / 5; i++) lines.push(mapLine(i));
  else for (let i = 0; i < LINES; i++) lines.push(mixed && i % 50 === 0 ? mapLine(i) : printfLine(i));
  return lines.join('\n') + '\n';
}

function bare(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const o = JSON.parse(line) as { type: string };
    if (o.type) n++;
  }
  return n;
}

function decoder(text: string): number {
  const d = new StdoutDecoder({ fence: 'abcdefabcdef' });
  let n = 0;
  for (let i = 0; i < text.length; i += CHUNK) n += d.push(text.slice(i, i + CHUNK), i).length;
  return n + d.end(text.length).length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(fn: (t: string) => number, text: string): { eventsPerSec: number; ms: number; events: number } {
  fn(text); // warm-up
  const times: number[] = [];
  let events = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    events = fn(text);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const ms = median(times);
  return { eventsPerSec: Math.round(events / (ms / 1000)), ms: Math.round(ms), events };
}

const results: Record<string, unknown> = { lines: LINES, chunkBytes: CHUNK, repeats: REPEATS, node: process.version };
const rows: string[] = ['| workload | MB | bare split+JSON.parse (events/s) | StdoutDecoder.push (events/s) | ratio |', '| --- | --- | --- | --- | --- |'];
for (const [label, mixed] of [
  ['printf-only', false],
  ['mixed (2% map/hist)', true],
  ['maps and hists only', 'maps'],
] as const) {
  const text = buildText(mixed);
  const a = measure(bare, text);
  const b = measure(decoder, text);
  if (a.events !== b.events) throw new Error(`${label}: bare counted ${a.events} lines, decoder gave ${b.events} events`);
  const ratio = b.eventsPerSec / a.eventsPerSec;
  results[label] = { mb: +(text.length / 1e6).toFixed(1), bare: a, decoder: b, ratio: +ratio.toFixed(2) };
  rows.push(`| ${label} | ${(text.length / 1e6).toFixed(1)} | ${a.eventsPerSec.toLocaleString('en-US')} | ${b.eventsPerSec.toLocaleString('en-US')} | ${ratio.toFixed(2)} |`);
}
console.log(rows.join('\n'));
const outDir = path.resolve('bench/output');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'decode.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${path.relative(process.cwd(), path.join(outDir, 'decode.json'))}`);
