// How the engine gets bpftrace run as root: a pure decision over facts about this process
// and machine, and the thin shell that gathers the facts.
//
//   app is root, KSCOPE_HELPER unset/auto/never  → bpftrace directly (setpriv --pdeathsig)
//   app is root, KSCOPE_HELPER=always            → the helper, started directly
//   not root, KSCOPE_HELPER=never                → refused (says how to run as root)
//   not root, KSCOPE_PRIVILEGE=pkexec|sudo       → that tool (refused when it is missing)
//   not root, auto: pkexec present               → pkexec HELPER (polkit: org.kscope.run-bpftrace)
//                   else sudo -n true works      → sudo -n HELPER
//                   else                         → refused, saying what to install or configure
// The helper program: $KSCOPE_HELPER_PATH, else the installed wrapper (INSTALLED_HELPER, the
// path the polkit policy names), else dist/electron/helper.cjs next to this bundle run by node.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findOnPath } from '../engine/bpftrace-binary.js';
import type { HelperCommand } from './client.js';

/** Where the deb installs the helper's wrapper (root-owned); the policy's exec.path names it. */
export const INSTALLED_HELPER = '/opt/kscope/resources/helper/kscope-helper';
/**
 * The wrapper for one --unsafe run: polkit action org.kscope.run-bpftrace-unsafe names it and
 * asks for authentication every time (auth_admin, never kept); it starts the helper with
 * KSCOPE_HELPER_ACTION=unsafe, which no caller can pass through pkexec's clean environment.
 */
export const INSTALLED_UNSAFE_HELPER = '/opt/kscope/resources/helper/kscope-helper-unsafe';
export const UNSAFE_ENV = { KSCOPE_HELPER_ACTION: 'unsafe' } as const;

export interface LaunchFacts {
  isRoot: boolean;
  /** $KSCOPE_HELPER: auto (default) | always | never. */
  helperMode: string | undefined;
  /** $KSCOPE_PRIVILEGE: auto (default) | pkexec | sudo. */
  privilege: string | undefined;
  /** argv that runs the helper program (without --parent-pid), or null when not found. */
  helperProgram: string[] | null;
  pkexec: string | null;
  sudo: string | null;
  /** `sudo -n true` succeeds (asked only when needed). */
  sudoWorks: () => boolean;
  parentPid: number;
  /** The installed unsafe wrapper exists (INSTALLED_UNSAFE_HELPER). */
  unsafeWrapper?: boolean;
  /** /usr/bin/env, to give a development helper its unsafe mode under pkexec. */
  envBinary?: string | null;
}

/**
 * How a run with --unsafe gets its own helper: a command that asks for authentication for
 * that run, or why there is none. The normal helper refuses --unsafe whatever it is asked.
 */
export type UnsafeLaunch = { command: HelperCommand } | { refused: string };

export type LaunchPlan = { kind: 'direct' } | { kind: 'helper'; command: HelperCommand; unsafe: UnsafeLaunch } | { kind: 'refuse'; message: string };

const AS_ROOT = 'or run kscope as root (sudo kscope ...)';
const NEEDS = 'bpftrace needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)';

