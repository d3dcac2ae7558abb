// The start-up profile of `wrangler check startup`, taken the same way (a
// wrapper module imports the Worker's main module under V8's profiler, in
// workerd through its inspector) but sampled every 50 µs instead of V8's
// default: the default catches only a handful of samples in a start-up of a
// few milliseconds, so its busy time moves by whole samples from run to run.
// Returns the busy ms (samples that are not idle) of one profile.
// Contract: the Miniflare it starts is disposed before it returns.
import { randomUUID } from "node:crypto";
import { Miniflare } from "miniflare";
import WebSocket from "ws";
import { COMPATIBILITY } from "./harness.mjs";

const SAMPLING_INTERVAL_US = 50;

const ANSWER_TIMEOUT_MS = 30_000;

/** One inspector call; rejects on an error answer, a closed socket or no answer in time (never hangs the bench). */
function send(socket, id, method, params = {}) {
  return new Promise((resolve, reject) => {
    const done = (settle, value) => {
      clearTimeout(timer);
      socket.off("message", onMessage);
      socket.off("close", onClose);
      settle(value);
    };
    const onMessage = (data) => {
      const message = JSON.parse(String(data));
      if (message.id !== id) return;
      if (message.error) done(reject, new Error(`${method}: ${message.error.message}`));
      else done(resolve, message.result);
    };
    const onClose = () => done(reject, new Error(`${method}: the inspector closed`));
    const timer = setTimeout(
      () => done(reject, new Error(`${method}: no answer in ${ANSWER_TIMEOUT_MS} ms`)),
      ANSWER_TIMEOUT_MS,
    );
    socket.on("message", onMessage);
    socket.on("close", onClose);
    socket.send(JSON.stringify({ id, method, params }));
  });
}

/** Busy ms of the evaluation of `script` (a single-file ES module Worker) as its first request imports it. */
export async function fineStartupBusyMs(script) {
  const entry = `${randomUUID()}.mjs`;
  const mf = new Miniflare({
    name: "profiler",
    ...COMPATIBILITY,
    modulesRoot: "/startup",
    modules: [
      {
        type: "ESModule",
        path: `/startup/${entry}`,
        contents: `export default { async fetch() { await import("./worker.mjs"); return new Response("ok"); } };`,
      },
      { type: "ESModule", path: "/startup/worker.mjs", contents: script },
    ],
    inspectorPort: 0,
  });
  try {
    await mf.ready;
    const socket = new WebSocket(new URL("/core:user:profiler", await mf.getInspectorURL()).href);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    try {
      await send(socket, 1, "Profiler.enable");
      await send(socket, 2, "Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
      await send(socket, 3, "Profiler.start");
      await (await mf.dispatchFetch("https://startup.local/")).text();
      const { profile } = await send(socket, 4, "Profiler.stop");
      const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
      let busyUs = 0;
      profile.samples.forEach((id, i) => {
        if (!idle.has(id)) busyUs += profile.timeDeltas[i] ?? 0;
      });
      return busyUs / 1000;
    } finally {
      socket.close();
    }
  } finally {
    await mf.dispose();
  }
}
