// Where the app's files are, from the built bundle (dist/electron/*.cjs), a packaged app
// (resources/), or the source tree (tests run from the repository root).
import fs from 'node:fs';
import path from 'node:path';

declare const __dirname: string | undefined;

function candidates(rel: string[]): string[] {
  const out: string[] = [];
  if (typeof __dirname === 'string') out.push(path.resolve(__dirname, ...rel));
  out.push(path.resolve(process.cwd(), ...rel.filter((r) => r !== '..')));
  return out;
}

export function resourcesDir(): string {
  if (process.env.KSCOPE_RESOURCES) return process.env.KSCOPE_RESOURCES;
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  const list = [...(resourcesPath ? [path.join(resourcesPath, 'resources')] : []), ...candidates(['..', '..', 'resources'])];
  return list.find((p) => fs.existsSync(path.join(p, 'examples'))) ?? list[list.length - 1];
}

export function rendererDir(): string {
  if (process.env.KSCOPE_RENDERER) return process.env.KSCOPE_RENDERER;
  const list = candidates(['..', 'renderer']).concat(path.resolve(process.cwd(), 'dist', 'renderer'));
  return list.find((p) => fs.existsSync(path.join(p, 'index.html'))) ?? list[list.length - 1];
}

export function packageVersion(): string {
  for (const p of candidates(['..', '..', 'package.json'])) {
    try {
      return (JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string }).version;
    } catch {
      /* next */
    }
  }
  return '0.0.0';
}
