// Dev-only: drive the built renderer over the fake host in Chromium and save screenshots.
//   node scripts/serve-fake.mjs &   (the real host over the typed fake backend)   then   node renderer/dev/shoot.mjs [base-url]
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const BASE = process.argv[2] ?? 'http://127.0.0.1:5178/';
const OUT = new URL('./screenshots/', import.meta.url).pathname;
await mkdir(OUT, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 880 }, deviceScaleFactor: 1 });
const page = await context.newPage();
const problems = [];
page.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
});
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const shot = async (name) => {
  await page.screenshot({ path: `${OUT}${name}.png` });
  console.log(`saved ${name}.png`);
};
const only = process.env.ONLY?.split(',');
const want = (n) => !only || only.includes(n);

async function open(hash = '#token=dev', query = '') {
  await page.goto('about:blank');
  await page.goto(`${BASE}${query}${hash}`);
}
async function runFor(ms) {
  await page.getByTestId('run-button').click();
  await page.getByTestId('stop-button').waitFor();
  await sleep(ms);
}
async function stopRun() {
  await page.getByTestId('stop-button').click();
  await page.getByTestId('run-button').waitFor();
  await page.waitForFunction(() => globalThis.document.querySelector('[data-testid=status-state]')?.textContent === 'exited');
}

if (want('idle') || want('running')) {
  await open();
  await page.locator('.monaco-editor .view-lines').waitFor();
  await sleep(400);
  if (want('idle')) await shot('01-idle');
  await runFor(2600);
  await shot('02-running');
  await stopRun();
  await sleep(200);
  await shot('03-stopped');
}

if (want('hist')) {
  await open('#token=dev&example=lesson-5');
  await page.locator('.monaco-editor .view-lines').waitFor();
  await runFor(2200);
  await shot('04-hist');
  await stopRun();
}

if (want('stats')) {
  await open('#token=dev', '?example=stats-demo');
  await page.locator('.monaco-editor .view-lines').waitFor();
  await runFor(2500);
  await shot('05-stats');
  await stopRun();
}

if (want('error')) {
  await open();
  await page.getByTestId('example-select').selectOption('syntax-error');
  await sleep(200);
  await page.getByTestId('run-button').click();
  await page.getByTestId('problem').first().waitFor();
  await page.locator('.squiggly-error').first().waitFor();
  await sleep(300);
  await page.getByTestId('problem').first().click();
  await sleep(200);
  await shot('06-syntax-error');
  // hover the squiggle to show the marker message
  await page.locator('.squiggly-error').first().hover({ force: true });
  await sleep(1200);
  await shot('06b-syntax-error-hover');
}

if (want('kprobe')) {
  await open('#token=dev&example=lesson-6');
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.getByTestId('run-button').click();
  await page.getByTestId('problem').first().waitFor();
  await sleep(400);
  await shot('07-kprobe');
}

if (want('flood')) {
  await open('#token=dev&example=lesson-2');
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n// flood lost\n');
  await runFor(2500);
  // scroll up to stop following
  await page.getByTestId('printf-log').evaluate((el) => (el.scrollTop = 200));
  await sleep(600);
  await shot('08-flood-lost');
  await page.keyboard.press('Escape');
  await page.getByTestId('run-button').waitFor();
}

if (want('help')) {
  await open();
  await page.getByTestId('shortcuts-help').click();
  await sleep(200);
  await shot('09-help');
}

if (want('conn')) {
  await open('');
  await page.getByTestId('connection-screen').waitFor();
  await sleep(200);
  await shot('10-no-token');
  await open('#token=wrong');
  await page.getByTestId('connection-reason').waitFor();
  await sleep(200);
  await shot('11-refused');
}

