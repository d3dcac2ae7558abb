// The load model as a command (no server): today's configuration path beside
// the new one for three sizes, or one size given on the command line.
//
//   node bench/scale-model.mjs [--json] [--smoke]
//     [--isolates N --locations N --flags N --rps N --rollouts N]   one custom size instead of the three
//     [--probe-seconds S] [--changes-per-hour N] [--d1-rtt-ms MS] [--shadow-share F]
//     [--d1-usd-per-million-rows F] [--d1-included-rows-per-month N]
//
// Contract: pure arithmetic (bench/lib/scale-model.mjs); prints a table, or JSON with --json;
// --smoke checks the arithmetic's invariants and exits non-zero when one fails.
import { parseArgs } from "node:util";
import { DEFAULT_PRICES, SIZES, model } from "./lib/scale-model.mjs";

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
    isolates: { type: "string" },
    locations: { type: "string" },
    flags: { type: "string" },
    rps: { type: "string" },
    rollouts: { type: "string" },
    "probe-seconds": { type: "string" },
    "changes-per-hour": { type: "string" },
    "d1-rtt-ms": { type: "string" },
    "shadow-share": { type: "string" },
    "d1-usd-per-million-rows": { type: "string" },
    "d1-included-rows-per-month": { type: "string" },
  },
});

function number(name) {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const inputs = Object.fromEntries(
  [
    ["probeSeconds", number("probe-seconds")],
    ["changesPerHour", number("changes-per-hour")],
    ["d1RoundTripMs", number("d1-rtt-ms")],
    ["shadowShare", number("shadow-share")],
  ].filter(([, value]) => value !== undefined),
);
if (inputs.probeSeconds === 0) {
  console.error("--probe-seconds must be above 0");
  process.exit(2);
}
const prices = {
  ...DEFAULT_PRICES,
  ...(number("d1-usd-per-million-rows") !== undefined && {
    d1UsdPerMillionRowsRead: number("d1-usd-per-million-rows"),
  }),
  ...(number("d1-included-rows-per-month") !== undefined && {
    d1RowsReadIncludedPerMonth: number("d1-included-rows-per-month"),
  }),
};
const custom = args.isolates !== undefined;
const sizes = custom
  ? [
      {
        name: "custom",
        isolates: number("isolates"),
        locations: Math.max(1, number("locations") ?? 1),
        flags: number("flags") ?? 100,
        requestsPerSecond: number("rps") ?? 1000,
        activeRollouts: number("rollouts") ?? 10,
      },
    ]
  : SIZES;
const results = sizes.map((size) => model(size, inputs, prices));

if (args.smoke) {
  const failures = [];
  for (const r of results) {
    if (!(r.d1QueriesPerSecond.new < r.d1QueriesPerSecond.today || r.isolates <= r.locations))
      failures.push(`${r.name}: new design does not cut D1 queries`);
    if (!(r.d1RowsPerSecond.new <= r.d1RowsPerSecond.today)) failures.push(`${r.name}: new design reads more rows`);
    if (r.analyticsEngine.pointsPerInvocation > r.analyticsEngine.perInvocationLimit)
      failures.push(`${r.name}: AE points per invocation above the limit`);
  }
  if (failures.length > 0) {
    console.error(failures.join("\n"));
    process.exit(1);
  }
}

const fmt = (n) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(1)} G`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)} M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)} k`
        : n.toFixed(n < 10 ? 2 : 0);
const usd = (n) => `$${n < 10 ? n.toFixed(2) : n.toFixed(0)}`;

if (args.json) {
  console.log(JSON.stringify({ model: results }, null, 2));
} else {
  console.log(
    "| size | isolates | locations | flags | D1 queries/s today → new | D1 rows read/s today → new | rows/month today → new | D1 $/month today → new | KV reads/s | KV writes/s | AE points/s (per invocation) | SQL API queries/min (typical–worst) |",
  );
  console.log("|---|---:|---:|---:|---|---|---|---|---:|---:|---|---|");
  for (const r of results)
    console.log(
      `| ${r.name} | ${fmt(r.isolates)} | ${r.locations} | ${r.flags} | ${fmt(r.d1QueriesPerSecond.today)} → ${fmt(r.d1QueriesPerSecond.new)} | ${fmt(r.d1RowsPerSecond.today)} → ${fmt(r.d1RowsPerSecond.new)} | ${fmt(r.d1RowsPerMonth.today)} → ${fmt(r.d1RowsPerMonth.new)} | ${usd(r.d1UsdPerMonth.today)} → ${usd(r.d1UsdPerMonth.new)} | ${fmt(r.kv.readsPerSecond)} | ${r.kv.writesPerSecond.toFixed(3)} | ${fmt(r.analyticsEngine.pointsPerSecond)} (${r.analyticsEngine.pointsPerInvocation} of ${r.analyticsEngine.perInvocationLimit}) | ${r.healthLoop.sqlQueriesPerMinute.typical}–${r.healthLoop.sqlQueriesPerMinute.worst} |`,
    );
  const p = results[0];
  console.log(
    `\nprobe interval ${p.probeSeconds} s; ${inputs.changesPerHour ?? 30} changes/hour; D1 $${prices.d1UsdPerMillionRowsRead}/M rows read beyond ${fmt(prices.d1RowsReadIncludedPerMonth)}/month; 30-day month.`,
  );
}
