// Decision webhooks: JSON POST signed with HMAC-SHA256 over
// `${timestamp}.${body}` (header `x-switchyard-signature: sha256=<hex>`,
// timestamp in `x-switchyard-timestamp`, so receivers can reject replays),
// retried with exponential backoff. Never throws and never blocks a
// decision: the cron hands the returned promise to ctx.waitUntil.

export const WEBHOOK_DEFAULTS = { attempts: 4, backoffMs: 500, timeoutMs: 5000 } as const;
export const SIGNATURE_HEADER = "x-switchyard-signature";
export const TIMESTAMP_HEADER = "x-switchyard-timestamp";

const encoder = new TextEncoder();
const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  return `sha256=${hex(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`${timestamp}.${body}`)))}`;
}

/** Receiver side (and tests): constant-time check through crypto.subtle.verify. */
export async function verifyWebhook(
  secret: string,
  timestamp: number,
  body: string,
  signature: string,
): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/.exec(signature);
  if (!match) return false;
  const bytes = new Uint8Array(match[1]!.match(/../g)!.map((pair) => parseInt(pair, 16)));
  return crypto.subtle.verify("HMAC", await hmacKey(secret), bytes, encoder.encode(`${timestamp}.${body}`));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid url)";
  }
}

export interface WebhookOptions {
  url: string;
  secret: string;
  payload: unknown;
  now: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

export interface WebhookDelivery {
  delivered: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

/** Retries on network errors, 429 and 5xx; a 4xx other than 429 is final. */
export async function sendWebhook(options: WebhookOptions): Promise<WebhookDelivery> {
  const body = JSON.stringify(options.payload);
  const timestamp = Math.floor(options.now / 1000);
  const attempts = options.attempts ?? WEBHOOK_DEFAULTS.attempts;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last: WebhookDelivery = { delivered: false, attempts: 0, status: null, error: "not attempted" };
  try {
    const signature = await signWebhook(options.secret, timestamp, body);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep((options.backoffMs ?? WEBHOOK_DEFAULTS.backoffMs) * 2 ** (attempt - 2));
      try {
        const response = await doFetch(options.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            [SIGNATURE_HEADER]: signature,
            [TIMESTAMP_HEADER]: String(timestamp),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs),
        });
        void response.body?.cancel();
        last = {
          delivered: response.ok,
          attempts: attempt,
          status: response.status,
          error: response.ok ? null : `HTTP ${response.status}`,
        };
        if (response.ok || (response.status < 500 && response.status !== 429)) break;
      } catch (error) {
        last = { delivered: false, attempts: attempt, status: null, error: String((error as Error).message ?? error) };
      }
    }
  } catch (error) {
    last = { ...last, error: String(error) };
  }
  // Host only: receivers such as Slack carry their credential in the URL path or query.
  if (!last.delivered)
    console.warn("health webhook not delivered", {
      host: hostOf(options.url),
      attempts: last.attempts,
      status: last.status,
      error: last.error,
    });
  return last;
}