if (want('keys')) {
  await open();
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('stop-button').waitFor();
  await sleep(800);
  await page.keyboard.press('Escape');
  await page.getByTestId('run-button').waitFor();
  console.log('keys: Ctrl+Enter / Esc in the editor ok');
  await page.locator('.pane-title').first().click(); // focus outside the editor
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('stop-button').waitFor();
  await sleep(500);
  await page.keyboard.press('Control+.');
  await page.getByTestId('run-button').waitFor();
  console.log('keys: window-level Ctrl+Enter / Ctrl+. ok');
}

if (want('runfail') && process.env.NOBPF_URL) {
  await page.goto('about:blank');
  await page.goto(`${process.env.NOBPF_URL}#token=dev`);
  await page.locator('.monaco-editor .view-lines').waitFor();
  await page.getByTestId('run-button').click();
  await page.getByTestId('toast').waitFor();
  await page.getByTestId('problem').first().waitFor();
  await sleep(300);
  await shot('12-run-failed');
}

if (want('twice')) {
  // A second window asks for a run while the first one runs: the host refuses.
  await open();
  await runFor(300);
  const other = await context.newPage();
  await other.goto(`${BASE}#token=dev`);
  await other.locator('.monaco-editor .view-lines').waitFor();
  await other.getByTestId('run-button').click();
  await other.getByTestId('toast').waitFor();
  await sleep(300);
  await other.screenshot({ path: `${OUT}13-second-run-refused.png` });
  console.log('saved 13-second-run-refused.png');
  await other.close();
  await stopRun();
}

if (want('bridge')) {
  // The Electron path: a fake preload bridge (window.kscope) instead of the WebSocket.
  const bridgePage = await context.newPage();
  await bridgePage.addInitScript(() => {
    const listeners = new Set();
    const status = (state, ms) => ({ state, startedAt: new Date().toISOString(), elapsedMs: ms, attachedProbes: 1, events: 3, printfLines: 1, lostEvents: 0, exit: state === 'exited' ? { code: 0, signal: null } : null });
    const ex = [{ id: 'bridge-ex', title: 'Bridge example', description: 'from window.kscope', source: 'BEGIN { printf("via bridge\\n"); exit(); }' }];
    globalThis.kscope = {
      version: async () => ({ kscope: 'x', bpftrace: { path: '/b', version: 'v0.26.0' }, kernelRelease: 'k', node: 'n', root: true }),
      capabilities: async () => ({ entries: {} }),
      examples: async () => ex,
      sessions: async () => [],
      stop: async () => ({ stopped: true, status: status('exited', 5) }),
      run: async () => {
        setTimeout(() => {
          for (const l of listeners) l('session', { sessionId: 'b1', seq: 0, status: status('exited', 5), printf: [{ t: 1, text: 'via bridge' }], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] });
        }, 50);
        return { sessionId: 'b1', recordingPath: null };
      },
      onEvent: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
  });
  await bridgePage.goto(BASE); // no token: the bridge is used
  await bridgePage.locator('.monaco-editor .view-lines').waitFor();
  await bridgePage.getByTestId('run-button').click();
  await bridgePage.getByTestId('printf-line').first().waitFor();
  const text = await bridgePage.getByTestId('printf-line').first().textContent();
  const state = await bridgePage.getByTestId('status-state').textContent();
  console.log(`bridge: printf=${JSON.stringify(text)} state=${state}`);
  await bridgePage.close();
}


// ---------- probe browser and editor knowledge ----------
async function editorReady() {
  await page.locator('.monaco-editor .view-lines').waitFor();
  await sleep(300);
}
async function typeScript(text) {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text, { delay: 5 });
}
const node = (type, kind = 'type') => page.locator(`[data-testid=probe-node][data-kind=${kind}][data-type=${type}]`);

