// What the CLI and the UI both say about a recording: its title (the script's first line
// that says something) and whether it matches a search. One copy, so `kscope recordings
// QUERY` and the Recordings dialog find the same recordings.
import type { RecordingSummary } from '../contract/index.js';

/** The script's first line that says something (no blank lines, comments, shebang or includes), shortened. */
export function scriptTitle(script: string, max = 100): string {
  let inBlock = false;
  for (const raw of script.split('\n')) {
    let line = raw.trim();
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end < 0) continue;
      inBlock = false;
      line = line.slice(end + 2).trim();
    }
    if (line.startsWith('/*')) {
      const end = line.indexOf('*/', 2);
      if (end < 0) {
        inBlock = true;
        continue;
      }
      line = line.slice(end + 2).trim();
    }
    if (!line || line.startsWith('//') || line.startsWith('#') || line === '{' || line === '}') continue;
    return line.length > max ? line.slice(0, max - 1) + '…' : line;
  }
  return '';
}

/**
 * Every word of the query (case-insensitive) appears in the name, the script, the id, the
 * origin, the example, a map name, or a tag (`interrupted`, `running`, `unreadable`, `lost`,
 * `stacks`/`flame`/`profile`, `imported`).
 */
export function matchesRecording(s: RecordingSummary, query: string | undefined): boolean {
  const words = (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const tags = [
    s.interrupted ? 'interrupted' : '',
    s.running ? 'running recording' : '',
    s.problem ? `unreadable ${s.problem}` : '',
    s.lostEvents > 0 ? 'lost' : '',
    s.stackMaps.length > 0 ? 'flame stacks profile' : '',
    s.origin !== 'run' ? `imported ${s.origin}` : s.origin,
    s.example ?? '',
  ];
  const hay = [s.name, s.script, s.id, ...s.maps, ...tags].join('\n').toLowerCase();
  return words.every((w) => hay.includes(w));
}