export function planLaunch(f: LaunchFacts): LaunchPlan {
  const mode = f.helperMode || 'auto';
  const privilege = f.privilege || 'auto';
  if (!['auto', 'always', 'never'].includes(mode)) return { kind: 'refuse', message: `KSCOPE_HELPER=${mode} is not one of auto, always, never` };
  if (!['auto', 'pkexec', 'sudo'].includes(privilege)) return { kind: 'refuse', message: `KSCOPE_PRIVILEGE=${privilege} is not one of auto, pkexec, sudo` };
  if (f.isRoot && mode !== 'always') return { kind: 'direct' };
  if (!f.isRoot && mode === 'never') {
    return { kind: 'refuse', message: `${NEEDS} and KSCOPE_HELPER=never forbids the privileged helper: unset it, ${AS_ROOT}` };
  }
  if (!f.helperProgram) {
    return { kind: 'refuse', message: `${NEEDS}; kscope's privileged helper was not found (${INSTALLED_HELPER}, or dist/electron/helper.cjs: run npm run build), ${AS_ROOT}` };
  }
  const argv = [...f.helperProgram, '--parent-pid', String(f.parentPid)];
  const [program, ...rest] = argv;
  if (f.isRoot) return { kind: 'helper', command: { command: program, args: rest, via: 'direct' }, unsafe: { command: { command: program, args: rest, via: 'direct', env: { ...UNSAFE_ENV } } } };
  const installed = f.helperProgram.length === 1 && f.helperProgram[0] === INSTALLED_HELPER;
  const unsafeViaPkexec = (): UnsafeLaunch =>
    installed
      ? f.unsafeWrapper
        ? { command: { command: f.pkexec!, args: [INSTALLED_UNSAFE_HELPER, '--parent-pid', String(f.parentPid)], via: 'pkexec' } }
        : { refused: `unsafe runs need ${INSTALLED_UNSAFE_HELPER} (the polkit action that asks every time); reinstall kscope` }
      : f.envBinary
        ? // A development helper: pkexec's own action for env (auth_admin, asked every time).
          { command: { command: f.pkexec!, args: [f.envBinary, `KSCOPE_HELPER_ACTION=${UNSAFE_ENV.KSCOPE_HELPER_ACTION}`, ...argv], via: 'pkexec' } }
        : { refused: 'unsafe runs need /usr/bin/env to start the development helper under pkexec' };
  const viaPkexec = (): LaunchPlan => ({ kind: 'helper', command: { command: f.pkexec!, args: argv, via: 'pkexec' }, unsafe: unsafeViaPkexec() });
  const viaSudo = (): LaunchPlan => ({
    kind: 'helper',
    command: { command: f.sudo!, args: ['-n', '--', ...argv], via: 'sudo' },
    // sudo -n never asks: it cannot be the consent for one run.
    unsafe: { refused: `unsafe runs need an authentication for each run, which sudo -n cannot ask for: use pkexec (KSCOPE_PRIVILEGE=pkexec), ${AS_ROOT}` },
  });
  if (privilege === 'pkexec') {
    return f.pkexec ? viaPkexec() : { kind: 'refuse', message: `${NEEDS}; KSCOPE_PRIVILEGE=pkexec but pkexec is not installed (sudo apt-get install pkexec), ${AS_ROOT}` };
  }
  if (privilege === 'sudo') {
    return f.sudo ? viaSudo() : { kind: 'refuse', message: `${NEEDS}; KSCOPE_PRIVILEGE=sudo but sudo is not installed, ${AS_ROOT}` };
  }
  if (f.pkexec) return viaPkexec();
  if (f.sudo && f.sudoWorks()) return viaSudo();
  return {
    kind: 'refuse',
    message:
      `${NEEDS} and kscope runs as an ordinary user, with no way to ask for it here: ` +
      'install polkit\'s pkexec (sudo apt-get install pkexec; kscope then asks for your password), ' +
      `or allow the helper in sudoers without a password (KSCOPE_PRIVILEGE=sudo), ${AS_ROOT}.`,
  };
}

declare const __dirname: string | undefined;

/** The argv that runs the helper program, or null. */
export function findHelperProgram(env: NodeJS.ProcessEnv = process.env): string[] | null {
  const node = process.versions.electron ? findOnPath('node', env.PATH) : process.execPath;
  const asProgram = (p: string): string[] | null => {
    if (!path.isAbsolute(p) || !fs.existsSync(p)) return null;
    if (p.endsWith('.cjs') || p.endsWith('.js')) return node ? [node, p] : null;
    return [p];
  };
  if (env.KSCOPE_HELPER_PATH) return asProgram(env.KSCOPE_HELPER_PATH);
  if (fs.existsSync(INSTALLED_HELPER)) return [INSTALLED_HELPER];
  const bundles = [...(typeof __dirname === 'string' ? [path.join(__dirname, 'helper.cjs')] : []), path.resolve(process.cwd(), 'dist', 'electron', 'helper.cjs')];
  for (const b of bundles) {
    const p = asProgram(b);
    if (p) return p;
  }
  return null;
}

export function gatherLaunchFacts(env: NodeJS.ProcessEnv = process.env, isRoot = process.getuid?.() === 0): LaunchFacts {
  const sudo = findOnPath('sudo', env.PATH);
  return {
    isRoot,
    helperMode: env.KSCOPE_HELPER,
    privilege: env.KSCOPE_PRIVILEGE,
    helperProgram: findHelperProgram(env),
    pkexec: findOnPath('pkexec', env.PATH),
    sudo,
    sudoWorks: () => !!sudo && spawnSync(sudo, ['-n', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0,
    parentPid: process.pid,
    unsafeWrapper: fs.existsSync(INSTALLED_UNSAFE_HELPER),
    envBinary: fs.existsSync('/usr/bin/env') ? '/usr/bin/env' : null,
  };
}
