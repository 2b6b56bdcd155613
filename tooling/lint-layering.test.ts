// The layering rule of DESIGN.md, proven on code that breaks it.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const eslint = new ESLint({ cwd: root });

async function errors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rule', () => {
  it('renderer may import electron/api', async () => {
    expect(await errors('renderer/src/x.ts', "import { methods } from '../../electron/api/index.js';\nexport const m = methods;\n")).toEqual([]);
  });
  it('renderer may not import the engine or Node', async () => {
    expect(await errors('renderer/src/x.ts', "import { Engine } from '../../electron/engine/sessions.js';\nexport const e = Engine;\n")).toHaveLength(1);
    expect(await errors('renderer/src/x.ts', "import fs from 'node:fs';\nexport const f = fs;\n")).toHaveLength(1);
  });
  it('electron/api imports no side', async () => {
    expect(await errors('electron/api/x.ts', "import { Engine } from '../engine/sessions.js';\nexport const e = Engine;\n")).toHaveLength(1);
    expect(await errors('electron/api/x.ts', "import fs from 'node:fs';\nexport const f = fs;\n")).toHaveLength(1);
    expect(await errors('electron/api/x.ts', "import { libraryMethods } from '../library/methods.js';\nexport const l = libraryMethods;\n")).toHaveLength(1);
    expect(await errors('electron/api/x.ts', "import { createBackend } from '../backend.js';\nexport const b = createBackend;\n")).toHaveLength(1);
    expect(await errors('electron/api/x.ts', "import { RpcError } from './rpc.js';\nexport const r = RpcError;\n")).toEqual([]);
  });
  it('only main.ts and preload.ts import electron (types are fine)', async () => {
    expect(await errors('electron/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await errors('electron/engine/x.ts', "import type { App } from 'electron';\nexport type A = App;\n")).toEqual([]);
    expect(await errors('electron-main/main.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });
  it('the preload imports only the zod-free names', async () => {
    expect(await errors('electron-preload/preload.ts', "import { methodNames } from '../common/contract/contract.js';\nexport const m = methodNames;\n")).toHaveLength(1);
    expect(await errors('electron-preload/preload.ts', "import { methodNames } from '../common/contract/index.js';\nexport const m = methodNames;\n")).toHaveLength(1);
    expect(await errors('electron-preload/preload.ts', "import { METHOD_NAMES } from '../common/contract/names.js';\nexport const m = METHOD_NAMES;\n")).toEqual([]);
  });
});
