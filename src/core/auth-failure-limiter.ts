// In-isolate limiter for repeated authentication failures from one client,
// shared by every surface that accepts a switchyard token (admin API,
// dashboard sign-in, OFREP): a guess is a guess wherever it is tried.
// A fixed window per client key: after `maxFailures` presented-but-wrong
// secrets within `windowMs`, that client's further failed attempts get 429 +
// Retry-After instead of 401 until the window ends. A valid token is always
// accepted and never consults the limiter: tokens are 256-bit random
// secrets, so guessing is hopeless anyway, and refusing the right token
// would let one client's typos (or a NAT neighbour's) lock out everyone
// behind its address. What it limits is the noise: a misconfigured client
// is told to back off. Pure: no I/O, no clock (`nowMs` is passed in);
// memory is bounded by `maxClients`. Per isolate only (no shared state).
export interface AuthLimiterOptions {
  maxFailures: number;
  windowMs: number;
  maxClients: number;
}

export const DEFAULT_AUTH_LIMITER: AuthLimiterOptions = { maxFailures: 10, windowMs: 60_000, maxClients: 10_000 };

interface Window {
  startedAtMs: number;
  failures: number;
}

export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: AuthLimiterOptions = DEFAULT_AUTH_LIMITER) {}

  /**
   * Judges one failed authentication (no valid token): the seconds to wait
   * (answer 429) when the client has used up its failures, else 0 (answer
   * 401) — counting this one when it was a guess (a secret was presented).
   */
  refuseFailure(client: string, nowMs: number, guessed: boolean): number {
    const wait = this.retryAfterSeconds(client, nowMs);
    if (wait === 0 && guessed) this.recordFailure(client, nowMs);
    return wait;
  }

  /** Seconds the client's failed attempts must wait, or 0 when none is due. */
  retryAfterSeconds(client: string, nowMs: number): number {
    const window = this.live(client, nowMs);
    if (!window || window.failures < this.options.maxFailures) return 0;
    return Math.max(1, Math.ceil((window.startedAtMs + this.options.windowMs - nowMs) / 1000));
  }

  recordFailure(client: string, nowMs: number): void {
    const window = this.live(client, nowMs);
    if (window) {
      window.failures++;
      return;
    }
    if (this.windows.size >= this.options.maxClients) this.evict(nowMs);
    this.windows.set(client, { startedAtMs: nowMs, failures: 1 });
  }

  private live(client: string, nowMs: number): Window | undefined {
    const window = this.windows.get(client);
    if (window && nowMs - window.startedAtMs >= this.options.windowMs) {
      this.windows.delete(client);
      return undefined;
    }
    return window;
  }

  /** Drops expired windows; if all are live, the oldest (Map keeps insertion order). */
  private evict(nowMs: number): void {
    for (const [client, window] of this.windows) {
      if (nowMs - window.startedAtMs >= this.options.windowMs) this.windows.delete(client);
    }
    if (this.windows.size >= this.options.maxClients) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }
}
