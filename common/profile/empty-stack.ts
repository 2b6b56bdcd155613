// The name of the frame drawn for a sample whose stacks are all empty, so a flame graph
// accounts for every sample (an empty kstack is a sample taken while the CPU ran user code:
// without a frame, 70 % of a CPU profile would be blank space under the root). Pure.
import type { KeyPart } from './stacks.js';

export const EMPTY_STACK = '[empty stack]';
export const USER_SPACE = '[user space]';
export const IDLE = '[idle]';
export const NO_USER_STACK = '[no user stack]';

/** A comm or pid part that says the sample was the idle task (swapper/N, pid 0). */
function isIdleGroup(g: string): boolean {
  return g === '0' || /^swapper(\/\d+)?$/.test(g);
}

/**
 * The frame for a key whose stack parts printed no frames. `kinds` are the key's stack
 * parts as the script declares them (kstack/ustack, in order), or null when unknown;
 * `groups` the key's other parts (comm, pid, …) as printed.
 */
export function emptyStackName(kinds: readonly KeyPart[] | null, groups: readonly string[]): string {
  const stacks = kinds?.filter((k) => k === 'kstack' || k === 'ustack') ?? [];
  if (stacks.length === 0) return EMPTY_STACK;
  if (stacks.every((k) => k === 'kstack')) return groups.some(isIdleGroup) ? IDLE : USER_SPACE;
  // No user frames: a kernel thread, or a sample taken in the kernel without a user context.
  if (stacks.every((k) => k === 'ustack')) return NO_USER_STACK;
  return EMPTY_STACK;
}
