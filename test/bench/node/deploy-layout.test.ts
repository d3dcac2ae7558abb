// The deployed two-Worker layout (README, "Deploy"), checked on wrangler's own
// builds in Node: the router's script holds none of the control plane, its
// control paths reach the control Worker only through CONTROL (and say so
// when the binding is missing), and the two wrangler files give both Workers
// the same storage and vars. The CLI, browser, soak, chaos and fuzz runs
// exercise the pair under traffic; this file pins the layout itself.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- plain .mjs helper shared with the benchmarks (no type declarations)
import * as harness from "../../../bench/lib/harness.mjs";

const { buildBundle, buildDeployed, COMPATIBILITY, LOCAL_STORAGE, migrationStatements } = harness;

const MINUTE = 60_000;
const TOKEN = "syk_layout_test_token_0123456789abcdef";
let work = "";
let scripts: { router: string; control: string } = { router: "", control: "" };
let single = "";

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "switchyard-layout-"));
  scripts = buildDeployed(work);
  single = buildBundle(path.join(work, "single"));
}, 3 * MINUTE);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Names only the control plane's code contains: the OpenAPI document, zod, the health loop and its guards. */
// String literals, which survive minification (the router's names are not kept):
// the OpenAPI document's path, zod, the health loop's log line and a guard's reason.
const CONTROL_PLANE_MARKERS = ["/openapi.json", "ZodError", "health loop: rollout check failed", "latency_p95"];

describe("the deployed layout", () => {
  it("the router's script has none of the control plane, which the single-Worker script does carry", () => {
    const router = readFileSync(scripts.router, "utf8");
    const control = readFileSync(scripts.control, "utf8");
    const bundled = readFileSync(single, "utf8");
    for (const marker of CONTROL_PLANE_MARKERS) {
      expect(router, marker).not.toContain(marker);
      expect(control, marker).toContain(marker);
      expect(bundled, marker).toContain(marker);
    }
    // A quarter of the single-Worker script or less: what a new router isolate compiles.
    expect(router.length).toBeLessThan(bundled.length / 4);
  });

  it("both wrangler files give the two Workers the same storage and vars, and only the router a CONTROL binding", () => {
    // No .dev.vars/.env (a developer's secrets are not configuration): an env file that never exists.
    const options = { envFiles: ["test/setup/no-secrets-in-tests.env"] } as Parameters<
      typeof unstable_getMiniflareWorkerOptions
    >[2];
    const read = (file: string) => unstable_getMiniflareWorkerOptions(file, undefined, options).workerOptions;
    const router = read("wrangler.toml");
    const control = read("wrangler.control.toml");
    const shared = [
      "d1Databases",
      "kvNamespaces",
      "analyticsEngineDatasets",
      "bindings",
      "compatibilityDate",
      "compatibilityFlags",
    ] as const;
    for (const key of shared) expect(control[key], key).toEqual(router[key]);
    expect(router.serviceBindings).toMatchObject({ CONTROL: { name: "switchyard-control" } });
    expect(control.serviceBindings ?? {}).not.toHaveProperty("CONTROL");
  });

  it("the control Worker has no public URL of its own, and only it runs the cron", () => {
    const control = unstable_readConfig({ config: "wrangler.control.toml" });
    const router = unstable_readConfig({ config: "wrangler.toml" });
    expect(control.workers_dev).toBe(false);
    expect(control.preview_urls).toBe(false);
    expect(control.triggers.crons).toEqual(["* * * * *"]);
    // An empty list, not an absent one: deploying removes a cron the router had.
    expect(router.triggers.crons).toEqual([]);
  });

  it(
    "a router without its CONTROL binding answers control paths 503 in the admin error shape and still routes",
    async () => {
      const mf = new Miniflare({
        ...COMPATIBILITY,
        modules: true,
        scriptPath: scripts.router,
        modulesRoot: path.dirname(scripts.router),
        ...LOCAL_STORAGE,
        bindings: { ADMIN_TOKEN: TOKEN, DEV_MODE: "1", OUTCOMES_EMBEDDED: "1", SNAPSHOT_STORE: "hybrid" },
      });
      try {
        const db = await mf.getD1Database("DB");
        for (const statement of migrationStatements() as string[]) await db.prepare(statement).run();
        for (const pathName of ["/admin/api/flags", "/admin", "/admin/flags/x"]) {
          const response = await mf.dispatchFetch(`http://router.local${pathName}`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          });
          expect(response.status, pathName).toBe(503);
          const body = (await response.json()) as { error: { code: string; message: string } };
          expect(body.error.code).toBe("control_plane_unbound");
          expect(body.error.message).toMatch(/CONTROL/);
        }
        const health = await mf.dispatchFetch("http://router.local/_switchyard/healthz");
        expect(health.status).toBe(200);
        const unrouted = await mf.dispatchFetch("http://router.local/no-flag-here");
        expect(unrouted.status).toBe(404);
        await unrouted.arrayBuffer();
      } finally {
        await mf.dispose();
      }
    },
    2 * MINUTE,
  );

  it(
    "a control Worker that fails gives the client a 502 in the admin error shape, not the platform's error page",
    async () => {
      const mf = new Miniflare({
        workers: [
          {
            name: "switchyard",
            ...COMPATIBILITY,
            modules: true,
            scriptPath: scripts.router,
            modulesRoot: path.dirname(scripts.router),
            ...LOCAL_STORAGE,
            bindings: { DEV_MODE: "1", SNAPSHOT_STORE: "hybrid" },
            serviceBindings: { CONTROL: "failing-control" },
          },
          {
            name: "failing-control",
            ...COMPATIBILITY,
            modules: true,
            script: 'export default { fetch() { throw new Error("control plane down"); } };',
          },
        ],
      });
      try {
        const response = await mf.dispatchFetch("http://router.local/admin/api/flags");
        expect(response.status).toBe(502);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("control_plane_unavailable");
        expect(body.error.message).not.toMatch(/control plane down/); // nothing internal leaks
      } finally {
        await mf.dispose();
      }
    },
    2 * MINUTE,
  );
});
