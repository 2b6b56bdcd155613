// What is in front of `->` / `.` at the cursor, and which C type it has: `curtask->`,
// `args->sk->`, `((struct sock *)arg0)->`, `$t->mm->` after `$t = (struct task_struct *)curtask;`.
// Pure: the expression is read backwards from the accessor (bpftrace's postfix chains are
// short), scratch variables are followed to their last assignment in the same action block,
// and the types come from lookups the caller gives (the probe's fields, BTF structs).
import type { ProbeArg, StructLayout } from '../../../common/contract/index.js';
import { scan } from './context.js';

export type Step = { member: string; accessor: '->' | '.' } | { index: true };

export type Base =
  /** The probe's `args` (tracepoint fields, fentry/rawtracepoint parameters). */
  | { kind: 'args' }
  /** A C type known from the text: `curtask`, or a cast `(struct sock *)`. */
  | { kind: 'type'; type: string }
  /** A scratch variable: its type is that of its assignment. */
  | { kind: 'var'; name: string; at: number }
  /** A map's value (`@sk[tid]`, `@last`): the type of what the script stores in it. */
  | { kind: 'map'; name: string }
  /** A typed probe value other than args (`retval` of fexit/kretprobe): from the probe's description. */
  | { kind: 'probeValue'; name: string }
  /** Anything else (arg0, a map, a call): no type unless cast. */
  | { kind: 'unknown' };

export interface Expr {
  base: Base;
  steps: Step[];
}

export interface MemberAccess {
  /** The expression whose members are wanted (before the accessor). */
  expr: Expr;
  accessor: '->' | '.';
  /** Where the accessor starts (to correct it). */
  accessorStart: number;
  /** The member name typed so far, and where it starts. */
  prefix: string;
  start: number;
}

/** bpftrace's builtins with a struct type. */
const TYPED_BUILTINS: Readonly<Record<string, string>> = { curtask: 'struct task_struct *' };

const IDENT_END = /[A-Za-z_]\w*$/;

function skipWsBack(text: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i;
}

/** Index of the opener matching the closer at `close`, or -1. */
function matchBack(text: string, close: number, open: string, shut: string): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const c = text[i];
    if (c === shut) depth++;
    else if (c === open && --depth === 0) return i;
  }
  return -1;
}

/** `struct sock *` from the inside of a cast's parentheses, or null when it is no pointer-to-struct cast. */
export function castType(inner: string): string | null {
  const m = /^\s*(?:const\s+)?(struct|union)\s+([A-Za-z_]\w*)\s*(\*+)\s*$/.exec(inner);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : null;
}

/** A cast `(struct X *)` ending just before `pos`: its type and where it starts. */
function castBefore(text: string, pos: number): { type: string; start: number } | null {
  const i = skipWsBack(text, pos);
  if (text[i - 1] !== ')') return null;
  const j = matchBack(text, i - 1, '(', ')');
  if (j < 0) return null;
  const type = castType(text.slice(j + 1, i - 1));
  return type ? { type, start: j } : null;
}

/**
 * The postfix chain ending at `end` (`a->b.c[1]`, `(…)->d`), read backwards. A cast in front
 * of a chain applies to the whole chain (C's precedence), so it is not looked at here.
 */
function chainBefore(text: string, end: number, offsetBase: number): { expr: Expr; start: number } | null {
  const steps: Step[] = [];
  let pos = end;
  for (let guard = 0; guard < 64; guard++) {
    const i = skipWsBack(text, pos);
    if (text[i - 1] === ']') {
      const j = matchBack(text, i - 1, '[', ']');
      if (j < 0) return null;
      steps.unshift({ index: true });
      pos = j;
      continue;
    }
    if (text[i - 1] === ')') {
      const j = matchBack(text, i - 1, '(', ')');
      if (j < 0) return null;
      // A call (`str(…)`, `kptr(…)`): its value has no struct type we know.
      if (IDENT_END.test(text.slice(0, skipWsBack(text, j)))) return { expr: { base: { kind: 'unknown' }, steps }, start: j };
      const inner = fullExpr(text.slice(j + 1, i - 1), offsetBase + j + 1);
      if (!inner) return null;
      return { expr: { base: inner.base, steps: [...inner.steps, ...steps] }, start: j };
    }
    const m = IDENT_END.exec(text.slice(0, i));
    if (!m) return null;
    const name = m[0];
    const nameStart = i - name.length;
    if (/\d/.test(text[nameStart - 1] ?? '')) return null; // 1e5, 0x1f: a number
    const k = skipWsBack(text, nameStart);
    const acc = text.slice(k - 2, k) === '->' ? '->' : text[k - 1] === '.' ? '.' : null;
    if (acc) {
      steps.unshift({ member: name, accessor: acc });
      pos = k - acc.length;
      continue;
    }
    if (text[nameStart - 1] === '$') return { expr: { base: { kind: 'var', name: `$${name}`, at: offsetBase + nameStart - 1 }, steps }, start: nameStart - 1 };
    if (text[nameStart - 1] === '@') {
      // `@sk[tid]->`: the brackets are the map's key, not an index into its value.
      if (steps[0] && 'index' in steps[0]) steps.shift();
      return { expr: { base: { kind: 'map', name: `@${name}` }, steps }, start: nameStart - 1 };
    }
    if (name === 'retval') return { expr: { base: { kind: 'probeValue', name }, steps }, start: nameStart };
    if (name === 'args') return { expr: { base: { kind: 'args' }, steps }, start: nameStart };
    const typed = TYPED_BUILTINS[name];
    return { expr: { base: typed ? { kind: 'type', type: typed } : { kind: 'unknown' }, steps }, start: nameStart };
  }
  return null;
}

