// Validates the served admin API document against the official OpenAPI 3.1
// JSON schema (a real validator, in Node: workerd forbids the code generation
// ajv needs). Builds the bundle, serves it with Miniflare on 127.0.0.1, GETs
// /admin/api/openapi.json and exits non-zero on any schema error.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Miniflare } from "miniflare";
import { Validator } from "@seriousme/openapi-schema-validator";
import { buildBundle, COMPATIBILITY } from "../bench/lib/harness.mjs";

const work = mkdtempSync(path.join(tmpdir(), "switchyard-openapi-"));
let mf;
try {
  const scriptPath = buildBundle(work);
  mf = new Miniflare({
    ...COMPATIBILITY,
    modules: true,
    scriptPath,
    modulesRoot: path.dirname(scriptPath),
    d1Databases: ["DB"],
    kvNamespaces: ["SNAPSHOTS"],
    analyticsEngineDatasets: { OUTCOMES: { dataset: "switchyard_outcomes" } },
  });
  const response = await mf.dispatchFetch("http://127.0.0.1/admin/api/openapi.json");
  if (response.status !== 200) throw new Error(`openapi.json answered ${response.status}`);
  const document = await response.json();
  const validator = new Validator();
  const result = await validator.validate(document);
  if (validator.version !== "3.1") throw new Error(`expected an OpenAPI 3.1 document, got ${validator.version}`);
  if (!result.valid) {
    console.error(JSON.stringify(result.errors, null, 2));
    throw new Error("openapi.json is not a valid OpenAPI 3.1 document");
  }
  console.log(`openapi.json: valid OpenAPI ${validator.version}, ${Object.keys(document.paths).length} paths`);
} catch (error) {
  console.error(`validate-openapi failed: ${error.message ?? error}`);
  process.exitCode = 1;
} finally {
  await mf?.dispose();
  rmSync(work, { recursive: true, force: true });
}
