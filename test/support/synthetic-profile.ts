// The synthetic kernel profile the flame graph and exports benches share: stacks root-first
// from a call tree where each level picks among more callees (skewed to low indices, so
// stacks share prefixes as real ones do), Zipf-ish sample counts, and bpftrace's kstack key
// text. Deterministic: the same seed gives the same profile.
const WORDS = 'sched page fault irq softirq tcp ip skb sock vfs ext4 inode dentry mm slab rcu timer hrtimer futex epoll poll read write copy lock spin mutex wake queue flush bio blk nvme xfs cgroup task signal exit fork exec mmap'.split(' ');

export interface SyntheticProfile {
  /** `n` distinct stacks, root first, depth uniform in 10..2·meanDepth−10. */
  stacks(n: number, meanDepth: number): string[][];
  /** Counts for `n` stacks summing to `samples`, the first the largest (weights 1/(i+1)^0.7). */
  counts(n: number, samples: number): number[];
}

export function syntheticProfile(seed = 12345): SyntheticProfile {
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const names = new Map<number, string>();
  const frameName = (level: number, i: number): string => {
    const k = level * 4096 + i;
    let n = names.get(k);
    if (!n) names.set(k, (n = `${WORDS[(i * 7 + level) % WORDS.length]}_${WORDS[(i * 13 + level * 3) % WORDS.length]}_${i % 97}`));
    return n;
  };
  return {
    stacks(n, meanDepth) {
      const seen = new Set<string>();
      const out: string[][] = [];
      while (out.length < n) {
        const depth = 10 + Math.floor(rnd() * (2 * (meanDepth - 10) + 1));
        const frames: string[] = [];
        let ctx = 0;
        for (let l = 0; l < depth; l++) {
          const fan = l < 3 ? 3 : 12;
          ctx = (ctx * 31 + Math.floor(fan * rnd() ** 2)) % 4000;
          frames.push(frameName(l, ctx));
        }
        const key = frames.join(';');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(frames);
      }
      return out;
    },
    counts(n, samples) {
      const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** 0.7);
      const W = w.reduce((a, b) => a + b, 0);
      const c = w.map((x) => Math.max(1, Math.round((x * samples) / W)));
      c[0] += samples - c.reduce((a, b) => a + b, 0);
      return c;
    },
  };
}

/** bpftrace's text of a kstack key: leaf first, one indented `frame+offset` a line, after a leading newline. */
export function kstackKey(rootFirst: readonly string[], indent = '    '): string {
  const offs = (f: string) => (f.length * 37) % 500;
  let k = '\n';
  for (let i = rootFirst.length - 1; i >= 0; i--) k += `${indent}${rootFirst[i]}+${offs(rootFirst[i])}\n`;
  return k;
}
