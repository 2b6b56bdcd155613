// The example gallery in resources/examples: id from the file name, title and
// description from the header comment (the style of bpftrace's tools/ scripts), metadata
// from `@kscope key: value` lines in that header. `X.equivalent.bt` is the script that
// runs instead of `X.bt` on a kernel that lacks what X needs (capabilities decide).
import fs from 'node:fs';
import path from 'node:path';
import type { Capability, Example } from '../common/contract/index.js';
import { findProbeSpecs } from './engine/probe-specs.js';

const VIEWS = ['printf', 'table', 'histogram', 'flamegraph', 'stats', 'probes'] as const;
type View = (typeof VIEWS)[number];

export interface ExampleHeader {
  title: string;
  description: string;
  meta: Record<string, string>;
}

/** Title (first line), description (the rest, without `@kscope` lines) and metadata of the header comment. */
export function parseHeader(text: string, fallbackTitle: string): ExampleHeader {
  const header = /^(?:#![^\n]*\n)?\s*\/\*([\s\S]*?)\*\//.exec(text);
  const meta: Record<string, string> = {};
  const lines: string[] = [];
  for (const raw of (header?.[1] ?? '').split('\n')) {
    const l = raw.replace(/^\s*\*\s?/, '').trimEnd();
    const m = /^\s*@kscope\s+([\w-]+)\s*:\s*(.*)$/.exec(l);
    if (m) meta[m[1]] = m[2].trim();
    else lines.push(l);
  }
  while (lines.length && !lines[0].trim()) lines.shift();
  const title = lines.shift()?.trim() || fallbackTitle;
  // Blank runs left where metadata lines were removed collapse to one blank line.
  const description = lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { title, description, meta };
}

function splitList(s: string | undefined): string[] {
  return (s ?? '')
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** One example as written, before this kernel's capabilities are considered. */
export function parseExample(id: string, text: string): Example {
  const { title, description, meta } = parseHeader(text, id);
  const lessonMeta = Number(meta['lesson']);
  const lessonId = /^lesson-(\d+)$/.exec(id);
  const lesson = Number.isInteger(lessonMeta) && lessonMeta > 0 ? lessonMeta : lessonId ? Number(lessonId[1]) : null;
  const action = meta['action'] === 'browse' ? 'browse' : 'run';
  const needs = meta['needs'] !== undefined ? splitList(meta['needs']) : [...new Set(findProbeSpecs(text).map((s) => s.type as string))].filter((t) => t !== 'BEGIN' && t !== 'END');
  const view: View = (VIEWS as readonly string[]).includes(meta['view'] ?? '') ? (meta['view'] as View) : action === 'browse' ? 'probes' : 'table';
  return {
    id,
    title,
    description,
    source: text,
    lesson,
    needs: action === 'browse' ? [] : needs,
    runnable: true,
    reason: null,
    equivalent: null,
    action,
    pattern: meta['pattern'] ?? null,
    view,
  };
}

/** Why `source` (needing `needs`) cannot run with these capabilities; [] when it can. */
export function missingCapabilities(needs: readonly string[], source: string, caps: Record<string, Capability>): string[] {
  // Types missing for the same reason share one line: "kprobe, kretprobe: <reason>".
  const byReason = new Map<string, string[]>();
  for (const t of needs) {
    const c = caps[`probe:${t}`];
    if (c && !c.available) byReason.set(c.reason, [...(byReason.get(c.reason) ?? []), t]);
  }
  const out = [...byReason].map(([reason, types]) => `${types.join(', ')}: ${reason}`);
  const headers = caps['kernel-headers'];
  if (/^\s*#include\b/m.test(source) && headers && !headers.available) out.push(`kernel headers: ${headers.reason}`);
  return out;
}

/** The example as it stands on this kernel: runnable, or why not and what runs instead. */
export function withCapabilities(ex: Example, caps: Record<string, Capability> | undefined, equivalentText: string | null): Example {
  if (!caps || ex.action === 'browse') return ex;
  const missing = missingCapabilities(ex.needs, ex.source, caps);
  if (!missing.length) return ex;
  let equivalent: Example['equivalent'] = null;
  if (equivalentText !== null) {
    const h = parseHeader(equivalentText, `${ex.title} (equivalent)`);
    equivalent = { source: equivalentText, title: h.title, why: h.description };
  }
  return { ...ex, runnable: false, reason: missing.join('; '), equivalent };
}

/** Lessons first (1..12), then the others by title. Equivalents are folded into their original. */
export function loadExamples(dir: string, caps?: Record<string, Capability>): Example[] {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.bt'));
  } catch {
    return [];
  }
  const read = (f: string): string | null => {
    try {
      return fs.readFileSync(path.join(dir, f), 'utf8');
    } catch {
      return null;
    }
  };
  const out: Example[] = [];
  for (const f of files) {
    if (f.endsWith('.equivalent.bt')) continue;
    const text = read(f);
    if (text === null) continue;
    const id = f.slice(0, -3);
    const eq = files.includes(`${id}.equivalent.bt`) ? read(`${id}.equivalent.bt`) : null;
    out.push(withCapabilities(parseExample(id, text), caps, eq));
  }
  return out.sort((a, b) => (a.lesson ?? 1000) - (b.lesson ?? 1000) || a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
}

/** The script a run of `ex` uses on this kernel, and the `options.example` that says so. */
export function exampleRun(ex: Example): { source: string; variant: 'original' | 'equivalent'; reason: string | null; title: string } {
  if (!ex.runnable && ex.equivalent) return { source: ex.equivalent.source, variant: 'equivalent', reason: ex.reason, title: ex.equivalent.title };
  return { source: ex.source, variant: 'original', reason: ex.reason, title: ex.title };
}
