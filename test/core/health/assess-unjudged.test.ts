// The judge never moves a stage on while a check it must make has too few
// answers to judge: the answer and usage guards a flag turns on itself, and
// ttfb_p95 while the control streams. Such a guard holds `answers_unjudged`
// with its figures shown; a breach elsewhere still rolls back first; a check
// that is off, or that the stage cannot measure (first-byte times of mirrored
// answers in a shadow stage), holds nothing. A shadow stage's mirrored answers
// are inspected, so its schema and prediction checks wait too. Pure inputs.
import { describe, expect, it } from "vitest";
import {
  assessHealth,
  DEFAULT_HEALTH_SETTINGS,
  EMPTY_ARM,
  type ArmWindow,
  type AssessInput,
  type GuardFigure,
} from "../../../src/core/health";
import { startRollout, type Stage } from "../../../src/core/rollout-machine";

const T0 = 1_700_000_000_000;
const serve = (percent: number): Stage => ({ mode: "serve", percent, minDurationSeconds: 600, minSamples: 200 });
const shadow: Stage = { mode: "shadow", percent: 0, minDurationSeconds: 600, minSamples: 200 };
const first = startRollout("r", [serve(50), serve(100)], 600, T0);
// Past both the stage's minimum duration and the hold time: a healthy assessment would promote here.
const last = { ...first, stageIndex: 1 };
const mirrored = startRollout("r", [shadow, serve(100)], 600, T0);

function arm(extra: Partial<ArmWindow> = {}, requests = 2000, errorRate = 0.01): ArmWindow {
  const p95 = 100;
  return {
    ...EMPTY_ARM,
    requests,
    rows: requests,
    errors: Math.round(requests * errorRate),
    p50Ms: p95 / 2,
    p95Ms: p95,
    p99Ms: p95 * 1.3,
    latencySumMs: (requests * p95) / 2,
    ...extra,
  };
}

/** Answers checked against the contract: 150 per arm is short of minInspectedSamples (200). */
const fewInspected = { inspected: 150, invalid: 0 };
const inspected = { inspected: 400, invalid: 2 };
/** Known costs around one cent: 150 is short of minUsageSamples (200). */
const costs = (n: number) => ({ costKnown: n, costSum: n * 0.01, costSumSq: n * 0.0001 * 1.1 });
const schema = { schema: true, prediction: false };
const prediction = { schema: false, prediction: true };
const usage = { ...DEFAULT_HEALTH_SETTINGS, guards: { ...DEFAULT_HEALTH_SETTINGS.guards, costPerRequestRatio: 1.5 } };
const streaming = (streamed: number, ttfbP95Ms: number | null = 200) => ({ streamed, ttfbP95Ms });

function input(overrides: Partial<AssessInput>): AssessInput {
  return {
    now: T0 + 700_000,
    rollout: first,
    scope: { kind: "rollout" },
    settings: DEFAULT_HEALTH_SETTINGS,
    green: arm(),
    blue: arm(),
    earlier: null,
    baseline: null,
    above: { green: [40, 0], control: [40, 0] },
    shadow: { pairs: 0, agreements: 0 },
    blueReady: null,
    ...overrides,
  };
}

interface Case {
  name: string;
  given: Partial<AssessInput>;
  action: string;
  reason: string;
  /** The figure the assessment must still show. */
  figure?: Partial<GuardFigure>;
}

