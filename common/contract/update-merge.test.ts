import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionUpdate } from './contract.js';
import { mergeUpdates, type MergeLimits } from './update-merge.js';

const status = (elapsedMs: number) => ({ state: 'running' as const, startedAt: new Date(0).toISOString(), elapsedMs, attachedProbes: 1, events: elapsedMs, printfLines: 0, lostEvents: 0, exit: null });

function update(seq: number, lines: string[], skipped = 0, extra: Partial<SessionUpdate> = {}): SessionUpdate {
  return { sessionId: 's', seq, status: status(seq), flames: [], printf: lines.map((text, i) => ({ t: seq * 1000 + i, text })), printfSkipped: skipped, maps: [], values: [], errors: [], warnings: [], ...extra };
}

/** Line numbers as the page gives them (renderer/src/state/session.ts: skipped first, then the lines). */
function numbered(updates: SessionUpdate[]): { seen: number; lines: Map<number, string> } {
  let seen = 0;
  const lines = new Map<number, string>();
  for (const u of updates) {
    const first = seen + u.printfSkipped + 1;
    u.printf.forEach((l, i) => lines.set(first + i, l.text));
    seen += u.printfSkipped + u.printf.length;
  }
  return { seen, lines };
}

const limits: MergeLimits = { maxPrintf: 5, maxValues: 3, maxPrintsPerMap: 2 };

describe('mergeUpdates', () => {
  it('numbers every carried line as the unmerged stream does, and counts every line (any grouping)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ lines: fc.nat(8), skipped: fc.oneof(fc.constant(0), fc.nat(4)) }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (shape, cuts) => {
          let k = 0;
          const stream = shape.map((s, seq) => update(seq, Array.from({ length: s.lines }, () => `line ${k++}`), s.skipped));
          const truth = numbered(stream);
          // Group consecutive updates (a cut ends a group) and merge each group.
          const merged: SessionUpdate[] = [];
          let acc: SessionUpdate | null = null;
          stream.forEach((u, i) => {
            acc = acc ? mergeUpdates(acc, u, limits) : u;
            if (cuts[i] || i === stream.length - 1) {
              merged.push(acc);
              acc = null;
            }
          });
          const got = numbered(merged);
          expect(got.seen).toBe(truth.seen);
          for (const [n, text] of got.lines) expect(truth.lines.get(n)).toBe(text);
          // The newest lines are never the ones dropped: the last update's own lines are carried
          // (up to maxPrintf).
          const last = stream.at(-1)!;
          const want = last.printf.slice(-limits.maxPrintf).map((l) => l.text);
          const carried = merged.at(-1)!.printf.map((l) => l.text);
          expect(carried.slice(carried.length - want.length)).toEqual(want);
        },
      ),
    );
  });

  it('carries lines of both updates when nothing was skipped in between', () => {
    const m = mergeUpdates(update(1, ['a', 'b']), update(2, ['c']), limits);
    expect(m.printf.map((l) => l.text)).toEqual(['a', 'b', 'c']);
    expect(m.printfSkipped).toBe(0);
    expect(m.seq).toBe(2);
    expect(m.status.elapsedMs).toBe(2);
  });

  it('counts the older lines as skipped when the newer update skipped some (they precede its gap)', () => {
    const m = mergeUpdates(update(1, ['a', 'b'], 3), update(2, ['x', 'y'], 4), limits);
    expect(m.printf.map((l) => l.text)).toEqual(['x', 'y']);
    expect(m.printfSkipped).toBe(3 + 2 + 4);
  });

  it('keeps the newest maxPrintf lines and counts the rest', () => {
    const m = mergeUpdates(update(1, ['1', '2', '3', '4']), update(2, ['5', '6', '7']), limits);
    expect(m.printf.map((l) => l.text)).toEqual(['3', '4', '5', '6', '7']);
    expect(m.printfSkipped).toBe(2);
  });

  it('keeps every map print in order (up to maxPrintsPerMap each, the newest), all errors and warnings, the newest flame and values', () => {
    const map = (name: string, t: number) => ({ type: 'map', name, t, entries: [{ key: [], value: t }] }) as unknown as SessionUpdate['maps'][number];
    const flame = (name: string, total: number) => ({ name, t: total, total }) as unknown as SessionUpdate['flames'][number];
    const err = (m: string) => ({ type: 'error' as const, t: 0, message: m });
    const a = update(1, [], 0, { maps: [map('@a', 1), map('@b', 1)], flames: [flame('@s', 1)], errors: [err('e1')], values: [{ type: 'value', t: 1, value: 1 }] as SessionUpdate['values'] });
    const b = update(2, [], 0, { maps: [map('@a', 2)], flames: [flame('@s', 2)], errors: [err('e2')], values: [2, 3, 4].map((v) => ({ type: 'value', t: v, value: v })) as SessionUpdate['values'] });
    const c = update(3, [], 0, { maps: [map('@a', 3)] });
    const m = mergeUpdates(mergeUpdates(a, b, limits), c, limits);
    expect(m.maps.map((x) => `${x.name}@${x.t}`)).toEqual(['@b@1', '@a@2', '@a@3']);
    expect(m.flames.map((f) => f.total)).toEqual([2]);
    expect(m.errors.map((e) => e.message)).toEqual(['e1', 'e2']);
    expect(m.values.map((v) => v.t)).toEqual([2, 3, 4]);
  });

  it('refuses updates of two sessions', () => {
    expect(() => mergeUpdates(update(1, []), { ...update(2, []), sessionId: 'other' })).toThrow(/two sessions/);
  });
});
