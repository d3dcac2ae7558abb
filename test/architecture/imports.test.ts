// Keeps the architecture honest: core is pure, the hot path depends only on
// core and its ports, only store/ talks to drizzle, and the layers import one
// way: store/ and telemetry/ implement ports (src/ports.ts) without importing
// the hot path or each other, the admin API does not reach into the health
// loop's folder, and OFREP gets its services handed in rather than wiring them.
import { describe, expect, it } from "vitest";

// Vite inlines every source file as raw text at build time, so the scan runs
// inside workerd without filesystem access.
const sources = import.meta.glob("../../src/**/*.{ts,tsx}", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const match of source.matchAll(pattern)) specifiers.push((match[1] ?? match[2])!);
  return specifiers;
}

function filesUnder(folder: string): [string, string][] {
  return Object.entries(sources).filter(([path]) => path.includes(`/src/${folder}/`));
}

function violationsOf(files: [string, string][], forbidden: readonly RegExp[]): string[] {
  return files.flatMap(([path, source]) =>
    importsOf(source)
      .filter((specifier) => forbidden.some((rule) => rule.test(specifier)))
      .map((specifier) => `${path} → ${specifier}`),
  );
}

const FORBIDDEN_EVERYWHERE_BUT_STORE = [/^drizzle-orm/];
const HOT_PATH_FORBIDDEN = [
  /^drizzle-orm/,
  /^hono/,
  /\/store\//,
  /\/admin\//,
  /\/cron\//,
  /\/telemetry\//,
  /^cloudflare:/,
  /\/env$/,
  /\/wiring$/,
];
const CORE_FORBIDDEN = [...HOT_PATH_FORBIDDEN, /\/edge\//];

/** One-way layer rules: folder → what it must not import, and an import that would break the rule. */
const LAYER_RULES = [
  {
    folder: "store",
    forbids: "edge",
    rules: [/\/edge\//],
    violating: 'import type { FlagCache } from "../edge/flag-cache";',
  },
  {
    folder: "store",
    forbids: "telemetry",
    rules: [/\/telemetry\//],
    violating: 'import { OutcomeWriter } from "../telemetry/outcome-writer";',
  },
  {
    folder: "telemetry",
    forbids: "store",
    rules: [/\/store\//],
    violating: 'import { readOutcomeWindows } from "../../store/metrics-repo";',
  },
  {
    folder: "admin",
    forbids: "cron",
    rules: [/\/cron\//],
    violating: 'import { probeReadiness } from "../../cron/readiness";',
  },
  { folder: "ofrep", forbids: "wiring", rules: [/\/wiring$/], violating: 'import { servicesFor } from "../wiring";' },
] as const;

describe("import rules", () => {
  it("finds the sources it scans", () => {
    expect(filesUnder("core").length).toBeGreaterThan(5);
    expect(filesUnder("edge").length).toBeGreaterThan(3);
  });

  it.each([
    ["core", CORE_FORBIDDEN],
    ["edge", HOT_PATH_FORBIDDEN],
  ] as const)("src/%s imports none of drizzle, hono, store, admin, cron, telemetry, env", (folder, forbidden) => {
    expect(violationsOf(filesUnder(folder), forbidden)).toEqual([]);
  });

  it.each(LAYER_RULES)("src/$folder imports nothing from $forbids", ({ folder, rules }) => {
    expect(filesUnder(folder).length).toBeGreaterThan(0);
    expect(violationsOf(filesUnder(folder), rules)).toEqual([]);
  });

  it.each(LAYER_RULES)("the $folder ↛ $forbids rule catches a violating import", ({ folder, rules, violating }) => {
    const path = `/src/${folder}/synthetic.ts`;
    expect(violationsOf([[path, `${violating}\nimport { ok } from "../core/result";`]], rules)).toEqual([
      `${path} → ${violating.match(/"([^"]+)"/)![1]}`,
    ]);
  });

  it("only src/store imports drizzle-orm", () => {
    const violations = Object.entries(sources)
      .filter(([path]) => !path.includes("/src/store/"))
      .flatMap(([path, source]) =>
        importsOf(source)
          .filter((s) => FORBIDDEN_EVERYWHERE_BUT_STORE.some((rule) => rule.test(s)))
          .map((s) => `${path} → ${s}`),
      );
    expect(violations).toEqual([]);
  });

  it("core uses no clock, randomness or network", () => {
    const impure = filesUnder("core").filter(([, source]) =>
      /Date\.now\(|Math\.random\(|crypto\.randomUUID|\bfetch\(/.test(source.replace(/\/\/.*$/gm, "")),
    );
    expect(impure.map(([path]) => path)).toEqual([]);
  });

  it("the scanner itself detects a forbidden import", () => {
    expect(importsOf('import { eq } from "drizzle-orm";\nexport { x } from "../store/y";')).toEqual([
      "drizzle-orm",
      "../store/y",
    ]);
  });
});
