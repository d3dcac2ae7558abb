// Instructions a workerd process executes, counted by Valgrind's callgrind:
// a figure that, unlike CPU time on this shared VM (which resolves ~5 % per
// round, docs/benchmarks-history.md), does not depend on what else the
// machine runs, and names the native functions the instructions ran in.
// `callgrindWorkerd(dir)` writes a wrapper for Miniflare's
// MINIFLARE_WORKERD_PATH that starts workerd under callgrind (with the
// self-modifying-code check V8's JIT needs); `instructions(pid)` reads the
// live counters of every thread, `zero(pid)` resets them, `dumpProfile`
// writes one and `selfCosts(file)` reads it back per function.
// Contract: files live in `dir` (the caller removes it); every call is
// bounded by a timeout; a process that is not under callgrind throws.
import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import workerd from "workerd";

const CONTROL_TIMEOUT_MS = 60_000;

export function callgrindWorkerd(dir) {
  const file = path.join(dir, "workerd-under-callgrind.sh");
  const options = [
    "--tool=callgrind",
    // V8 writes and rewrites machine code in memory that is no file: without it
    // Valgrind could run stale translations of JIT code.
    "--smc-check=all-non-file",
    `--callgrind-out-file=${path.join(dir, "callgrind.%p")}`,
    `--log-file=${path.join(dir, "valgrind.%p.log")}`,
  ];
  writeFileSync(file, `#!/bin/sh\nexec valgrind ${options.join(" ")} "${workerd.default}" "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

const control = (pid, ...args) =>
  execFileSync("callgrind_control", [...args, String(pid)], {
    encoding: "utf8",
    timeout: CONTROL_TIMEOUT_MS,
    stdio: ["ignore", "pipe", "pipe"],
  });

/** Instructions (Ir) every thread of `pid` has executed since its counters were last zeroed. */
export function instructions(pid) {
  const report = control(pid, "-e", "Ir");
  const threads = [...report.matchAll(/^\s*Th\s+\d+\s+([\d,]+)\s*$/gm)];
  if (threads.length === 0) throw new Error(`callgrind_control found no counters for pid ${pid}:\n${report}`);
  return threads.reduce((sum, [, count]) => sum + Number(count.replaceAll(",", "")), 0);
}

export const zero = (pid) => void control(pid, "--zero");

/** Writes the counters since the last zero as a profile in `dir`; returns its path. */
export function dumpProfile(dir, pid, label) {
  control(pid, `--dump=${label}`);
  const parts = readdirSync(dir)
    .map((name) => /^callgrind\.(\d+)\.(\d+)$/.exec(name))
    .filter((match) => match && Number(match[1]) === pid)
    .sort((a, b) => Number(b[2]) - Number(a[2]));
  if (parts.length === 0) throw new Error(`no callgrind dump for pid ${pid} in ${dir}`);
  return path.join(dir, parts[0][0]);
}

// Thread entry frames, listed with their whole thread's cost.
const THREAD_ROOT = /(^|:)(clone|start_thread|v8::base::Thread::\w+\(\)|v8::base::ThreadEntry\(void\*\)) /;

/**
 * Instructions per function in a dump (self cost), by callgrind_annotate.
 * V8's generated code has no symbols: every unnamed address is summed as
 * "(JIT code)". Call-chain roots (main, thread entries: any line above
 * `rootShare` of the total, and THREAD_ROOT) are left out: the tool lists
 * them with their callees' cost.
 */
export function selfCosts(file, rootShare = 0.2) {
  const text = execFileSync("callgrind_annotate", ["--auto=no", "--inclusive=no", "--threshold=100", file], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: CONTROL_TIMEOUT_MS,
  });
  const total = Number(/^([\d,]+) .*PROGRAM TOTALS/m.exec(text)?.[1].replaceAll(",", "") ?? Number.NaN);
  const costs = new Map();
  for (const [, count, where] of text.matchAll(/^\s*([\d,]+) \([\s\d.]+%\)\s+(\S.*)$/gm)) {
    const ir = Number(count.replaceAll(",", ""));
    if (where.includes("PROGRAM TOTALS") || ir > rootShare * total || THREAD_ROOT.test(where)) continue;
    // "file:function [object]", named by the object's file name alone (no machine paths).
    const name = /^\?\?\?:0x[0-9a-f]+ \[\?\?\?\]$/.test(where)
      ? "(JIT code)"
      : where.replace(/^[^:]*:/, "").replace(/ \[(?:[^\]]*\/)?([^\]/]+)\]$/, " [$1]");
    costs.set(name, (costs.get(name) ?? 0) + ir);
  }
  return { total, costs };
}

/** The `count` functions whose instructions per request differ most between two profiles (a − b). */
export function largestDifferences(a, b, requests, count) {
  const names = new Set([...a.costs.keys(), ...b.costs.keys()]);
  return [...names]
    .map((name) => ({ name, a: (a.costs.get(name) ?? 0) / requests, b: (b.costs.get(name) ?? 0) / requests }))
    .map((row) => ({ ...row, difference: row.a - row.b }))
    .sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference))
    .slice(0, count);
}
