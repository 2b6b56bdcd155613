// speedscope's own importer, run in Chromium: the built app from the `speedscope` npm package
// (node_modules/speedscope/dist/release) served on loopback, its bundle given one extra line
// that hands its file importer (the function behind `#localProfilePath`'s
// window.speedscope.loadFileFromBase64) to the test. The test reads what speedscope imported:
// every call-tree path with its self weight, and each profile's total.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './serve.js';

const RELEASE = path.resolve('node_modules/speedscope/dist/release');

export interface SpeedscopeProfile {
  name: string;
  total: number;
  unit: string;
  /** Root-first path ("a;b;c") → self weight, as speedscope's call tree holds it. */
  stacks: Map<string, number>;
}

export interface SpeedscopeReader {
  read(fileName: string, bytes: Buffer): Promise<SpeedscopeProfile[]>;
  close(): Promise<void>;
}

/** The bundle with its importer exposed; throws when speedscope's build no longer has the hook. */
function patchedBundle(file: string): string {
  const js = fs.readFileSync(file, 'utf8');
  const m = /loadFileFromBase64:\((\w+),(\w+)\)=>\{this\.loadProfile\(\(\)=>([\w$]+)\(\1,\2\)\)\}/.exec(js);
  if (!m) throw new Error(`speedscope's bundle ${file} has no loadFileFromBase64 hook: update e2e/speedscope-reader.ts`);
  const end = js.lastIndexOf('})();');
  return js.slice(0, end) + `;window.__kscopeImport=${m[3]};` + js.slice(end);
}

export async function openSpeedscope(): Promise<SpeedscopeReader> {
  const bundle = fs.readdirSync(RELEASE).find((f) => /^speedscope-\w+\.js$/.test(f));
  if (!bundle) throw new Error(`no speedscope bundle in ${RELEASE}`);
  const patched = patchedBundle(path.join(RELEASE, bundle));
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1)) || 'index.html';
    if (name === bundle) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(patched);
      return;
    }
    const file = path.join(RELEASE, path.basename(name));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': name.endsWith('.html') ? 'text/html' : name.endsWith('.css') ? 'text/css' : 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    const page: Page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction(() => typeof (window as unknown as { __kscopeImport?: unknown }).__kscopeImport === 'function');
    return {
      read: async (fileName, bytes) => {
        const out = await page.evaluate(
          async ([n, b64]) => {
            type Node = { frame: { name: string }; children: Node[]; getSelfWeight(): number };
            type P = { getName(): string; getTotalWeight(): number; getWeightUnit(): string; getAppendOrderCalltreeRoot(): Node };
            const imp = (window as unknown as { __kscopeImport: (n: string, b: string) => Promise<{ profiles: P[] } | null> }).__kscopeImport;
            const g = await imp(n, b64);
            if (!g) return null;
            return g.profiles.map((p) => {
              const stacks: [string, number][] = [];
              const walk = (node: Node, prefix: string) => {
                for (const c of node.children) {
                  const k = prefix ? `${prefix};${c.frame.name}` : c.frame.name;
                  if (c.getSelfWeight() !== 0) stacks.push([k, c.getSelfWeight()]);
                  walk(c, k);
                }
              };
              walk(p.getAppendOrderCalltreeRoot(), '');
              return { name: p.getName(), total: p.getTotalWeight(), unit: p.getWeightUnit(), stacks };
            });
          },
          [fileName, bytes.toString('base64')] as const,
        );
        if (out === null) throw new Error(`speedscope could not import ${fileName}`);
        return out.map((p) => ({ ...p, stacks: new Map(p.stacks) }));
      },
      close: async () => {
        await browser?.close();
        server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}
