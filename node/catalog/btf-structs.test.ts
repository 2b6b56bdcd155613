import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BtfStruct, NativeAddon } from '../native.js';
import { createBtfStructReader } from './btf-structs.js';

// The layouts this machine's BTF gave (scripts/gen-btf-fixtures.mjs), served by a native
// addon that counts how often it is asked.
const TYPES = JSON.parse(fs.readFileSync(path.resolve('test/fixtures/btf/editor-types.json'), 'utf8')) as { structs: Record<string, BtfStruct> };

function counting(): { native: () => NativeAddon; calls: string[] } {
  const calls: string[] = [];
  const addon = {
    btfStruct: (_file: string, name: string) => {
      calls.push(name);
      return TYPES.structs[name] ?? null;
    },
  } as unknown as NativeAddon;
  return { native: () => addon, calls };
}

const dirs: string[] = [];
function btfDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-btf-'));
  dirs.push(d);
  fs.writeFileSync(path.join(d, 'vmlinux'), 'stands for the kernel BTF');
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('BTF struct reader', () => {
  it('answers a struct once per BTF file, the unknown ones too', () => {
    const dir = btfDir();
    const { native, calls } = counting();
    const r = createBtfStructReader(() => dir, native);
    const s = r.describe('struct task_struct');
    expect(s.members.find((m) => m.name === 'comm')).toMatchObject({ type: 'char[16]', size: 16 });
    expect(r.describe('task_struct')).toEqual(s);
    expect(() => r.describe('no_such_struct')).toThrow(/no struct or union 'no_such_struct' \(nor a typedef of one\)/);
    expect(() => r.describe('no_such_struct')).toThrow(/no struct or union/);
    expect(calls).toEqual(['task_struct', 'no_such_struct']);
    // Anonymous struct members keep their members, as the contract carries them.
    expect(r.describe('sock').members.find((m) => m.name === 'sk_backlog')?.members?.map((m) => m.name)).toEqual(['rmem_alloc', 'len', 'head', 'tail']);
  });

  it('reads again when the BTF file changes (a new kernel)', () => {
    const dir = btfDir();
    const { native, calls } = counting();
    const r = createBtfStructReader(() => dir, native);
    r.describe('sock');
    fs.rmSync(path.join(dir, 'vmlinux'));
    fs.writeFileSync(path.join(dir, 'vmlinux'), 'another kernel, another inode and size');
    r.describe('sock');
    expect(calls).toEqual(['sock', 'sock']);
  });

  it('says what is missing: no BTF, a bad name', () => {
    const { native, calls } = counting();
    const r = createBtfStructReader(() => path.join(os.tmpdir(), 'kscope-no-such-btf-dir'), native);
    expect(() => r.describe('task_struct')).toThrow(/no kernel BTF .*CONFIG_DEBUG_INFO_BTF=y/);
    expect(() => createBtfStructReader(() => btfDir(), native).describe('struct task_struct *')).toThrow(/is not a struct name/);
    expect(calls).toEqual([]);
  });
});