if (want('probes-tree')) {
  await open();
  await editorReady();
  await page.getByTestId('probe-tree').waitFor();
  await node('uprobe').click();
  await page.locator('[data-testid=probe-node][data-kind=group][data-type=uprobe]').first().click();
  await node('profile').click();
  await page.locator('[data-testid=probe-node][data-kind=probe][data-type=profile]').first().waitFor();
  await node('kprobe').click();
  await page.getByTestId('probe-unavailable').waitFor();
  const title = await node('kprobe').getAttribute('title');
  console.log(`kprobe node: available=${await node('kprobe').getAttribute('data-available')} title=${JSON.stringify(title)}`);
  await node('kprobe').hover();
  await sleep(300);
  await shot('20-probe-tree');
  await node('kprobe').click(); // collapse
  await node('uprobe').click();
  await node('profile').click();
  await node('tracepoint').click();
  await page.locator('[data-testid=probe-node][data-kind=group]', { hasText: /^block\d/ }).first().click();
  await page.locator('[data-testid=probe-node][data-kind=probe][data-type=tracepoint]').nth(3).click();
  await page.getByTestId('probe-details').waitFor();
  await sleep(300);
  await shot('20b-probe-tree-tracepoints');
}

if (want('probes-search')) {
  await open();
  await editorReady();
  await page.getByTestId('probe-search').click();
  await page.keyboard.type('sys_enter_open');
  await page.getByTestId('probe-result').first().waitFor();
  await sleep(250);
  console.log(`fuzzy: ${await page.getByTestId('probe-search-meta').textContent()}`);
  await page.keyboard.press('ArrowDown');
  await sleep(100);
  await shot('21-search-fuzzy');
  await page.keyboard.press('Enter');
  await page.getByTestId('probe-details').waitFor();
  await sleep(300);
  await shot('21b-search-enter');
}

if (want('probes-glob')) {
  await open('#token=dev&probes=tracepoint:syscalls:sys_enter_*');
  await editorReady();
  await page.getByTestId('probe-result').first().waitFor();
  await sleep(250);
  console.log(`glob: ${await page.getByTestId('probe-search-meta').textContent()}`);
  await shot('22-search-glob');
  await page.getByTestId('probe-search').fill('tracepoint:sched:sched_swich');
  await page.getByTestId('probe-nomatch').waitFor();
  await sleep(150);
  await shot('22b-search-nomatch');
  await page.getByTestId('probe-search').press('Escape');
  await page.getByTestId('probe-tree').waitFor();
  console.log('esc: back to the tree');
}

if (want('probes-details')) {
  await open();
  await editorReady();
  await page.getByTestId('probe-search').fill('sys_enter_openat');
  await page.locator('[data-testid=probe-result][data-name="tracepoint:syscalls:sys_enter_openat"]').click();
  await page.getByTestId('probe-args').waitFor();
  await sleep(200);
  await shot('23-details-openat');
  await page.getByTestId('probe-measure').click();
  await page.getByTestId('probe-measure-progress').waitFor();
  await sleep(1500);
  await shot('23b-measuring');
  await page.getByTestId('probe-rate').waitFor({ timeout: 10000 });
  console.log(`rate: ${await page.getByTestId('probe-rate').textContent()}`);
  await page.getByTestId('probe-new-script').click();
  await page.getByTestId('probe-template').first().waitFor();
  await shot('23c-templates');
  await page.getByTestId('probe-template').first().click();
  await sleep(200);
  // The editor now has the template; edit it and ask again: a confirmation.
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('// edited\n');
  await page.getByTestId('probe-new-script').click();
  await page.getByTestId('probe-template').nth(1).click();
  await page.getByTestId('probe-template-confirm').waitFor();
  await shot('23d-template-confirm');
  await page.getByTestId('probe-template-replace').click();
  await sleep(200);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.getByTestId('probe-insert').click();
  await sleep(200);
  await shot('23e-inserted');
}

