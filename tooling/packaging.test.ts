// The packaging, checked as data: electron-builder.yml's important fields, the polkit
// policy, and the install scripts agree with each other and with the helper's launcher.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { INSTALLED_HELPER, INSTALLED_UNSAFE_HELPER } from '../node/privileged/launch.js';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };

interface Resource {
  from: string;
  to: string;
}
interface BuilderConfig {
  appId: string;
  productName: string;
  executableName: string;
  files: string[];
  asar: boolean;
  extraResources: Resource[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string; desktop: { entry: Record<string, string> } };
  deb: { depends: string[]; recommends: string[]; afterInstall: string; afterRemove: string };
}

const config = yaml.load(fs.readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const policy = fs.readFileSync('resources/linux/org.kscope.run-bpftrace.policy', 'utf8');
const afterInstall = fs.readFileSync(config.deb.afterInstall, 'utf8');
const afterRemove = fs.readFileSync(config.deb.afterRemove, 'utf8');
const installDir = `/opt/${config.productName}`;
const dest = (from: string) => config.extraResources.filter((r) => r.from === from).map((r) => `${installDir}/resources/${r.to}`);

describe('electron-builder.yml', () => {
  it('names the app kscope, installed in /opt/kscope', () => {
    expect(config.executableName).toBe('kscope');
    expect(config.productName).toBe('kscope');
    expect(config.appId).toBe('org.kscope.app');
  });

  it('builds deb, AppImage and the unpacked dir', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['deb', 'AppImage', 'dir']));
  });

  it('makes the deb depend on bpftrace and recommend pkexec', () => {
    expect(config.deb.depends).toContain('bpftrace');
    expect(config.deb.recommends.some((r) => /\bpkexec\b/.test(r) && /policykit-1/.test(r))).toBe(true);
    // A depends list replaces electron-builder's defaults: Electron's runtime must be in it.
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnss3', 'libgbm1']));
  });

  it('ships the polkit policy, the helper where the policy and the launcher expect it, and the CLI', () => {
    expect(dest('resources/linux/org.kscope.run-bpftrace.policy')).toEqual([`${installDir}/resources/resources/linux/org.kscope.run-bpftrace.policy`]);
    expect(dest('resources/linux/kscope-helper.sh')).toEqual([INSTALLED_HELPER]);
    expect(dest('resources/linux/kscope-helper-unsafe.sh')).toEqual([INSTALLED_UNSAFE_HELPER]);
    expect(dest('dist/electron/helper.cjs')).toEqual([`${installDir}/resources/helper/helper.cjs`]);
    expect(dest('resources/linux/kscope-cli.sh')).toEqual([`${installDir}/resources/bin/kscope`]);
    // The helper loads the addon from ../native next to itself.
    expect(dest('native/build/Release/kscope_native.node')).toContain(`${installDir}/resources/native/kscope_native.node`);
  });

  it('has a desktop entry and icons', () => {
    expect(config.linux.desktop.entry).toMatchObject({ Name: 'kscope' });
    expect(config.linux.desktop.entry.Categories).toMatch(/Development;/);
    const icons = fs.readdirSync(config.linux.icon);
    expect(icons).toEqual(expect.arrayContaining(['256x256.png', '512x512.png']));
  });

  it('packs only the bundles (no node_modules, no source maps)', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', '!node_modules/**', '!**/*.map']));
  });

  it('keeps ELECTRON_RUN_AS_NODE (the CLI and helper need it) and turns off NODE_OPTIONS and --inspect', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: true, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false });
  });
});

describe('the polkit policy', () => {
  it('defines org.kscope.run-bpftrace, admin authentication kept for a while, never without it', () => {
    expect(policy).toMatch(/<action id="org\.kscope\.run-bpftrace">/);
    expect(/<allow_active>([^<]+)<\/allow_active>/.exec(policy)?.[1]).toBe('auth_admin_keep');
    expect(/<allow_any>([^<]+)<\/allow_any>/.exec(policy)?.[1]).toBe('auth_admin');
    expect(/<allow_inactive>([^<]+)<\/allow_inactive>/.exec(policy)?.[1]).toBe('auth_admin');
    expect(policy).not.toMatch(/<allow_\w+>yes</);
  });
  it('has its own action for --unsafe runs: authentication every time, never kept, for the unsafe wrapper only', () => {
    const block = /<action id="org\.kscope\.run-bpftrace-unsafe">([\s\S]*?)<\/action>/.exec(policy)?.[1] ?? '';
    expect(block).not.toBe('');
    for (const k of ['allow_any', 'allow_inactive', 'allow_active']) expect(new RegExp(`<${k}>([^<]+)</${k}>`).exec(block)?.[1], k).toBe('auth_admin');
    expect(/key="org\.freedesktop\.policykit\.exec\.path">([^<]+)</.exec(block)?.[1]).toBe(INSTALLED_UNSAFE_HELPER);
  });
  it('names the helper wrapper the package installs as the program pkexec may run', () => {
    expect(/key="org\.freedesktop\.policykit\.exec\.path">([^<]+)</.exec(policy)?.[1]).toBe(INSTALLED_HELPER);
  });
});

describe('the install scripts', () => {
  it('install the policy for polkit and remove it again', () => {
    expect(afterInstall).toMatch(/install -D[^\n]*org\.kscope\.run-bpftrace\.policy"? \/usr\/share\/polkit-1\/actions\/org\.kscope\.run-bpftrace\.policy/);
    expect(afterRemove).toMatch(/rm -f \/usr\/share\/polkit-1\/actions\/org\.kscope\.run-bpftrace\.policy/);
  });
  it('put the CLI on PATH and make the helper root-owned', () => {
    expect(afterInstall).toMatch(/\/usr\/bin\/\$\{executable\}/);
    expect(afterInstall).toMatch(/resources\/bin\/kscope/);
    expect(afterInstall).toMatch(/chown -R root:root "\$APP\/resources\/helper"/);
  });
  it('run the helper with a clean environment and fixed paths, and are executable', () => {
    const helper = fs.readFileSync('resources/linux/kscope-helper.sh', 'utf8');
    expect(helper).toMatch(/exec \/usr\/bin\/env -i /);
    expect(helper).toMatch(/\/opt\/kscope\/kscope \/opt\/kscope\/resources\/helper\/helper\.cjs "\$@"/);
    const unsafe = fs.readFileSync('resources/linux/kscope-helper-unsafe.sh', 'utf8');
    expect(unsafe).toMatch(/exec \/usr\/bin\/env -i [^\n]*KSCOPE_HELPER_ACTION=unsafe/);
    expect(unsafe).toMatch(/\/opt\/kscope\/kscope \/opt\/kscope\/resources\/helper\/helper\.cjs "\$@"/);
    // The ordinary wrapper can never start the unsafe mode: env -i clears whatever the caller set.
    expect(helper).not.toMatch(/KSCOPE_HELPER_ACTION/);
    for (const f of ['resources/linux/kscope-helper.sh', 'resources/linux/kscope-helper-unsafe.sh', 'resources/linux/kscope-cli.sh', config.deb.afterInstall, config.deb.afterRemove]) expect(fs.statSync(f).mode & 0o111, f).not.toBe(0);
  });
});
