// The layering rule of DESIGN.md (tooling/eslint-layering.js), proven on code that breaks it.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const eslint = new ESLint({ cwd: root });

async function errors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return r.messages.filter((m) => m.ruleId === 'house/layering').map((m) => m.message);
}
const imp = (spec: string) => `import * as m from '${spec}';\nexport const x = m;\n`;

describe('layering lint rule', () => {
  it('common/ imports only common/, and nothing of Node or Electron', async () => {
    expect(await errors('common/profile/x.ts', imp('../contract/index.js'))).toEqual([]);
    expect(await errors('common/profile/x.ts', imp('../../node/engine/sessions.js'))).toHaveLength(1);
    expect(await errors('common/profile/x.ts', imp('../../renderer/src/App.js'))).toHaveLength(1);
    expect(await errors('common/profile/x.ts', imp('node:fs'))).toHaveLength(1);
    expect(await errors('common/profile/x.ts', imp('fs'))).toHaveLength(1);
    expect(await errors('common/profile/x.ts', imp('electron'))).toHaveLength(1);
  });
  it('the renderer imports common/ only', async () => {
    expect(await errors('renderer/src/x.ts', imp('../../common/contract/index.js'))).toEqual([]);
    expect(await errors('renderer/src/x.ts', imp('../../node/engine/sessions.js'))).toHaveLength(1);
    expect(await errors('renderer/src/x.ts', imp('../../cli/main.js'))).toHaveLength(1);
    expect(await errors('renderer/src/x.ts', imp('node:fs'))).toHaveLength(1);
    expect(await errors('renderer/src/x.ts', imp('ws'))).toHaveLength(1);
  });
  it('node/ does not reach up into the shells, the renderer or the root helper (except its protocol)', async () => {
    expect(await errors('node/engine/x.ts', imp('../../common/contract/index.js'))).toEqual([]);
    expect(await errors('node/engine/x.ts', imp('../../cli/main.js'))).toHaveLength(1);
    expect(await errors('node/engine/x.ts', imp('../../electron-main/app-shell.js'))).toHaveLength(1);
    expect(await errors('node/engine/x.ts', imp('../../renderer/src/App.js'))).toHaveLength(1);
    expect(await errors('node/privileged/x.ts', imp('../../root-helper/protocol.js'))).toEqual([]);
    expect(await errors('node/privileged/x.ts', imp('../../root-helper/dispatch.js'))).toHaveLength(1);
  });
  it('the root helper takes no zod and nothing of the app', async () => {
    expect(await errors('root-helper/x.ts', imp('zod'))).toHaveLength(1);
    expect(await errors('root-helper/x.ts', imp('../node/backend.js'))).toHaveLength(1);
    expect(await errors('root-helper/x.ts', imp('../common/bpftrace/argv.js'))).toEqual([]);
  });
  it('the preload knows only the contract names', async () => {
    expect(await errors('electron-preload/x.ts', imp('../common/contract/names.js'))).toEqual([]);
    expect(await errors('electron-preload/x.ts', imp('../common/contract/index.js'))).toHaveLength(1);
    expect(await errors('electron-preload/x.ts', imp('zod'))).toHaveLength(1);
  });
  it('only electron-main/ and electron-preload/ import electron (types are fine)', async () => {
    expect(await errors('node/engine/x.ts', imp('electron'))).toHaveLength(1);
    expect(await errors('node/engine/x.ts', "import type { App } from 'electron';\nexport type A = App;\n")).toEqual([]);
    expect(await errors('electron-main/main.ts', imp('electron'))).toEqual([]);
    expect(await errors('cli/x.ts', imp('electron'))).toHaveLength(1);
  });
  it('tests may import test support', async () => {
    expect(await errors('node/engine/x.test.ts', imp('../../test/support/runtime.js'))).toEqual([]);
    expect(await errors('node/engine/x.ts', imp('../../test/support/runtime.js'))).toHaveLength(1);
  });
});
