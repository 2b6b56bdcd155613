// Recent scripts and the editor's draft, kept in the page's storage. Pure list logic beside
// a thin localStorage shell: a reload restores the editor as it was, and the recent list
// reopens the text kscope last opened or saved under that name.

export interface RecentScript {
  name: string;
  text: string;
  /** ms since the epoch */
  at: number;
}

export const MAX_RECENT = 10;
/** Bigger scripts are not kept in the recent list (storage is small); the draft always is. */
export const MAX_RECENT_BYTES = 256 * 1024;

/** The list with `entry` first, one entry per name, at most MAX_RECENT. Pure. */
export function addRecent(list: readonly RecentScript[], entry: RecentScript): RecentScript[] {
  if (entry.text.length > MAX_RECENT_BYTES) return list.filter((r) => r.name !== entry.name);
  return [entry, ...list.filter((r) => r.name !== entry.name)].slice(0, MAX_RECENT);
}

export function parseRecent(raw: string | null): RecentScript[] {
  try {
    const v = JSON.parse(raw ?? '[]') as unknown;
    if (!Array.isArray(v)) return [];
    return v
      .filter((r): r is RecentScript => !!r && typeof r === 'object' && typeof r.name === 'string' && typeof r.text === 'string' && typeof r.at === 'number')
      .slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

export interface Draft {
  source: string;
  /** The text as last loaded or saved (edited = source differs). */
  pristine: string;
  exampleId: string | null;
  fileName: string | null;
}

export function parseDraft(raw: string | null): Draft | null {
  try {
    const v = JSON.parse(raw ?? 'null') as Partial<Draft> | null;
    if (!v || typeof v.source !== 'string' || v.source === '') return null;
    return {
      source: v.source,
      pristine: typeof v.pristine === 'string' ? v.pristine : '',
      exampleId: typeof v.exampleId === 'string' ? v.exampleId : null,
      fileName: typeof v.fileName === 'string' ? v.fileName : null,
    };
  } catch {
    return null;
  }
}

/** "trace.bt" for a name without the extension; path parts and odd characters dropped. */
export function scriptFileName(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.trim();
  const clean = base.replace(/[^\w.+-]+/g, '-').replace(/^[-.]+/, '');
  if (!clean) return 'script.bt';
  return /\.bt$/i.test(clean) ? clean : `${clean}.bt`;
}
