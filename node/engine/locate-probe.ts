// Where in the script a probe bpftrace failed to attach was written, for the editor's marker.
// bpftrace names the probe as it expanded it ("Error attaching probe: 'kprobe:vfs_read'",
// or tracepoint:syscalls:sys_enter_read from a `t:syscalls:sys_enter_*` spec): the place is
// the attach point that matches it, by probe type (aliases alike) and glob, never a comment
// or a string that happens to contain the same text. Pure.
import { blankCommentsAndStrings } from './inject-snapshot.js';
import { findProbeSpecs, probeTypeOfSpec } from './probe-specs.js';

export interface SourceSpan {
  line: number;
  column: number;
  endColumn: number;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The part after the type (`kprobe:vfs_read` → `vfs_read`; `t:syscalls:x` → `syscalls:x`). */
const rest = (spec: string) => spec.slice(spec.indexOf(':') + 1);

export function locateProbe(source: string, probe: string): SourceSpan | null {
  const type = probeTypeOfSpec(probe);
  const specs = findProbeSpecs(source);
  // The attach point written exactly so, then one of the same type whose pattern covers it.
  const exact = specs.find((s) => s.spec === probe);
  const covering = exact ?? specs.find((s) => s.type === type && type !== null && globToRegExp(rest(s.spec)).test(rest(probe)));
  if (covering) return { line: covering.line, column: covering.column, endColumn: covering.endColumn };
  // Otherwise the text, searched outside comments and strings only.
  const lines = blankCommentsAndStrings(source).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i]!.indexOf(probe);
    if (c >= 0) return { line: i + 1, column: c + 1, endColumn: c + 1 + probe.length }; // end exclusive, like bpftrace
  }
  return null;
}