const cases: Case[] = [
  {
    name: "schema declared, too few inspected answers, at a stage that would advance",
    given: { declares: schema, green: arm(fewInspected), blue: arm(fewInspected) },
    action: "hold",
    reason: "answers_unjudged",
    figure: { guard: "invalid_rate", status: "insufficient", green: 0, control: 0, threshold: 0.005 },
  },
  {
    name: "the same at the last stage past its hold time, which would promote",
    given: { rollout: last, declares: schema, green: arm(fewInspected), blue: arm(fewInspected) },
    action: "hold",
    reason: "answers_unjudged",
    figure: { guard: "invalid_rate", status: "insufficient" },
  },
  {
    name: "only green short of inspected answers",
    given: { declares: schema, green: arm(fewInspected), blue: arm(inspected) },
    action: "hold",
    reason: "answers_unjudged",
  },
  {
    name: "no schema declared, the same answers: nothing to wait for",
    given: { declares: { schema: false, prediction: false }, green: arm(fewInspected), blue: arm(fewInspected) },
    action: "advance",
    reason: "healthy",
    figure: { guard: "invalid_rate", status: "off" },
  },
  {
    name: "schema declared and judged ok on enough inspected answers",
    given: { declares: schema, green: arm(inspected), blue: arm(inspected) },
    action: "advance",
    reason: "healthy",
    figure: { guard: "invalid_rate", status: "ok" },
  },
  {
    name: "schema judged ok at the last stage",
    given: { rollout: last, declares: schema, green: arm(inspected), blue: arm(inspected) },
    action: "promote",
    reason: "healthy",
  },
  {
    name: "a breach elsewhere rolls back, unjudged answers or not",
    given: { declares: schema, green: arm(fewInspected, 2000, 0.1), blue: arm(fewInspected) },
    action: "rollback",
    reason: "error_rate",
    figure: { guard: "invalid_rate", status: "insufficient" },
  },
  {
    // 2.5 % errors against 1 % on 200 requests: past the threshold, unproven.
    name: "a suspect guard is named before unjudged answers",
    given: { declares: schema, green: arm(fewInspected, 200, 0.025), blue: arm(fewInspected, 200) },
    action: "hold",
    reason: "guard_inconclusive",
  },
  {
    name: "prediction path declared, control has predicted nothing yet",
    given: { declares: prediction, drift: null },
    action: "hold",
    reason: "answers_unjudged",
    figure: { guard: "prediction_drift", status: "insufficient", threshold: 0.25 },
  },
  {
    name: "prediction path declared, predictions alike on enough answers",
    given: {
      declares: prediction,
      drift: {
        categories: ["positive", "negative", "neutral"],
        control: [600, 300, 100],
        green: [600, 300, 100],
      },
    },
    action: "advance",
    reason: "healthy",
    figure: { guard: "prediction_drift", status: "ok" },
  },
  {
    name: "cost guard set, too few answers with a known cost",
    given: { settings: usage, green: arm(costs(150)), blue: arm(costs(1000)) },
    action: "hold",
    reason: "answers_unjudged",
    figure: { guard: "cost_per_request", status: "insufficient" },
  },
  {
    name: "cost guard not set, the same answers",
    given: { green: arm(costs(150)), blue: arm(costs(1000)) },
    action: "advance",
    reason: "healthy",
    figure: { guard: "cost_per_request", status: "off" },
  },
  {
    name: "cost guard set and judged ok",
    given: { settings: usage, green: arm(costs(1000)), blue: arm(costs(1000)) },
    action: "advance",
    reason: "healthy",
    figure: { guard: "cost_per_request", status: "ok" },
  },
  {
    name: "blue streams and green streams nothing: first-byte times cannot be compared",
    given: { green: arm(), blue: arm(streaming(2000)) },
    action: "hold",
    reason: "answers_unjudged",
    figure: { guard: "ttfb_p95", status: "insufficient", green: null, control: 200, threshold: 300 },
  },
  {
    name: "both stream, green's streamed answers short of the stage minimum",
    given: { green: arm(streaming(150)), blue: arm(streaming(2000)) },
    action: "hold",
    reason: "answers_unjudged",
  },
  {
    name: "only green streams: no streamed reference to wait for",
    given: { green: arm(streaming(2000)), blue: arm() },
    action: "advance",
    reason: "healthy",
    figure: { guard: "ttfb_p95", status: "insufficient", control: null },
  },
  {
    name: "both stream enough and alike",
    given: {
      green: arm(streaming(2000, 205)),
      blue: arm(streaming(2000)),
      aboveFirstByte: { green: 40, control: 40 },
    },
    action: "advance",
    reason: "healthy",
    figure: { guard: "ttfb_p95", status: "ok" },
  },
  {
    name: "shadow stage: too few mirrored answers inspected against the schema holds it",
    given: { rollout: mirrored, declares: schema, green: arm(fewInspected), blue: arm(inspected) },
    action: "hold",
    reason: "answers_unjudged",
    figure: { guard: "invalid_rate", status: "insufficient" },
  },
  {
    name: "shadow stage: control has predicted nothing yet, so green's predictions wait",
    given: { rollout: mirrored, declares: prediction, drift: null },
    action: "hold",
    reason: "answers_unjudged",
    figure: { guard: "prediction_drift", status: "insufficient" },
  },
  {
    // 30 % of 400 mirrored answers invalid against blue's 0.5 %: green never reaches a user.
    name: "shadow stage: enough mirrored answers, too many invalid, rolls back",
    given: { rollout: mirrored, declares: schema, green: arm({ inspected: 400, invalid: 120 }), blue: arm(inspected) },
    action: "rollback",
    reason: "invalid_rate",
    figure: { guard: "invalid_rate", status: "breach" },
  },
  {
    name: "shadow stage: enough mirrored answers judged ok moves on",
    given: { rollout: mirrored, declares: schema, green: arm(inspected), blue: arm(inspected) },
    action: "advance",
    reason: "healthy",
    figure: { guard: "invalid_rate", status: "ok" },
  },
  {
    name: "shadow stage: mirrored answers are never timed to a first byte, so a streaming control cannot hold it",
    given: { rollout: mirrored, green: arm(streaming(0)), blue: arm(streaming(2000)) },
    action: "advance",
    reason: "healthy",
    figure: { guard: "ttfb_p95", status: "insufficient" },
  },
  {
    name: "shadow stage: mirrors carry green's usage, so the cost guard holds it",
    given: { rollout: mirrored, settings: usage, green: arm(costs(150)), blue: arm(costs(1000)) },
    action: "hold",
    reason: "answers_unjudged",
  },
  {
    name: "segment scope with unjudged answers says so",
    given: { scope: { kind: "rule", ruleId: "eu" }, declares: schema, green: arm(fewInspected), blue: arm(inspected) },
    action: "hold",
    reason: "answers_unjudged",
  },
  {
    name: "segment scope judged ok holds healthy",
    given: { scope: { kind: "rule", ruleId: "eu" }, declares: schema, green: arm(inspected), blue: arm(inspected) },
    action: "hold",
    reason: "healthy",
  },
];

describe("assessHealth with checks that have too few answers", () => {
  it.each(cases)("$name → $action $reason", ({ given, action, reason, figure }) => {
    const assessment = assessHealth(input(given));
    expect(assessment).toMatchObject({ action, reason });
    if (figure) expect(assessment.guards.find((g) => g.guard === figure.guard)).toMatchObject(figure);
  });
});
