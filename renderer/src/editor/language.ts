// The bpftrace language service for Monaco: completion (probe specs from the catalog,
// args-> fields of the probe in scope, kernel struct members after -> and . from BTF,
// builtins and functions) and hover (reference entries, probe availability and fields,
// members and structs). The reasoning is in context.ts, member-access.ts and reference.ts.
import type { ProbeDescription, ProbeTreeResult, StructLayout } from '../../../common/contract/index.js';
import { describeProbe, listProbesCached, probeTree } from '../probes/api.js';
import { useUi } from '../state/ui.js';
import { completionContext, probeQuery, probeSpecAt, scan, pickProbe, type ProbeInScope } from './context.js';
import { hoveredMember, memberAccessAt, memberCompletion, rawTracepointArgFunctions, type Member, type TypeLookup } from './member-access.js';
import { structLayout } from './structs.js';
import { keywords, probeTypes, specialProbes } from './bpftrace.js';
import {
  BUILTINS,
  FUNCTIONS,
  MAP_KINDS,
  PROBE_ALIASES,
  PROBE_TYPE_HELP,
  entryMarkdown,
  expandAlias,
  lookupWord,
  versionAtLeast,
} from './reference.js';
import { LANGUAGE_ID, monaco } from './monaco.js';

type Item = monaco.languages.CompletionItem;
const K = () => monaco.languages.CompletionItemKind;
const PROBE_LIMIT = 200;
const RETRIGGER = { id: 'editor.action.triggerSuggest', title: 'Suggest' };

/** The probe a block is in, resolved to one concrete name (a wildcard asks the catalog). */
async function resolveProbe(p: ProbeInScope): Promise<ProbeDescription | null> {
  let name = p.spec;
  if (p.wildcard) {
    const r = await listProbesCached({ query: p.spec, limit: 1 });
    const first = r.probes[0];
    if (!first) return null;
    name = first.name;
  }
  return describeProbe(name);
}

async function treeOrNull(): Promise<ProbeTreeResult | null> {
  try {
    return await probeTree();
  } catch {
    return null;
  }
}

/** Keep the alias the user typed (`t:sched:x` for `tracepoint:sched:x`). */
function withTypedType(name: string, typed: string): string {
  const colon = typed.indexOf(':');
  if (colon < 0) return name;
  const typedType = typed.slice(0, colon);
  const full = PROBE_ALIASES[typedType];
  if (full && name.startsWith(`${full}:`)) return typedType + name.slice(full.length);
  return name;
}

async function probeItems(prefix: string, range: monaco.IRange): Promise<{ items: Item[]; incomplete: boolean }> {
  const q = probeQuery(prefix);
  if (q.kind === 'types') {
    const tree = await treeOrNull();
    const byType = new Map(tree?.types.map((t) => [t.type as string, t]) ?? []);
    const items: Item[] = [];
    for (const type of probeTypes) {
      const t = byType.get(type);
      const help = PROBE_TYPE_HELP[type];
      const unavailable = t && !t.available;
      items.push({
        label: { label: `${type}:`, description: t ? (t.available ? `${t.count.toLocaleString('en-US')} probes` : 'unavailable') : undefined },
        kind: K().Module,
        insertText: `${type}:`,
        range,
        detail: help?.signature,
        documentation: {
          value: [help?.description ?? '', unavailable ? `\n\n**Unavailable here:** ${t.reason}${t.alternative ? `\n\n${t.alternative}` : ''}` : ''].join(''),
        },
        sortText: `${unavailable ? '2' : t ? '0' : '1'}${type}`,
        ...(unavailable ? { tags: [monaco.languages.CompletionItemTag.Deprecated] } : {}),
        command: RETRIGGER,
      });
    }
    for (const sp of specialProbes) {
      items.push({
        label: sp,
        kind: K().Event,
        insertText: sp,
        range,
        detail: PROBE_TYPE_HELP[sp]?.signature,
        documentation: PROBE_TYPE_HELP[sp]?.description,
        sortText: `0${sp}`,
      });
    }
    return { items, incomplete: false };
  }
  if (q.kind === 'groups') {
    const tree = await treeOrNull();
    const t = tree?.types.find((x) => x.type === q.type);
    if (!t) return { items: [], incomplete: false };
    const typedType = prefix.slice(0, prefix.indexOf(':') + 1);
    return {
      items: t.groups.map((g) => ({
        label: { label: `${typedType}${g.name}:`, description: `${g.count.toLocaleString('en-US')}` },
        kind: K().Folder,
        insertText: `${typedType}${g.name}:`,
        range,
        detail: `${g.count.toLocaleString('en-US')} ${q.type} probes${t.available ? '' : ' (unavailable here)'}`,
        sortText: g.name,
        command: RETRIGGER,
      })),
      incomplete: false,
    };
  }
  // Probes under a prefix: ask for the whole "directory" once (cached); if it is larger than
  // a page, ask for the typed prefix and say the list is incomplete so Monaco asks again.
  const dir = expandAlias(q.dir);
  let r = await listProbesCached({ query: `${dir}*`, limit: PROBE_LIMIT });
  let incomplete = false;
  if (r.total > r.probes.length) {
    r = await listProbesCached({ query: q.pattern, limit: PROBE_LIMIT });
    incomplete = r.total > r.probes.length;
  }
  const items = r.probes.map((p): Item => {
    const label = withTypedType(p.name, prefix);
    return {
      label: { label, description: p.available ? undefined : 'unavailable' },
      kind: K().Event,
      insertText: label,
      range,
      detail: p.available ? p.type : `${p.type} — unavailable here`,
      sortText: `${p.available ? '0' : '1'}${p.name}`,
      ...(p.available ? {} : { tags: [monaco.languages.CompletionItemTag.Deprecated] }),
    };
  });
  return { items, incomplete };
}

