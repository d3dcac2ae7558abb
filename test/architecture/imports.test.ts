// Keeps the architecture honest: core is pure, the hot path depends only on
// core and its ports, only store/ talks to drizzle, and the layers import one
// way: store/ and telemetry/ implement ports (src/ports.ts) without importing
// the hot path or each other, the admin API does not reach into the health
// loop's folder, and OFREP gets its services handed in rather than wiring them.
// What a new isolate evaluates before its first request (the entry's static
// import graph) holds no admin, dashboard, OFREP, cron, zod, hono or drizzle
// code: those load with `import()` on first use. And the router's whole
// bundle (dynamic imports too, all compiled when an isolate starts) holds no
// drizzle: only the control plane, which the router's build leaves out, does.
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

/** Value imports a bundle evaluates at start: not `import type` (erased), not `import()` (on first use). */
function staticImportsOf(source: string): string[] {
  const pattern =
    /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^;]*?from\s+["']([^"']+)["']|(?:^|\n)\s*import\s+["']([^"']+)["']/g;
  return [...source.matchAll(pattern)].map((match) => (match[1] ?? match[2])!);
}

function resolveRelative(from: string, specifier: string, files: Record<string, string>): string | undefined {
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  const base = parts.join("/");
  return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => candidate in files);
}

/** Value imports a bundle compiles: the static ones and `import()` (type-only imports are erased). */
function bundledImportsOf(source: string): string[] {
  const dynamic = [...source.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]!);
  return [...staticImportsOf(source), ...dynamic];
}

/** Every file and package the entry reaches through `follow`'s imports, never entering `skip`'s files. */
function startupGraph(
  entry: string,
  files: Record<string, string>,
  follow: (source: string) => string[] = staticImportsOf,
  skip: readonly string[] = [],
): { files: string[]; packages: string[] } {
  const seen = new Set<string>([entry]);
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const specifier of follow(files[file] ?? "")) {
      if (!specifier.startsWith(".")) {
        packages.add(specifier);
        continue;
      }
      const resolved = resolveRelative(file, specifier, files);
      if (!resolved || seen.has(resolved) || skip.includes(resolved)) continue;
      seen.add(resolved);
      queue.push(resolved);
    }
  }
  return { files: [...seen], packages: [...packages] };
}

const ENTRY = "../../src/index.ts";

/** The control plane: index.ts imports it only under CONTROL_PLANE_BUNDLED, false in the router's build. */
const CONTROL_PLANE = "../../src/control-plane.ts";
// OFREP shares the admin API's token auth, error shape and limits (admin/auth, api-error, limits); nothing else of admin/.
const ROUTER_FORBIDDEN_FILES = [
  /\/src\/admin\/(?!(auth|api-error|limits)\.ts$)/,
  /\/src\/(dashboard|cron|dev)\//,
  // The schema is schema.ts and the part files it re-exports (schema-observations.ts).
  /\/store\/(db|schema(-[a-z-]+)?)\.ts$/,
  // The health loop's readers and their statistics are the control plane's (metrics-wiring.ts).
  /\/src\/metrics-wiring\.ts$/,
  /\/telemetry\/readers\//,
  /\/store\/embedded-metrics-reader\.ts$/,
];
const ROUTER_FORBIDDEN_PACKAGES = [/^drizzle-orm/, /^zod/, /^@hono\//, /^hono(\/|$)/];

/** What the router's bundle reaches (static and dynamic imports, the control plane left out) that it must not. */
function routerBundleViolations(files: Record<string, string>): string[] {
  const graph = startupGraph(ENTRY, files, bundledImportsOf, [CONTROL_PLANE]);
  return [
    ...graph.files.filter((file) => ROUTER_FORBIDDEN_FILES.some((rule) => rule.test(file))),
    ...graph.packages.filter((name) => ROUTER_FORBIDDEN_PACKAGES.some((rule) => rule.test(name))),
  ];
}

/** Lazy `import()`s in the router's bundle other than the control plane's (each costs start-up wrappers). */
function routerLazyImports(files: Record<string, string>): string[] {
  const graph = startupGraph(ENTRY, files, bundledImportsOf, [CONTROL_PLANE]);
  return graph.files.flatMap((file) =>
    [...(files[file] ?? "").matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)]
      .map((match) => match[1]!)
      .filter((specifier) => resolveRelative(file, specifier, files) !== CONTROL_PLANE)
      .map((specifier) => `${file} → ${specifier}`),
  );
}

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

  it("the router's bundle (static and dynamic imports, without the control plane) reaches the hot path, OFREP, feedback and the D1 fallback, and no admin, dashboard, cron, drizzle, zod or hono", () => {
    const graph = startupGraph(ENTRY, sources, bundledImportsOf, [CONTROL_PLANE]);
    expect(graph.files).toEqual(
      expect.arrayContaining([
        "../../src/edge/route-request.ts",
        "../../src/store/snapshot-store.ts",
        "../../src/ofrep/app.ts",
        "../../src/feedback/handler.ts",
        "../../src/store/snapshot-builder.ts",
      ]),
    );
    expect(routerBundleViolations(sources)).toEqual([]);
  });

  it("the router imports nothing lazily but the control plane", () => {
    expect(routerLazyImports(sources)).toEqual([]);
  });

  it("the lazy-import rule catches an import() in the router's graph", () => {
    const file = "../../src/store/snapshot-store.ts";
    const withLazy = { ...sources, [file]: `const load = () => import("./snapshot-builder");\n${sources[file]}` };
    expect(routerLazyImports(withLazy)).toEqual([`${file} → ./snapshot-builder`]);
  });

  it("the static-import scanner skips type-only and dynamic imports", () => {
    expect(
      staticImportsOf('import type { A } from "./a";\nconst b = await import("./b");\nimport { c } from "./c";'),
    ).toEqual(["./c"]);
  });

  it("only index.ts and the control Worker's entry import the control plane", () => {
    const importers = Object.entries(sources)
      .filter(([, source]) => bundledImportsOf(source).some((specifier) => /(^|\/)control-plane$/.test(specifier)))
      .map(([file]) => file);
    expect(importers.sort()).toEqual(["../../src/control.ts", ENTRY]);
  });

  it("index.ts imports the control plane only under CONTROL_PLANE_BUNDLED", () => {
    const entry = sources[ENTRY]!;
    const imports = entry.match(/import\(\s*["']\.\/control-plane["']\s*\)/g) ?? [];
    const guarded = entry.match(/if \(CONTROL_PLANE_BUNDLED\)[^\n]*import\(\s*["']\.\/control-plane["']\s*\)/g) ?? [];
    expect(imports.length).toBeGreaterThan(0);
    expect(guarded).toHaveLength(imports.length);
  });

  it.each([
    ["../../src/store/snapshot-store.ts", 'const load = () => import("./db");', /^drizzle-orm/],
    ["../../src/feedback/handler.ts", 'import { getFlag } from "../store/flag-repo";', /^drizzle-orm/],
    ["../../src/index.ts", 'import { adminApp } from "./admin/app";', /\/src\/admin\/app\.ts$/],
  ])("the router-bundle rule catches what %s reaches by %s", (file, violating, reached) => {
    const withViolation = { ...sources, [file]: `${violating}\n${sources[file]}` };
    expect(routerBundleViolations(withViolation)).toEqual(expect.arrayContaining([expect.stringMatching(reached)]));
  });
});
