// Browser-test harness: builds the router and the control-plane Worker exactly
// as `npm run build` would (wrangler deploy --dry-run), serves both with
// Miniflare (the router forwards the admin API and dashboard through its
// CONTROL binding, as deployed) on
// 127.0.0.1 (DEV_MODE=1, OUTCOMES_EMBEDDED=1, a bootstrap ADMIN_TOKEN, the
// loopback origin allow-list) in front of two local origins, applies the D1
// migrations and seeds a demo flag: rules, overrides, a rollout at 25 %, six
// hours of synthetic outcomes (green a little slower and, for an hour, more
// error-prone), health-loop decisions, and a few live requests.
// Contract: everything started is registered in `cleanups` and stopped by
// the caller; nothing listens beyond 127.0.0.1; no network access needed.
import { Miniflare } from "miniflare";
import { buildDeployed, deployedMiniflare, migrationStatements } from "../../bench/lib/harness.mjs";
import { startOrigin } from "../../bench/lib/origin.mjs";

export const ADMIN_TOKEN = `syk_e2e_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
export const FLAG = "demo-model";
const HOURS = 6;

/** Admin API call against the running router (Bearer, JSON). */
export function adminCall(base, method, apiPath, { body, ifMatch } = {}) {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (ifMatch) headers["if-match"] = ifMatch;
  return fetch(new URL(`/admin/api${apiPath}`, base), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function must(responsePromise, what) {
  const response = await responsePromise;
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

async function seedThroughApi(base, origins) {
  await must(
    adminCall(base, "POST", "/flags", {
      body: {
        key: FLAG,
        description: "Sentiment v1 (blue) → v2 (green)",
        route: { method: "POST", path: "/demo/predict" },
        origins: {
          blue: { url: `http://127.0.0.1:${origins.blue}` },
          green: { url: `http://127.0.0.1:${origins.green}` },
        },
        timeoutMs: 2000,
        failover: true,
        // A response contract, so the dashboard shows invalid rates and predicted labels.
        settings: {
          response: {
            schema: { type: "object", required: ["label"], properties: { label: { type: "string" } } },
            prediction: "$.label",
          },
        },
      },
    }),
    "create flag",
  );
  await must(
    adminCall(base, "POST", "/segments", {
      body: { key: "staff", constraints: [{ attribute: "header.x-staff", operator: "eq", values: ["1"] }] },
    }),
    "segment",
  );
  const etag = async () => (await must(adminCall(base, "GET", `/flags/${FLAG}`), "read flag")).headers.get("etag");
  await must(
    adminCall(base, "PUT", `/flags/${FLAG}/rules`, {
      ifMatch: await etag(),
      body: { rules: [{ id: "staff-first", segment: "staff", variant: "green" }] },
    }),
    "rules",
  );
  await must(
    adminCall(base, "POST", `/flags/${FLAG}/overrides`, {
      ifMatch: await etag(),
      body: {
        upsert: [
          { unitKey: "qa-alice", variant: "green" },
          { unitKey: "acme-1", variant: "blue" },
        ],
      },
    }),
    "overrides",
  );
  const stages = [
    { mode: "shadow", percent: 0, minDurationSeconds: 600, minSamples: 200 },
    { mode: "serve", percent: 5, minDurationSeconds: 600, minSamples: 500 },
    { mode: "serve", percent: 25, minDurationSeconds: 900, minSamples: 1000 },
    { mode: "serve", percent: 100, minDurationSeconds: 900, minSamples: 1000 },
  ];
  await must(
    adminCall(base, "POST", `/flags/${FLAG}/rollouts`, { ifMatch: await etag(), body: { stages } }),
    "rollout",
  );
  for (let i = 0; i < 2; i++) {
    const current = await must(adminCall(base, "GET", `/flags/${FLAG}/rollouts/current`), "rollout read");
    await must(
      adminCall(base, "POST", `/flags/${FLAG}/rollouts/current/advance`, { ifMatch: current.headers.get("etag") }),
      "advance",
    );
  }
  return (await (await adminCall(base, "GET", `/flags/${FLAG}/rollouts/current`)).json()).id;
}

