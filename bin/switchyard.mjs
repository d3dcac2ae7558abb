#!/usr/bin/env node
// `switchyard` executable (package.json "bin"): wires the real process —
// env, fetch, stdout/stderr, files, clock, Ctrl-C — into cli/main.mjs and
// exits with its code. Plain Node ≥ 20 ESM, no build step, no dependencies.
import { readFile } from "node:fs/promises";
import { run } from "../cli/main.mjs";

let stopped = false;
let wake = null;
process.on("SIGINT", () => {
  // First Ctrl-C ends a --watch loop cleanly (exit 0); a second one exits at once.
  if (stopped) process.exit(130);
  stopped = true;
  wake?.();
});

const code = await run(process.argv.slice(2), {
  env: process.env,
  fetch: globalThis.fetch,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY && process.stderr.isTTY),
  readFile: (file) => readFile(file, "utf8"),
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }),
  stopped: () => stopped,
});
process.exitCode = code;
