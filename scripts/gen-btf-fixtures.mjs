#!/usr/bin/env node
// Regenerates test/fixtures/btf/editor-types.json from this machine's kernel: the struct
// layouts (BTF, through the native addon's libbpf reader) and probe fields the editor's
// member completion is tested over (renderer/src/editor/member-access.test.ts).
// Usage: node scripts/gen-btf-fixtures.mjs   (needs the addon built and tracefs mounted)
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const addon = require(path.resolve('native/build/Release/kscope_native.node'));
const VMLINUX = '/sys/kernel/btf/vmlinux';
const STRUCTS = ['task_struct', 'mm_struct', 'fs_struct', 'path', 'dentry', 'qstr', 'sock', 'sock_common', 'file', 'inode', 'in6_addr', 'sk_buff', 'net_device'];

// As describeStruct answers: anonymous struct/union members keep their own members.
const member = ({ name, type, offset, size, members }) => ({ name, type, offset, size, ...(members ? { members: members.map(member) } : {}) });
const structs = {};
for (const name of STRUCTS) {
  const s = addon.btfStruct(VMLINUX, name);
  if (!s) throw new Error(`no struct ${name} in ${VMLINUX}`);
  structs[name] = { name: s.name, size: s.size, members: s.members.map(member) };
}

// Tracepoint fields as the catalog reads them (`field:TYPE NAME[N]; offset:O; size:S;`).
function tracepointArgs(category, event) {
  const text = fs.readFileSync(`/sys/kernel/tracing/events/${category}/${event}/format`, 'utf8');
  const args = [];
  for (const m of text.matchAll(/field:(.+?);\s*offset:(\d+);\s*size:(\d+);/g)) {
    const decl = m[1].trim();
    if (/^(unsigned short common_type|unsigned char common_flags|unsigned char common_preempt_count|int common_pid)$/.test(decl)) continue;
    const d = /^(.*?)\s*\b([A-Za-z_]\w*)\s*(\[\d*\])?$/.exec(decl);
    args.push({ name: d[2], type: d[3] ? `${d[1]}${d[3]}` : d[1], offset: Number(m[2]), size: Number(m[3]) });
  }
  return args;
}

// fentry parameters from BTF, as describeProbe gives them for kfunc:NAME (packed: see
// node/native.ts unpackBtfFunctions).
const packed = addon.btfFunctionsPacked(VMLINUX);
function fentryArgs(fn) {
  const s = packed.strings.split('\0');
  const w = packed.functions;
  for (let i = 0; i < w.length; ) {
    const name = s[w[i++]];
    i++;
    const n = w[i++] & 0xffff;
    const params = [];
    for (let j = 0; j < n; j++) params.push({ name: s[w[i++]], type: s[w[i++]] });
    if (name === fn) return params;
  }
  throw new Error(`no function ${fn} in ${VMLINUX}`);
}

const probes = {
  'tracepoint:syscalls:sys_enter_openat': tracepointArgs('syscalls', 'sys_enter_openat'),
  'tracepoint:sched:sched_switch': tracepointArgs('sched', 'sched_switch'),
  'kfunc:tcp_v4_connect': fentryArgs('tcp_v4_connect'),
  'kfunc:vfs_open': fentryArgs('vfs_open'),
};

const out = { kernel: fs.readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(), structs, probes };
fs.mkdirSync('test/fixtures/btf', { recursive: true });
fs.writeFileSync('test/fixtures/btf/editor-types.json', `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote test/fixtures/btf/editor-types.json (${STRUCTS.length} structs, ${Object.keys(probes).length} probes)`);
