// How `kscope serve --open` starts the browser. The GUI is never root: when kscope itself
// runs as root through sudo, the browser is started as the user who ran sudo (setpriv drops
// to SUDO_UID/SUDO_GID), keeping Chromium's sandbox. Only a true root login, with nobody to
// drop to, gets --no-sandbox (Chromium refuses root otherwise), and a warning says so.
export interface BrowserFacts {
  /** Absolute path of chromium, google-chrome or xdg-open. */
  browser: string;
  url: string;
  uid: number;
  env: NodeJS.ProcessEnv;
  setpriv: string | null;
  /** The home directory of a uid (from the passwd database), or null. */
  homeOf: (uid: number) => string | null;
}

export interface BrowserCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Printed before starting it: why the browser runs unsandboxed, or null. */
  warning: string | null;
}

const ID = /^[1-9]\d{0,9}$/;

export function browserCommand(f: BrowserFacts): BrowserCommand {
  const xdg = f.browser.endsWith('/xdg-open') || f.browser === 'xdg-open';
  const asUser = f.uid === 0 && ID.test(f.env.SUDO_UID ?? '') && ID.test(f.env.SUDO_GID ?? '') && f.setpriv !== null ? { uid: Number(f.env.SUDO_UID), gid: Number(f.env.SUDO_GID) } : null;
  const runAs = asUser ? asUser.uid : f.uid;
  const own = xdg ? [f.url] : [`--app=${f.url}`, `--user-data-dir=/tmp/kscope-chromium-${runAs}`];
  if (asUser) {
    const home = f.homeOf(asUser.uid);
    return {
      command: f.setpriv!,
      args: ['--reuid', String(asUser.uid), '--regid', String(asUser.gid), '--init-groups', '--', f.browser, ...own],
      env: { ...f.env, ...(home ? { HOME: home } : {}), USER: f.env.SUDO_USER ?? f.env.USER, LOGNAME: f.env.SUDO_USER ?? f.env.LOGNAME },
      warning: null,
    };
  }
  if (f.uid === 0 && !xdg) {
    return {
      command: f.browser,
      args: [...own, '--no-sandbox'],
      env: f.env,
      warning:
        'kscope: WARNING: the browser runs as root without its sandbox (kscope was not started through sudo, so there is no user to run it as). ' +
        'Prefer starting kscope as your own user: runs then go through the privileged helper.',
    };
  }
  return { command: f.browser, args: own, env: f.env, warning: null };
}

/** The home directory of `uid` from /etc/passwd text. */
export function homeFromPasswd(passwd: string, uid: number): string | null {
  for (const line of passwd.split('\n')) {
    const p = line.split(':');
    if (p.length >= 7 && Number(p[2]) === uid && p[2] !== '') return p[5] || null;
  }
  return null;
}
