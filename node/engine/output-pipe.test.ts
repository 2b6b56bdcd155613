// bpftrace's stdout pipe as the engine reads it (output-pipe.ts), with a real pipe from the
// native addon and real writers: every byte arrives once and in order, and a writer making
// one small write() per line is read in batches (the engine's per-line CPU under a flood),
// while a writer filling the pipe is read without pause.
import { describe, expect, it } from 'vitest';
import { loadNative } from '../native.js';
import { COALESCE_MS, spawnWithOutputPipe } from './output-pipe.js';

let addon: ReturnType<typeof loadNative> | null = null;
try {
  addon = loadNative();
} catch (e) {
  console.log(`output-pipe.test.ts: skipped: ${(e as Error).message}`);
}

async function read(script: string): Promise<{ text: string; chunks: number; pipeBytes: number | null }> {
  const child = spawnWithOutputPipe('sh', ['-c', script], {}, addon);
  let text = '';
  let chunks = 0;
  child.stdout.on('data', (b: Buffer) => {
    chunks++;
    text += b.toString();
  });
  child.stderr.resume();
  await new Promise((r) => child.on('close', r));
  return { text, chunks, pipeBytes: child.pipeBytes };
}

describe.skipIf(!addon)('the output pipe reader', () => {
  it('one write() per line, 20,000 lines: all of them, in order, in batches (not a read per write)', async () => {
    // sh's echo is a builtin: one write(2) per line, as bpftrace's printf.
    const r = await read('i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i+1)); done');
    expect(r.pipeBytes).toBeGreaterThanOrEqual(512 * 1024); // large enough to coalesce
    expect(r.text).toBe(Array.from({ length: 20000 }, (_, i) => `line ${i}\n`).join(''));
    // After a read empties the pipe, the next waits COALESCE_MS: far fewer reads than writes.
    expect(COALESCE_MS).toBeGreaterThan(0);
    expect(r.chunks).toBeLessThan(20000 / 20);
  });

  it('a burst larger than the pipe (6.9 MB from seq): every byte, in order', async () => {
    const r = await read('seq 1 1000000');
    expect(r.text).toBe(Array.from({ length: 1000000 }, (_, i) => `${i + 1}\n`).join(''));
  });
});
