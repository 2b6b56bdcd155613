// The hosts journey: two hosts (one from the ssh config, one added in the UI), lesson 4 on
// both over real OpenSSH, per-host and merged views. Root only (the test sshds need it).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUnavailable, SshLab, type SshdHost } from '../test/support/ssh-lab.js';
import { e2eSkipReason, ensureBuilt, launchChromium, OUTPUT_DIR } from './serve.js';

const why = e2eSkipReason() ?? labUnavailable();
if (why) console.log(`skipping the hosts e2e journey: ${why}`);

describe.skipIf(why !== null)('hosts: one lesson on two machines over ssh', () => {
  let dir: string;
  let lab: SshLab;
  let hosts: SshdHost[];
  let serve: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  const errors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-e2e-hosts-'));
    lab = new SshLab(path.join(dir, 'lab'));
    hosts = [await lab.loopbackHost('web-a'), await lab.loopbackHost('web-b')];
    // The user's ssh config, as kscope reads it: one Host entry, plus the lab's keys.
    const port = hosts[0].spec.split(':')[1];
    const cfg = path.join(dir, 'ssh_config');
    fs.writeFileSync(cfg, `Host web-a\n  HostName 127.0.0.1\n  Port ${port}\n  User root\n\n${fs.readFileSync(lab.clientConfig, 'utf8')}`);
    serve = spawn(process.execPath, ['dist/electron/cli.cjs', 'serve'], {
      env: { ...process.env, KSCOPE_SSH_CONFIG: cfg, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve.stdout!.on('data', (d) => {
        out += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(out);
        if (m) resolve(m[1]);
      });
      serve.on('exit', (c) => reject(new Error(`serve exited ${c}`)));
    });
    browser = await launchChromium();
    page = await browser.newPage({ colorScheme: 'dark', viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}&example=lesson-4`);
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
    // Connected, with lesson 4 in the editor.
    await page.waitForFunction(() => (document.querySelector('[data-testid="example-select"]') as HTMLSelectElement | null)?.value === 'lesson-4', null, { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    if (serve && serve.exitCode === null) {
      serve.kill('SIGINT');
      await new Promise((r) => serve.once('exit', r));
    }
    await lab?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds a host, runs lesson 4 on both, shows them side by side and merged, and stops both', async () => {
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.keyboard.press('Control+Shift+H');
    await page.waitForSelector('[data-testid="hosts-dialog"]');
    // web-a comes from the ssh config; the second host is added here.
    await expect.poll(() => page.locator('[data-testid="host-pick"]').allInnerTexts(), { timeout: 15_000 }).toEqual([expect.stringContaining('web-a')]);
    await page.fill('[data-testid="host-add-input"]', hosts[1].spec);
    await page.click('[data-testid="host-add-button"]');
    await expect.poll(() => page.locator('[data-testid="host-pick"]').count(), { timeout: 15_000 }).toBe(2);
    await page.locator('[data-testid="host-pick"]', { hasText: 'web-a' }).locator('input').check();
    expect(await page.locator('[data-testid="hosts-run"]').innerText()).toBe('Run on 2 hosts');
    await page.click('[data-testid="hosts-run"]');
    const card = (name: string) => page.locator(`[data-testid="host-card"][data-host="${name}"]`);
    for (const name of ['web-a', hosts[1].spec]) {
      await expect.poll(() => card(name).getAttribute('data-state'), { timeout: 60_000 }).toBe('running');
      await expect.poll(() => card(name).locator('[data-testid="host-map-row"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    }
    expect(await card('web-a').innerText()).toContain(`kernel ${os.release()}`);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'hosts-side-1280.png') });
    await page.click('[data-testid="hosts-view-merged"]');
    const merged = page.locator('[data-testid="hosts-merged-map"]');
    await expect.poll(() => merged.count(), { timeout: 15_000 }).toBe(1);
    // Every row of the merged map names its host first.
    const keys = await merged.locator('.hosts-keyhost').allInnerTexts();
    expect(new Set(keys)).toEqual(new Set(['web-a', hosts[1].spec]));
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'hosts-merged-1280.png') });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.click('[data-testid="hosts-view-side"]');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'hosts-side-1920.png') });
    await page.click('[data-testid="hosts-stop"]');
    for (const name of ['web-a', hosts[1].spec]) await expect.poll(() => card(name).getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    // One recording per host, in the library, grouped under one run.
    const recs = fs.readdirSync(path.join(dir, 'data', 'kscope', 'recordings')).filter((f) => f.endsWith('.ndjson'));
    const headers = recs.map((f) => JSON.parse(fs.readFileSync(path.join(dir, 'data', 'kscope', 'recordings', f), 'utf8').split('\n')[0]) as { host: { target: string }; run: { id: string } });
    expect(headers.map((h) => h.host.target).sort()).toEqual(['web-a', hosts[1].spec].sort());
    expect(new Set(headers.map((h) => h.run.id)).size).toBe(1);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'hosts-done-1920.png') });
    expect(errors).toEqual([]);
  });

  it('merges the kernel stacks of every host into one flame graph with the host as the root frame (lesson 9)', async () => {
    await page.keyboard.press('Escape');
    await page.goto(`${url.replace('#', '?l9#')}&example=lesson-9`);
    await page.waitForFunction(() => (document.querySelector('[data-testid="example-select"]') as HTMLSelectElement | null)?.value === 'lesson-9', null, { timeout: 30_000 });
    await page.keyboard.press('Control+Shift+H');
    await page.locator('[data-testid="host-pick"]', { hasText: 'web-a' }).locator('input').check();
    await page.locator('[data-testid="host-pick"]', { hasText: hosts[1].spec }).locator('input').check();
    await page.click('[data-testid="hosts-run"]');
    await page.click('[data-testid="hosts-view-merged"]');
    const flame = page.locator('[data-testid="hosts-merged-flame"]');
    await expect.poll(() => flame.locator('svg g').count(), { timeout: 60_000 }).toBeGreaterThan(3);
    // The frames under the root are the hosts.
    const rootsSeen = async () => {
      const names = await flame.locator('svg g title').allTextContents();
      return ['web-a', hosts[1].spec].filter((h) => names.some((n) => n.startsWith(`${h}\n`)));
    };
    await expect.poll(rootsSeen, { timeout: 30_000 }).toEqual(['web-a', hosts[1].spec]);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'hosts-merged-flame-1920.png') });
    await page.click('[data-testid="hosts-stop"]');
    await expect.poll(() => page.locator('[data-testid="host-card"][data-state="done"]').count(), { timeout: 30_000 }).toBe(0); // merged view: no cards
    await page.click('[data-testid="hosts-view-side"]');
    await expect.poll(() => page.locator('[data-testid="host-card"][data-state="done"]').count(), { timeout: 30_000 }).toBe(2);
    expect(errors).toEqual([]);
  });

  it('overlays the histograms of every host on the same buckets (lesson 5)', async () => {
    await page.keyboard.press('Escape');
    await page.goto(`${url.replace('#', '?l5#')}&example=lesson-5`);
    await page.waitForFunction(() => (document.querySelector('[data-testid="example-select"]') as HTMLSelectElement | null)?.value === 'lesson-5', null, { timeout: 30_000 });
    await page.keyboard.press('Control+Shift+H');
    await page.locator('[data-testid="host-pick"]', { hasText: 'web-a' }).locator('input').check();
    await page.locator('[data-testid="host-pick"]', { hasText: hosts[1].spec }).locator('input').check();
    await page.click('[data-testid="hosts-run"]');
    await page.click('[data-testid="hosts-view-merged"]');
    const legend = page.locator('[data-testid="hosts-overlaid-hist"] .hosts-legend');
    await expect.poll(() => legend.innerText(), { timeout: 60_000 }).toMatch(new RegExp(`web-a[\\s\\S]*${hosts[1].spec.replace(/\./g, '\\.')}|${hosts[1].spec.replace(/\./g, '\\.')}[\\s\\S]*web-a`));
    await expect.poll(() => page.locator('[data-testid="hosts-overlaid-hist"] .hosts-orow').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'hosts-merged-hist-1920.png') });
    await page.click('[data-testid="hosts-stop"]');
    await page.click('[data-testid="hosts-view-side"]');
    await expect.poll(() => page.locator('[data-testid="host-card"][data-state="done"]').count(), { timeout: 30_000 }).toBe(2);
    expect(errors).toEqual([]);
  });
});
