import { describe, expect, it } from 'vitest';
import { loadNative } from './native.js';

describe('the native addon', () => {
  it('is built and answers', () => {
    const n = loadNative();
    expect(n.version()).toMatch(/kscope-native/);
    expect(n.parentPid()).toBe(process.ppid);
    expect(typeof n.getParentDeathSignal()).toBe('number');
  });

  it('says clearly when it is not built', () => {
    expect(() => loadNative(['/nonexistent/kscope_native.node'])).toThrow(/not built .*npm run build:native/);
  });
});
