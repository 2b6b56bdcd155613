// Session updates arrive as fast as the engine sends them (up to one per 16 ms, each with up
// to 1,000 printf lines in a flood). Applying each one is a store change and a React render;
// under load they queue up in front of the user's clicks. This batches them: every update
// that arrived since the last frame is applied in one store change, at the next animation
// frame — or after `maxWaitMs` when no frame comes (a hidden tab runs no frames, and the
// store must not fall behind or grow a queue meanwhile).
export interface Batcher<U> {
  push(u: U): void;
  /** Apply what is pending now (before another action that must see it). */
  flush(): void;
}

export function updateBatcher<U>(apply: (us: U[]) => void, opts: { frame?: (cb: () => void) => unknown; maxWaitMs?: number } = {}): Batcher<U> {
  const frame = opts.frame ?? (typeof requestAnimationFrame === 'function' ? (cb: () => void) => requestAnimationFrame(cb) : null);
  const maxWait = opts.maxWaitMs ?? 50;
  let pending: U[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let scheduled = false;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    scheduled = false;
    if (pending.length === 0) return;
    const us = pending;
    pending = [];
    apply(us);
  };
  return {
    push(u) {
      pending.push(u);
      if (scheduled) return;
      scheduled = true;
      frame?.(flush);
      timer = setTimeout(flush, maxWait);
    },
    flush,
  };
}
