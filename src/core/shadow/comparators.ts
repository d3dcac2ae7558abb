// Shadow comparators: decide whether green's answer agrees with blue's.
// Compiled once per snapshot from a ComparatorSpec; a compiled comparator is
// total — malformed JSON, missing fields or wrong types are a disagreement
// with a reason, never an exception.
import { assembleAnswerText } from "../llm/assemble-text";
import { parseJsonPath, pathMatches, readPath, type PathStep } from "./json-path";
import { textSimilarity } from "./text-similarity";

export type ComparatorSpec =
  | { kind: "exact" }
  | { kind: "json"; absTolerance?: number; relTolerance?: number; ignorePaths?: string[] }
  | { kind: "label"; path: string }
  | { kind: "numeric"; path: string; absTolerance?: number; relTolerance?: number }
  | { kind: "topk"; path: string; k: number; minOverlap: number; idField?: string }
  /** Generated text (chat completions, streamed or whole): similar enough at or above `minSimilarity`. */
  | { kind: "text"; minSimilarity?: number };

/** A paraphrase keeping most content words clears this; a different answer on the same topic does not. */
export const DEFAULT_TEXT_MIN_SIMILARITY = 0.6;

export interface Comparison {
  agree: boolean;
  /** 0..1: how alike the answers are (1 = identical for this comparator). */
  similarity: number;
  /** snake_case why (agree or not), e.g. "equal", "label_mismatch", "green_invalid_json". */
  reason: string;
}

export type Comparator = (blue: string, green: string) => Comparison;

/**
 * Deep JSON equality of the whole bodies, numbers within a small tolerance,
 * ignoring nothing. A field that differs on every answer by design — the model
 * version (`$.model_version`), a timestamp, a request or trace id — makes every
 * pair disagree, so agreement reads 0 %: list such fields in `ignorePaths`
 * (e.g. `["$.model_version", "$.items[*].ts"]`), or compare only the prediction
 * with `{ kind: "label", path: "$.label" }` or `numeric`.
 */
export const DEFAULT_COMPARATOR: ComparatorSpec = {
  kind: "json",
  absTolerance: 1e-6,
  relTolerance: 1e-3,
  ignorePaths: [],
};

const verdict = (agree: boolean, similarity: number, reason: string): Comparison => ({ agree, similarity, reason });

function parseBoth(blue: string, green: string): { blue: unknown; green: unknown } | Comparison {
  let parsedBlue: unknown;
  try {
    parsedBlue = JSON.parse(blue);
  } catch {
    return verdict(false, 0, "blue_invalid_json");
  }
  try {
    return { blue: parsedBlue, green: JSON.parse(green) };
  } catch {
    return verdict(false, 0, "green_invalid_json");
  }
}

/** Absorbs binary rounding so a difference of exactly the tolerance (0.51 − 0.5 vs 0.01) counts as inside. */
const ROUNDING_SLACK = 1e-12;

function withinTolerance(a: number, b: number, absTolerance: number, relTolerance: number): boolean {
  const diff = Math.abs(a - b);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return (
    diff <= absTolerance + ROUNDING_SLACK * Math.max(scale, 1) || diff <= relTolerance * scale * (1 + ROUNDING_SLACK)
  );
}

interface LeafCount {
  equal: number;
  total: number;
}

/** Walks both trees, counting leaves and equal leaves; ignored locations count as neither. */
function compareTrees(
  a: unknown,
  b: unknown,
  location: (string | number)[],
  ignore: PathStep[][],
  tol: [number, number],
  count: LeafCount,
): void {
  if (ignore.some((pattern) => pathMatches(pattern, location))) return;
  if (typeof a === "number" && typeof b === "number") {
    count.total++;
    if (withinTolerance(a, b, tol[0], tol[1])) count.equal++;
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    if (length === 0) {
      count.total++;
      count.equal++;
    }
    for (let i = 0; i < length; i++) compareTrees(a[i], b[i], [...location, i], ignore, tol, count);
    return;
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    if (keys.size === 0) {
      count.total++;
      count.equal++;
    }
    for (const key of keys) compareTrees(a[key], b[key], [...location, key], ignore, tol, count);
    return;
  }
  count.total++;
  if (a === b) count.equal++;
}

