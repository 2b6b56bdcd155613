import { describe, expect, it } from 'vitest';
import { findTrustedBinary, type StatFn } from '../../root-helper/trusted-binary.js';
import { planLaunch, type LaunchFacts } from './launch.js';

const HELPER = ['/opt/kscope/resources/helper/kscope-helper'];

function facts(over: Partial<LaunchFacts>): LaunchFacts {
  return {
    isRoot: false,
    helperMode: undefined,
    privilege: undefined,
    helperProgram: HELPER,
    pkexec: '/usr/bin/pkexec',
    sudo: '/usr/bin/sudo',
    sudoWorks: () => {
      throw new Error('sudo -n true must not be tried here');
    },
    parentPid: 4242,
    ...over,
  };
}

const cmd = (f: Partial<LaunchFacts>) => {
  const p = planLaunch(facts(f));
  return p.kind === 'helper' ? [p.command.via, p.command.command, ...p.command.args].join(' ') : p.kind === 'refuse' ? `refuse: ${p.message}` : 'direct';
};

const unsafeCmd = (f: Partial<LaunchFacts>) => {
  const p = planLaunch(facts(f));
  if (p.kind !== 'helper') return p.kind;
  const u = p.unsafe;
  return 'refused' in u ? `refused: ${u.refused}` : [u.command.via, u.command.command, ...u.command.args, ...(u.command.env ? [JSON.stringify(u.command.env)] : [])].join(' ');
};

describe('planLaunch: an --unsafe run gets its own helper that asks every time', () => {
  it('pkexec runs the unsafe wrapper (its own polkit action, auth_admin, not kept)', () => {
    expect(unsafeCmd({ unsafeWrapper: true })).toBe('pkexec /usr/bin/pkexec /opt/kscope/resources/helper/kscope-helper-unsafe --parent-pid 4242');
    expect(unsafeCmd({ unsafeWrapper: false })).toMatch(/^refused: unsafe runs need \/opt\/kscope\/resources\/helper\/kscope-helper-unsafe/);
  });
  it('a development helper goes through pkexec env (its own action asks every time)', () => {
    expect(unsafeCmd({ helperProgram: ['/usr/bin/node', '/src/dist/electron/helper.cjs'], envBinary: '/usr/bin/env' })).toBe(
      'pkexec /usr/bin/pkexec /usr/bin/env KSCOPE_HELPER_ACTION=unsafe /usr/bin/node /src/dist/electron/helper.cjs --parent-pid 4242',
    );
  });
  it('sudo -n cannot ask, so it cannot consent: refused with what to do', () => {
    expect(unsafeCmd({ privilege: 'sudo' })).toMatch(/^refused: unsafe runs need an authentication for each run, which sudo -n cannot ask for/);
  });
  it('a root app starting the helper directly sets its unsafe mode itself', () => {
    expect(unsafeCmd({ isRoot: true, helperMode: 'always' })).toBe('direct /opt/kscope/resources/helper/kscope-helper --parent-pid 4242 {"KSCOPE_HELPER_ACTION":"unsafe"}');
  });
});

