import { describe, expect, it } from 'vitest';
import { addRecent, MAX_RECENT, parseDraft, parseRecent, scriptFileName } from './recent.js';

describe('recent scripts', () => {
  it('puts the newest first, once per name, at most MAX_RECENT', () => {
    let list = parseRecent(null);
    for (let i = 0; i < MAX_RECENT + 3; i++) list = addRecent(list, { name: `s${i}.bt`, text: `// ${i}`, at: i });
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0].name).toBe(`s${MAX_RECENT + 2}.bt`);
    list = addRecent(list, { name: 's5.bt', text: 'new', at: 99 });
    expect(list.filter((r) => r.name === 's5.bt')).toEqual([{ name: 's5.bt', text: 'new', at: 99 }]);
    expect(list[0].name).toBe('s5.bt');
  });
  it('survives garbage in storage', () => {
    expect(parseRecent('{')).toEqual([]);
    expect(parseRecent('[{"name":1}]')).toEqual([]);
    expect(parseDraft('nope')).toBeNull();
    expect(parseDraft('{"source":""}')).toBeNull();
    expect(parseDraft('{"source":"BEGIN {}","exampleId":"lesson-1"}')).toEqual({ source: 'BEGIN {}', pristine: '', exampleId: 'lesson-1', fileName: null });
  });
  it('names a saved file', () => {
    expect(scriptFileName('/home/me/opensnoop.bt')).toBe('opensnoop.bt');
    expect(scriptFileName('my trace')).toBe('my-trace.bt');
    expect(scriptFileName(null)).toBe('script.bt');
    expect(scriptFileName('../..')).toBe('script.bt');
  });
});
