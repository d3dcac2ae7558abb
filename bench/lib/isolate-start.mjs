// What a new isolate pays in full before its first request: workerd compiles
// every module it was deployed with (dynamic import() or not) and evaluates
// the main module. `wrangler check startup` profiles only the evaluation, so
// this measures the whole: the time to `ready` of one workerd holding
// `copies` isolates of a script, against the same for a bare Worker, in
// alternating (paired) rounds; per isolate = median difference / copies.
// Contract: every Miniflare it starts is disposed before it returns.
import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { COMPATIBILITY } from "./harness.mjs";
import { median } from "./stats.mjs";

const BARE = "export default { fetch() { return new Response('bare'); } };";

async function readyMs(contents, copies, salt) {
  const started = performance.now();
  const mf = new Miniflare({
    workers: Array.from({ length: copies }, (_, i) => ({
      name: `isolate-${i}`,
      ...COMPATIBILITY,
      // A comment unique to the round keeps any cache from serving a compiled copy.
      modules: [{ type: "ESModule", path: "/worker/index.mjs", contents: `${contents}\n// ${salt}-${i}` }],
      modulesRoot: "/",
    })),
  });
  try {
    await mf.ready;
    return performance.now() - started;
  } finally {
    await mf.dispose();
  }
}

/** Per-isolate start-up ms of each script (single-file bundles), paired against a bare Worker. */
export async function isolateStartMs(scripts, { copies = 8, rounds = 5 } = {}) {
  const texts = Object.fromEntries(Object.entries(scripts).map(([name, file]) => [name, readFileSync(file, "utf8")]));
  const differences = Object.fromEntries(Object.keys(texts).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, text] of Object.entries(texts)) {
      const bare = await readyMs(BARE, copies, `${round}-${name}-bare`);
      const script = await readyMs(text, copies, `${round}-${name}`);
      differences[name].push((script - bare) / copies);
    }
  }
  return Object.fromEntries(Object.entries(differences).map(([name, values]) => [name, median(values)]));
}
