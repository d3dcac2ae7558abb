// Snapshot-scale measurements, as pure functions of a size so
// the same code runs at full size from bench/snapshot.bench.ts (Node, with
// --expose-gc) and at tiny size from test/bench/snapshot-smoke.test.ts
// (inside workerd). Contract: no Node APIs here — the caller supplies the
// heap probe; without one the memory figures are null. Timings use
// performance.now(), which workerd freezes between I/O, so under vitest they
// are only shape-checked, never compared.
import { compileSnapshot } from "../src/core/snapshot";
import type { CompiledFlag, ConstraintSpec, FlagSnapshot, RuleSpec, Variant } from "../src/core/types";

export interface SnapshotBenchOptions {
  /** Overrides in the single big flag (and in total across the memory flags). */
  overrides: number;
  /** Segment rules in the single big flag. */
  rules: number;
  /** Timed repetitions; the median is reported. */
  runs: number;
  /** Overrides per flag in the "many flags" memory scenario. */
  overridesPerFlag?: number;
  /** Returns heap bytes in use after a full GC; omit where that cannot be measured. */
  heapProbe?: () => number;
}

export interface SnapshotBenchResult {
  overrides: number;
  rules: number;
  compileMs: number;
  serializeMs: number;
  parseMs: number;
  /** Retained heap of `overrides` overrides spread over flags of `overridesPerFlag` each. */
  heapMb: number | null;
  /** Retained heap of one flag holding all `overrides` overrides. */
  heapMbSingleFlag100k: number | null;
}

// UUID-shaped unit keys (36 chars) because real unit keys are user or device
// ids of that size, and key length dominates override memory.
function unitKey(i: number): string {
  const a = (Math.imul(i, 2654435761) >>> 0).toString(16).padStart(8, "0");
  const b = i.toString(16).padStart(12, "0");
  return `${a}-4b1d-4000-8000-${b}`;
}

// A rotating mix of operators, including the two with real compile work
// (`matches` builds a guarded RegExp, `ip_in_cidr` parses CIDRs).
const CONSTRAINTS: ((i: number) => ConstraintSpec)[] = [
  (i) => ({ attribute: "cf.country", operator: "in", values: ["DE", "FR", "NL", `X${i % 50}`] }),
  (i) => ({ attribute: "header.x-plan", operator: "eq", values: [`plan-${i % 7}`] }),
  (i) => ({ attribute: "header.user-agent", operator: "matches", values: [`^client-v${i % 9}\\.[0-9]+ \\(bench\\)$`] }),
  (i) => ({ attribute: "ip", operator: "ip_in_cidr", values: [`10.${i % 256}.0.0/16`, "2001:db8::/32"] }),
  (i) => ({ attribute: "header.x-app-version", operator: "semver_gt", values: [`1.${i % 20}.0`] }),
  () => ({ attribute: "query.region", operator: "starts_with", values: ["eu-", "us-"] }),
  (i) => ({ attribute: "header.x-tier", operator: "not_in", values: ["free", `trial-${i}`] }),
  (i) => ({ attribute: "header.x-score", operator: "gte", values: [String(i % 100)] }),
  () => ({ attribute: "header.x-signup", operator: "before", values: ["2026-01-01T00:00:00Z"] }),
  () => ({ attribute: "cookie.beta", operator: "exists", values: [] }),
];

function rule(i: number): RuleSpec {
  // 1–3 AND-ed constraints per segment, every 5th segment negated.
  const constraints = Array.from({ length: 1 + (i % 3) }, (_, j) => CONSTRAINTS[(i + j * 3) % CONSTRAINTS.length]!(i));
  const segment = { key: `seg-${i}`, constraints, negate: i % 5 === 0 };
  return i % 2 === 0
    ? { id: `rule-${i}`, segment, variant: "green" }
    : { id: `rule-${i}`, segment, percent: (i % 100) + 0.5 };
}

