// The speed work on the exporters and the folded import must not change a byte: today's
// outputs of real recordings and real imported fixtures against the ones written before it
// (test/fixtures/exports/reference, see test/support/export-references.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceOutputs, REFERENCE_DIR } from '../../test/support/export-references.js';
import { tmpDir } from '../../test/support/exports.js';
import { RECORDING_FORMAT } from '../../common/contract/index.js';

const dir = tmpDir('kscope-refs-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('exports and imports stay byte-identical to the reference outputs', async () => {
  const outs = await referenceOutputs(dir);
  const files = fs.readdirSync(REFERENCE_DIR).sort();

  it('makes exactly the reference files (none missing, none new)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect([...outs.keys()].sort()).toEqual(files);
  });

  it.each(files)('%s', (name) => {
    const want = fs.readFileSync(path.join(REFERENCE_DIR, name));
    const made = outs.get(name);
    // An import's recording names the recording format it was written in: the references are
    // format 1, today's writer is RECORDING_FORMAT (2: map prints as changes). An import has
    // one print per map, so nothing else may differ; the number alone is set to the reference's.
    const got = made && name.endsWith('.ndjson') ? Buffer.from(made.toString('utf8').replace(/^\{"type":"header","format":\d+,/, '{"type":"header","format":1,')) : made;
    if (made && name.endsWith('.ndjson')) expect(made.toString('utf8')).toMatch(new RegExp(`^\\{"type":"header","format":${RECORDING_FORMAT},`));
    expect(got, `${name} not produced`).toBeDefined();
    // Text diff first (readable), then the bytes (a BOM or encoding change shows here).
    if (!name.endsWith('.pb')) expect(got!.toString('utf8')).toBe(want.toString('utf8'));
    expect(Buffer.compare(got!, want)).toBe(0);
  });
});
