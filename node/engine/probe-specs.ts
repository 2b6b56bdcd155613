// The probe specs a script attaches to (top level, before each action block), with their
// positions, so kscope can check them against this kernel's capabilities. Pure.
import { probeTypeOf, type ProbeType } from '../../common/contract/index.js';
import { blankCommentsAndStrings } from './inject-snapshot.js';


export interface ProbeSpec {
  spec: string;
  type: ProbeType;
  line: number;
  column: number;
  endColumn: number;
}

/** The probe type of a spec (`kr:vfs_read` → kretprobe), or null. */
export function probeTypeOfSpec(spec: string): ProbeType | null {
  return probeTypeOf(spec.split(':')[0]);
}

/** Probe specs outside braces (the attach points), in order. */
export function findProbeSpecs(source: string): ProbeSpec[] {
  const text = blankCommentsAndStrings(source);
  const out: ProbeSpec[] = [];
  let depth = 0;
  let line = 1;
  let col = 1;
  let i = 0;
  let inFilter = false;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      col = 1;
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && c === '/' ) inFilter = !inFilter;
    else if (depth === 0 && !inFilter && c === '#') {
      // #include / #define lines
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    } else if (depth === 0 && !inFilter && /[A-Za-z]/.test(c)) {
      const m = /^[A-Za-z_][\w]*(?::[^\s,{]*)*/.exec(text.slice(i, i + 4096));
      if (m) {
        const spec = m[0];
        const type = probeTypeOfSpec(spec);
        if (type && (spec.includes(':') || type === 'BEGIN' || type === 'END')) {
          out.push({ spec, type, line, column: col, endColumn: col + spec.length }); // endColumn exclusive, as bpftrace and Monaco count
        }
        i += spec.length;
        col += spec.length;
        continue;
      }
    }
    i++;
    col++;
  }
  return out;
}
