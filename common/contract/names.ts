// The contract's names without its schemas: what the sandboxed preload needs to build
// window.kscope (one function per method, one event channel) and nothing more. No zod
// here — the preload bundles every import, and the schemas are 770 KB it never uses.
// contract.ts checks at compile time that these lists are exactly its keys.

export const METHOD_NAMES = [
  'version',
  'capabilities',
  'examples',
  'run',
  'stop',
  'sessions',
  'listProbes',
  'probeTree',
  'listProcesses',
  'processObjects',
  'describeProbe',
  'describeStruct',
  'measureRate',
  'readLog',
  'flameGraph',
  'diagnose',
  'recordings',
  'renameRecording',
  'deleteRecording',
  'openRecording',
  'recordingAt',
  'readRecordingLog',
  'exportRecording',
  'importText',
  'diffRecordings',
  'recordingTail',
  'remoteHosts',
  'addRemoteHost',
  'runOnHosts',
  'hostRun',
  'stopHostRun',
] as const;

export const EVENT_NAMES = ['session'] as const;

/** Every error code a reply may carry (the same over IPC and WebSocket). */
export const RPC_ERROR_CODES = ['bad-message', 'unknown-method', 'bad-params', 'failed', 'bad-result', 'closed', 'rate-limited'] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

/** Electron IPC: method M is invoked on `kscope:call:M`; every event arrives on one channel. */
export const IPC_CALL_PREFIX = 'kscope:call:';
export const IPC_EVENT_CHANNEL = 'kscope:event';

/**
 * A reply as every transport carries it. The preload hands it to the renderer untouched,
 * so the renderer turns an error reply into the same KscopeRpcError whatever the transport.
 */
export type BridgeReply = { ok: true; result: unknown } | { ok: false; error: { code: RpcErrorCode; message: string } };

/** What the preload exposes as window.kscope: every method returns its reply envelope. */
export type KscopeBridge = { [M in (typeof METHOD_NAMES)[number]]: (params?: unknown) => Promise<BridgeReply> } & {
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
};