/**
 * The `args` a block reads: its probe's, or for a raw tracepoint the parameters of the
 * kernel function whose prototype is the tracepoint's (see rawTracepointArgFunctions).
 */
async function argsOf(p: ProbeInScope): Promise<{ name: string; args: ProbeDescription['args'] } | null> {
  const full = expandAlias(p.spec);
  const stubs = p.wildcard ? null : rawTracepointArgFunctions(full);
  if (stubs) {
    // bpftrace 0.23 refuses args in a raw tracepoint, 0.27 types them from BTF (0.24-0.26 not checked here).
    if (!versionAtLeast(useUi.getState().bpftraceVersion, 0, 24)) return null;
    for (const fn of stubs) {
      const d = await describeProbe(fn).catch(() => null);
      if (d && d.args[0]?.name === '__data') return { name: full, args: d.args.slice(1) };
    }
    return null;
  }
  const d = await resolveProbe(p);
  return d ? { name: d.name, args: d.args } : null;
}

/** Types for member completion: the probe in scope's fields and the host's BTF structs. */
function typeLookup(probe: ProbeInScope | null): TypeLookup & { probeName(): Promise<string | undefined> } {
  let args: ReturnType<typeof argsOf> | null = null;
  const get = () => (args ??= probe ? argsOf(probe).catch(() => null) : Promise.resolve(null));
  return {
    args: async () => (await get())?.args ?? null,
    struct: structLayout,
    probeName: async () => (await get())?.name,
  };
}

function memberDoc(m: Member): string {
  const where = m.owner.startsWith('struct ') || m.owner.startsWith('union ') || !m.owner.includes(':') ? `Member of \`${m.owner}\`` : `Field of \`${m.owner}\``;
  const at = m.offset !== undefined ? ` — offset ${m.offset}${m.size !== undefined ? `, size ${m.size}` : ''}` : '';
  return `${where}${at}`;
}

function memberItems(members: Member[], range: monaco.IRange): Item[] {
  return members.map((m, i) => ({
    label: { label: m.name, description: m.type },
    kind: K().Field,
    insertText: m.name,
    range,
    detail: `${m.type} ${m.name}`,
    documentation: { value: memberDoc(m) },
    // Declaration order, as the struct reads in the kernel's source.
    sortText: String(i).padStart(4, '0'),
  }));
}

async function fieldItems(probe: ProbeInScope, range: monaco.IRange): Promise<Item[]> {
  const lookup = typeLookup(probe);
  const args = await lookup.args();
  if (!args) return [];
  const owner = (await lookup.probeName()) ?? probe.spec;
  return memberItems(
    args.map((a) => ({ ...a, owner })),
    range,
  );
}

