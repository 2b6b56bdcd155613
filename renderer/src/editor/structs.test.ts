import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StructLayout } from '../../../common/contract/index.js';

// The host as the editor sees it: describeStruct answers a layout, "no struct" for unknown
// names (as node/catalog/btf-structs.ts words it), or fails (a lost connection).
const calls: string[] = [];
let failNext = false;
const listeners: Array<() => void> = [];
const client = {
  describeStruct: async ({ name }: { name: string }): Promise<StructLayout> => {
    calls.push(name);
    if (failNext) {
      failNext = false;
      throw new Error('connection lost');
    }
    if (name === 'task_struct') return { name, size: 16, members: [{ name: 'pid', type: 'pid_t', offset: 0, size: 4 }] };
    throw new Error(`no struct or union '${name}' (nor a typedef of one) in the kernel's BTF (/sys/kernel/btf/vmlinux)`);
  },
};
vi.mock('../actions.js', () => ({
  getClient: () => client,
  onConnected: (l: () => void) => listeners.push(l),
}));

const { structLayout } = await import('./structs.js');

describe('struct layouts for the editor', () => {
  beforeEach(() => {
    for (const l of listeners) l(); // a new connection forgets what the old host said
    calls.length = 0;
  });

  it('asks the host once per struct, keystroke after keystroke', async () => {
    const [a, b] = await Promise.all([structLayout('task_struct'), structLayout('task_struct')]);
    expect(a?.members[0]).toMatchObject({ name: 'pid', type: 'pid_t' });
    expect(b).toBe(a);
    await structLayout('task_struct');
    expect(calls).toEqual(['task_struct']);
  });

  it('remembers an unknown struct as null, but asks again after a failure', async () => {
    expect(await structLayout('no_such')).toBeNull();
    expect(await structLayout('no_such')).toBeNull();
    failNext = true;
    expect(await structLayout('task_struct')).toBeNull();
    expect((await structLayout('task_struct'))?.name).toBe('task_struct');
    expect(calls).toEqual(['no_such', 'task_struct', 'task_struct']);
  });

  it('forgets everything on a new connection', async () => {
    await structLayout('task_struct');
    for (const l of listeners) l();
    await structLayout('task_struct');
    expect(calls).toEqual(['task_struct', 'task_struct']);
  });
});
