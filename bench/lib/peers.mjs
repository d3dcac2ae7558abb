// The peer Workers for bench:router's paired rounds: the same flag meaning as
// the router's bench flag (25 % of units by `x-user-id` to green, the rest
// blue; no rules, no overrides) in each vendor's own flag format, stored in
// KV the way each vendor's users deploy it, evaluated by the vendor's SDK
// (exact pinned dev dependencies) in its own Worker (bench/peers/*.mjs),
// bundled by `wrangler deploy --dry-run` like any Worker. Contract: every Miniflare
// it starts is registered with the caller's cleanups; the flag data below is
// the one home of what the peers serve.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Miniflare } from "miniflare";
import { COMPATIBILITY } from "./harness.mjs";

export const FLAG_KEY = "bench-model";
export const GREEN_PERCENT = 25;
const LD_CLIENT_SIDE_ID = "bench-client-side-id";
const REFRESH_SECONDS = "5";

/** LaunchDarkly: the environment's data under `LD-Env-<id>`, as LaunchDarkly's Cloudflare integration writes it. */
const LAUNCHDARKLY_DATA = {
  flags: {
    [FLAG_KEY]: {
      key: FLAG_KEY,
      version: 1,
      on: true,
      salt: FLAG_KEY,
      variations: ["blue", "green"],
      offVariation: 0,
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: (100 - GREEN_PERCENT) * 1000 },
            { variation: 1, weight: GREEN_PERCENT * 1000 },
          ],
        },
      },
      targets: [],
      contextTargets: [],
      rules: [],
      prerequisites: [],
      trackEvents: false,
      trackEventsFallthrough: false,
      clientSide: false,
      deleted: false,
    },
  },
  segments: {},
};

/** GrowthBook: the SDK payload its webhooks write to KV. */
const GROWTHBOOK_PAYLOAD = {
  features: {
    [FLAG_KEY]: {
      defaultValue: "blue",
      rules: [{ force: "green", coverage: GREEN_PERCENT / 100, hashAttribute: "id" }],
    },
  },
};

/** flagd: a flag definition file, as flagd's sync sources serve it. */
const FLAGD_CONFIG = {
  flags: {
    [FLAG_KEY]: {
      state: "ENABLED",
      variants: { blue: "blue", green: "green" },
      defaultVariant: "blue",
      targeting: {
        fractional: [
          ["green", GREEN_PERCENT],
          ["blue", 100 - GREEN_PERCENT],
        ],
      },
    },
  },
};

export const PEERS = [
  {
    name: "launchdarkly",
    entry: "bench/peers/launchdarkly.mjs",
    kv: { [`LD-Env-${LD_CLIENT_SIDE_ID}`]: LAUNCHDARKLY_DATA },
    bindings: { LD_CLIENT_SIDE_ID },
  },
  {
    name: "growthbook",
    entry: "bench/peers/growthbook.mjs",
    kv: { "gb-payload": GROWTHBOOK_PAYLOAD },
    bindings: { GB_PAYLOAD_KEY: "gb-payload" },
  },
  {
    name: "flagd",
    entry: "bench/peers/flagd.mjs",
    kv: { "flagd-config": FLAGD_CONFIG },
    bindings: { FLAGD_CONFIG_KEY: "flagd-config" },
  },
];

/** One peer's deploy bundle, built by wrangler exactly as its users' `wrangler deploy` would. */
async function bundle(peer, workDir) {
  const dir = path.join(workDir, `peer-${peer.name}`);
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, "wrangler.toml");
  writeFileSync(
    config,
    [
      `name = "peer-${peer.name}"`,
      `main = ${JSON.stringify(path.resolve(peer.entry))}`,
      `compatibility_date = "${COMPATIBILITY.compatibilityDate}"`,
      `compatibility_flags = ${JSON.stringify(COMPATIBILITY.compatibilityFlags)}`,
    ].join("\n"),
  );
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const outdir = path.join(dir, "dist");
  const wrangler = spawn("npx", ["wrangler", "deploy", "--dry-run", "--config", config, "--outdir", outdir], { env });
  let output = "";
  wrangler.stdout.on("data", (chunk) => (output += chunk));
  wrangler.stderr.on("data", (chunk) => (output += chunk));
  const [code] = await once(wrangler, "close");
  if (code !== 0) throw new Error(`peer ${peer.name}: wrangler build failed:\n${output}`);
  return path.join(outdir, `${path.basename(peer.entry, ".mjs")}.js`);
}

/** Every peer's bundle, built at once (each build mostly waits on its own wrangler start-up). */
export async function buildPeers(workDir) {
  const scripts = await Promise.all(PEERS.map((peer) => bundle(peer, workDir)));
  return PEERS.map((peer, i) => ({ ...peer, scriptPath: scripts[i] }));
}

/** Starts one built peer (buildPeers) in its own Miniflare (its own workerd) with its flag data in KV; returns its URL. */
export async function startPeer(peer, origins, cleanups) {
  const mf = new Miniflare({
    ...COMPATIBILITY,
    modules: true,
    scriptPath: peer.scriptPath,
    modulesRoot: path.dirname(peer.scriptPath),
    host: "127.0.0.1",
    port: 0,
    cf: false,
    kvNamespaces: ["FLAGS"],
    kvPersist: false,
    bindings: {
      ...peer.bindings,
      FLAG_KEY,
      REFRESH_SECONDS,
      BLUE_ORIGIN: `http://127.0.0.1:${origins.blue}`,
      GREEN_ORIGIN: `http://127.0.0.1:${origins.green}`,
    },
  });
  cleanups.push(() => mf.dispose());
  const url = await mf.ready;
  const kv = await mf.getKVNamespace("FLAGS");
  for (const [key, value] of Object.entries(peer.kv)) await kv.put(key, JSON.stringify(value));
  return url;
}
