// "Measure rate": attach a bare count to one probe for a few seconds, so the user knows
// what tracing it costs before writing the real script.
import type { Engine } from './sessions.js';

export const RATE_MAP = '@kscope_rate';

export function rateScript(probe: string, seconds: number): string {
  if (/[{}\n]/.test(probe)) throw new Error('measureRate takes one probe spec, not a script');
  return `${probe} { ${RATE_MAP} = count(); }\ninterval:s:${Math.max(1, Math.round(seconds))} { exit(); }\n`;
}

export async function measureRate(engine: Engine, probe: string, seconds: number): Promise<{ probe: string; events: number; seconds: number; perSecond: number }> {
  const s = engine.run(rateScript(probe, seconds), { snapshotMs: 0, unsafe: false, args: [], durationSec: seconds + 10 }, { record: false });
  await s.whenEnded();
  const status = s.status();
  if (status.exit?.code !== 0) {
    const why = s.errors.map((e) => [e.message, e.hint].filter(Boolean).join(' — ')).join('; ');
    throw new Error(`could not measure ${probe}: ${why || `bpftrace exited with ${status.exit?.code ?? status.exit?.signal}`}`);
  }
  const m = s.maps.get(RATE_MAP);
  const value = m && m.type === 'map' ? Number(m.entries[0]?.value ?? 0) : 0;
  return { probe, events: value, seconds, perSecond: Math.round((value / seconds) * 10) / 10 };
}
