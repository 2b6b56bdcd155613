// What the catalog offers the backend (and the CLI). Implemented by catalog.ts.
import type { Capability, ListProbesResult, ProbeDescription, ProbeTreeResult, StructLayout } from '../../common/contract/index.js';
import type { ListProbesParams } from '../../common/contract/index.js';
import type { z } from 'zod';
import type { ListProbesParams as ListProbesSchema } from '../../common/contract/catalog.js';

export type ListProbesQuery = z.output<typeof ListProbesSchema>;
export type { ListProbesParams };

export interface CatalogService {
  listProbes(q: ListProbesQuery): ListProbesResult;
  probeTree(opts?: { binary?: string; pid?: number }): ProbeTreeResult;
  describeProbe(name: string, binary?: string): ProbeDescription;
  describeStruct(name: string): StructLayout;
}

export interface CatalogOptions {
  capabilities: () => Record<string, Capability>;
  /** Where the on-disk cache lives (keyed by kernel build); null disables it. */
  cacheDir: string | null;
}
