import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbeArg, StructLayout } from '../../../common/contract/index.js';
import { accessorFor, memberCompletion, assignmentOf, rawTracepointArgFunctions, castType, completionMembers, elementType, fullExpr, hoveredMember, memberAccessAt, structOf, typeOfExpr, type TypeLookup } from './member-access.js';

// Struct layouts and probe fields of this machine's kernel (scripts/gen-btf-fixtures.mjs).
const TYPES = JSON.parse(fs.readFileSync(path.resolve('test/fixtures/btf/editor-types.json'), 'utf8')) as {
  structs: Record<string, StructLayout>;
  probes: Record<string, ProbeArg[]>;
};

/** A lookup over the fixture that counts what it was asked, as the host would answer. */
function lookup(probe: string | null): TypeLookup & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    args: async () => (probe ? (TYPES.probes[probe] ?? null) : null),
    struct: async (name) => {
      asked.push(name);
      return TYPES.structs[name] ?? null;
    },
  };
}

/** The offset of `|` in the text, and the text without it. */
function at(text: string): [string, number] {
  const i = text.indexOf('|');
  return [text.slice(0, i) + text.slice(i + 1), i];
}

const names = (ms: Array<{ name: string }> | null) => ms?.map((m) => m.name) ?? null;

async function complete(text: string, probe: string | null) {
  const [src, off] = at(text);
  const access = memberAccessAt(src, off);
  if (!access) return null;
  return completionMembers(src, access, lookup(probe), probe ?? undefined);
}

const LESSON_12 = fs.readFileSync(path.resolve('resources/examples/lesson-12.equivalent.bt'), 'utf8');
const LESSON_12_KPROBE = fs.readFileSync(path.resolve('resources/examples/lesson-12.bt'), 'utf8');

describe('memberAccessAt', () => {
  it('reads the expression before -> and . with the typed prefix', () => {
    const [src, off] = at('kfunc:vfs_read { printf("%d\\n", curtask->pi|); }');
    expect(memberAccessAt(src, off)).toEqual({ expr: { base: { kind: 'type', type: 'struct task_struct *' }, steps: [] }, accessor: '->', accessorStart: off - 4, prefix: 'pi', start: off - 2 });
  });

  it('reads chains, indexes, casts in parentheses and variables', () => {
    const [a, ao] = at('k:f { $x = ((struct sock *)arg0)->__sk_common.| }');
    expect(memberAccessAt(a, ao)?.expr).toEqual({ base: { kind: 'type', type: 'struct sock *' }, steps: [{ member: '__sk_common', accessor: '->' }] });
    const [b, bo] = at('t:x:y { $t->mm->|');
    expect(memberAccessAt(b, bo)?.expr).toEqual({ base: { kind: 'var', name: '$t', at: 8 }, steps: [{ member: 'mm', accessor: '->' }] });
    const [c, co] = at('t:x:y { args.ptrs[1]->|');
    expect(memberAccessAt(c, co)?.expr).toEqual({ base: { kind: 'args' }, steps: [{ member: 'ptrs', accessor: '.' }, { index: true }] });
  });

  it('is not fooled by numbers and calls; a map\'s key is not an index', () => {
    const [a, ao] = at('i:s:1 { $x = 1.|');
    expect(memberAccessAt(a, ao)).toBeNull();
    const [b, bo] = at('k:f { str(arg0)->|');
    expect(memberAccessAt(b, bo)?.expr.base).toEqual({ kind: 'unknown' });
    const [c, co] = at('k:f { @m->|');
    expect(memberAccessAt(c, co)?.expr).toEqual({ base: { kind: 'map', name: '@m' }, steps: [] });
    const [d, dO] = at('k:f { @m[tid, 1].x->|');
    expect(memberAccessAt(d, dO)?.expr).toEqual({ base: { kind: 'map', name: '@m' }, steps: [{ member: 'x', accessor: '.' }] });
  });
});

