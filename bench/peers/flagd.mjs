// Peer Worker: flagd-core (flagd's in-process evaluator) with its flag
// configuration in KV, read once per isolate and again every
// REFRESH_SECONDS, as switchyard re-checks its own index. Workers forbid
// dynamic code generation, so json-logic runs interpreted.
import { FlagdCore } from "@openfeature/flagd-core";
import { forwardTo } from "./forward.mjs";

let core;
let loadedAt = 0;

async function coreFor(env) {
  const now = Date.now();
  if (!core || now - loadedAt > Number(env.REFRESH_SECONDS) * 1000) {
    const fresh = new FlagdCore(undefined, undefined, { disableDynamicCodeGeneration: true });
    fresh.setConfigurations(await env.FLAGS.get(env.FLAGD_CONFIG_KEY));
    core = fresh;
    loadedAt = now;
  }
  return core;
}

export default {
  async fetch(request, env) {
    const flagd = await coreFor(env);
    const context = { targetingKey: request.headers.get("x-user-id") ?? "anonymous" };
    const { value } = flagd.resolveStringEvaluation(env.FLAG_KEY, "blue", context);
    return forwardTo(value, request, env);
  },
};
