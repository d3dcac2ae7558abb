// Decisions are readable at GET /admin/api/flags/:key/decisions (newest
// first, figures included), and blue's readiness probe is recorded on each
// decision and blocks advancing while blue is unhealthy.
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, json } from "../admin/helpers";
import { decisionsOf, drive, rolloutOf, seedHealthFlag, stage, startRollout, tick } from "./helpers";
import { installModels } from "../helpers/fake-origins";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("decisions and readiness", () => {
  it("records blue's readiness, holds with blue_not_ready, and serves decisions over the admin API", async () => {
    const models = installModels({ "health-rd.test": { failWhen: () => true } });
    await seedHealthFlag("rd", { blueHealthUrl: "https://health-rd.test/ready" });
    await startRollout("rd", "r-rd", [stage("serve", 50, 20), stage("serve", 100, 20)]);
    await drive("rd", 100);
    await tick();
    const [held] = await decisionsOf("rd");
    expect(held).toMatchObject({ action: "hold", reason: "blue_not_ready", blueReady: false });
    expect(held!.figures.readiness).toMatchObject({ ready: false, status: 500 });
    expect((await rolloutOf("r-rd")).stageIndex).toBe(0);
    models.setModel("health-rd.test", {});
    await tick();
    expect((await decisionsOf("rd")).at(-1)).toMatchObject({ action: "advance", blueReady: true });

    const response = await call("GET", "/flags/rd/decisions?limit=1");
    expect(response.status).toBe(200);
    const page = await json(response);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ action: "advance", scope: "rollout", applied: true, figures: { samples: { required: 20 } } });
    const next = await json(await call("GET", `/flags/rd/decisions?limit=5&cursor=${page.nextCursor}`));
    expect(next.items.map((d: { reason: string }) => d.reason)).toEqual(["blue_not_ready"]);
    expect((await call("GET", "/flags/nope/decisions")).status).toBe(404);
  });
});