if (want('complete')) {
  await open();
  await editorReady();
  await typeScript('tracepoint:sched:');
  await page.locator('.suggest-widget.visible').waitFor();
  await sleep(400);
  await shot('24-complete-probes');
  await page.keyboard.press('Escape');
  await typeScript('tracepoint:');
  await page.locator('.suggest-widget.visible').waitFor();
  await sleep(300);
  await shot('24b-complete-groups');
  await page.keyboard.press('Escape');
  await typeScript('tracepoint:syscalls:sys_enter_openat\n{\nprintf("%s\\n", str(args->');
  await page.locator('.suggest-widget.visible').waitFor();
  await sleep(400);
  await shot('25-complete-args');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  await page.keyboard.type('\n@[comm] = hi');
  await page.locator('.suggest-widget.visible').waitFor();
  await sleep(400);
  await shot('25b-complete-functions');
  await page.keyboard.press('Escape');
}

if (want('hover')) {
  await open('#token=dev&example=lesson-2');
  await editorReady();
  await page.locator('.monaco-editor .view-line span', { hasText: /^str$/ }).first().hover();
  await page.locator('.monaco-hover').first().waitFor({ state: 'visible' });
  await sleep(500);
  await shot('26-hover-function');
  await page.mouse.move(5, 5);
  await sleep(300);
  await page.locator('.monaco-editor .view-line span', { hasText: 'sys_enter_openat' }).first().hover();
  await sleep(1500);
  await shot('26b-hover-probe');
}

if (want('diagnose')) {
  await open();
  await editorReady();
  await typeScript('kprobe:vfs_read\n{\n@start[tid] = nsecs;\n');
  await page.locator('.squiggly-error').first().waitFor({ timeout: 5000 });
  await sleep(300);
  await page.locator('.squiggly-error').first().hover({ force: true });
  await sleep(1200);
  await shot('27-diagnose');
}

if (want('ctrlp')) {
  await open();
  await editorReady();
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+P');
  await sleep(100);
  const focused = await page.evaluate(() => globalThis.document.activeElement?.getAttribute('data-testid'));
  console.log(`ctrl+p from the editor focuses: ${focused}`);
  await page.getByTestId('probe-browser-toggle').click();
  await sleep(100);
  await page.locator('.pane-title').first().click();
  await page.keyboard.press('Control+P');
  await sleep(100);
  const focused2 = await page.evaluate(() => globalThis.document.activeElement?.getAttribute('data-testid'));
  console.log(`ctrl+p with the browser hidden reopens it and focuses: ${focused2}`);
  await page.getByTestId('probe-browser-toggle').click();
  await sleep(150);
  await shot('28-collapsed');
}

// The recordings (the fake backend's real library, seeded with two real CPU profiles):
// library, replay with the scrubber, export menu, compare (diff flame graph), import with problems.
if (want('library')) {
  await open();
  await editorReady();
  await page.keyboard.press('Control+r');
  await page.getByTestId('library-row').first().waitFor();
  await sleep(300);
  await shot('30-library');
  await page.locator('[data-id="2026-11-25T09-30-12-profile-a"]').dblclick();
  await page.getByTestId('replay-bar').waitFor();
  await page.getByTestId('flame-graph').locator('g.frame').first().waitFor();
  await sleep(600);
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowLeft');
  await sleep(600);
  await shot('31-replay-scrubbed');
  await page.getByTestId('replay-bar').getByTestId('export-button').click();
  await sleep(200);
  await shot('33-replay-export-menu');
  await page.keyboard.press('Escape');
  await page.getByTestId('replay-compare').click();
  await page.getByTestId('compare-b').selectOption('2026-11-25T09-41-07-profile-b');
  await page.getByTestId('diff-graph').locator('g.frame').first().waitFor();
  await sleep(500);
  await shot('34-compare-flame');
  await page.keyboard.press('Escape');
  await page.getByTestId('replay-close').click();
  await page.keyboard.press('Control+r');
  await page.getByTestId('library-import').click();
  await page.getByTestId('import-text').fill('main;work 10\nmain;idle 3\nthis line is bad\nmain;gc 2\n');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('import-result').waitFor();
  await shot('36-import-problems');
}

await browser.close();
if (problems.length) {
  console.log('--- console problems ---');
  for (const p of [...new Set(problems)]) console.log(p);
}
