// The recordings library: list, search, rename, delete, cap, replay.
export { RecordingsLibrary, RecordingBusy, RecordingNotFound, type LibraryConfig } from './library.js';
export { resolveExportDownload, exportMime, recordingPath, recordingIdOf, BadRecordingId, type ExportDownload } from './paths.js';
export { defaultSettingsPath, exportsDirFor, readLibrarySettings, DEFAULT_RECORDINGS_CAP_BYTES } from './settings.js';
export { scriptTitle, matchesQuery } from './summary.js';
export { scanRecording, RecordingScanner, type ScanSummary } from './scan.js';
export { Replay } from './replay.js';
