// A probe's description: arguments, prototype, availability, one-liner and templates. Pure.
import type { Capability, ProbeArg, ProbeDescription, ProbeType } from '../../common/contract/index.js';
import { tracepointAlternative } from '../../common/bpftrace/explain-error.js';
import type { BtfFunction } from '../native.js';
import { prototypeOf } from './kfuncs.js';
import { fieldTypeText, isStringField, type TracepointField } from './tracepoints.js';

export interface DescribeInput {
  name: string;
  type: ProbeType;
  group: string;
  cap: Capability | undefined;
  /** Tracepoint fields (tracepoints only). */
  fields?: TracepointField[] | null;
  /** BTF prototype (kernel function types). */
  btf?: BtfFunction | null;
  /** Fixed probes: what the parameters mean, and a runnable spec. */
  help?: string | null;
  example?: string | null;
  usdtArgs?: string;
  /** Fields of another tracepoint (for templates over an alternative). */
  fieldsOf?: (tracepoint: string) => TracepointField[] | null;
}

const KERNEL_FN: ProbeType[] = ['kprobe', 'kretprobe', 'kfunc', 'kretfunc'];
const RETURNS: ProbeType[] = ['kretprobe', 'kretfunc', 'uretprobe'];

/** printf conversion and argument for one tracepoint field, or null when it has no simple printable form. */
export function printfPart(f: TracepointField): { fmt: string; arg: string } | null {
  const a = `args->${f.name}`;
  if (isStringField(f)) return { fmt: '%s', arg: `str(${a})` };
  const t = f.type.replace(/\s+/g, ' ').replace(/^const /, '');
  if (f.array) return t === 'char' ? { fmt: '%s', arg: a } : null;
  if (t.includes('*')) return { fmt: '0x%llx', arg: a };
  if (t.startsWith('__data_loc') || /^(struct|union) /.test(t) || t.includes('(')) return null;
  if (f.size > 8) return null;
  // tracefs's `signed:` is missing in some formats and 0 for some int fields; the C type decides then.
  const signedType = !/\bunsigned\b/.test(t) && /^(int|long|long int|long long|short|signed char|s8|s16|s32|s64|__s8|__s16|__s32|__s64|pid_t|ssize_t|loff_t|off_t|time64_t|clockid_t|key_serial_t)$/.test(t);
  return { fmt: f.signed || signedType ? '%d' : '%u', arg: a };
}

export function printFieldsScript(probe: string, fields: TracepointField[]): string | null {
  const parts = fields.map((f) => ({ f, p: printfPart(f) })).filter((x) => x.p !== null);
  if (parts.length === 0) return null;
  const fmt = parts.map(({ f, p }) => `${f.name}=${p!.fmt}`).join(' ');
  return `${probe}\n{\n  printf("${fmt}\\n", ${parts.map(({ p }) => p!.arg).join(', ')});\n}`;
}

/** Parse a USDT argument spec (`-4@%edi 8@%rsi`) into typed args. */
export function usdtArgs(spec: string): ProbeArg[] {
  return spec
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((a, i) => {
      const m = /^(-?)(\d+)@/.exec(a);
      const size = m ? Number(m[2]) : 8;
      const signed = m ? m[1] === '-' : false;
      return { name: `arg${i}`, type: `${signed ? 'int' : 'uint'}${size * 8}_t`, size };
    });
}

