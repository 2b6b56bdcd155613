// The thin shell between the stores and the client: connect, load examples, run, stop.
import { useRunSource } from './state/run-source.js';
import { replaceScript } from './files/script-files.js';
import { formOptions, useRunOptions } from './run-options/store.js';
import { KscopeRpcError, type KscopeClient, type RunOptions } from '../../common/contract/index.js';
import { connect } from './connection.js';
import { useConnection } from './state/connection.js';
import { useEditor } from './state/editor.js';
import { isActive, useSession } from './state/session.js';
import { pickStartExample, useUi } from './state/ui.js';
import { subscribeUpdates } from './state/updates.js';

function message(e: unknown): string {
  if (e instanceof KscopeRpcError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The connected client, or null (the catalog and the language service use it). */
export function getClient(): KscopeClient | null {
  return useConnection.getState().client;
}

const openListeners = new Set<(c: KscopeClient) => void>();
/** Called with the client each time a connection opens (the catalog loads its tree). */
export function onConnected(listener: (c: KscopeClient) => void): () => void {
  openListeners.add(listener);
  const c = getClient();
  if (c) listener(c);
  return () => openListeners.delete(listener);
}

/** The fragment changed (a new token, or #…&example=ID): reconnect or load the example. */
export function onHashChange(): void {
  const ui = useUi.getState();
  if (ui.connection.kind !== 'open') {
    void start();
    return;
  }
  const id = new URLSearchParams(location.hash.replace(/^#/, '')).get('example');
  if (id) loadExample(id);
  for (const l of hashListeners) l();
}

const hashListeners = new Set<() => void>();
/** Called when the fragment changes on an open connection (#…&probes=PATTERN). */
export function onHashParams(listener: () => void): () => void {
  hashListeners.add(listener);
  return () => hashListeners.delete(listener);
}

/** The first connection (React may run mount effects twice in development). */
export function startOnce(): Promise<void> {
  const conn = useConnection.getState();
  if (conn.started) return conn.started;
  const started = start();
  conn.set({ started });
  return started;
}

export async function start(): Promise<void> {
  const ui = useUi.getState();
  ui.setConnection({ kind: 'connecting' });
  const conn = useConnection.getState();
  conn.offUpdates?.();
  conn.set({ client: null, offUpdates: null });
  const r = await connect();
  if (!r.ok) {
    ui.setConnection(r.kind === 'no-token' ? { kind: 'no-token' } : { kind: 'closed', reason: r.reason });
    return;
  }
  const c = r.client;
  conn.set({ client: c, offUpdates: subscribeUpdates(c) });
  r.onClose((reason) => {
    if (getClient() !== c) return;
    useConnection.getState().set({ client: null });
    useUi.getState().setConnection({ kind: 'closed', reason });
  });
  ui.setConnection({ kind: 'open' });

  // Ask for the examples first: the script to show matters more than the catalog.
  const examplesAnswer = c.examples();
  examplesAnswer.catch(() => {});
  for (const l of openListeners) l(c);
  try {
    const examples = await examplesAnswer;
    ui.setExamples(examples);
    const ex = pickStartExample(examples, location.search, location.hash);
    const editor = useEditor.getState();
    if (editor.source === '') {
      if (ex) editor.setSource(ex.source, ex.id);
    } else if (ex && urlNamesExample(ex.id) && editor.exampleId !== ex.id) {
      // A restored draft, and the URL asks for an example: load it (asking first when the
      // draft has unsaved edits).
      loadExample(ex.id);
    }
  } catch (e) {
    ui.toast('error', `Could not load the examples: ${message(e)}`);
  }
  c
    .version()
    .then((v) => {
      ui.setBpftrace(v.bpftrace ? `bpftrace ${v.bpftrace.version}` : 'bpftrace not found');
      ui.setBpftraceVersion(v.bpftrace?.version ?? null);
    })
    .catch(() => ui.setBpftrace(null));
}

/** Whether the page's URL (query or fragment) names this example. */
function urlNamesExample(id: string): boolean {
  return [new URLSearchParams(location.search).get('example'), new URLSearchParams(location.hash.replace(/^#/, '')).get('example')].includes(id);
}

/** Load an example into the editor; false when the user chose to keep unsaved edits. */
export function loadExample(id: string): boolean {
  const ex = useUi.getState().examples.find((e) => e.id === id);
  return ex ? replaceScript(`the example "${ex.title}"`, ex.source, ex.id) : false;
}

/** Run the editor's script; `example` says which gallery example (and variant) it is. */
export async function run(example?: RunOptions['example'], extra?: Pick<RunOptions, 'mapKeysMax' | 'durationSec'>): Promise<void> {
  const session = useSession.getState();
  if (isActive(session.phase)) return;
  const source = useEditor.getState().source;
  const ui = useUi.getState();
  if (!source.trim()) {
    ui.toast('info', 'The script is empty.');
    return;
  }
  const form = formOptions(useRunOptions.getState(), source);
  if (form.problems.length > 0) {
    // Not a silent empty $1: say what is missing where it is filled in.
    useRunOptions.getState().setOpen(true);
    ui.toast('error', form.problems[0], 'run-form');
    return;
  }
  // The form is complete now: what it said was missing no longer covers the output.
  ui.dismissTopic('run-form');
  session.startRun();
  const client = getClient();
  useRunSource.setState({ source });
  if (!client) {
    useSession.getState().runFailed('Not connected to the kscope host.');
    ui.toast('error', 'Not connected to the kscope host.');
    return;
  }
  try {
    const r = await client.run({ source, options: { snapshotMs: ui.snapshotMs, ...form.options, ...(example ? { example } : {}), ...extra } });
    useSession.getState().runStarted(r.sessionId, r.recordingPath);
    // Stop was pressed before the run call answered: stop now that the id is known.
    if (useSession.getState().phase === 'stopping') {
      const st = await client.stop({ sessionId: r.sessionId });
      useSession.getState().applyStatus(st.status);
    }
  } catch (e) {
    const m = message(e);
    useSession.getState().runFailed(m);
    ui.toast('error', `Run failed: ${m}`);
  }
}

export async function stop(): Promise<void> {
  const s = useSession.getState();
  if (!isActive(s.phase)) return;
  // Stop while stopping forces it (the engine's second stop): bpftrace may be resolving
  // stack symbols for minutes; the maps then keep their last snapshot.
  const again = s.phase === 'stopping';
  if (again && !s.sessionId) return;
  if (!again) s.stopRequested();
  const id = s.sessionId;
  const client = getClient();
  if (!id || !client) return;
  try {
    const r = await client.stop({ sessionId: id });
    if (useSession.getState().sessionId === id) useSession.getState().applyStatus(r.status);
  } catch (e) {
    useUi.getState().toast('error', `Stop failed: ${message(e)}`);
  }
}

export function toggleRun(): void {
  if (isActive(useSession.getState().phase)) void stop();
  else void run();
}
