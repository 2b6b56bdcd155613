// The unsafe functions a consent dialog names: calls only, not comments, strings or lookalikes.
import { describe, expect, it } from 'vitest';
import { consentQuestion, serveConsent, SERVE_UNSAFE_REFUSED, unsafeRequest } from './consent.js';
import { unsafeCalls } from './unsafe-functions.js';

describe('unsafeCalls', () => {
  it.each([
    ['BEGIN { system("id"); exit(); }', ['system']],
    ['k:f { signal("KILL"); override(-1); system ("x") }', ['system', 'signal', 'override']],
    ['BEGIN { printf("system(%d)\\n", 1); } // signal(9)\n/* override(1) */', []],
    ['BEGIN { @system = count(); $signal = 1; mysystem(1); }', []],
    ['BEGIN { printf("a \\" system(") ; signal(1) }', ['signal']],
    ['', []],
  ])('%s → %j', (src, want) => {
    expect(unsafeCalls(src)).toEqual(want);
  });

  it('the question names each function the script calls', () => {
    expect(consentQuestion(unsafeRequest('BEGIN { system("id"); signal(9); }')).detail).toMatch(/^It calls: system\(\), signal\(\)\./);
  });

  it('browser mode: refused with the flag to use unless the server allowed it', async () => {
    const req = unsafeRequest('BEGIN { system("id"); }');
    expect(await serveConsent(false)(req)).toEqual({ ok: false, message: SERVE_UNSAFE_REFUSED });
    expect(SERVE_UNSAFE_REFUSED).toMatch(/kscope serve --allow-unsafe/);
    expect(await serveConsent(true)(req)).toEqual({ ok: true });
  });
});
