// The contract's methods for runs on remote hosts (node/remote/): the host list, a
// run on several hosts, and its live state per host (polled; each call returns the whole
// state, so any number of windows can watch). Spread into `methods` in contract.ts.
import { z } from 'zod';
import { AggregateEvent, ErrorEvent, FlameSnapshot, RunOptions } from './events.js';

/** A host as the user writes it for ssh: HOST, USER@HOST, USER@HOST:PORT, or a ~/.ssh/config Host. */
export const HostSpec = z.string().min(1).max(300);

export const RemoteHostEntry = z.object({ spec: HostSpec, from: z.enum(['ssh-config', 'added']) });
export type RemoteHostEntry = z.infer<typeof RemoteHostEntry>;

export const HostRunState = z.enum(['connecting', 'running', 'stopping', 'done', 'failed', 'cut']);
export type HostRunState = z.infer<typeof HostRunState>;

export const HostRunView = z.object({
  target: HostSpec,
  state: HostRunState,
  reason: z.string().nullable(),
  kernelRelease: z.string().nullable(),
  bpftraceVersion: z.string().nullable(),
  recordingPath: z.string(),
  /** Event lines copied from the host so far. */
  events: z.number().int(),
  /** The newest printf lines (all of them are in the recording). */
  printf: z.array(z.object({ t: z.number(), text: z.string() })),
  printfTotal: z.number().int(),
  /** The latest print of every map (stack maps as flame graphs below). */
  maps: z.array(AggregateEvent),
  flames: z.array(FlameSnapshot),
  errors: z.array(ErrorEvent),
});
export type HostRunView = z.infer<typeof HostRunView>;

export const HostRunResult = z.object({ runId: z.string(), running: z.boolean(), hosts: z.array(HostRunView) });
export type HostRunResult = z.infer<typeof HostRunResult>;

const RunId = z.string().regex(/^[0-9a-f]{1,32}$/);

export const remoteMethods = {
  /** Hosts to pick from: ~/.ssh/config's Host entries, then the ones added in kscope. */
  remoteHosts: {
    params: z.object({}).strict().optional(),
    result: z.object({ hosts: z.array(RemoteHostEntry), problems: z.array(z.string()) }),
  },
  addRemoteHost: {
    params: z.object({ spec: HostSpec }).strict(),
    result: z.object({ hosts: z.array(RemoteHostEntry), problems: z.array(z.string()) }),
  },
  /** Run one script on several hosts over ssh; one recording per host, grouped under one run. */
  runOnHosts: {
    params: z.object({ source: z.string().min(1).max(1_000_000), options: RunOptions.optional(), hosts: z.array(HostSpec).min(1).max(64) }).strict(),
    result: z.object({ runId: z.string() }),
  },
  hostRun: {
    params: z.object({ runId: RunId }).strict(),
    result: HostRunResult,
  },
  stopHostRun: {
    params: z.object({ runId: RunId }).strict(),
    result: HostRunResult,
  },
} as const;
