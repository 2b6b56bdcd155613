import { describe, expect, it } from 'vitest';
import { describeClose, tokenFromHash } from '../connection.js';
import { Example } from '../../../common/contract/index.js';
import { pickStartExample } from './ui.js';

const ex = (id: string) => Example.parse({ id, title: id, description: '', source: id });
const examples = [ex('lesson-1'), ex('lesson-4'), ex('hist')];

describe('start example', () => {
  it('prefers ?example=, then the fragment, then lesson-4, then the first', () => {
    expect(pickStartExample(examples, '?example=hist', '#token=t')?.id).toBe('hist');
    expect(pickStartExample(examples, '', '#token=t&example=lesson-1')?.id).toBe('lesson-1');
    expect(pickStartExample(examples, '?example=nope', '')?.id).toBe('lesson-4');
    expect(pickStartExample([ex('a'), ex('b')], '', '')?.id).toBe('a');
    expect(pickStartExample([], '', '')).toBeNull();
  });
});

describe('connection helpers', () => {
  it('reads the token from the fragment', () => {
    expect(tokenFromHash('#token=abc&example=x')).toBe('abc');
    expect(tokenFromHash('#example=x')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });

  it('explains close codes, preferring the host reason', () => {
    expect(describeClose(1008, 'bad token')).toBe('bad token (code 1008)');
    expect(describeClose(1006, '')).toMatch(/refused or dropped/);
  });
});
