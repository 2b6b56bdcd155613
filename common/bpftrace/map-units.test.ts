import { describe, expect, it } from 'vitest';
import { inferMapUnits, unitLabel } from './map-units.js';

describe('inferMapUnits', () => {
  it('counts are events', () => {
    expect(inferMapUnits('tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }').get('@')).toBe('events');
    expect(inferMapUnits('t:syscalls:sys_enter_openat { @opens[comm] = count(); }').get('@opens')).toBe('events');
  });
  it('nsecs deltas are ns, divided by 1000 µs, by 1e6 ms', () => {
    const src = `
      tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; }
      tracepoint:syscalls:sys_exit_read /@start[tid]/ {
        @ns[comm] = hist(nsecs - @start[tid]);
        @lat_us = hist((nsecs - @start[tid]) / 1000);
        @ms = lhist((nsecs - @start[tid]) / 1000000, 0, 100, 10);
        delete(@start[tid]);
      }`;
    const u = inferMapUnits(src);
    expect(u.get('@ns')).toBe('ns');
    expect(u.get('@lat_us')).toBe('us');
    expect(u.get('@ms')).toBe('ms');
    // @start is assigned, not aggregated: no unit asked of it.
    expect(u.has('@start')).toBe(false);
  });
  it('follows a scratch variable holding a time delta', () => {
    const src = 'k:f { $d = nsecs - @s[tid]; @dist = hist($d / 1000); }';
    expect(inferMapUnits(src).get('@dist')).toBe('us');
  });
  it('bytes from the map name (lesson 9) or a size field', () => {
    expect(inferMapUnits('tracepoint:syscalls:sys_exit_read { @bytes = hist(args->ret); }').get('@bytes')).toBe('bytes');
    expect(inferMapUnits('tracepoint:syscalls:sys_enter_write { @w = sum(args->count); }').get('@w')).toBe('bytes');
  });
  it('says nothing it cannot read from the script', () => {
    expect(inferMapUnits('profile:hz:99 { @x = hist(pid); }').get('@x')).toBeNull();
    // Two fills that disagree: no unit.
    expect(inferMapUnits('a { @m = count(); } b { @m = sum(nsecs - @t); }').get('@m')).toBeNull();
  });
  it('ignores commented-out code', () => {
    expect(inferMapUnits('// @a = hist(nsecs);\nb { @a = hist(pid); }').get('@a')).toBeNull();
  });
  it('writes µs for us', () => {
    expect(unitLabel('us')).toBe('µs');
    expect(unitLabel('bytes')).toBe('bytes');
  });
});
