// Wires the signed request ids to env: the HMAC key comes from the
// REQUEST_ID_SECRET secret, or — only when DEV_MODE=1 — a fixed dev key, so
// production never signs with a known key. No secret → ids are plain UUIDs
// and /feedback answers 503. The key is imported once per secret.
import type { Env } from "../env";
import { mintRequestId, requestIdKey, type RequestAttribution } from "../edge/request-id";

export const DEV_REQUEST_ID_SECRET = "switchyard-dev-request-id-secret";
const keys = new Map<string, Promise<CryptoKey>>();

export function requestIdSecret(env: Env): string | null {
  if (env.REQUEST_ID_SECRET) return env.REQUEST_ID_SECRET;
  return env.DEV_MODE === "1" ? DEV_REQUEST_ID_SECRET : null;
}

export function requestIdKeyFor(env: Env): Promise<CryptoKey> | null {
  const secret = requestIdSecret(env);
  if (secret === null) return null;
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = requestIdKey(secret)));
  return key;
}

/** The hot path's minter; falls back to a UUID on any failure (it must never throw). */
export function requestIdMinter(env: Env): ((a: RequestAttribution) => Promise<string>) | undefined {
  const key = requestIdKeyFor(env);
  if (!key) return undefined;
  return async (attribution) => {
    try {
      return await mintRequestId(await key, attribution, crypto.randomUUID().slice(0, 8));
    } catch {
      return crypto.randomUUID();
    }
  };
}
