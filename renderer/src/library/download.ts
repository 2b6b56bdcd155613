// Getting an export's bytes to the user. In browser mode the host serves the exports
// folder at GET /exports/<name>, behind the same token as the WebSocket; in Electron the
// privileged side has already written the file, so the path is what the user needs.
import { tokenFromHash } from '../connection.js';

/** The host's URL of an exported file (name as exportRecording returned it). */
export function exportHref(origin: string, name: string, token: string): string {
  return `${origin}/exports/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`;
}

/** The download link for an export, or null in Electron (no HTTP host; the file is at its path). */
export function exportUrl(name: string): string | null {
  if (window.kscope) return null;
  const token = tokenFromHash(location.hash);
  if (!token) return null;
  return exportHref(location.origin, name, token);
}

/** Start a download of `href` as `name` (the <a download> way: no navigation, no popup). */
export function downloadHref(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Download bytes made in the page (a PNG of a chart). */
export function downloadBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  downloadHref(href, name);
  // The click has been handed to the browser; give it a moment before freeing the bytes.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** A safe file name from a recording's name: "syscalls by comm" → "syscalls-by-comm". */
export function fileStem(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s || 'kscope';
}
