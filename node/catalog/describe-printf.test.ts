// "Print the fields": the printf conversion follows the field's C type, also where tracefs's
// format says signed:0 or says nothing (an int is printed with %d, never %u).
import { describe, expect, it } from 'vitest';
import { printfPart } from './describe.js';
import type { TracepointField } from './tracepoints.js';

const field = (type: string, size: number, signed: boolean): TracepointField => ({ name: 'x', type, array: '', offset: 8, size, signed, decl: `${type} x` });

describe('printfPart', () => {
  it('uses %d for signed C types whatever signed: says', () => {
    expect(printfPart(field('int', 4, false))?.fmt).toBe('%d');
    expect(printfPart(field('long', 8, false))?.fmt).toBe('%d');
    expect(printfPart(field('pid_t', 4, false))?.fmt).toBe('%d');
    expect(printfPart(field('int', 4, true))?.fmt).toBe('%d');
  });
  it('keeps %u for unsigned types', () => {
    expect(printfPart(field('unsigned int', 4, false))?.fmt).toBe('%u');
    expect(printfPart(field('u32', 4, false))?.fmt).toBe('%u');
    expect(printfPart(field('size_t', 8, false))?.fmt).toBe('%u');
  });
});