/** A whole expression (`(struct sock *)arg0`, `$t->mm`), or null when it is anything else (`$a + 1`). */
export function fullExpr(text: string, offsetBase = 0): Expr | null {
  const end = skipWsBack(text, text.length);
  const chain = chainBefore(text, end, offsetBase);
  if (!chain) return null;
  let expr = chain.expr;
  let start = chain.start;
  // Casts nest: (struct a *)(struct b *)x is an a, the outermost cast wins.
  for (let c = castBefore(text, start); c; c = castBefore(text, start)) {
    expr = { base: { kind: 'type', type: c.type }, steps: [] };
    start = c.start;
  }
  return text.slice(0, start).trim() === '' ? expr : null;
}

/**
 * The member access being typed at `offset` (`curtask->pi|`), or null. Only in code: the
 * caller has made sure the offset is in an action block or filter.
 */
export function memberAccessAt(source: string, offset: number): MemberAccess | null {
  const before = source.slice(0, offset);
  const m = /(->|\.)(\s*)(\w*)$/.exec(before);
  if (!m) return null;
  const prefix = m[3]!;
  const accStart = offset - m[0].length;
  // `1.5` is a number, `..` is nothing we complete.
  if (m[1] === '.' && /\d$/.test(before.slice(0, accStart)) && !/[A-Za-z_]\w*$/.test(before.slice(0, accStart))) return null;
  const chain = chainBefore(before, accStart, 0);
  if (!chain) return null;
  return { expr: chain.expr, accessor: m[1] as '->' | '.', accessorStart: accStart, prefix, start: offset - prefix.length };
}

/** Where a right-hand side starting at `from` ends: `;`, a newline or a brace outside parentheses (text.length when it runs on). */
function statementEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (depth < 0) return i;
    if (depth === 0 && (c === ';' || c === '\n' || c === '}' || c === '{')) return i;
  }
  return text.length;
}

/**
 * The expression a scratch variable was last given before `at` in the same action block
 * (`$t = (struct task_struct *)curtask;`, `let $t = …`), with its typed declaration
 * (`let $t: struct task_struct * = …`) when there is one.
 */
export function assignmentOf(source: string, name: string, at: number): { expr: Expr | null; declared: string | null } | null {
  const s = scan(source, at);
  if (s.blockStart < 0) return null;
  const body = source.slice(s.blockStart + 1, at);
  const re = new RegExp(`${name.replace('$', '\\$')}\\b\\s*(?::\\s*([^=;{}]+?))?\\s*=(?!=)`, 'g');
  // The last assignment that ends before `at`: in `$t = $t->real_parent`, the right-hand
  // `$t` is the one given before this statement.
  const found: Array<{ m: RegExpMatchArray; rhsStart: number; rhsEnd: number }> = [];
  for (const m of body.matchAll(re)) {
    const abs = s.blockStart + 1 + m.index!;
    if (scan(source, abs).state !== 'block') continue; // in a comment or string
    if (/[\w$@]/.test(body[m.index! - 1] ?? '')) continue; // $tt, not $t
    const rhsStart = m.index! + m[0].length;
    const rhsEnd = statementEnd(body, rhsStart);
    if (rhsEnd < body.length) found.push({ m, rhsStart, rhsEnd });
  }
  const last = found[found.length - 1];
  if (!last) return null;
  const declared = last.m[1]?.trim() || null;
  return { expr: fullExpr(body.slice(last.rhsStart, last.rhsEnd), s.blockStart + 1 + last.rhsStart), declared };
}

