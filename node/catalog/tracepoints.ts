// Tracepoints from tracefs: `available_events` (names) and `events/<subsys>/<event>/format`
// (fields). Parsers are pure; the reader takes the tracefs root as a parameter.
import fs from 'node:fs';
import path from 'node:path';

export interface TracepointName {
  subsys: string;
  event: string;
}

/** One field as `bpftrace -lv` shows it: C type and name, plus the tracefs layout. */
export interface TracepointField {
  name: string;
  /** C type text as tracefs writes it, with an array suffix moved here (`char[16]` → shown as `char prev_comm[16]`). */
  type: string;
  /** The array suffix (`[16]`), or '' when the field is not an array. */
  array: string;
  offset: number;
  size: number;
  signed: boolean;
  /** The declaration exactly as bpftrace -lv prints it (`const char * filename`, `char comm[16]`). */
  decl: string;
}

/** `subsys:event` lines → names (blank and malformed lines skipped, duplicates removed, sorted). */
export function parseAvailableEvents(text: string): TracepointName[] {
  const seen = new Set<string>();
  const out: TracepointName[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const i = line.indexOf(':');
    if (i <= 0 || i === line.length - 1 || line.indexOf(':', i + 1) !== -1 || /\s/.test(line)) continue;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push({ subsys: line.slice(0, i), event: line.slice(i + 1) });
  }
  out.sort((a, b) => (a.subsys === b.subsys ? cmp(a.event, b.event) : cmp(a.subsys, b.subsys)));
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const FIELD_RE = /^\s*field:(.*?);\s*offset:(\d+);\s*size:(\d+);(?:\s*signed:(\d+);)?/;

/**
 * Split a tracefs field declaration (`const char * filename`, `char comm[16]`,
 * `__data_loc char[] name`) into type, name and array suffix. Never throws: anything it
 * cannot read keeps its raw text as the type.
 */
export function splitDeclaration(decl: string): { type: string; name: string; array: string } {
  const d = decl.trim();
  const m = /^(.*?)([A-Za-z_$][\w$]*)\s*((?:\[[^\]]*\])*)$/.exec(d);
  if (!m || m[1].trim() === '') return { type: d, name: d.split(/\s+/).pop() ?? d, array: '' };
  return { type: m[1].trim(), name: m[2], array: m[3] };
}

/** Parse a tracepoint `format` file. Skips `common_*` fields as bpftrace does. */
export function parseFormat(text: string): TracepointField[] {
  const out: TracepointField[] = [];
  for (const line of text.split('\n')) {
    const m = FIELD_RE.exec(line);
    if (!m) continue;
    const { type, name, array } = splitDeclaration(m[1]);
    if (name.startsWith('common_')) continue;
    out.push({
      name,
      type,
      array,
      offset: Number(m[2]),
      size: Number(m[3]),
      signed: m[4] === '1',
      decl: array ? `${type} ${name}${array}` : `${type} ${name}`,
    });
  }
  return out;
}

/** The type a script sees for `args->name` (arrays keep their suffix: `char[16]`). */
export function fieldTypeText(f: TracepointField): string {
  return f.array ? `${f.type}${f.array}` : f.type;
}

/** Is this field a string a script should wrap in str()? */
export function isStringField(f: TracepointField): boolean {
  const t = f.type.replace(/\s+/g, ' ');
  if (/^__data_loc (const )?char\s*\[\]$/.test(t)) return true;
  if (/^(const )?(unsigned )?char \*( ?const)?$/.test(t)) return true;
  return false;
}

export interface TracepointSource {
  names: TracepointName[];
  notes: string[];
}

/** Read `available_events` under a tracefs root (falls back to listing events/). */
export function readTracepoints(tracefs: string | null): TracepointSource {
  if (!tracefs) return { names: [], notes: ['tracefs is not mounted: no tracepoints listed'] };
  try {
    return { names: parseAvailableEvents(fs.readFileSync(path.join(tracefs, 'available_events'), 'utf8')), notes: [] };
  } catch (e) {
    // Fall back to the events/ directory tree.
    try {
      const names: TracepointName[] = [];
      const ev = path.join(tracefs, 'events');
      for (const subsys of fs.readdirSync(ev)) {
        const dir = path.join(ev, subsys);
        if (!fs.statSync(dir).isDirectory()) continue;
        for (const event of fs.readdirSync(dir)) if (fs.existsSync(path.join(dir, event, 'format'))) names.push({ subsys, event });
      }
      return { names: parseAvailableEvents(names.map((n) => `${n.subsys}:${n.event}`).join('\n')), notes: [`tracepoints from ${ev}: ${tracefs}/available_events is not readable (${(e as Error).message})`] };
    } catch (e2) {
      return { names: [], notes: [`no tracepoints: ${tracefs}/available_events is not readable (${(e2 as Error).message})`] };
    }
  }
}

/** Read and parse one tracepoint's format; null when it cannot be read. */
export function readFormat(tracefs: string | null, subsys: string, event: string): TracepointField[] | null {
  if (!tracefs || subsys.includes('/') || event.includes('/') || subsys.startsWith('.') || event.startsWith('.')) return null;
  try {
    return parseFormat(fs.readFileSync(path.join(tracefs, 'events', subsys, event, 'format'), 'utf8'));
  } catch {
    return null;
  }
}
