import { describe, expect, it } from 'vitest';
import { browserCommand, homeFromPasswd, type BrowserFacts } from './browser-launch.js';

const base: BrowserFacts = { browser: '/usr/bin/chromium', url: 'http://127.0.0.1:8080/#token=t', uid: 1000, env: { PATH: '/usr/bin' }, setpriv: '/usr/bin/setpriv', homeOf: (u) => (u === 1000 ? '/home/ann' : null) };

describe('browserCommand: the browser never runs as root when there is a user to run it as', () => {
  it('an ordinary user starts it as is, sandboxed', () => {
    const c = browserCommand(base);
    expect(c.command).toBe('/usr/bin/chromium');
    expect(c.args).toEqual(['--app=http://127.0.0.1:8080/#token=t', '--user-data-dir=/tmp/kscope-chromium-1000']);
    expect(c.warning).toBeNull();
  });

  it('root through sudo drops to the user who ran sudo, keeping the sandbox', () => {
    const c = browserCommand({ ...base, uid: 0, env: { SUDO_UID: '1000', SUDO_GID: '1000', SUDO_USER: 'ann', HOME: '/root' } });
    expect(c.command).toBe('/usr/bin/setpriv');
    expect(c.args).toEqual(['--reuid', '1000', '--regid', '1000', '--init-groups', '--', '/usr/bin/chromium', '--app=http://127.0.0.1:8080/#token=t', '--user-data-dir=/tmp/kscope-chromium-1000']);
    expect(c.args).not.toContain('--no-sandbox');
    expect(c.env.HOME).toBe('/home/ann');
    expect(c.env.USER).toBe('ann');
    expect(c.warning).toBeNull();
  });

  it('a true root login (no SUDO_UID, or a malformed one, or no setpriv) gets --no-sandbox and a warning', () => {
    for (const f of [
      { ...base, uid: 0 },
      { ...base, uid: 0, env: { SUDO_UID: '0', SUDO_GID: '0' } },
      { ...base, uid: 0, env: { SUDO_UID: '1000; rm -rf /', SUDO_GID: '1000' } },
      { ...base, uid: 0, env: { SUDO_UID: '1000', SUDO_GID: '1000' }, setpriv: null },
    ]) {
      const c = browserCommand(f);
      expect(c.command).toBe('/usr/bin/chromium');
      expect(c.args).toContain('--no-sandbox');
      expect(c.warning).toMatch(/without its sandbox/);
    }
  });

  it('xdg-open gets only the URL', () => {
    expect(browserCommand({ ...base, browser: '/usr/bin/xdg-open' }).args).toEqual([base.url]);
    const c = browserCommand({ ...base, browser: '/usr/bin/xdg-open', uid: 0, env: { SUDO_UID: '1000', SUDO_GID: '1000' } });
    expect(c.args.slice(-2)).toEqual(['/usr/bin/xdg-open', base.url]);
  });
});

describe('homeFromPasswd', () => {
  it('reads the home of a uid', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\nann:x:1000:1000:Ann,,,:/home/ann:/bin/bash\n';
    expect(homeFromPasswd(passwd, 1000)).toBe('/home/ann');
    expect(homeFromPasswd(passwd, 0)).toBe('/root');
    expect(homeFromPasswd(passwd, 1001)).toBeNull();
  });
});