function codeItems(source: string, prefix: string, range: monaco.IRange): Item[] {
  const items: Item[] = [];
  const seen = new Set<string>();
  const add = (item: Item, key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    items.push(item);
  };
  // Variables of this script.
  for (const m of source.matchAll(/[@$][A-Za-z_]\w*/g)) {
    const v = m[0];
    if (v === prefix) continue;
    const map = v.startsWith('@');
    add(
      {
        label: v,
        kind: K().Variable,
        insertText: v,
        range,
        detail: map ? 'map' : 'scratch variable',
        documentation: { value: entryMarkdown(MAP_KINDS[map ? 1 : 3]!, 'map') },
        sortText: `0${v}`,
      },
      v,
    );
  }
  if (prefix.startsWith('@')) return items;
  if (prefix.startsWith('$')) {
    add({ label: '$1', kind: K().Variable, insertText: '$1', range, detail: 'positional parameter', documentation: 'Positional parameters $1..$N', sortText: '1$1' }, '$1');
    return items;
  }
  for (const f of FUNCTIONS) {
    add(
      {
        label: { label: f.name, detail: f.signature.slice(f.name.length), description: f.description },
        kind: K().Function,
        insertText: f.snippet ?? `${f.name}($0)`,
        insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
        range,
        detail: f.signature,
        documentation: { value: entryMarkdown(f, 'function') },
        sortText: `2${f.name}`,
      },
      `f:${f.name}`,
    );
  }
  for (const b of BUILTINS) {
    if (b.name.startsWith('$')) continue;
    add(
      {
        label: { label: b.name, description: b.description },
        kind: K().Variable,
        insertText: b.name,
        range,
        detail: b.signature,
        documentation: { value: entryMarkdown(b, 'builtin') },
        sortText: `1${b.name}`,
      },
      `b:${b.name}`,
    );
  }
  for (const k of keywords) {
    add({ label: k, kind: K().Keyword, insertText: k, range, sortText: `3${k}` }, `k:${k}`);
  }
  return items;
}

function rangeFrom(model: monaco.editor.ITextModel, start: number, position: monaco.Position): monaco.IRange {
  const s = model.getPositionAt(start);
  // Replacements never span lines.
  const startColumn = s.lineNumber === position.lineNumber ? s.column : 1;
  return { startLineNumber: position.lineNumber, startColumn, endLineNumber: position.lineNumber, endColumn: position.column };
}

const completionProvider: monaco.languages.CompletionItemProvider = {
  triggerCharacters: [':', '>', '.', '@', '$'],
  async provideCompletionItems(model, position) {
    const source = model.getValue();
    const offset = model.getOffsetAt(position);
    const ctx = completionContext(source, offset);
    try {
      if (ctx.kind === 'probe') {
        const { items, incomplete } = await probeItems(ctx.prefix, rangeFrom(model, ctx.start, position));
        return { suggestions: items, incomplete };
      }
      if (ctx.kind === 'field') {
        if (!ctx.probe) return { suggestions: [] };
        if (ctx.accessor === '.' && !versionAtLeast(useUi.getState().bpftraceVersion, 0, 21)) return { suggestions: [] };
        return { suggestions: await fieldItems(ctx.probe, rangeFrom(model, ctx.start, position)) };
      }
      if (ctx.kind === 'member') {
        const access = memberAccessAt(source, ctx.offset);
        if (!access) return { suggestions: [] };
        const lookup = typeLookup(ctx.probe);
        const c = await memberCompletion(source, access, lookup, await lookup.probeName());
        if (!c) return { suggestions: [] };
        const items = memberItems(c.members, rangeFrom(model, access.start, position));
        // `curtask.` becomes `curtask->` (and `$path->` `$path.`) as the member is chosen.
        if (c.accessor && c.accessor !== access.accessor) {
          const a = model.getPositionAt(access.accessorStart);
          const fix = { range: new monaco.Range(a.lineNumber, a.column, a.lineNumber, a.column + access.accessor.length), text: c.accessor };
          for (const item of items) item.additionalTextEdits = [fix];
        }
        return { suggestions: items };
      }
      if (ctx.kind === 'code') {
        // `.` and `>` only mean something after args (handled above).
        const before = source.slice(Math.max(0, offset - 1), offset);
        if (before === '.' || before === '>' || before === ':') return { suggestions: [] };
        return { suggestions: codeItems(source, ctx.prefix, rangeFrom(model, ctx.start, position)) };
      }
    } catch {
      // Not connected, or the catalog failed: no suggestions rather than an error popup.
    }
    return { suggestions: [] };
  },
};

