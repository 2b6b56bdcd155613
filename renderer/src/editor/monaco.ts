// Monaco, lean: the core API plus the few editor features a script editor needs, only the
// editor worker (no TS/JSON/CSS language services), and the bpftrace language.
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/suggest/register';
// The suggest widget itself (features/suggest only registers inline suggestions).
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/codicon/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { bpftraceLanguage, kscopeDarkTheme, languageConfiguration } from './bpftrace.js';
import { kscopeLightTheme } from '../theme/monaco-light.js';

self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export const LANGUAGE_ID = 'bpftrace';

let registered = false;
export function setupMonaco(): typeof monaco {
  if (registered) return monaco;
  registered = true;
  monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.bt'], aliases: ['bpftrace'] });
  monaco.languages.setMonarchTokensProvider(
    LANGUAGE_ID,
    bpftraceLanguage as unknown as monaco.languages.IMonarchLanguage,
  );
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, languageConfiguration);
  monaco.editor.defineTheme('kscope-dark', kscopeDarkTheme);
  monaco.editor.defineTheme('kscope-light', kscopeLightTheme);
  return monaco;
}

export { monaco };
