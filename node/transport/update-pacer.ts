// Session updates paced by the peer's frames. The engine sends an update every 16 ms with up
// to 1,000 printf lines; a page under load draws less often than that, and every message it
// is sent costs it a parse, a check and a store change before it can answer a click. A peer
// that says `ready` (it has drawn what it got) switches its channel to paced mode: from then
// on it is sent one session message per `ready`, and what arrives in between is merged into
// that message (common/contract/update-merge.ts: exact counts, skipped lines stay in the
// recording). A peer that never says `ready` (the Electron bridge, scripts, old pages) gets
// every update as before. Other events are never held back.
import type { SessionUpdate } from '../../common/contract/index.js';
import { DEFAULT_MERGE_LIMITS, mergeUpdates, type MergeLimits } from '../../common/contract/update-merge.js';

export class UpdatePacer {
  private paced = false;
  private credit = false;
  /** Held updates, one per session (merged), in order of arrival. */
  private held = new Map<string, SessionUpdate>();
  /** The run state last sent, per session. */
  private stateSent = new Map<string, SessionUpdate['status']['state']>();

  constructor(
    private readonly send: (u: SessionUpdate) => void,
    private readonly limits: MergeLimits = DEFAULT_MERGE_LIMITS,
  ) {}

  /** An update from the engine: sent now if the peer may take one, else held (merged). */
  push(u: SessionUpdate): void {
    if (!this.paced) return this.send(u);
    const prev = this.held.get(u.sessionId);
    this.held.set(u.sessionId, prev ? mergeUpdates(prev, u, this.limits) : u);
    // A run that changes state (running, stopping, exited) is told at once: Stop must not
    // wait for the page's next frame, and it happens a few times a run.
    const stateChanged = this.stateSent.get(u.sessionId) !== u.status.state;
    if (this.credit || stateChanged) this.flush();
  }

  /** The peer has drawn what it was sent: send what is held, or the next update when it comes. */
  ready(): void {
    this.paced = true;
    this.credit = true;
    if (this.held.size > 0) this.flush();
  }

  /** Updates held for the peer (for tests and the bench). */
  get heldCount(): number {
    return this.held.size;
  }

  private flush(): void {
    this.credit = false;
    const out = [...this.held.values()];
    this.held.clear();
    for (const u of out) {
      this.stateSent.set(u.sessionId, u.status.state);
      this.send(u);
    }
  }
}
