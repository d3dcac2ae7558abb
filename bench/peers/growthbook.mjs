// Peer Worker: the GrowthBook SDK with its payload in KV (what GrowthBook's
// SDK webhooks write), read once per isolate and again every
// REFRESH_SECONDS, as switchyard re-checks its own index. One multi-user
// client per isolate; each request evaluates with its own attributes.
import { GrowthBookClient } from "@growthbook/growthbook";
import { forwardTo } from "./forward.mjs";

let client;
let loadedAt = 0;

async function clientFor(env) {
  const now = Date.now();
  if (!client || now - loadedAt > Number(env.REFRESH_SECONDS) * 1000) {
    const payload = await env.FLAGS.get(env.GB_PAYLOAD_KEY, "json");
    client = new GrowthBookClient().initSync({ payload });
    loadedAt = now;
  }
  return client;
}

export default {
  async fetch(request, env) {
    const growthbook = await clientFor(env);
    const attributes = { id: request.headers.get("x-user-id") ?? "anonymous" };
    const variant = growthbook.getFeatureValue(env.FLAG_KEY, "blue", { attributes });
    return forwardTo(variant, request, env);
  },
};
