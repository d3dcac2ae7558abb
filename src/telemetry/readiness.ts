// Rollback-target readiness: probes blue's optional health URL (GET, 2xx =
// ready) with a timeout. Measures only, like the metric readers: each health
// tick records the result (a not-ready blue blocks advancing/promoting) and
// the admin API checks it before a rollout starts. Never throws.

export interface Readiness {
  ready: boolean;
  status: number | null;
  error: string | null;
  latencyMs: number;
}

export async function probeReadiness(
  url: string,
  timeoutMs: number,
  doFetch: typeof fetch = (input, init) => fetch(input, init),
): Promise<Readiness> {
  const started = Date.now();
  try {
    const response = await doFetch(url, { method: "GET", signal: AbortSignal.timeout(timeoutMs) });
    void response.body?.cancel();
    return {
      ready: response.ok,
      status: response.status,
      error: response.ok ? null : `HTTP ${response.status}`,
      latencyMs: Date.now() - started,
    };
  } catch (error) {
    return {
      ready: false,
      status: null,
      error: String((error as Error).message ?? error),
      latencyMs: Date.now() - started,
    };
  }
}