/** Six hours of minute-by-minute outcomes: deterministic, so screenshots are comparable. */
async function seedHistory(db, rolloutId, now) {
  const rows = [];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  // Answers draw from their own sequence, so the charts stay as they were.
  let answerSeed = 11;
  const answerRand = () => (answerSeed = (answerSeed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const answer = (variant) => {
    const [invalidRate, positive, negative] = variant === "blue" ? [0.004, 0.55, 0.35] : [0.015, 0.5, 0.36];
    const invalid = answerRand() < invalidRate;
    const draw = answerRand();
    const label = draw < positive ? "positive" : draw < positive + negative ? "negative" : "neutral";
    return `'${invalid ? "invalid" : "valid"}', '${label}'`;
  };
  for (let minute = HOURS * 60; minute > 0; minute--) {
    const ts = now - minute * 60_000;
    const greenShare = minute > 240 ? 0.05 : 0.25;
    const incident = minute < 150 && minute > 100; // a bump the charts should show
    for (let i = 0; i < 12; i++) {
      const variant = rand() < greenShare ? "green" : "blue";
      const latency = (variant === "blue" ? 85 : 105) + rand() * 40 + (rand() < 0.02 ? 300 : 0);
      const error = rand() < (variant === "green" ? (incident ? 0.12 : 0.015) : 0.01) ? 1 : 0;
      const timeout = !error && rand() < 0.003 ? 1 : 0;
      const stage = greenShare === 0.05 ? "serve:5" : "serve:25";
      rows.push(
        `(${ts + i * 4_000}, 'hist-${minute}-${i}', '${FLAG}', '${rolloutId}', '${variant}', 'SPLIT', '${stage}', ${error ? 503 : 200}, ${latency.toFixed(1)}, ${error}, ${timeout}, 'LOC', 'served', ${answer(variant)})`,
      );
    }
  }
  // Multi-row literals (every value is a number or an identifier generated
  // here, never input): a few statements instead of thousands of proxied binds.
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .prepare(`INSERT INTO outcomes (ts, request_id, flag_key, rollout_id, variant, reason, stage, status, latency_ms, error, timeout, colo, kind, inspection, predicted_label)
      VALUES ${rows.slice(i, i + 500).join(",")}`)
      .run();
  }
}

async function seedDecisions(db, rolloutId, now) {
  const insert =
    db.prepare(`INSERT INTO decisions (at, flag_key, rollout_id, scope, action, reason, stage_index, rollout_version, applied, blue_ready, figures)
    VALUES (?1, ?2, ?3, 'rollout', ?4, ?5, ?6, ?7, 1, NULL, ?8)`);
  const figures = (action, reason, stageIndex, green, control, guards) =>
    JSON.stringify({
      action,
      reason,
      stageIndex,
      control: "concurrent",
      samples: { green, control, required: [200, 500, 1000, 1000][stageIndex] },
      elapsedSeconds: 700,
      alphaPerGuard: 0.0125,
      guards: guards.map(([guard, status, g, c, t]) => ({
        guard,
        status,
        green: g,
        control: c,
        threshold: t,
        pValue: null,
        interval: null,
        evidence: null,
      })),
    });
  const list = [
    [
      now - 300 * 60_000,
      "advance",
      "healthy",
      0,
      1,
      figures("advance", "healthy", 0, 240, 240, [["shadow_agreement", "ok", 0.93, null, 0.85]]),
    ],
    [
      now - 240 * 60_000,
      "advance",
      "healthy",
      1,
      2,
      figures("advance", "healthy", 1, 640, 11800, [
        ["error_rate", "ok", 0.014, 0.01, 0.03],
        ["latency_p95", "ok", 142, 121, 182],
      ]),
    ],
    [
      now - 120 * 60_000,
      "hold",
      "guard_inconclusive",
      2,
      3,
      figures("hold", "guard_inconclusive", 2, 410, 1230, [
        ["error_rate", "suspect", 0.11, 0.01, 0.03],
        ["latency_p95", "ok", 139, 120, 180],
      ]),
    ],
    [now - 60_000, "hold", "insufficient_samples", 2, 3, figures("hold", "insufficient_samples", 2, 820, 2460, [])],
  ];
  await db.batch(
    list.map(([at, action, reason, stage, version, fig]) =>
      insert.bind(at, FLAG, rolloutId, action, reason, stage, version, fig),
    ),
  );
}

/** The API wrote the rollout's start and advances just now; move them to
 *  where the synthetic history puts them, so the timeline reads like a real one. */
async function backdateRollout(db, rolloutId, now) {
  const ago = (minutes) => now - minutes * 60_000;
  await db
    .prepare("UPDATE rollouts SET created_at = ?1, stage_started_at = ?2 WHERE id = ?3")
    .bind(ago(360), ago(240), rolloutId)
    .run();
  const { results } = await db
    .prepare("SELECT id FROM audit_log WHERE resource_id = ?1 ORDER BY id")
    .bind(rolloutId)
    .all();
  const times = [ago(360), ago(300), ago(240)]; // start, advance to 5 %, advance to 25 %
  for (const [i, row] of results.entries())
    await db
      .prepare("UPDATE audit_log SET at = ?1 WHERE id = ?2")
      .bind(times[i] ?? now, row.id)
      .run();
}

export async function startRouter(workdir, cleanups) {
  const blue = await startOrigin("sentiment-v1");
  cleanups.push(blue.close);
  const green = await startOrigin("sentiment-v2");
  cleanups.push(green.close);
  const mf = new Miniflare(
    deployedMiniflare(buildDeployed(workdir), {
      SNAPSHOT_STORE: "hybrid",
      VERSION_PROBE_SECONDS: "1",
      OUTCOMES_EMBEDDED: "1",
      DEV_MODE: "1",
      ADMIN_TOKEN,
      ORIGIN_ALLOWLIST: "127.0.0.1,localhost",
    }),
  );
  cleanups.push(() => mf.dispose());
  const base = await mf.ready;
  const db = await mf.getD1Database("DB");
  for (const statement of migrationStatements()) await db.prepare(statement).run();
  const rolloutId = await seedThroughApi(base, { blue: blue.port, green: green.port });
  const now = Date.now();
  await seedHistory(db, rolloutId, now);
  await seedDecisions(db, rolloutId, now);
  await backdateRollout(db, rolloutId, now);
  for (let i = 0; i < 30; i++) {
    const response = await fetch(new URL("/demo/predict", base), {
      method: "POST",
      headers: { "x-user-id": `live-${i}` },
      body: '{"text":"great"}',
    });
    await response.arrayBuffer();
  }
  return { base, db };
}
