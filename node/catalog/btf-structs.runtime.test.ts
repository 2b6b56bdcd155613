// Runtime tier: the BTF struct reader over this machine's /sys/kernel/btf/vmlinux, through
// the real native addon (libbpf).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNative } from '../native.js';
import { createBtfStructReader } from './btf-structs.js';

const VMLINUX = '/sys/kernel/btf/vmlinux';
let skip: string | null = fs.existsSync(VMLINUX) ? null : `${VMLINUX} is missing (a kernel without CONFIG_DEBUG_INFO_BTF)`;
if (!skip) {
  try {
    loadNative();
  } catch (e) {
    skip = (e as Error).message;
  }
}
if (skip) console.log(`skipping BTF struct runtime tests: ${skip}`);

describe.skipIf(skip !== null)('kernel structs from this machine\'s BTF', () => {
  const r = createBtfStructReader(() => '/sys/kernel/btf', () => loadNative());

  it('struct task_struct has pid (pid_t), comm (char[16]) and pointers to other structs', () => {
    const t = r.describe('task_struct');
    expect(t.name).toBe('task_struct');
    expect(t.members.find((m) => m.name === 'pid')).toMatchObject({ type: 'pid_t', size: 4 });
    expect(t.members.find((m) => m.name === 'comm')).toMatchObject({ type: 'char[16]', size: 16 });
    expect(t.members.find((m) => m.name === 'mm')).toMatchObject({ type: 'struct mm_struct *', size: 8 });
    expect(t.members.find((m) => m.name === 'real_parent')?.type).toBe('struct task_struct *');
    // Offsets grow in declaration order and stay inside the struct.
    const offsets = t.members.map((m) => m.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(Math.max(...offsets)).toBeLessThan(t.size);
  });

  it('struct sock embeds struct sock_common, which has skc_family', () => {
    const s = r.describe('struct sock');
    expect(s.members[0]).toMatchObject({ name: '__sk_common', type: 'struct sock_common', offset: 0 });
    expect(r.describe('sock_common').members.map((m) => m.name)).toContain('skc_family');
  });

  it('an anonymous union member carries its own members (in6_addr.in6_u)', () => {
    const u = r.describe('in6_addr').members.find((m) => m.name === 'in6_u');
    expect(u?.type).toBe('union {...}');
    expect(u?.members?.map((m) => `${m.type} ${m.name}`)).toEqual(['__u8[16] u6_addr8', '__be16[8] u6_addr16', '__be32[4] u6_addr32']);
  });

  it('follows a typedef to its struct (atomic_t, kuid_t)', () => {
    expect(r.describe('atomic_t').members).toEqual([{ name: 'counter', type: 'int', offset: 0, size: 4 }]);
    expect(r.describe('kuid_t').members.map((m) => `${m.type} ${m.name}`)).toEqual(['uid_t val']);
  });

  it('an unknown struct or a scalar typedef is a clear error', () => {
    expect(() => r.describe('kscope_no_such_struct')).toThrow(/no struct or union 'kscope_no_such_struct'/);
    expect(() => r.describe('pid_t')).toThrow(/no struct or union 'pid_t'/);
  });
});
