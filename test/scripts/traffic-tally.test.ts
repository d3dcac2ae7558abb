// `npm run demo:traffic`'s counting: a response without a variant header (a
// dev-server 503 while it reloads) is counted apart and never as a user
// changing variant; a failover is green's error, served by blue.
import { describe, expect, it } from "vitest";
import { createTally, type TallyAnswer } from "../../scripts/lib/traffic-tally.mjs";

const blue = (status = 200): TallyAnswer => ({ status, variant: "blue", failover: null });
const green = (status = 200): TallyAnswer => ({ status, variant: "green", failover: null });
const bare = (status: number): TallyAnswer => ({ status, variant: null, failover: null });
const failedOver: TallyAnswer = { status: 200, variant: "blue", failover: "green->blue" };

describe("demo:traffic tally", () => {
  it.each<[string, [string, TallyAnswer][], Record<string, unknown>]>([
    [
      "a dev-server 503 between two blue answers is no variant change",
      [
        ["u1", blue()],
        ["u1", bare(503)],
        ["u1", blue()],
      ],
      {
        usersThatChangedVariant: 0,
        usersSeen: 1,
        responsesWithoutVariant: { count: 1, byStatus: { 503: 1 } },
        stats: { blue: { ok: 2, errors: 0 } },
      },
    ],
    [
      "only answers without a variant: nobody seen",
      [
        ["u1", bare(503)],
        ["u2", bare(404)],
        ["u2", bare(503)],
      ],
      { usersThatChangedVariant: 0, usersSeen: 0, responsesWithoutVariant: { count: 3, byStatus: { 503: 2, 404: 1 } } },
    ],
    [
      "a failover keeps the green assignment and counts as green's error",
      [
        ["u2", green()],
        ["u2", failedOver],
        ["u2", green(500)],
      ],
      {
        usersThatChangedVariant: 0,
        stats: { green: { ok: 1, errors: 2, failedOverToBlue: 1 } },
        responsesWithoutVariant: { count: 0 },
      },
    ],
    [
      "a real change of variant still counts",
      [
        ["u3", blue()],
        ["u3", green()],
      ],
      { usersThatChangedVariant: 1, usersSeen: 1 },
    ],
  ])("%s", (_, answers, expected) => {
    const tally = createTally();
    for (const [user, answer] of answers) tally.record(user, answer);
    expect(tally.summary()).toMatchObject(expected);
  });

  it("counts network failures apart from answers", () => {
    const tally = createTally();
    tally.networkError();
    expect(tally.summary()).toMatchObject({ networkErrors: 1, usersSeen: 0, responsesWithoutVariant: { count: 0 } });
  });
});