export function describe(input: DescribeInput): ProbeDescription {
  const { name, type, group, cap } = input;
  const available = cap ? cap.available : true;
  const tpAlt = !available && KERNEL_FN.includes(type) ? tracepointAlternative(name) : null;
  const altProbe = available ? null : (tpAlt ?? (type === 'hardware' ? 'profile:hz:99' : null));
  const alternative = available ? null : (tpAlt ?? cap?.alternative ?? null);
  const spec = input.example ?? name;
  const use = altProbe ?? spec;
  const isReturn = RETURNS.includes(type);

  const args: ProbeArg[] = [];
  let help = input.help ?? null;
  if (type === 'tracepoint' && input.fields) {
    for (const f of input.fields) args.push({ name: f.name, type: fieldTypeText(f), offset: f.offset, size: f.size });
  } else if (input.btf && (type === 'kfunc' || type === 'kretfunc')) {
    for (const p of input.btf.params) args.push({ name: p.name, type: p.type });
    if (type === 'kretfunc') args.push({ name: 'retval', type: input.btf.returnType });
    help ??= `Arguments are args->NAME (${input.btf.params.map((p) => `args->${p.name}`).join(', ') || 'none'})${type === 'kretfunc' ? '; the return value is retval' : ''}.`;
  } else if (input.btf && type === 'kprobe') {
    input.btf.params.forEach((p, i) => args.push({ name: `arg${i}`, type: p.type }));
    help ??= `kprobe arguments are arg0..arg${Math.max(0, input.btf.params.length - 1)} in the order of the prototype (${input.btf.params.map((p, i) => `arg${i} = ${p.name}`).join(', ') || 'no parameters'}); they are untyped integers: cast pointers, e.g. ((struct file *)arg0).`;
  } else if (input.btf && type === 'kretprobe') {
    args.push({ name: 'retval', type: input.btf.returnType });
  } else if (type === 'usdt' && input.usdtArgs) {
    args.push(...usdtArgs(input.usdtArgs));
  } else if (type === 'uretprobe' || (type === 'kretprobe' && !input.btf)) {
    args.push({ name: 'retval', type: 'uint64' });
  }
  if (!help && (type === 'kprobe' || type === 'uprobe')) help = 'Arguments are arg0, arg1, ... (untyped integers, in calling-convention order).';

  const templates: Array<{ title: string; source: string }> = [];
  const via = altProbe ? ` (via ${altProbe})` : '';
  const altFields = altProbe?.startsWith('tracepoint:') ? (input.fieldsOf?.(altProbe) ?? null) : null;
  const retExpr = altProbe ? (altFields?.some((f) => f.name === 'ret') ? 'args->ret' : null) : 'retval';

  let oneLiner: string;
  switch (type) {
    case 'BEGIN':
      oneLiner = `bpftrace -e 'BEGIN { printf("hello\\n"); exit(); }'`;
      templates.push({ title: 'Print a header', source: 'BEGIN\n{\n  printf("Tracing... Hit Ctrl-C to end.\\n");\n}' });
      break;
    case 'END':
      oneLiner = `bpftrace -e 'interval:s:1 { exit(); } END { printf("done\\n"); }'`;
      templates.push({ title: 'Summary at exit', source: 'END\n{\n  printf("done\\n");\n}' });
      break;
    case 'interval':
      oneLiner = `bpftrace -e '${use} { printf("tick\\n"); }'`;
      templates.push({ title: 'Print and clear a map periodically', source: `tracepoint:raw_syscalls:sys_enter\n{\n  @[comm] = count();\n}\n\n${use}\n{\n  print(@);\n  clear(@);\n}` });
      break;
    case 'profile':
      oneLiner = `bpftrace -e '${use} { @[kstack] = count(); }'`;
      templates.push({ title: 'Count by process', source: `${use}\n{\n  @[comm] = count();\n}` });
      templates.push({ title: 'Sample stacks (for a flame graph)', source: `${use}\n{\n  @[kstack, ustack, comm] = count();\n}` });
      break;
    case 'watchpoint':
      oneLiner = `bpftrace -p PID -e '${use} { @[ustack] = count(); }'`;
      templates.push({ title: 'Who touches this address', source: `${use}\n{\n  @[comm, ustack] = count();\n}` });
      break;
    default: {
      oneLiner = `bpftrace -e '${use} { @[comm] = count(); }'`;
      templates.push({ title: `Count by process${via}`, source: `${use}\n{\n  @[comm] = count();\n}` });
      const fields = type === 'tracepoint' ? input.fields : altFields;
      if (fields) {
        const s = printFieldsScript(use, fields);
        if (s) templates.push({ title: `Print the fields${via}`, source: s });
      }
      if (isReturn && retExpr) templates.push({ title: `Histogram of return values${via}`, source: `${use}\n{\n  @ = hist(${retExpr});\n}` });
      if ((type === 'kprobe' || type === 'kfunc') && !altProbe) templates.push({ title: 'Count by kernel stack', source: `${use}\n{\n  @[kstack] = count();\n}` });
      if (type === 'uprobe') templates.push({ title: 'Count by user stack', source: `${use}\n{\n  @[ustack] = count();\n}` });
    }
  }
  return {
    name,
    type,
    group,
    available,
    reason: available ? null : (cap?.reason ?? null),
    alternative,
    args,
    prototype: input.btf ? prototypeOf(input.btf) : null,
    help,
    oneLiner,
    templates,
  };
}
