// In-isolate limiter for repeated authentication failures from one client,
// shared by every surface that accepts a switchyard token (admin API,
// dashboard sign-in, OFREP): a guess is a guess wherever it is tried.
// A fixed window per client key: after `maxFailures` failed authentications
// within `windowMs`, every request from that client is refused until the
// window ends, valid token or not — otherwise a guesser could keep trying.
// Pure: no I/O, no clock (`nowMs` is passed in); memory is bounded by
// `maxClients`. Per isolate only (no shared state): it slows brute force
// down, it is not a global quota.
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

  /** Seconds the client must wait, or 0 when it may try. */
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
