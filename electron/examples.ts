// The example scripts in resources/examples: id from the file name, title and
// description from the header comment (the style of bpftrace's tools/ scripts).
import fs from 'node:fs';
import path from 'node:path';
import type { Example } from './api/index.js';

export function parseExample(id: string, text: string): Example {
  const header = /^(?:#![^\n]*\n)?\s*\/\*([\s\S]*?)\*\//.exec(text);
  const lines = (header?.[1] ?? '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trimEnd());
  while (lines.length && !lines[0].trim()) lines.shift();
  const title = lines.shift()?.trim() || id;
  const description = lines.join('\n').trim();
  return { id, title, description, source: text, lesson: null, needs: [], runnable: true, reason: null, equivalent: null, action: 'run', pattern: null, view: 'table' };
}

/** Lessons first in lesson order, then the rest by id. */
export function loadExamples(dir: string): Example[] {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.bt'));
  } catch {
    return [];
  }
  const rank = (id: string) => {
    const m = /^lesson-(\d+)$/.exec(id);
    return m ? Number(m[1]) : 1000;
  };
  return files
    .map((f) => parseExample(f.slice(0, -3), fs.readFileSync(path.join(dir, f), 'utf8')))
    .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}