function compileJson(spec: Extract<ComparatorSpec, { kind: "json" }>): Comparator | string {
  const ignore: PathStep[][] = [];
  for (const path of spec.ignorePaths ?? []) {
    const steps = parseJsonPath(path);
    if (typeof steps === "string") return steps;
    ignore.push(steps);
  }
  const tol: [number, number] = [spec.absTolerance ?? 0, spec.relTolerance ?? 0];
  return (blue, green) => {
    const parsed = parseBoth(blue, green);
    if ("agree" in parsed) return parsed;
    const count: LeafCount = { equal: 0, total: 0 };
    compareTrees(parsed.blue, parsed.green, [], ignore, tol, count);
    const similarity = count.total === 0 ? 1 : count.equal / count.total;
    return similarity === 1 ? verdict(true, 1, "equal") : verdict(false, similarity, "json_mismatch");
  };
}

function compileAtPath(path: string, judge: (blue: unknown, green: unknown) => Comparison): Comparator | string {
  const steps = parseJsonPath(path);
  if (typeof steps === "string") return steps;
  return (blue, green) => {
    const parsed = parseBoth(blue, green);
    if ("agree" in parsed) return parsed;
    const [a, b] = [readPath(parsed.blue, steps), readPath(parsed.green, steps)];
    if (a === undefined) return verdict(false, 0, "blue_field_missing");
    if (b === undefined) return verdict(false, 0, "green_field_missing");
    return judge(a, b);
  };
}

function topkIds(list: unknown[], k: number, idField: string | undefined): string[] {
  return list
    .slice(0, k)
    .map((item) =>
      JSON.stringify(
        idField && typeof item === "object" && item !== null ? (item as Record<string, unknown>)[idField] : item,
      ),
    );
}

/** Compiles a comparator, or returns a message saying why the spec is invalid. */
export function compileComparator(spec: ComparatorSpec): Comparator | string {
  switch (spec.kind) {
    case "exact":
      return (blue, green) => (blue === green ? verdict(true, 1, "equal") : verdict(false, 0, "bytes_differ"));
    case "json":
      return compileJson(spec);
    case "label":
      return compileAtPath(spec.path, (a, b) =>
        JSON.stringify(a) === JSON.stringify(b) ? verdict(true, 1, "equal") : verdict(false, 0, "label_mismatch"),
      );
    case "numeric":
      return compileAtPath(spec.path, (a, b) => {
        if (typeof a !== "number" || typeof b !== "number") return verdict(false, 0, "not_a_number");
        const scale = Math.max(Math.abs(a), Math.abs(b), Number.EPSILON);
        const similarity = Math.max(0, 1 - Math.abs(a - b) / scale);
        return withinTolerance(a, b, spec.absTolerance ?? 0, spec.relTolerance ?? 0)
          ? verdict(true, similarity, "within_tolerance")
          : verdict(false, similarity, "numeric_mismatch");
      });
    case "topk": {
      if (!Number.isInteger(spec.k) || spec.k < 1) return "k must be a positive integer";
      if (!(spec.minOverlap >= 0 && spec.minOverlap <= 1)) return "minOverlap must be 0..1";
      return compileAtPath(spec.path, (a, b) => {
        if (!Array.isArray(a) || !Array.isArray(b)) return verdict(false, 0, "not_a_list");
        const blueIds = new Set(topkIds(a, spec.k, spec.idField));
        const overlap = topkIds(b, spec.k, spec.idField).filter((id) => blueIds.has(id)).length / spec.k;
        return overlap >= spec.minOverlap
          ? verdict(true, overlap, "overlap_ok")
          : verdict(false, overlap, "overlap_low");
      });
    }
    case "text": {
      const min = spec.minSimilarity ?? DEFAULT_TEXT_MIN_SIMILARITY;
      if (!(min >= 0 && min <= 1)) return "minSimilarity must be 0..1";
      return (blue, green) => {
        const [a, b] = [assembleAnswerText(blue), assembleAnswerText(green)];
        if (a === b) return verdict(true, 1, "equal");
        const similarity = textSimilarity(a, b);
        return similarity >= min
          ? verdict(true, similarity, "text_similar")
          : verdict(false, similarity, "text_differs");
      };
    }
    default:
      return `unknown comparator "${(spec as { kind: unknown }).kind}"`;
  }
}