function probeHoverMarkdown(d: ProbeDescription): string {
  const lines = [`**${d.name}**`, '', `${d.type} · ${d.available ? 'available' : '**unavailable** on this machine'}`];
  if (!d.available) {
    if (d.reason) lines.push('', d.reason);
    if (d.alternative) lines.push('', `*${d.alternative}*`);
  }
  if (d.prototype) lines.push('', '```', d.prototype, '```');
  if (d.args.length > 0) {
    const shown = d.args.slice(0, 8);
    const w = Math.max(...shown.map((a) => a.type.length));
    lines.push('', d.type === 'tracepoint' ? 'Fields (`args->NAME`):' : 'Arguments:', '```');
    for (const a of shown) lines.push(`${a.type.padEnd(w)}  ${a.name}`);
    if (d.args.length > shown.length) lines.push(`… ${d.args.length - shown.length} more`);
    lines.push('```');
  }
  return lines.join('\n');
}

function structHoverMarkdown(title: string, s: StructLayout): string {
  const shown = s.members.slice(0, 12);
  const w = Math.max(0, ...shown.map((m) => m.type.length));
  const lines = [`**${title}** — ${s.size.toLocaleString('en-US')} bytes, ${s.members.length.toLocaleString('en-US')} members (kernel BTF)`, '', '```'];
  for (const m of shown) lines.push(`${m.type.padEnd(w)}  ${m.name}`);
  if (s.members.length > shown.length) lines.push(`… ${s.members.length - shown.length} more`);
  lines.push('```');
  return lines.join('\n');
}

const hoverProvider: monaco.languages.HoverProvider = {
  async provideHover(model, position) {
    const source = model.getValue();
    const offset = model.getOffsetAt(position);
    const spec = probeSpecAt(source, offset);
    if (spec) {
      const start = model.getPositionAt(spec.start);
      const end = model.getPositionAt(spec.end);
      const range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
      const type = expandAlias(spec.spec).split(':')[0]!;
      try {
        const d = await resolveProbe(pickProbe(spec.spec) ?? { spec: spec.spec, wildcard: false });
        if (d) return { range, contents: [{ value: probeHoverMarkdown(d) }] };
      } catch (e) {
        const help = PROBE_TYPE_HELP[type];
        return {
          range,
          contents: [{ value: `**${spec.spec}**\n\n${help ? `${help.description}\n\n` : ''}${e instanceof Error ? e.message : String(e)}` }],
        };
      }
      return null;
    }
    const state = scan(source, offset).state;
    if (state === 'comment' || state === 'string') return null;
    const word = model.getWordAtPosition(position);
    if (!word) return null;
    const line = model.getLineContent(position.lineNumber);
    const before = line.slice(0, word.startColumn - 1);
    const after = line.slice(word.endColumn - 1);
    const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
    // A struct named in a cast (`(struct task_struct *)`): its size and first members, from BTF.
    const tag = /\b(struct|union)\s+$/.exec(before);
    if (tag && (state === 'block' || state === 'filter')) {
      const s = await structLayout(word.word);
      if (!s) return null;
      return { range, contents: [{ value: structHoverMarkdown(`${tag[1]} ${word.word}`, s) }] };
    }
    // A member (`args->filename`, `curtask->comm`, `$t->mm->owner`): its type and its struct.
    if (/(->|\.)\s*$/.test(before)) {
      if (state !== 'block' && state !== 'filter') return null;
      const wordStart = model.getOffsetAt({ lineNumber: position.lineNumber, column: word.startColumn });
      const access = memberAccessAt(source, wordStart);
      if (!access) return null;
      try {
        const lookup = typeLookup(pickProbe(scan(source, offset).header));
        const m = await hoveredMember(source, access, word.word, lookup, await lookup.probeName());
        if (!m) return null;
        return { range, contents: [{ value: `\`\`\`\n${m.type} ${m.name}\n\`\`\`\n${memberDoc(m)}` }] };
      } catch {
        return null;
      }
    }
    const text = before.endsWith('$') ? `$${word.word}` : word.word;
    const e = lookupWord(text, /^\s*\(/.test(after));
    if (!e) return null;
    const r = before.endsWith('$') ? new monaco.Range(position.lineNumber, word.startColumn - 1, position.lineNumber, word.endColumn) : range;
    return { range: r, contents: [{ value: entryMarkdown(e, e.kind) }] };
  },
};

let registered = false;
export function registerLanguageService(): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, completionProvider);
  monaco.languages.registerHoverProvider(LANGUAGE_ID, hoverProvider);
}
