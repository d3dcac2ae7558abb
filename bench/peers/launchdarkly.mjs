// Peer Worker: LaunchDarkly's Cloudflare SDK as its documentation deploys it.
// The client is created once per isolate; the SDK itself reads the flag data
// from KV (key `LD-Env-<client-side id>`) on every evaluation.
import { init } from "@launchdarkly/cloudflare-server-sdk";
import { forwardTo } from "./forward.mjs";

let client;

export default {
  async fetch(request, env) {
    client ??= init(env.LD_CLIENT_SIDE_ID, env.FLAGS);
    await client.waitForInitialization();
    const context = { kind: "user", key: request.headers.get("x-user-id") ?? "anonymous" };
    const variant = await client.variation(env.FLAG_KEY, context, "blue");
    return forwardTo(variant, request, env);
  },
};