/** The expressions stored into map `name` anywhere in the script (`@sk[tid] = (struct sock *)arg0;`), in order. */
export function mapAssignments(source: string, name: string): Array<Expr | null> {
  const out: Array<Expr | null> = [];
  const re = new RegExp(`${name}(?!\\w)`, 'g');
  for (const m of source.matchAll(re)) {
    const at = m.index!;
    if (/[\w$@]/.test(source[at - 1] ?? '')) continue;
    if (scan(source, at).state !== 'block') continue;
    let i = at + m[0].length;
    while (/\s/.test(source[i] ?? '')) i++;
    if (source[i] === '[') {
      let depth = 0;
      for (; i < source.length; i++) {
        if (source[i] === '[') depth++;
        else if (source[i] === ']' && --depth === 0) break;
      }
      i++;
    }
    const eq = /^\s*=(?!=)/.exec(source.slice(i));
    if (!eq) continue;
    const rhsStart = i + eq[0].length;
    const rhsEnd = statementEnd(source, rhsStart);
    out.push(fullExpr(source.slice(rhsStart, rhsEnd), rhsStart));
  }
  return out;
}

/**
 * The kernel functions whose BTF prototypes give a raw tracepoint's typed `args`
 * (`rawtracepoint:sched_switch`, `rt:sched:sched_switch`, `rawtracepoint:mod:event`): the
 * tracepoint macros define `__probestub_<event>(void *__data, proto)` (kernel 6.4+) and
 * `__bpf_trace_<event>(void *__data, proto)` (BTF since 5.5); the parameters after `__data`
 * are the tracepoint's arguments. Null for anything else or a wildcard.
 */
export function rawTracepointArgFunctions(fullSpec: string): string[] | null {
  const m = /^rawtracepoint:(?:[\w.-]*:)?([A-Za-z_]\w*)$/.exec(fullSpec.trim());
  if (!m) return null;
  return [`kfunc:__probestub_${m[1]}`, `kfunc:__bpf_trace_${m[1]}`];
}

// ---- types

/** Where types come from: the probe in scope's fields, and kernel structs (BTF). */
export interface TypeLookup {
  args(): Promise<ProbeArg[] | null>;
  struct(name: string): Promise<StructLayout | null>;
}

const SCALAR = /^(?:(?:un)?signed|int|char|short|long|long long|long int|bool|_Bool|float|double|void|[us](?:8|16|32|64)|__[us](?:8|16|32|64)|u?int(?:8|16|32|64)?_t|size_t|ssize_t|pid_t|uid_t|gid_t|loff_t|off_t|dev_t|umode_t|time64_t|ktime_t|sector_t|gfp_t|fmode_t|phys_addr_t|dma_addr_t)$/;

function unqualified(type: string): string {
  return type
    .replace(/\b(?:const|volatile|restrict)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*\*/g, ' *')
    .replace(/\* \*/g, '**')
    .trim();
}

/**
 * The struct (or typedef) whose members `type` has, for either accessor: `struct mm_struct *`
 * and `struct path` give mm_struct and path, `atomic_t` gives atomic_t (the host follows
 * typedefs); `char[16]`, `struct x **`, `int` give null.
 */
export function structOf(type: string): string | null {
  let t = unqualified(type);
  if (t.endsWith(' *')) t = t.slice(0, -2).trim();
  if (t.includes('*') || t.includes('[') || t.includes('(')) return null;
  const m = /^(?:struct|union) ([A-Za-z_]\w*)$/.exec(t);
  if (m) return m[1]!;
  if (/^[A-Za-z_]\w*$/.test(t) && !SCALAR.test(t)) return t;
  return null;
}

/** The type of `x[i]` when x has `type`: an array's element or a pointer's target. */
export function elementType(type: string): string | null {
  const t = unqualified(type);
  const arr = /^(.*?)\s*\[\d*\]$/.exec(t);
  if (arr) return arr[1]!;
  if (t.endsWith('*')) return t.slice(0, -1).trim();
  return null;
}

export interface Member {
  name: string;
  type: string;
  offset?: number;
  size?: number;
  /** `struct task_struct`, or the probe whose field it is. */
  owner: string;
  /** An anonymous struct/union member's own members (`union {...} in6_u`). */
  members?: Member[];
}

/** A type as far as completion goes: its C text, and the members of an anonymous type (it has no name to ask for). */
interface TypeRef {
  type: string;
  members?: Member[];
}

const MAX_VAR_DEPTH = 8;

/** The C type of `expr` in `source`, or null when it cannot be known. */
export async function typeOfExpr(source: string, expr: Expr, lookup: TypeLookup): Promise<string | null> {
  return (await refOfExpr(source, expr, lookup, 0))?.type ?? null;
}