describe('fullExpr and casts', () => {
  it('knows pointer-to-struct casts only', () => {
    expect(castType('struct task_struct *')).toBe('struct task_struct *');
    expect(castType(' const struct sock*')).toBe('struct sock *');
    expect(castType('uint64')).toBeNull();
  });

  it('applies a cast to the whole chain after it, the outermost winning', () => {
    expect(fullExpr(' (struct task_struct *)curtask')).toEqual({ base: { kind: 'type', type: 'struct task_struct *' }, steps: [] });
    expect(fullExpr('((struct sock *) arg0)')).toEqual({ base: { kind: 'type', type: 'struct sock *' }, steps: [] });
    expect(fullExpr('(struct file *)(struct sock *)arg1')).toEqual({ base: { kind: 'type', type: 'struct file *' }, steps: [] });
    expect(fullExpr('(struct path *)args->path->dentry')?.base).toEqual({ kind: 'type', type: 'struct path *' });
    expect(fullExpr('$a + 1')).toBeNull();
  });
});

describe('raw tracepoint args', () => {
  it('come from the tracepoint stubs\' prototypes', () => {
    expect(rawTracepointArgFunctions('rawtracepoint:sched_switch')).toEqual(['kfunc:__probestub_sched_switch', 'kfunc:__bpf_trace_sched_switch']);
    expect(rawTracepointArgFunctions('rawtracepoint:vmlinux:sched_switch')).toEqual(['kfunc:__probestub_sched_switch', 'kfunc:__bpf_trace_sched_switch']);
    expect(rawTracepointArgFunctions('rawtracepoint:sched_*')).toBeNull();
    expect(rawTracepointArgFunctions('tracepoint:sched:sched_switch')).toBeNull();
  });
});

describe('types', () => {
  it('names the struct behind a type, or nothing', () => {
    expect(structOf('struct mm_struct *')).toBe('mm_struct');
    expect(structOf('const struct path *')).toBe('path');
    expect(structOf('struct qstr')).toBe('qstr');
    expect(structOf('atomic_t')).toBe('atomic_t');
    expect(structOf('char[16]')).toBeNull();
    expect(structOf('struct task_struct **')).toBeNull();
    expect(structOf('pid_t')).toBeNull();
    expect(structOf('unsigned int')).toBeNull();
    expect(elementType('char[16]')).toBe('char');
    expect(elementType('struct page **')).toBe('struct page *');
  });

  it('finds the last assignment of a variable in the same block only', () => {
    const src = 'k:a { $t = (struct sock *)arg0; }\nk:b { $t = (struct file *)arg0; $u = 1; $t = (struct task_struct *)curtask; $tt = 2; $t->';
    const a = assignmentOf(src, '$t', src.length - 3);
    expect(a?.expr).toEqual({ base: { kind: 'type', type: 'struct task_struct *' }, steps: [] });
    expect(assignmentOf(src, '$t', src.indexOf('}'))?.expr?.base).toEqual({ kind: 'type', type: 'struct sock *' });
    expect(assignmentOf(src, '$nope', src.length)).toBeNull();
    // A typed declaration (bpftrace 0.22+) says the type itself.
    const decl = 'k:f { let $p: struct path * = arg0; $p->';
    expect(assignmentOf(decl, '$p', decl.length - 3)?.declared).toBe('struct path *');
    // An assignment in a comment does not count.
    const commented = 'k:f { $t = (struct sock *)arg0; // $t = (struct file *)arg1;\n $t->';
    expect(assignmentOf(commented, '$t', commented.length - 3)?.expr?.base).toEqual({ kind: 'type', type: 'struct sock *' });
  });
});

