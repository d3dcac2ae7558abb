// Keeps the architecture honest: core is pure, the hot path depends only on
// core and its ports, and only store/ talks to drizzle.
import { describe, expect, it } from "vitest";

// Vite inlines every source file as raw text at build time, so the scan runs
// inside workerd without filesystem access.
const sources = import.meta.glob("../../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const match of source.matchAll(pattern)) specifiers.push((match[1] ?? match[2])!);
  return specifiers;
}

function filesUnder(folder: string): [string, string][] {
  return Object.entries(sources).filter(([path]) => path.includes(`/src/${folder}/`));
}

const FORBIDDEN_EVERYWHERE_BUT_STORE = [/^drizzle-orm/];
const HOT_PATH_FORBIDDEN = [/^drizzle-orm/, /^hono/, /\/store\//, /\/admin\//, /\/cron\//, /\/telemetry\//, /^cloudflare:/, /\/env$/, /\/wiring$/];
const CORE_FORBIDDEN = [...HOT_PATH_FORBIDDEN, /\/edge\//];

describe("import rules", () => {
  it("finds the sources it scans", () => {
    expect(filesUnder("core").length).toBeGreaterThan(5);
    expect(filesUnder("edge").length).toBeGreaterThan(3);
  });

  it.each([["core", CORE_FORBIDDEN], ["edge", HOT_PATH_FORBIDDEN]] as const)("src/%s imports none of drizzle, hono, store, admin, cron, telemetry, env", (folder, forbidden) => {
    const violations = filesUnder(folder).flatMap(([path, source]) =>
      importsOf(source).filter((specifier) => forbidden.some((rule) => rule.test(specifier))).map((specifier) => `${path} → ${specifier}`));
    expect(violations).toEqual([]);
  });

  it("only src/store imports drizzle-orm", () => {
    const violations = Object.entries(sources)
      .filter(([path]) => !path.includes("/src/store/"))
      .flatMap(([path, source]) => importsOf(source).filter((s) => FORBIDDEN_EVERYWHERE_BUT_STORE.some((rule) => rule.test(s))).map((s) => `${path} → ${s}`));
    expect(violations).toEqual([]);
  });

  it("core uses no clock, randomness or network", () => {
    const impure = filesUnder("core").filter(([, source]) => /Date\.now\(|Math\.random\(|crypto\.randomUUID|\bfetch\(/.test(source.replace(/\/\/.*$/gm, "")));
    expect(impure.map(([path]) => path)).toEqual([]);
  });

  it("the scanner itself detects a forbidden import", () => {
    expect(importsOf('import { eq } from "drizzle-orm";\nexport { x } from "../store/y";')).toEqual(["drizzle-orm", "../store/y"]);
  });
});
