// `npm run demo:traffic -- --seconds 20 --rps 50 [--stream]`: steady traffic
// to the demo flag through the local router, with users drawn from a fixed
// pool so stickiness shows (the same user always lands on the same variant).
// `--stream` asks the demo origins to stream their answers (`?stream=1`).
// Prints per-variant counts and error counts at the end (what is counted,
// and how: scripts/lib/traffic-tally.mjs).
import { createTally } from "./lib/traffic-tally.mjs";

const args = {};
for (const [i, arg] of process.argv.entries()) if (arg.startsWith("--")) args[arg.slice(2)] = process.argv[i + 1];
const stream = process.argv.includes("--stream");
const seconds = Number(args.seconds ?? 20);
const rps = Number(args.rps ?? 50);
const users = Number(args.users ?? 200);
const base = args.url ?? "http://127.0.0.1:8787";
const TEXTS = [
  "great service, love it",
  "terrible and slow",
  "not bad at all",
  "I don't hate it",
  "awesome and fast",
  "broken again",
];

const tally = createTally();

async function one(i) {
  const user = `user-${Math.floor(Math.random() * users)}`;
  try {
    const response = await fetch(`${base}/demo/predict${stream ? "?stream=1" : ""}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-user-id": user },
      body: JSON.stringify({ text: TEXTS[i % TEXTS.length] }),
    });
    await response.arrayBuffer();
    tally.record(user, {
      status: response.status,
      variant: response.headers.get("x-model-variant"),
      failover: response.headers.get("x-flag-failover"),
    });
  } catch {
    tally.networkError();
  }
}

const started = Date.now();
const pending = [];
for (let i = 0; i < seconds * rps; i++) {
  const due = started + (i * 1000) / rps;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  pending.push(one(i));
}
await Promise.all(pending);
console.log(JSON.stringify({ seconds, rps, users, stream, ...tally.summary() }, null, 2));