describe('completion over real scripts and this kernel\'s BTF', () => {
  it('curtask-> completes struct task_struct, with pid and comm char[16]', async () => {
    const ms = await complete('tracepoint:sched:sched_switch { printf("%d\\n", curtask->|); }', 'tracepoint:sched:sched_switch');
    expect(ms?.find((m) => m.name === 'pid')).toMatchObject({ type: 'pid_t', owner: 'struct task_struct' });
    expect(ms?.find((m) => m.name === 'comm')).toMatchObject({ type: 'char[16]' });
    expect(ms?.length).toBe(TYPES.structs.task_struct!.members.length);
  });

  it('follows lesson 12\'s variable, pointer members and a struct-valued member', async () => {
    // $task = (struct task_struct *)curtask; … $task->fs->pwd.dentry->d_name.name
    const cut = (needle: string) => {
      const i = LESSON_12.indexOf(needle) + needle.length;
      return `${LESSON_12.slice(0, i)}|${LESSON_12.slice(i)}`;
    };
    expect(names(await complete(cut('$task->'), 'tracepoint:syscalls:sys_enter_openat'))).toContain('real_parent');
    expect(names(await complete(cut('$task->fs->'), 'tracepoint:syscalls:sys_enter_openat'))).toContain('pwd');
    expect(names(await complete(cut('$task->fs->pwd.'), 'tracepoint:syscalls:sys_enter_openat'))).toEqual(['mnt', 'dentry']);
    expect(names(await complete(cut('dentry->d_name.'), 'tracepoint:syscalls:sys_enter_openat'))).toContain('name');
    expect(names(await complete(cut('$task->real_parent->'), 'tracepoint:syscalls:sys_enter_openat'))).toContain('comm');
  });

  it('walks a variable given its own member ($t = $t->real_parent)', async () => {
    const script = 'tracepoint:sched:sched_process_exec\n{\n  $t = (struct task_struct *)curtask;\n  $t = $t->real_parent;\n  $t = $t->|';
    expect(names(await complete(script, null))).toContain('real_parent');
    const [src, off] = at(script);
    const access = memberAccessAt(src, off)!;
    expect(await typeOfExpr(src, access.expr, lookup(null))).toBe('struct task_struct *');
  });

  it('follows a map that stores a struct pointer, across probes', async () => {
    const script =
      'kprobe:tcp_v4_connect\n{\n  @sk[tid] = (struct sock *)arg0;\n}\n\nkretprobe:tcp_v4_connect\n/@sk[tid]/\n{\n  $sk = @sk[tid];\n  printf("%d\\n", $sk->__sk_common.|);\n  delete(@sk[tid]);\n}\n';
    expect(names(await complete(script, null))).toContain('skc_dport');
    expect(names(await complete('k:f { @last = (struct task_struct *)curtask; }\ni:s:1 { printf("%s", @last->|', null))).toContain('comm');
    // A map holding numbers has no members.
    expect(await complete('k:f { @start[tid] = nsecs; }\nkr:f { @start[tid]->|', null)).toBeNull();
  });

  it('retval of an fexit is typed by the prototype', async () => {
    const lk = lookup(null);
    lk.args = async () => [{ name: 'file', type: 'struct file *' }, { name: 'retval', type: 'struct file *' }];
    const [src, off] = at('fexit:vfs_open { $f = retval; @[retval->|');
    const ms = await completionMembers(src, memberAccessAt(src, off)!, lk);
    expect(names(ms)).toContain('f_inode');
  });

  it('completes the members of anonymous unions and structs (in6_u, sk_backlog)', async () => {
    const script = 'kprobe:tcp_connect\n{\n  $sk = (struct sock *)arg0;\n  printf("%s\\n", ntop($sk->__sk_common.skc_v6_daddr.in6_u.|));\n}\n';
    const ms = await complete(script, null);
    expect(names(ms)).toEqual(['u6_addr8', 'u6_addr16', 'u6_addr32']);
    expect(ms?.[0]).toMatchObject({ type: '__u8[16]', owner: 'union {...} in6_u' });
    expect(names(await complete('k:f { $sk = (struct sock *)arg0; $sk->sk_backlog.|', null))).toEqual(['rmem_alloc', 'len', 'head', 'tail']);
    expect(names(await complete('k:f { $sk = (struct sock *)arg0; $sk->sk_backlog.head->|', null))).toContain('len');
  });

  it('says which accessor the type takes, to correct curtask. and a struct value\'s ->', async () => {
    expect(accessorFor('struct task_struct *')).toBe('->');
    expect(accessorFor('const struct path')).toBe('.');
    const [a, ao] = at('t:sched:sched_switch { curtask.|');
    expect((await memberCompletion(a, memberAccessAt(a, ao)!, lookup(null)))?.accessor).toBe('->');
    const [b, bo] = at('t:sched:sched_switch { curtask->fs->pwd->|');
    const c = await memberCompletion(b, memberAccessAt(b, bo)!, lookup(null));
    expect(c).toMatchObject({ accessor: '.', members: [{ name: 'mnt' }, { name: 'dentry' }] });
    expect(memberAccessAt(b, bo)!.accessorStart).toBe(bo - 2);
    // A probe's args take either accessor (bpftrace 0.21+).
    const [d, dO] = at('t:syscalls:sys_enter_openat { args.|');
    expect((await memberCompletion(d, memberAccessAt(d, dO)!, lookup('tracepoint:syscalls:sys_enter_openat')))?.accessor).toBeNull();
  });

  it('completes through a cast of arg0 in parentheses (lesson 12 with kprobes)', async () => {
    const i = LESSON_12_KPROBE.indexOf('arg0)->') + 'arg0)->'.length;
    const ms = await complete(`${LESSON_12_KPROBE.slice(0, i)}|${LESSON_12_KPROBE.slice(i)}`, null);
    expect(names(ms)).toEqual(['mnt', 'dentry']);
  });

  it('completes a socket from a cast, and its embedded sock_common with .', async () => {
    const script = 'kprobe:tcp_connect\n{\n  $sk = ((struct sock *) arg0);\n  $family = $sk->__sk_common.|;\n}\n';
    const ms = await complete(script, null);
    expect(ms?.find((m) => m.name === 'skc_family')).toMatchObject({ type: 'short unsigned int', owner: 'struct sock_common' });
    expect(names(await complete('kprobe:tcp_connect { $sk = ((struct sock *) arg0); $sk->|', null))).toContain('sk_rcvbuf');
  });

  it('args-> gives the probe\'s fields, and follows an fentry parameter into its struct', async () => {
    expect(names(await complete('tracepoint:syscalls:sys_enter_openat { printf("%s\\n", str(args->|)); }', 'tracepoint:syscalls:sys_enter_openat'))).toEqual([
      '__syscall_nr',
      'dfd',
      'filename',
      'flags',
      'mode',
    ]);
    expect(names(await complete('fentry:tcp_v4_connect { @[args->sk->|] = count(); }', 'kfunc:tcp_v4_connect'))).toContain('__sk_common');
    expect(names(await complete('fentry:vfs_open { $p = args.path; $p->dentry->|', 'kfunc:vfs_open'))).toContain('d_name');
  });

  it('gives nothing, without throwing, for an unknown struct, a scalar or an unknown variable', async () => {
    expect(await complete('k:f { ((struct no_such_struct *)arg0)->|', null)).toBeNull();
    expect(await complete('k:f { curtask->pid.|', null)).toBeNull();
    expect(await complete('k:f { curtask->comm->|', null)).toBeNull();
    expect(await complete('k:f { $nothing->|', null)).toBeNull();
    expect(await complete('k:f { arg0->|', null)).toBeNull();
  });

  it('hover finds the member under the cursor with its type and struct', async () => {
    const src = 'tracepoint:syscalls:sys_enter_openat { $t = (struct task_struct *)curtask; printf("%s", $t->mm->owner->comm); }';
    const off = src.indexOf('->comm') + 2;
    const access = memberAccessAt(src, off)!;
    expect(await hoveredMember(src, access, 'comm', lookup(null))).toMatchObject({ name: 'comm', type: 'char[16]', owner: 'struct task_struct' });
    expect(await typeOfExpr(src, access.expr, lookup(null))).toBe('struct task_struct *');
  });
});
