import { describe, expect, it } from 'vitest';
import { exportHref, fileStem } from './download.js';

describe('export downloads', () => {
  it('builds the host URL with the name and token encoded', () => {
    expect(exportHref('http://127.0.0.1:5178', 'rec 1.folded', 'ab/c')).toBe('http://127.0.0.1:5178/exports/rec%201.folded?token=ab%2Fc');
    expect(exportHref('http://h:1', '../x', 't')).toBe('http://h:1/exports/..%2Fx?token=t');
  });
  it('makes a safe file stem', () => {
    expect(fileStem('syscalls by comm (before fix)')).toBe('syscalls-by-comm-before-fix');
    expect(fileStem('/etc/passwd')).toBe('etc-passwd');
    expect(fileStem('   ')).toBe('kscope');
  });
});
