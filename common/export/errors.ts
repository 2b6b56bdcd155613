// A refusal a user can act on ("this recording has no stack maps ... try csv or json"): the CLI
// prints its message and exits 1, the UI shows it. Never an empty file instead.
export class ExportError extends Error {
  override name = 'ExportError';
}
