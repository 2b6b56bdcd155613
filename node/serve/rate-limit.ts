// Per-connection rate limit for the WebSocket: a token bucket for calls, and a second one
// for refusals, so a client that keeps flooding after being told is disconnected. Pure
// (the clock is injected) so it is tested without waiting.

export interface Bucket {
  /** Take one token; false when empty. */
  take(): boolean;
}

export function tokenBucket(perSecond: number, burst: number, now: () => number = () => performance.now()): Bucket {
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

export interface RateLimit {
  /** Sustained calls per second, and how many may come at once. */
  perSecond: number;
  burst: number;
  /** Refused calls tolerated (refilling at a tenth of perSecond) before the connection is closed. */
  strikes: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 200, burst: 400, strikes: 200 };

export type Verdict = 'accept' | 'refuse' | 'close';

/** accept: handle it; refuse: answer `rate-limited`; close: the flood persists, hang up (1008). */
export function rateLimiter(limit: RateLimit = DEFAULT_RATE_LIMIT, now?: () => number): () => Verdict {
  const calls = tokenBucket(limit.perSecond, limit.burst, now);
  const strikes = tokenBucket(Math.max(1, limit.perSecond / 10), limit.strikes, now);
  return () => (calls.take() ? 'accept' : strikes.take() ? 'refuse' : 'close');
}

/** The call id of a message, read cheaply (a refused message is not worth a full parse). */
export function peekCallId(text: string): number | null {
  const m = /"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(text.slice(0, 200));
  return m ? Number(m[1]) : null;
}
