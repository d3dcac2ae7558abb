// Optimistic concurrency: parallel writers on one version → exactly one
// wins, the rest get 412, and exactly one audit row exists (no lost update).
import { describe, expect, it } from "vitest";
import { auditRows, call, createFlag, createSegment, json } from "./helpers";

describe("concurrency", () => {
  it("parallel PATCHes with the same If-Match: one 200, the rest 412", async () => {
    const etag = await createFlag("c-patch");
    const attempts = Array.from({ length: 12 }, (_, i) =>
      call("PATCH", "/flags/c-patch", { body: { timeoutMs: 1000 + i }, ifMatch: etag }),
    );
    const responses = await Promise.all(attempts);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(11);
    const winner = responses.find((r) => r.status === 200)!;
    const final = await json(await call("GET", "/flags/c-patch"));
    expect(final.version).toBe(2);
    expect(final.timeoutMs).toBe((await json(winner)).timeoutMs);
    expect(
      (await auditRows()).filter((row) => row.flag_key === "c-patch" && row.action === "flag.update"),
    ).toHaveLength(1);
  });

  it("mixed writers on one flag version (rules, overrides, rollout): exactly one commits", async () => {
    const etag = await createFlag("c-mixed");
    await createSegment("c-mixed-seg");
    const responses = await Promise.all([
      call("PUT", "/flags/c-mixed/rules", {
        body: { rules: [{ id: "a", segment: "c-mixed-seg", variant: "green" }] },
        ifMatch: etag,
      }),
      call("PUT", "/flags/c-mixed/overrides/u1", { body: { variant: "green" }, ifMatch: etag }),
      call("POST", "/flags/c-mixed/overrides", {
        body: { upsert: [{ unitKey: "u2", variant: "blue" }] },
        ifMatch: etag,
      }),
      call("POST", "/flags/c-mixed/rollouts", { body: {}, ifMatch: etag }),
      call("PATCH", "/flags/c-mixed", { body: { failover: true }, ifMatch: etag }),
    ]);
    const ok = responses.filter((r) => r.status === 200 || r.status === 201);
    expect(ok).toHaveLength(1);
    expect(responses.filter((r) => r.status === 412)).toHaveLength(4);
    expect((await json(await call("GET", "/flags/c-mixed"))).version).toBe(2);
    expect((await auditRows()).filter((row) => row.flag_key === "c-mixed")).toHaveLength(2);
  });

  it("the guard itself rejects a writer whose read was already stale (no window between check and write)", async () => {
    // Two PATCHes whose If-Match both passed against version 1; only the batch guard can stop the second.
    const etag = await createFlag("c-guard");
    const [a, b] = await Promise.all([
      call("PATCH", "/flags/c-guard", { body: { description: "a" }, ifMatch: etag }),
      call("PATCH", "/flags/c-guard", { body: { description: "b" }, ifMatch: etag }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
  });
});