/** One flag's wire snapshot with `overrides` pinned unit keys (starting at `firstKey`) and `rules` rules. */
export function buildSnapshot(key: string, overrides: number, rules: number, firstKey = 0): FlagSnapshot {
  const pinned: Record<string, Variant> = {};
  for (let i = 0; i < overrides; i++) pinned[unitKey(firstKey + i)] = i % 3 === 0 ? "blue" : "green";
  return {
    schemaVersion: 1,
    hashVersion: 1,
    key,
    version: 1,
    killSwitch: false,
    route: { method: "POST", path: `/${key}/predict` },
    origins: { blue: { url: "https://blue.example" }, green: { url: "https://green.example" } },
    timeoutMs: 2000,
    failover: true,
    unitKey: { source: "header", name: "x-user-id" },
    rules: Array.from({ length: rules }, (_, i) => rule(i)),
    overrides: pinned,
    rollout: { id: `${key}-r1`, state: "active", stageIndex: 2, stageMode: "serve", percent: 25 },
  };
}

function compileOrThrow(raw: unknown): CompiledFlag {
  const compiled = compileSnapshot(raw);
  if (!compiled.ok) throw new Error(`bench snapshot rejected: ${JSON.stringify(compiled.error)}`);
  return compiled.value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Median ms of stringify → parse → compile of one big flag, in the order a publish + KV read does them. */
export function timeRoundTrip(
  snapshot: FlagSnapshot,
  runs: number,
): { compileMs: number; serializeMs: number; parseMs: number } {
  const serialize: number[] = [];
  const parse: number[] = [];
  const compile: number[] = [];
  for (let run = 0; run < runs; run++) {
    let t = performance.now();
    const text = JSON.stringify(snapshot);
    serialize.push(performance.now() - t);
    t = performance.now();
    const raw: unknown = JSON.parse(text);
    parse.push(performance.now() - t);
    t = performance.now();
    const flag = compileOrThrow(raw);
    compile.push(performance.now() - t);
    // Guard against a compiler that silently drops overrides.
    if (flag.overrides.size !== Object.keys(snapshot.overrides).length) throw new Error("override count mismatch");
  }
  return { compileMs: round(median(compile)), serializeMs: round(median(serialize)), parseMs: round(median(parse)) };
}

// Builds, serializes, parses and compiles one flag in its own frame: a loop
// body at the caller would leave the last JSON text and parsed object in
// interpreter registers, which GC treats as live (that inflated the
// single-flag figure by the 4.5 MB text before this was split out).
function loadFlag(index: number, overridesPerFlag: number, rulesPerFlag: number): CompiledFlag {
  const text = JSON.stringify(buildSnapshot(`flag-${index}`, overridesPerFlag, rulesPerFlag, index * overridesPerFlag));
  return compileOrThrow(JSON.parse(text));
}

/**
 * Retained MB of `flags` compiled flags, each parsed from its own JSON text as
 * the flag cache does after a KV read, so only what the cache keeps is counted
 * (CompiledFlag, including the parsed snapshot it references). `retain` lets
 * the caller measure a variant of what is kept (e.g. a proposed layout).
 */
export function retainedMb(
  heapProbe: () => number,
  flags: number,
  overridesPerFlag: number,
  rulesPerFlag: number,
  retain: (flag: CompiledFlag) => unknown = (flag) => flag,
): number {
  const baseline = heapProbe();
  const kept: unknown[] = [];
  // Arrow call: `retain`'s input must not outlive the call in this frame either.
  const loadOne = (f: number) => retain(loadFlag(f, overridesPerFlag, rulesPerFlag));
  for (let f = 0; f < flags; f++) kept.push(loadOne(f));
  const after = heapProbe();
  if (kept.length !== flags) throw new Error("unreachable: keeps `kept` alive until after the probe");
  return round((after - baseline) / (1024 * 1024));
}

// Separate frame so the 100 000-override wire object is garbage before the heap baseline.
function timeBigFlag(options: SnapshotBenchOptions) {
  return timeRoundTrip(buildSnapshot("big", options.overrides, options.rules), options.runs);
}

/** Runs every snapshot measurement at the given size. */
export function runSnapshotBench(options: SnapshotBenchOptions): SnapshotBenchResult {
  const perFlag = options.overridesPerFlag ?? 100;
  const timings = timeBigFlag(options);
  const probe = options.heapProbe;
  // Two rules per small flag: a realistic fleet has few rules and many pins.
  const heapMb = probe ? retainedMb(probe, Math.max(1, Math.round(options.overrides / perFlag)), perFlag, 2) : null;
  const heapMbSingleFlag100k = probe ? retainedMb(probe, 1, options.overrides, options.rules) : null;
  return { overrides: options.overrides, rules: options.rules, ...timings, heapMb, heapMbSingleFlag100k };
}
