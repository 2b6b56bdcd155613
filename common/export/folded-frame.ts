// How a stack's frame is written in folded text (and named in speedscope and pprof), shared
// by the string fold (node/exports/stack-maps.ts) and the id fold (stack-table.ts). Pure.
import { frameName } from '../profile/stacks.js';

/**
 * Folded stack text as it must appear in folded/diff lines: no ';' or line breaks inside a
 * frame, and a blank frame as one space (an empty leaf frame would vanish in flamegraph.pl,
 * whose split drops empty fields at the end).
 */
export function foldedFrame(name: string): string {
  if (name === '' || name.trim() === '') return ' ';
  return name.indexOf(';') < 0 && name.indexOf('\n') < 0 && name.indexOf('\r') < 0 ? name : name.replace(/;/g, ':').replace(/[\n\r]+/g, ' ');
}

/** frameName for the common "name+123" form without a regex; anything else goes to frameName. */
export function nameOf(raw: string): string {
  const plus = raw.lastIndexOf('+');
  if (plus <= 0) return raw;
  let i = plus + 1;
  const n = raw.length;
  if (i === n) return raw;
  for (; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return frameName(raw);
  }
  return raw.slice(0, plus);
}

/** The frame standing for a key with no frames at all (so the samples still count). */
export const EMPTY_STACK = '[empty stack]';
