import { describe, expect, it } from 'vitest';
import { frameAtOrBefore, frameForKey, LatestOnly, readout, sampleFrames, stepFrame } from './scrubber.js';

const frames = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000, 11_000, 12_000];

describe('scrubber', () => {
  it('steps and clamps at both ends', () => {
    expect(stepFrame(frames, 3, 1)).toBe(4);
    expect(stepFrame(frames, 3, -1)).toBe(2);
    expect(stepFrame(frames, 0, -1)).toBe(0);
    expect(stepFrame(frames, 11, 1)).toBe(11);
    expect(stepFrame(frames, 2, 100)).toBe(11);
    expect(stepFrame([], 0, 1)).toBe(-1);
    // No frame chosen yet: forward starts at the first, backward at the last.
    expect(stepFrame(frames, -1, 1)).toBe(0);
    expect(stepFrame(frames, -1, -1)).toBe(11);
  });

  it('finds the frame as it was at a time', () => {
    expect(frameAtOrBefore(frames, 500)).toBe(0);
    expect(frameAtOrBefore(frames, 1000)).toBe(0);
    expect(frameAtOrBefore(frames, 4999)).toBe(3);
    expect(frameAtOrBefore(frames, 5000)).toBe(4);
    expect(frameAtOrBefore(frames, 1e9)).toBe(11);
    expect(frameAtOrBefore([], 5)).toBe(-1);
  });

  it('maps keys to frames (arrows step, Shift/Page jump a tenth, Home/End)', () => {
    expect(frameForKey(frames, 5, 'ArrowRight')).toBe(6);
    expect(frameForKey(frames, 5, 'ArrowLeft')).toBe(4);
    expect(frameForKey(frames, 5, 'ArrowRight', true)).toBe(6); // 12 frames: a tenth rounds to 1
    expect(frameForKey(Array.from({ length: 100 }, (_, i) => i), 50, 'PageUp')).toBe(60);
    expect(frameForKey(Array.from({ length: 100 }, (_, i) => i), 50, 'ArrowLeft', true)).toBe(40);
    expect(frameForKey(frames, 5, 'Home')).toBe(0);
    expect(frameForKey(frames, 5, 'End')).toBe(11);
    expect(frameForKey(frames, 5, 'a')).toBeNull();
  });

  it('reads out the position', () => {
    expect(readout(12_000, 30_000, frames)).toBe('at 12.0 s of 30.0 s');
    // A duration shorter than the last frame (interrupted): the frames say how far it got.
    expect(readout(3000, 0, frames)).toBe('at 3.0 s of 12.0 s');
  });

  it('asks only for the latest target while one request is in flight', async () => {
    const asked: number[] = [];
    const delivered: number[] = [];
    const waiting: (() => void)[] = [];
    const lo = new LatestOnly<number, number>(
      (k) => {
        asked.push(k);
        return new Promise((r) => waiting.push(() => r(k * 10)));
      },
      (_k, r) => delivered.push(r),
      () => {},
    );
    lo.request(1);
    lo.request(2);
    lo.request(3);
    lo.request(4);
    expect(asked).toEqual([1]);
    waiting.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    // 1's answer is stale (4 is wanted): not delivered; 4 is asked next, 2 and 3 never.
    expect(delivered).toEqual([]);
    expect(asked).toEqual([1, 4]);
    waiting.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(delivered).toEqual([40]);
    expect(lo.pending).toBe(false);
  });

  it('delivers an in-flight answer when the same target is asked again meanwhile', async () => {
    const asked: number[] = [];
    const delivered: number[] = [];
    const waiting: (() => void)[] = [];
    const lo = new LatestOnly<number, number>(
      (k) => {
        asked.push(k);
        return new Promise((r) => waiting.push(() => r(k)));
      },
      (_k, r) => delivered.push(r),
      () => {},
    );
    lo.request(7);
    lo.request(8);
    lo.request(7);
    waiting.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([7]);
    expect(delivered).toEqual([7]);
  });

  it('reports a failure of the latest request', async () => {
    const failed: string[] = [];
    const lo = new LatestOnly<number, number>(
      () => Promise.reject(new Error('gone')),
      () => {},
      (_k, e) => failed.push((e as Error).message),
    );
    lo.request(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(failed).toEqual(['gone']);
  });

  it('samples frames for the series: all when few, evenly spread with both ends when many', () => {
    expect(sampleFrames(5, 120)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleFrames(0, 120)).toEqual([]);
    const s = sampleFrames(1000, 5);
    expect(s).toEqual([0, 250, 500, 749, 999]);
    expect(sampleFrames(1000, 120)).toHaveLength(120);
    expect(sampleFrames(10, 1)).toEqual([9]);
  });
});
