// The standalone flame graph SVG export opened in Chromium as a file: frames render, the
// embedded search highlights matches and reports the matched share, a click zooms a frame
// to the full width and hides what is not above or below it; so does the differential SVG.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRecordings, diffSvg, exportRecording } from '../node/exports/index.js';
import { e2eSkipReason, launchChromium, OUTPUT_DIR } from './serve.js';

const why = e2eSkipReason();
if (why) console.warn(`skipping svg export e2e: ${why}`);

const REC_A = path.resolve('test/fixtures/exports/profile-a.ndjson');
const REC_B = path.resolve('test/fixtures/exports/profile-b.ndjson');

interface FrameInfo {
  name: string;
  d: number;
  width: number;
  shown: boolean;
  fill: string;
}

// Evaluated in the page as text (this project's typings have no DOM lib).
const framesOf = (page: Page): Promise<FrameInfo[]> =>
  page.evaluate(`[...document.querySelectorAll('g.f')].map((g) => {
    const r = g.querySelector('rect');
    return { name: g.querySelector('desc').textContent, d: Number(g.getAttribute('data-d')), width: r.getBoundingClientRect().width,
      shown: g.style.display !== 'none', fill: r.getAttribute('fill') };
  })`);

describe.skipIf(why !== null)('svg flame graph export in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const svgPath = path.join(OUTPUT_DIR, 'export-flame.svg');

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    await exportRecording(REC_B, 'svg', svgPath);
    browser = await launchChromium();
    page = await browser.newPage({ colorScheme: 'dark', viewport: { width: 1220, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('file://' + svgPath);
    await page.waitForSelector('g.f');
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders every frame as a rect with its label', async () => {
    const frames = await framesOf(page);
    expect(frames.length).toBeGreaterThan(50);
    const root = frames.find((f) => f.d === 0)!;
    expect(root.name).toBe('all');
    expect(root.width).toBeCloseTo(1180, 0); // 1200 minus the 10 px margins
    expect(frames.every((f) => f.width > 0 && f.shown)).toBe(true);
    // Wide frames carry their (possibly shortened) name as text.
    const labels = await page.evaluate<number>(`[...document.querySelectorAll('g.f text')].filter((t) => (t.textContent ?? '').length > 0).length`);
    expect(labels).toBeGreaterThan(10);
  });

  it('search highlights the matching frames and shows the matched share', async () => {
    page.once('dialog', (d) => void d.accept('page_fault'));
    await page.click('#search');
    await page.waitForFunction(`document.getElementById('matched').textContent.startsWith('Matched:')`);
    const frames = await framesOf(page);
    const hits = frames.filter((f) => f.name.includes('page_fault'));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((f) => f.fill === 'rgb(230,0,230)')).toBe(true);
    expect(frames.filter((f) => !f.name.includes('page_fault')).every((f) => f.fill !== 'rgb(230,0,230)')).toBe(true);
    const pct = Number(/Matched: ([\d.]+)%/.exec((await page.textContent('#matched'))!)![1]);
    expect(pct).toBeGreaterThan(0);
    expect(pct).toBeLessThan(100);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'export-svg-search.png') });
    await page.click('#search'); // "Reset Search"
    expect(await page.textContent('#search')).toBe('Search');
  });

  it('a click zooms a frame to the full width and hides the rest', async () => {
    const before = await framesOf(page);
    // The widest frame at depth 2 that is narrower than the whole.
    const target = before.filter((f) => f.d === 2 && f.width < 1000).sort((a, b) => b.width - a.width)[0];
    const idx = before.indexOf(target);
    await page.locator('g.f').nth(idx).locator('rect').click();
    const after = await framesOf(page);
    expect(after[idx].width).toBeCloseTo(1180, -1);
    expect(after.filter((f) => !f.shown).length).toBeGreaterThan(0);
    expect(await page.getAttribute('#unzoom', 'class')).not.toContain('hide');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'export-svg-zoom.png') });
    await page.click('#unzoom');
    const reset = await framesOf(page);
    expect(reset.every((f) => f.shown)).toBe(true);
    expect(reset[idx].width).toBeCloseTo(before[idx].width, 0);
  });

  it('the differential svg renders red and blue frames', async () => {
    const d = await diffRecordings(REC_A, REC_B);
    const file = path.join(OUTPUT_DIR, 'export-diff.svg');
    fs.writeFileSync(file, diffSvg(d.tree, { title: 'Differential Flame Graph: profile-a → profile-b' }));
    await page.goto('file://' + file);
    await page.waitForSelector('g.f');
    const frames = await framesOf(page);
    expect(frames.some((f) => /^rgb\(255,\d+,\d+\)$/.test(f.fill) && f.fill !== 'rgb(255,255,255)')).toBe(true);
    expect(frames.some((f) => /^rgb\(\d+,\d+,255\)$/.test(f.fill))).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'export-diff.png') });
  });
});

describe.skipIf(why !== null)('svg export of samples with no frame', () => {
  it('draws them as [empty stack], as wide as their share, at 1,280 and 1,920 px', async () => {
    // flamegraph.pl's edge cases: ";;; 3" and " 2" have no frame (5 of 17 samples).
    const { importFile, writeRecordingTo } = await import('../node/imports/index.js');
    const imp = importFile(path.resolve('test/fixtures/interop/flamegraph/edge-cases.folded'));
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    const rec = writeRecordingTo(path.join(OUTPUT_DIR, 'edge-cases.ndjson'), imp.header, imp.events);
    const svgPath = path.join(OUTPUT_DIR, 'export-empty-stack.svg');
    await exportRecording(rec, 'svg', svgPath);
    const browser = await launchChromium();
    try {
      for (const width of [1280, 1920]) {
        const page = await browser.newPage({ colorScheme: 'dark', viewport: { width, height: 300 } });
        await page.goto('file://' + svgPath);
        await page.waitForSelector('g.f');
        const frames = await framesOf(page);
        const root = frames.find((f) => f.d === 0)!;
        const empty = frames.find((f) => f.name === '[empty stack]')!;
        expect(empty.d).toBe(1);
        expect(empty.width / root.width).toBeCloseTo(5 / 17, 2);
        // The blank leaf frame under "write" is drawn too (4 samples).
        expect(frames.filter((f) => f.name === '' && f.d === 3).map((f) => Math.round((f.width / root.width) * 17))).toEqual([4]);
        await page.screenshot({ path: path.join(OUTPUT_DIR, `export-empty-stack-${width}.png`) });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
