// The hosts dialog's state and its calls: the host list, which hosts a run targets, the
// run's live per-host state (polled while it runs), side by side or merged.
import { create } from 'zustand';
import { KscopeRpcError, type HostRunResult, type RemoteHostEntry } from '../../../common/contract/index.js';
import { getClient, onConnected } from '../actions.js';
import { useEditor } from '../state/editor.js';
import { useUi } from '../state/ui.js';

export interface HostsStore {
  open: boolean;
  hosts: RemoteHostEntry[];
  problems: string[];
  selected: string[];
  view: 'side' | 'merged';
  run: HostRunResult | null;
  busy: boolean;
  error: string | null;
}

export const useHosts = create<HostsStore>()(() => ({ open: false, hosts: [], problems: [], selected: [], view: 'side', run: null, busy: false, error: null }));

const msg = (e: unknown) => (e instanceof KscopeRpcError || e instanceof Error ? e.message : String(e));
let poll: ReturnType<typeof setInterval> | null = null;

export async function openHosts(): Promise<void> {
  useHosts.setState({ open: true, error: null });
  const c = getClient();
  if (!c) {
    // Not connected yet: list the hosts as soon as the connection opens.
    const off = onConnected(() => {
      off();
      if (useHosts.getState().open) void openHosts();
    });
    return;
  }
  try {
    const r = await c.remoteHosts();
    useHosts.setState({ hosts: r.hosts, problems: r.problems });
  } catch (e) {
    useHosts.setState({ error: msg(e) });
  }
}

export function closeHosts(): void {
  useHosts.setState({ open: false });
}

export function toggleHost(spec: string): void {
  const s = useHosts.getState().selected;
  useHosts.setState({ selected: s.includes(spec) ? s.filter((x) => x !== spec) : [...s, spec] });
}

export async function addHost(spec: string): Promise<boolean> {
  const c = getClient();
  if (!c || !spec.trim()) return false;
  try {
    const r = await c.addRemoteHost({ spec: spec.trim() });
    const sel = useHosts.getState().selected;
    useHosts.setState({ hosts: r.hosts, problems: r.problems, selected: sel.includes(spec.trim()) ? sel : [...sel, spec.trim()], error: null });
    return true;
  } catch (e) {
    useHosts.setState({ error: msg(e) });
    return false;
  }
}

function startPolling(runId: string): void {
  if (poll) clearInterval(poll);
  const tick = async () => {
    const c = getClient();
    if (!c) return;
    try {
      const r = await c.hostRun({ runId });
      if (useHosts.getState().run?.runId !== runId) return;
      useHosts.setState({ run: r });
      if (!r.running && poll) {
        clearInterval(poll);
        poll = null;
      }
    } catch (e) {
      useHosts.setState({ error: msg(e) });
    }
  };
  poll = setInterval(() => void tick(), 300);
  void tick();
}

export async function runOnHosts(): Promise<void> {
  const c = getClient();
  const { selected } = useHosts.getState();
  const source = useEditor.getState().source;
  if (!c || selected.length === 0 || !source.trim()) return;
  useHosts.setState({ busy: true, error: null });
  try {
    const { runId } = await c.runOnHosts({ source, hosts: selected, options: { snapshotMs: useUi.getState().snapshotMs } });
    useHosts.setState({ run: { runId, running: true, hosts: [] } });
    startPolling(runId);
  } catch (e) {
    useHosts.setState({ error: msg(e) });
  } finally {
    useHosts.setState({ busy: false });
  }
}

export async function stopHostRun(): Promise<void> {
  const c = getClient();
  const run = useHosts.getState().run;
  if (!c || !run) return;
  useHosts.setState({ busy: true });
  try {
    useHosts.setState({ run: await c.stopHostRun({ runId: run.runId }) });
  } catch (e) {
    useHosts.setState({ error: msg(e) });
  } finally {
    useHosts.setState({ busy: false });
  }
}
