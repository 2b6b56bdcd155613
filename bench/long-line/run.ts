// One very long line through the importers' line splitter (common/import/common.ts), in
// 64 KiB chunks as the importers read files, against the previous algorithm (join the rest
// with each chunk, search the whole again) in the same run: wall time per size, and the
// ratio of the largest to the smallest (linear: ≈ the size ratio). Aim (issue 11): linear
// in a line's length. Run: node scripts/bench.mjs long-line
import { LineSplitter } from '../../common/import/common.js';

const SIZES_MB = (process.env.LONG_LINE_MB ?? '16,32,64,256').split(',').map(Number);
/** The previous splitter is quadratic: 64 MB took 105 s here; beyond this it is not run. */
const OLD_MAX_MB = Number(process.env.LONG_LINE_OLD_MAX_MB ?? 64);
const CHUNK = 64 * 1024;

/** The splitter before this change, kept here as the baseline. */
class OldSplitter {
  private rest = '';
  constructor(private readonly onLine: (t: string) => void) {}
  push(chunk: string): void {
    let text = chunk;
    if (this.rest) {
      text = this.rest + chunk;
      this.rest = '';
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.onLine(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) this.rest = text.slice(start);
  }
  end(): void {
    if (this.rest) this.onLine(this.rest);
  }
}

const chunk = 'abcdefgh;'.repeat(Math.ceil(CHUNK / 9)).slice(0, CHUNK);
function run(make: (on: (t: string) => void) => { push(c: string): void; end(): void }, mb: number): number {
  let got = 0;
  const s = make((t) => (got += t.length));
  const n = Math.round((mb * 1024 * 1024) / CHUNK);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) s.push(chunk);
  s.push('\n');
  s.end();
  const ms = performance.now() - t0;
  if (got !== n * chunk.length) throw new Error(`bench long-line: got ${got} characters, expected ${n * chunk.length}`);
  return ms;
}

const rows: string[] = ['| line | previous splitter ms | LineSplitter ms | ratio |', '| ---: | ---: | ---: | ---: |'];
const news: number[] = [];
const olds: number[] = [];
for (const mb of SIZES_MB) {
  const o = mb <= OLD_MAX_MB ? run((on) => new OldSplitter(on), mb) : NaN;
  const n = run((on) => new LineSplitter((t) => on(t)), mb);
  if (!Number.isNaN(o)) olds.push(o);
  news.push(n);
  rows.push(`| ${mb} MB | ${Number.isNaN(o) ? '– (not run)' : o.toFixed(0)} | ${n.toFixed(0)} | ${Number.isNaN(o) ? '–' : (n / o).toFixed(3)} |`);
}
console.log(rows.join('\n'));
const oldSizes = SIZES_MB.filter((m) => m <= OLD_MAX_MB);
console.log(
  `\nprevious: size ×${oldSizes.at(-1)! / oldSizes[0]} → time ×${(olds.at(-1)! / olds[0]).toFixed(1)}; ` +
    `LineSplitter: size ×${SIZES_MB.at(-1)! / SIZES_MB[0]} → time ×${(news.at(-1)! / news[0]).toFixed(1)} (linear: the same factor)`,
);
