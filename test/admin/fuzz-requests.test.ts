// Property test over the parts of a request other than the body: path
// parameters, query strings and headers, across read and write routes.
// Whatever arrives, the admin API answers with a non-5xx status, uses the
// one error shape for every 4xx, and a rejected write changes nothing.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createFlag, createSegment, dbFingerprint } from "./helpers";

const RUNS = 1_500;

const hostileSegment = fc
  .oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ maxLength: 8, unit: "binary" }),
    fc.constantFrom(
      "..",
      ".",
      "%2e%2e",
      "%00",
      "a%2Fb",
      "😀",
      "x".repeat(300),
      "__proto__",
      "constructor",
      "fz-read",
      "",
      " ",
    ),
  )
  .map((text) => encodeURIComponent(text).replace(/%25/g, "%"));

const query = fc
  .dictionary(
    fc.constantFrom(
      "limit",
      "cursor",
      "since",
      "flag",
      "actor",
      "unit",
      "examples",
      "hours",
      "x",
      "attr.cf.country",
      "attr.__proto__",
    ),
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer().map(String),
      fc.constantFrom("-1", "1e309", "NaN", "99999999999", "", "0x10"),
    ),
    { maxKeys: 4 },
  )
  .map((entries) => new URLSearchParams(entries).toString());

const headers = fc.record(
  {
    "if-match": fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('"flag-0"', '"flag-999"', "*", 'W/"flag-0"', '"segment-999"'),
    ),
    "content-type": fc.constantFrom(
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=latin1",
      "",
    ),
    "x-request-id": fc.string({ maxLength: 40 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
  },
  { requiredKeys: [] },
);

const routes = [
  ["GET", (k: string) => `/flags/${k}`],
  ["GET", (k: string) => `/flags/${k}/overrides`],
  ["GET", (k: string) => `/flags/${k}/evaluate`],
  ["GET", (k: string) => `/flags/${k}/rollouts/current`],
  ["GET", (k: string) => `/flags/${k}/shadow`],
  ["GET", (k: string) => `/segments/${k}`],
  ["GET", () => `/audit`],
  ["GET", () => `/flags`],
  ["PATCH", (k: string) => `/flags/${k}`],
  ["DELETE", (k: string) => `/flags/${k}`],
  ["PUT", (k: string) => `/flags/fz-read/overrides/${k}`],
  ["DELETE", (k: string) => `/flags/fz-read/overrides/${k}`],
  ["POST", (k: string) => `/flags/${k}/kill`],
  ["POST", (k: string) => `/flags/${k}/rollouts/current/advance`],
  ["DELETE", (k: string) => `/segments/${k}`],
  ["DELETE", (k: string) => `/tokens/${k}`],
] as const;

describe("hostile params, query strings and headers", () => {
  beforeAll(async () => {
    await createFlag("fz-read");
    await createSegment("fz-read-seg");
  });

  it(`${RUNS} random requests across ${routes.length} routes: never 5xx, always the error shape, no write on rejection`, async () => {
    const before = await dbFingerprint();
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        hostileSegment,
        query,
        headers,
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 60 })),
        async ([method, path], segment, search, extra, raw) => {
          // Never a current If-Match ("flag-1"/"segment-1" are the live versions here), so no write may land.
          const response = await call(method, `${path(segment)}${search ? `?${search}` : ""}`, {
            headers: extra,
            raw: method === "GET" ? undefined : raw,
          });
          const label = `${method} ${path(segment)}?${search} ${JSON.stringify(extra)} ${raw}`;
          expect(response.status, label).toBeLessThan(500);
          if (response.status >= 400) {
            rejected++;
            const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof body.error?.code, label).toBe("string");
            expect(typeof body.error?.message, label).toBe("string");
          } else {
            expect(method, label).toBe("GET");
            await response.arrayBuffer();
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(rejected).toBeGreaterThan(RUNS / 2);
    expect(await dbFingerprint()).toEqual(before);
  }, 180_000);
});
