// The "Profile CPU" script: what the dialog's choices mean in bpftrace. Pure.

export interface ProfileChoice {
  hz: number;
  stacks: 'kernel' | 'user' | 'both';
  scope: { kind: 'all' } | { kind: 'pid'; pid: number } | { kind: 'comm'; comm: string };
  /** Seconds; null: until stopped. */
  durationSec: number | null;
}

/**
 * Kernel stacks on all CPUs. User stacks only for a chosen PID or command: at stop bpftrace
 * symbolizes every user stack, which for a whole machine (browsers, Electron: kscope itself)
 * takes it tens of seconds and once lost whole profiles.
 */
export const DEFAULT_PROFILE: ProfileChoice = { hz: 99, stacks: 'kernel', scope: { kind: 'all' }, durationSec: null };

/** The stacks a scope starts with: kernel for all CPUs, kernel + user for one process. */
export function defaultStacks(scope: ProfileChoice['scope']['kind']): ProfileChoice['stacks'] {
  return scope === 'all' ? 'kernel' : 'both';
}

/** BPFTRACE_MAP_KEYS_MAX for profiling runs (bpftrace's 4096 drops stacks within seconds). */
export const PROFILE_MAP_KEYS_MAX = 65536;

/** Why a choice cannot run, or null. */
export function profileProblem(c: ProfileChoice): string | null {
  if (!Number.isInteger(c.hz) || c.hz < 1 || c.hz > 10_000) return 'Frequency must be a whole number of Hz between 1 and 10000.';
  if (c.scope.kind === 'pid' && (!Number.isInteger(c.scope.pid) || c.scope.pid < 1)) return 'PID must be a positive whole number.';
  if (c.scope.kind === 'comm' && !/^[^"\\\n]{1,15}$/.test(c.scope.comm)) return 'Process name: 1–15 characters, no quotes or backslashes.';
  if (c.scope.kind === 'all' && c.stacks !== 'kernel') return 'User stacks need a PID or a process name (symbolizing every process\'s user stacks at stop can take bpftrace minutes).';
  if (c.durationSec !== null && !(c.durationSec > 0)) return 'Duration must be positive (or run until stopped).';
  return null;
}

/**
 * `profile:hz:99 /pid == 123/ { @[kstack, ustack, comm] = count(); }`. The key puts comm
 * last: kscope groups flame graphs by the non-stack key parts, so each process gets its own
 * tower, with its user frames (root-first) above its kernel frames.
 */
export function profileScript(c: ProfileChoice): string {
  const problem = profileProblem(c);
  if (problem) throw new Error(problem);
  const filter = c.scope.kind === 'pid' ? ` /pid == ${c.scope.pid}/` : c.scope.kind === 'comm' ? ` /comm == "${c.scope.comm}"/` : '';
  const stacks = c.stacks === 'kernel' ? ['kstack'] : c.stacks === 'user' ? ['ustack'] : ['kstack', 'ustack'];
  const key = [...stacks, 'comm'].join(', ');
  const head = `// CPU profile: ${c.hz} Hz, ${c.stacks === 'both' ? 'kernel and user' : c.stacks} stacks, ${
    c.scope.kind === 'all' ? 'all CPUs' : c.scope.kind === 'pid' ? `PID ${c.scope.pid}` : `comm ${c.scope.comm}`
  }${c.durationSec ? `, ${c.durationSec} s` : ''}\n`;
  return `${head}profile:hz:${c.hz}${filter} { @[${key}] = count(); }\n`;
}