describe('planLaunch: how bpftrace gets root', () => {
  it('root runs bpftrace directly, or through the helper started directly when KSCOPE_HELPER=always', () => {
    expect(cmd({ isRoot: true })).toBe('direct');
    expect(cmd({ isRoot: true, helperMode: 'never' })).toBe('direct');
    expect(cmd({ isRoot: true, helperMode: 'always' })).toBe('direct /opt/kscope/resources/helper/kscope-helper --parent-pid 4242');
    expect(cmd({ isRoot: true, helperMode: 'always', helperProgram: ['/usr/bin/node', '/x/helper.cjs'] })).toBe('direct /usr/bin/node /x/helper.cjs --parent-pid 4242');
    expect(cmd({ isRoot: true, helperMode: 'always', helperProgram: null })).toMatch(/^refuse: .*helper was not found/);
  });

  it('an ordinary user goes through pkexec (the polkit policy names the installed helper)', () => {
    expect(cmd({})).toBe('pkexec /usr/bin/pkexec /opt/kscope/resources/helper/kscope-helper --parent-pid 4242');
    expect(cmd({ privilege: 'pkexec' })).toBe('pkexec /usr/bin/pkexec /opt/kscope/resources/helper/kscope-helper --parent-pid 4242');
    expect(cmd({ privilege: 'pkexec', pkexec: null })).toMatch(/^refuse: .*pkexec is not installed.*apt-get install pkexec/);
  });

  it('sudo -n when configured, or when pkexec is absent and sudo -n works', () => {
    expect(cmd({ privilege: 'sudo' })).toBe('sudo /usr/bin/sudo -n -- /opt/kscope/resources/helper/kscope-helper --parent-pid 4242');
    expect(cmd({ pkexec: null, sudoWorks: () => true })).toBe('sudo /usr/bin/sudo -n -- /opt/kscope/resources/helper/kscope-helper --parent-pid 4242');
    expect(cmd({ privilege: 'sudo', sudo: null })).toMatch(/^refuse: .*sudo is not installed/);
  });

  it('otherwise a clear error saying what to do', () => {
    const m = cmd({ pkexec: null, sudoWorks: () => false });
    expect(m).toMatch(/^refuse: bpftrace needs root \(or CAP_BPF/);
    expect(m).toMatch(/apt-get install pkexec/);
    expect(m).toMatch(/KSCOPE_PRIVILEGE=sudo/);
    expect(m).toMatch(/sudo kscope/);
    expect(cmd({ pkexec: null, sudo: null })).toMatch(/^refuse: /);
    expect(cmd({ helperMode: 'never' })).toMatch(/^refuse: .*KSCOPE_HELPER=never/);
    expect(cmd({ helperProgram: null })).toMatch(/^refuse: .*npm run build/);
  });

  it('unknown settings are refused, not guessed', () => {
    expect(cmd({ helperMode: 'yes' })).toMatch(/^refuse: KSCOPE_HELPER=yes/);
    expect(cmd({ isRoot: true, privilege: 'doas' })).toMatch(/^refuse: KSCOPE_PRIVILEGE=doas/);
  });
});

describe('findTrustedBinary: only root-only files in root-only system directories', () => {
  const tree: Record<string, { uid: number; mode: number; dir?: boolean }> = {
    '/usr/bin': { uid: 0, mode: 0o755, dir: true },
    '/usr/local/bin': { uid: 1000, mode: 0o775, dir: true },
    '/usr/sbin': { uid: 0, mode: 0o755, dir: true },
    '/usr/bin/bpftrace': { uid: 0, mode: 0o755 },
    '/usr/local/bin/evil': { uid: 1000, mode: 0o755 },
    '/usr/bin/writable': { uid: 0, mode: 0o777 },
    '/usr/sbin/writable': { uid: 0, mode: 0o755 },
    '/usr/bin/notexec': { uid: 0, mode: 0o644 },
  };
  const io = {
    stat: ((p: string) => {
      const e = tree[p];
      if (!e) throw new Error('ENOENT');
      return { uid: e.uid, mode: e.mode, isFile: () => !e.dir, isDirectory: () => !!e.dir };
    }) as StatFn,
    realpath: (p: string) => {
      if (!tree[p]) throw new Error('ENOENT');
      return p;
    },
  };
  const dirs = ['/usr/local/bin', '/usr/bin', '/usr/sbin'];

  it('finds it, skipping group/world-writable files and user-owned directories', () => {
    expect(findTrustedBinary('bpftrace', dirs, io)).toBe('/usr/bin/bpftrace');
    expect(findTrustedBinary('evil', dirs, io)).toBeNull();
    expect(findTrustedBinary('writable', dirs, io)).toBe('/usr/sbin/writable');
    expect(findTrustedBinary('notexec', dirs, io)).toBeNull();
    expect(findTrustedBinary('../bin/bpftrace', dirs, io)).toBeNull();
  });
});