async function refOfExpr(source: string, expr: Expr, lookup: TypeLookup, depth: number): Promise<TypeRef | null> {
  let ref: TypeRef | null = null;
  let steps = expr.steps;
  const base = expr.base;
  const text = (t: string | null | undefined): TypeRef | null => (t ? { type: t } : null);
  if (base.kind === 'unknown') return null;
  if (base.kind === 'type') ref = { type: base.type };
  else if (base.kind === 'var') {
    if (depth >= MAX_VAR_DEPTH) return null;
    const a = assignmentOf(source, base.name, base.at);
    if (!a) return null;
    ref = a.declared ? { type: a.declared } : a.expr ? await refOfExpr(source, a.expr, lookup, depth + 1) : null;
  } else if (base.kind === 'map') {
    if (depth >= MAX_VAR_DEPTH) return null;
    // The last store whose type is known (maps are global: any probe may write them).
    for (const a of mapAssignments(source, base.name).reverse()) {
      ref = a ? await refOfExpr(source, a, lookup, depth + 1) : null;
      if (ref) break;
    }
  } else if (base.kind === 'probeValue') {
    const args = await lookup.args();
    ref = text(args?.find((x) => x.name === base.name)?.type);
  } else {
    const first = steps[0];
    if (!first || !('member' in first)) return null;
    const args = await lookup.args();
    ref = text(args?.find((x) => x.name === first.member)?.type);
    steps = steps.slice(1);
  }
  for (const step of steps) {
    if (ref === null) return null;
    if ('index' in step) {
      ref = text(elementType(ref.type));
      continue;
    }
    const m = (await membersOf(ref, lookup))?.find((x) => x.name === step.member);
    ref = m ? { type: m.type, members: m.members } : null;
  }
  return ref;
}

function toMembers(ms: StructLayout['members'], owner: string): Member[] {
  return ms
    .filter((m) => m.name !== '')
    .map((m) => ({
      name: m.name,
      type: m.type,
      offset: m.offset,
      size: m.size,
      owner,
      ...(m.members?.length ? { members: toMembers(m.members, `${m.type} ${m.name}`) } : {}),
    }));
}

/** The members one can write after an expression of `type` (a struct, a pointer to one, a typedef of one). */
export async function membersOfType(type: string, lookup: TypeLookup): Promise<Member[] | null> {
  const name = structOf(type);
  if (!name) return null;
  const s = await lookup.struct(name);
  if (!s) return null;
  const bare = unqualified(type).replace(/ \*$/, '');
  return toMembers(s.members, /^(?:struct|union) /.test(bare) ? bare : s.name);
}

async function membersOf(ref: TypeRef, lookup: TypeLookup): Promise<Member[] | null> {
  // An anonymous type, reached as a value (`.`) or through a pointer to it.
  if (ref.members && /\{\.\.\.\}\s*\*?$/.test(unqualified(ref.type))) return ref.members;
  return membersOfType(ref.type, lookup);
}

/**
 * The accessor a value of `type` takes: `->` for a pointer, `.` for a struct value. bpftrace
 * 0.17 and 0.23 refuse the other one ("Can not access field 'pid' on type 'struct
 * task_struct *'", "Can not dereference struct/union of type 'struct path'"); 0.27 accepts
 * both. The right one works everywhere, so completion corrects a wrong one.
 */
export function accessorFor(type: string): '->' | '.' {
  return unqualified(type).endsWith('*') ? '->' : '.';
}

export interface MemberCompletion {
  members: Member[];
  /** The accessor the expression's type takes (null for a probe's `args`, which takes both). */
  accessor: '->' | '.' | null;
}

/** What completes after the accessor of `access`: the probe's fields for `args`, else a struct's members. */
export async function memberCompletion(source: string, access: MemberAccess, lookup: TypeLookup, probeName = 'the probe'): Promise<MemberCompletion | null> {
  const { expr } = access;
  if (expr.base.kind === 'args' && expr.steps.length === 0) {
    const args = await lookup.args();
    return args ? { members: args.map((a) => ({ name: a.name, type: a.type, offset: a.offset, size: a.size, owner: probeName })), accessor: null } : null;
  }
  const ref = await refOfExpr(source, expr, lookup, 0);
  const members = ref === null ? null : await membersOf(ref, lookup);
  return members && ref ? { members, accessor: accessorFor(ref.type) } : null;
}

export async function completionMembers(source: string, access: MemberAccess, lookup: TypeLookup, probeName = 'the probe'): Promise<Member[] | null> {
  return (await memberCompletion(source, access, lookup, probeName))?.members ?? null;
}

/** The member named `name` written after `access`'s accessor, for hover. */
export async function hoveredMember(source: string, access: MemberAccess, name: string, lookup: TypeLookup, probeName?: string): Promise<Member | null> {
  return (await completionMembers(source, access, lookup, probeName))?.find((m) => m.name === name) ?? null;
}
