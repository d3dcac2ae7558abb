// GET /flags/{key}/series (read scope): time-bucketed served-request figures
// per variant — requests, errors, timeouts, their rates and nearest-rank p95
// — over the last `hours` (or `minutes`, for windows under an hour), in
// `bucketMinutes` buckets, for charts (dashboard, CLI). Reads the embedded outcome store (OUTCOMES_EMBEDDED=1); with only
// Analytics Engine the buckets are empty. Buckets end at the bucket boundary
// after `now`, every bucket is present (zeros, rates null when no requests).
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { VARIANTS, type Variant } from "../../core/types";
import { readFlagSeries, type SeriesPoint } from "../../store/series-repo";
import type { AdminEnv } from "../context";
import { ApiError, validationHook } from "../errors";
import { adminRoute } from "../route-def";
import { FlagParams } from "../schemas";
import { Series, type SeriesBucketView as SeriesBucket } from "../report-schemas";
import { loadFlag } from "./flags";

/** Defaults and caps in one place: 6 h in 5-minute buckets; never more than 720 buckets. */
export const SERIES_DEFAULTS = { hours: 6, bucketMinutes: 5, maxHours: 168, maxBuckets: 720 } as const;

const SeriesQuery = z
  .strictObject({
    hours: z.coerce.number().int().min(1).max(SERIES_DEFAULTS.maxHours).optional(),
    minutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(SERIES_DEFAULTS.maxHours * 60)
      .optional(),
    bucketMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
  })
  .refine((q) => q.hours === undefined || q.minutes === undefined, {
    message: "give hours or minutes, not both",
    path: ["minutes"],
  });

/** Dense per-variant arrays of `count` buckets from sparse rows (pure). */
export function fillSeries(points: SeriesPoint[], count: number): Record<Variant, SeriesBucket[]> {
  const empty = (): SeriesBucket => ({
    requests: 0,
    errors: 0,
    timeouts: 0,
    errorRate: null,
    timeoutRate: null,
    p95Ms: null,
    costPer1kUsd: null,
  });
  const out = Object.fromEntries(VARIANTS.map((v) => [v, Array.from({ length: count }, empty)])) as Record<
    Variant,
    SeriesBucket[]
  >;
  for (const point of points) {
    const slot = out[point.variant as Variant]?.[point.bucket];
    if (slot === undefined) continue;
    Object.assign(slot, {
      requests: point.requests,
      errors: point.errors,
      timeouts: point.timeouts,
      p95Ms: point.p95Ms,
      errorRate: point.requests > 0 ? point.errors / point.requests : null,
      timeoutRate: point.requests > 0 ? point.timeouts / point.requests : null,
      costPer1kUsd: point.costKnown > 0 ? (point.costUsd / point.costKnown) * 1000 : null,
    });
  }
  return out;
}

export const seriesRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

seriesRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}/series",
    scope: "read",
    tags: ["flags"],
    summary: "Time-bucketed request, error, timeout and p95 figures per variant (embedded store)",
    request: { params: FlagParams, query: SeriesQuery },
    responses: { 200: { description: "the series", content: { "application/json": { schema: Series } } } },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const query = c.req.valid("query");
    const { bucketMinutes = SERIES_DEFAULTS.bucketMinutes } = query;
    const windowMinutes = query.minutes ?? (query.hours ?? SERIES_DEFAULTS.hours) * 60;
    await loadFlag(c, key);
    const bucketMs = bucketMinutes * 60_000;
    const count = Math.ceil(windowMinutes / bucketMinutes);
    if (count > SERIES_DEFAULTS.maxBuckets)
      throw new ApiError(
        "invalid_request",
        `at most ${SERIES_DEFAULTS.maxBuckets} buckets (window minutes / bucketMinutes)`,
      );
    // Aligned to bucket boundaries so two reads a few seconds apart draw the same buckets.
    const toMs = (Math.floor(c.get("now") / bucketMs) + 1) * bucketMs;
    const fromMs = toMs - count * bucketMs;
    const points = await readFlagSeries(c.env.DB, { flagKey: key, fromMs, toMs, bucketMs });
    const buckets = Array.from({ length: count }, (_, i) => fromMs + i * bucketMs);
    return c.json({ flag: key, fromMs, toMs, bucketMs, buckets, series: fillSeries(points, count) }, 200);
  },
);
